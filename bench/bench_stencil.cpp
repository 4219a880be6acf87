// Benchmark (not a test): one application of a circulant operator, direct (O(N x entries)) and
// through the FFT (O(N log N)), for the spectral third derivative and the central8 one, at
// several N: the medians that set PeriodicOperator::kFftMinEntries (docs/performance.md).
//
//   build/npdesweep_bench_stencil
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <Eigen/Dense>

#include "numerics/stencil.hpp"

using namespace npde;
using Clock = std::chrono::steady_clock;

namespace {

// Median over 21 batches of the seconds per application (each batch long enough to time).
double seconds_per_apply(const PeriodicOperator& op, int n) {
  Eigen::VectorXd u = Eigen::VectorXd::Random(n), out = Eigen::VectorXd::Zero(n);
  const int reps = std::max(20, 4000000 / (n * n + 64 * n));
  std::vector<double> t;
  for (int b = 0; b < 21; ++b) {
    const auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) op.apply_add(1e-9, u.data(), out.data());
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / reps);
  }
  std::sort(t.begin(), t.end());
  if (!out.allFinite()) std::printf("(non-finite)\n");
  return t[t.size() / 2];
}

}  // namespace

int main() {
  std::printf("%-9s %5s %8s %12s %12s %8s\n", "stencil", "N", "entries", "direct [us]", "FFT [us]", "ratio");
  for (const char* name : {"spectral", "central8"})
    for (int n : {16, 20, 24, 32, 48, 64, 128, 256, 512}) {
      const Stencil s = make_stencil(name, 3, n, 0.1);
      const double direct = seconds_per_apply(PeriodicOperator(s, n, PeriodicOperator::Form::direct), n);
      const double fft = seconds_per_apply(PeriodicOperator(s, n, PeriodicOperator::Form::fft), n);
      std::printf("%-9s %5d %8zu %12.3f %12.3f %8.2f\n", name, n, s.offsets.size(), direct * 1e6, fft * 1e6, direct / fft);
    }
  return 0;
}
