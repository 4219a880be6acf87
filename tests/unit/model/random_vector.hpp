#pragma once
// A reproducible vector of values in [-1, 1) for the network tests (a fixed LCG: the same
// values with every compiler and standard library).
#include <cstdint>

#include <Eigen/Dense>

namespace npde::testing {

inline Eigen::VectorXd random_vector(long n, unsigned seed) {
  Eigen::VectorXd v(n);
  std::uint64_t s = seed * 2654435761u + 1;
  for (long i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = static_cast<double>(s >> 11) * 0x1.0p-53 * 2 - 1;
  }
  return v;
}

}  // namespace npde::testing
