// Benchmark (not a test): time per training epoch and per whole experiment for the paper's
// four jobs, single-threaded, plus the achieved floating-point rate and peak memory.
//
//   build/npdesweep_bench [--gkdv-epochs N] [--stepper A,B] [--truth-map A,B] [JOB.toml ...]
//
// Epoch times are medians over all epochs of the run; the flop count per epoch is counted from
// the operation sizes (multiply-adds of every matrix-vector product, stencil and RK4 update).
// With several steppers or truth-map steppers each job runs once per combination, and the
// columns after the times compare each run with the job's first: a different model stepper is
// a different discrete model (its rollout error and spectral radius are reported, not hidden),
// a different truth-map stepper should give the same truth spectrum.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "model/pde_case.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/cost_model.hpp"
#include "pipeline/experiment.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/substeps.hpp"
#include "pipeline/truth.hpp"
#include "input/job_file.hpp"

using namespace npde;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

double peak_gflops() {
  // Nominal double-precision peak of one core: 2 FMA pipes x 4 doubles x 2 flops per cycle
  // (AVX2; Zen 4 runs AVX-512 at the same rate) times the clock the kernel reports.
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  double mhz = 0;
  while (std::getline(in, line))
    if (line.rfind("cpu MHz", 0) == 0) mhz = std::max(mhz, std::stod(line.substr(line.find(':') + 1)));
  return mhz * 1e-3 * 16.0;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

const char* kHelp = R"(usage: npdesweep_bench [--gkdv-epochs N] [--stepper A,B] [--truth-map A,B] [--network A,B] [JOB.toml ...]

Runs each job (default: the paper's four in jobs/) as one single-threaded experiment and prints
the median time per training epoch, the achieved GFLOP/s against the core's nominal peak, the
truth, training and analysis times, the whole experiment's time, and the peak memory.
--gkdv-epochs N    train gKdV jobs for N epochs instead of their 10000 (default 200; -1 keeps
                   the job's own count). A benchmark, not a test: run it on a quiet machine.
--stepper A,B      run each job with each model stepper (integrator.model), e.g. rk4,etdrk4
--truth-map A,B    and with each truth-map stepper (integrator.truth_map; adaptive truth only)
--network A,B      and with each closure network (network.kind: mlp, cnn; a CNN with the job's
                   network.channels and network.kernel, by default [8, 8] and 5)
Then also printed per run: the truth map's substeps and the seconds of one truth-map Jacobian
(the first test IC's), the median final rollout error, the model's largest max|lambda|, and
against the job's first run the largest change of the truth's max|lambda| and the largest
|log|det J|| of the truth map (0 for a volume-preserving flow such as gKdV's).
)";

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Seconds for one truth-map Jacobian as the run computes it (pipeline/experiment.cpp): at the
// first test IC's first analysed state, with the run's truth-map stepper and substep count.
double time_truth_map(const ExperimentSpec& spec, int substeps) {
  const KnownTerms truth = make_truth_terms(spec.pde, spec.train_stencil);
  const Vector u0 = sample_initial_condition(spec.test_ics.at(0), spec.pde.resolution, spec.pde.length);
  const int state = spec.one_shot() ? 0 : spec.jacobian_states.at(0);
  const TruthTrajectory t = generate_truth(truth, u0, spec.dt, state, spec.integrator, substeps);
  const SplitTerms map = split_for_stepper(truth, truth_map_stepper(spec));
  const auto t0 = Clock::now();
  const Matrix J = terms_flow_jacobian(map.stages, t.states.col(state), spec.dt, substeps, spec.jacobian_map_steps(), {},
                                       map.stepping);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return J.allFinite() ? s : -s;
}

}  // namespace

int main(int argc, char** argv) {
  int gkdv_epochs = 200;
  std::vector<std::string> jobs, steppers, maps, networks;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (!std::strcmp(argv[i], "--gkdv-epochs")) {
      char* end = nullptr;
      const long n = i + 1 < argc ? std::strtol(argv[i + 1], &end, 10) : 0;
      if (i + 1 >= argc || *end != '\0' || n < -1) {
        std::fprintf(stderr, "npdesweep_bench: --gkdv-epochs needs an integer >= -1 (see --help)\n");
        return 2;
      }
      gkdv_epochs = static_cast<int>(n);
      ++i;
    } else if (!std::strcmp(argv[i], "--stepper") || !std::strcmp(argv[i], "--truth-map")) {
      const bool model = !std::strcmp(argv[i], "--stepper");
      if (i + 1 >= argc) {
        std::fprintf(stderr, "npdesweep_bench: %s needs a comma-separated list of steppers (see --help)\n", argv[i]);
        return 2;
      }
      for (const std::string& name : split_list(argv[++i])) {
        if (!is_time_stepper_name(name)) {
          std::fprintf(stderr, "npdesweep_bench: unknown stepper '%s' for %s\n", name.c_str(), argv[i - 1]);
          return 2;
        }
        (model ? steppers : maps).push_back(name);
      }
    } else if (!std::strcmp(argv[i], "--network")) {
      for (const std::string& name : split_list(i + 1 < argc ? argv[++i] : "")) {
        if (name != "mlp" && name != "cnn") {
          std::fprintf(stderr, "npdesweep_bench: --network takes mlp, cnn or both (see --help), not '%s'\n", name.c_str());
          return 2;
        }
        networks.push_back(name);
      }
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr, "npdesweep_bench: unknown option %s (see --help)\n", argv[i]);
      return 2;
    } else {
      jobs.push_back(argv[i]);
    }
  }
  if (jobs.empty())
    for (const char* j : {"burgers-expt1", "burgers-expt2", "gkdv-expt1", "gkdv-expt2"})
      jobs.push_back(std::string(NPDESWEEP_SOURCE_DIR) + "/jobs/" + j + ".toml");

  std::vector<ExperimentSpec> specs;  // all read before anything runs, so bad input fails fast
  for (const std::string& path : jobs) {
    try {
      specs.push_back(read_job_file(path));
    } catch (const InputError& e) {
      std::fprintf(stderr, "npdesweep_bench: %s\n", e.what());
      return 2;
    }
  }

  const double peak = peak_gflops();
  std::printf("single-threaded, Release; nominal peak %.1f GFLOP/s per core\n", peak);
  std::printf("%-14s %-4s %-7s %-7s %6s %5s %9s %8s %6s %8s %8s %8s %8s %5s %7s %9s %9s %9s %9s\n", "job", "net", "stepper",
              "map", "epochs", "subst", "epoch_ms", "GFLOP/s", "%peak", "truth_s", "train_s", "analys_s", "total_s",
              "msub", "map_s", "roll_err", "model|l|", "d_truth|l|", "|logdet|");
  std::vector<ExperimentSpec> runs;
  for (const ExperimentSpec& job : specs)
    for (const std::string& stepper : steppers.empty() ? std::vector<std::string>{job.integrator.model.name()} : steppers)
      for (const std::string& map : maps.empty() ? std::vector<std::string>{job.integrator.truth_map.name()} : maps)
        for (const std::string& net : networks.empty() ? std::vector<std::string>{name_of(job.network_kind)} : networks) {
          ExperimentSpec spec = job;
          spec.integrator.model = Stepper::named(stepper);
          spec.integrator.truth_map = Stepper::named(map);
          spec.network_kind = kind_from_name<NetworkKind>(net);
          runs.push_back(spec);
        }
  std::string first_of_job;
  Matrix first_truth_radius;
  for (ExperimentSpec& spec : runs) {
    if (spec.pde.name == "gkdv" && gkdv_epochs >= 0) spec.training.epochs = gkdv_epochs;
    std::vector<double> epoch_seconds;
    auto last = Clock::now();
    RunOptions opt;
    opt.on_epoch = [&](int, double) {
      const auto now = Clock::now();
      epoch_seconds.push_back(std::chrono::duration<double>(now - last).count());
      last = now;
    };
    const auto t0 = Clock::now();
    // The first epoch's timer starts when training starts, not at t0: drop it.
    const ExperimentResult r = run_experiment(spec, opt);
    const double total = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!epoch_seconds.empty()) epoch_seconds.erase(epoch_seconds.begin());
    const double epoch = median(epoch_seconds);
    const double flops = epoch_flops(spec, r.substeps_model);
    if (spec.name != first_of_job) {
      first_of_job = spec.name;
      first_truth_radius = r.truth.radius;
    }
    std::vector<double> final_errors;
    for (long t = 0; t < r.rollout_error.rows(); ++t) final_errors.push_back(r.rollout_error(t, r.rollout_error.cols() - 1));
    const bool analysed = r.truth.radius.size() > 0 && r.truth.radius.size() == first_truth_radius.size();
    std::printf("%-14s %-4s %-7s %-7s %6d %5d %9.4f %8.2f %5.1f%% %8.3f %8.3f %8.3f %8.3f %5d %7.3f %9.3g %9.4g %9.2g %9.2g\n",
                spec.name.c_str(), name_of(spec.network_kind), spec.integrator.model.name().c_str(), truth_map_stepper(spec).name().c_str(), spec.training.epochs,
                r.substeps_model, epoch * 1e3, flops / epoch * 1e-9, 100.0 * flops / epoch * 1e-9 / peak,
                r.truth_seconds, r.training_seconds, r.analysis_seconds, total, r.substeps_truth,
                r.substeps_truth > 0 ? time_truth_map(spec, r.substeps_truth) : 0.0, median(final_errors),
                r.model.radius.size() ? r.model.radius.maxCoeff() : std::nan(""),
                analysed ? (r.truth.radius - first_truth_radius).cwiseAbs().maxCoeff() : std::nan(""),
                r.truth.log_abs_det.size() ? r.truth.log_abs_det.cwiseAbs().maxCoeff() : std::nan(""));
    if (r.status == CellStatus::diverged) std::printf("  (%s)\n", r.message.c_str());
    std::fflush(stdout);
  }
  std::printf("peak resident memory: %.1f MiB\n", peak_rss_mib());
  return 0;
}
