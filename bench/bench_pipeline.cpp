// Benchmark (not a test): time per training epoch and per whole experiment for the paper's
// four jobs, single-threaded, plus the achieved floating-point rate and peak memory.
//
//   build/npdesweep_bench [--gkdv-epochs N] [JOB.toml ...]
//
// Epoch times are medians over all epochs of the run; the flop count per epoch is counted from
// the operation sizes (multiply-adds of every matrix-vector product, stencil and RK4 update).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/cost_model.hpp"
#include "pipeline/experiment.hpp"
#include "spec/job_file.hpp"

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

const char* kHelp = R"(usage: npdesweep_bench [--gkdv-epochs N] [JOB.toml ...]

Runs each job (default: the paper's four in jobs/) as one single-threaded experiment and prints
the median time per training epoch, the achieved GFLOP/s against the core's nominal peak, the
truth, training and analysis times, the whole experiment's time, and the peak memory.
--gkdv-epochs N  train gKdV jobs for N epochs instead of their 10000 (default 200; -1 keeps
                 the job's own count). A benchmark, not a test: run it on a quiet machine.
)";

}  // namespace

int main(int argc, char** argv) {
  int gkdv_epochs = 200;
  std::vector<std::string> jobs;
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
  std::printf("%-14s %7s %6s %10s %9s %8s %9s %9s %9s %10s\n", "job", "epochs", "subst", "epoch_ms", "GFLOP/s",
              "%peak", "truth_s", "train_s", "analys_s", "total_s");
  for (ExperimentSpec& spec : specs) {
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
    std::printf("%-14s %7d %6d %10.4f %9.2f %7.1f%% %9.3f %9.3f %9.3f %10.3f\n", spec.name.c_str(),
                spec.training.epochs, r.substeps_model, epoch * 1e3, flops / epoch * 1e-9,
                100.0 * flops / epoch * 1e-9 / peak, r.truth_seconds, r.training_seconds, r.analysis_seconds, total);
    std::fflush(stdout);
  }
  std::printf("peak resident memory: %.1f MiB\n", peak_rss_mib());
  return 0;
}
