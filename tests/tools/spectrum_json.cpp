// Reads square real matrices from stdin (each: n, then n*n numbers row by row) and prints, one
// JSON line per matrix, what npdesweep stores of its spectrum (numerics/spectrum.hpp), for
// check_spectrum.py to compare with an independent computation in numpy.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "numerics/spectrum.hpp"

int main() {
  long n;
  while (std::cin >> n) {
    Eigen::MatrixXd a(n, n);
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j) std::cin >> a(i, j);
    if (!std::cin) return 2;
    const npde::Spectrum s = npde::analyse_spectrum(a);
    nlohmann::json out;
    for (long i = 0; i < n; ++i) {
      out["re"].push_back(s.eigenvalues[i].real());
      out["im"].push_back(s.eigenvalues[i].imag());
      out["kappa"].push_back(s.condition[i]);
    }
    out["norm"] = s.norm;
    out["sigma_min"] = s.sigma_min;
    out["log_abs_det"] = std::isnan(s.log_abs_det) ? nlohmann::json() : nlohmann::json(s.log_abs_det);
    out["rounding_set"] = s.rounding_set;
    for (double r : s.pseudospectral_radius) out["pseudospectral_radius"].push_back(r);
    for (double e : npde::kPseudospectralEpsilons) out["epsilons"].push_back(e);
    std::cout << out.dump() << "\n";
  }
  return 0;
}
