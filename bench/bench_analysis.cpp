// Benchmark (not a test): seconds of the dense analysis of one Jacobian (numerics/spectrum.hpp,
// analyse_spectrum: eigenvalues, condition numbers, singular values, two pseudospectral
// searches, and the transient growth over K powers) against the map's size n, single-threaded,
// with the n^3 constants the cost model (pipeline/cost_model.cpp) takes from it.
//
//   build/npdesweep_bench_analysis [--sizes 50,100,200,400] [--horizon K]
//
// The matrix is a one-step map of a periodic advection-diffusion stencil with a small random
// part (non-normal, eigenvalues near the unit circle, as the maps the sweeps analyse). Medians
// over repetitions; "dense" is K = 1, "per power" the extra seconds per power of K.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "numerics/spectrum.hpp"

using namespace npde;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

Eigen::MatrixXd burgers_like_map(int n) {
  std::mt19937 gen(7);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  for (int i = 0; i < n; ++i) {
    a(i, (i + 1) % n) -= 0.3;
    a(i, (i + n - 1) % n) += 0.25;
    for (int j = 0; j < n; ++j) a(i, j) += 0.01 * normal(gen);
  }
  return a;
}

double seconds_of(const Eigen::MatrixXd& a, int horizon, int repetitions) {
  std::vector<double> t;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = Clock::now();
    const Spectrum s = analyse_spectrum(a, horizon);
    t.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (!std::isfinite(s.norm)) std::printf("(non-finite norm)\n");
  }
  return median(t);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {50, 100, 200, 400};
  int horizon = 51;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--sizes") && i + 1 < argc) {
      sizes.clear();
      std::stringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) sizes.push_back(std::atoi(n.c_str()));
    } else if (!std::strcmp(argv[i], "--horizon") && i + 1 < argc) {
      horizon = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: npdesweep_bench_analysis [--sizes 50,100,200,400] [--horizon K]\n");
      return 2;
    }
  }
  std::printf("%6s  %12s  %14s  %16s  %18s\n", "n", "dense s", "dense s / n^3", "with growth s", "per power s / n^3");
  std::vector<double> dense, power, ns, seconds;
  for (int n : sizes) {
    const Eigen::MatrixXd a = burgers_like_map(n);
    const int repetitions = n <= 100 ? 15 : n <= 200 ? 5 : 3;
    const double d = seconds_of(a, 1, repetitions), g = seconds_of(a, horizon, repetitions);
    const double n3 = static_cast<double>(n) * n * n;
    dense.push_back(d / n3);
    power.push_back((g - d) / (horizon - 1) / n3);
    ns.push_back(n);
    seconds.push_back(d);
    std::printf("%6d  %12.4g  %14.3g  %16.4g  %18.3g\n", n, d, d / n3, g, (g - d) / (horizon - 1) / n3);
  }
  // dense = a n^3 + b n^2 by least squares relative to each size's time (the n^2 parts, the
  // pseudospectral searches' factorisations, matter at small n)
  double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
  for (size_t k = 0; k < ns.size(); ++k) {
    const double w = 1.0 / seconds[k], x1 = ns[k] * ns[k] * ns[k] * w, x2 = ns[k] * ns[k] * w;
    s11 += x1 * x1, s12 += x1 * x2, s22 += x2 * x2, r1 += x1, r2 += x2;  // target: 1 (= seconds * w)
  }
  const double det = s11 * s22 - s12 * s12;
  const double a = det != 0 ? (r1 * s22 - r2 * s12) / det : median(dense), b = det != 0 ? (s11 * r2 - s12 * r1) / det : 0;
  std::printf("fit: dense = %.3g n^3 + %.3g n^2 s; per power %.3g s / n^3 (median) (pipeline/cost_model.cpp: "
              "kDenseSecondsPerN3, kDenseSecondsPerN2, kPowerSecondsPerN3)\n",
              a, b, median(power));
  for (size_t k = 0; k < ns.size(); ++k)
    std::printf("  n = %4.0f: fit %.4g s, measured %.4g s\n", ns[k], a * ns[k] * ns[k] * ns[k] + b * ns[k] * ns[k],
                seconds[k]);
  return 0;
}
