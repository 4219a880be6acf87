// Benchmark (not a test): time per training epoch and per whole experiment for the paper's
// four jobs, single-threaded, plus the achieved floating-point rate and peak memory.
//
//   build/npdesweep_bench [--gkdv-epochs N] [--repeats R] [JOB.toml ...]
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

}  // namespace

int main(int argc, char** argv) {
  int gkdv_epochs = 200;
  std::vector<std::string> jobs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--gkdv-epochs") && i + 1 < argc)
      gkdv_epochs = std::atoi(argv[++i]);
    else
      jobs.push_back(argv[i]);
  }
  if (jobs.empty())
    for (const char* j : {"burgers-expt1", "burgers-expt2", "gkdv-expt1", "gkdv-expt2"})
      jobs.push_back(std::string(NPDESWEEP_SOURCE_DIR) + "/jobs/" + j + ".toml");

  const double peak = peak_gflops();
  std::printf("single-threaded, Release; nominal peak %.1f GFLOP/s per core\n", peak);
  std::printf("%-14s %7s %6s %10s %9s %8s %9s %9s %9s %10s\n", "job", "epochs", "subst", "epoch_ms", "GFLOP/s",
              "%peak", "truth_s", "train_s", "analys_s", "total_s");
  for (const std::string& path : jobs) {
    ExperimentSpec spec = read_job_file(path);
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
