#include "numerics/fornberg.hpp"

#include <algorithm>
#include <stdexcept>

namespace npde {

std::vector<double> fornberg_weights(int derivative, const std::vector<double>& offsets) {
  const int n = static_cast<int>(offsets.size()) - 1;
  const int m = derivative;
  if (m < 0 || n < m) throw std::invalid_argument("fornberg_weights: need more offsets than the derivative order");

  // c[i][k]: weight of point i for derivative k, built up one point at a time.
  std::vector<std::vector<double>> c(n + 1, std::vector<double>(m + 1, 0.0));
  double c1 = 1.0;
  double c4 = offsets[0];
  c[0][0] = 1.0;
  for (int i = 1; i <= n; ++i) {
    const int mn = std::min(i, m);
    double c2 = 1.0;
    const double c5 = c4;
    c4 = offsets[i];
    for (int j = 0; j < i; ++j) {
      const double c3 = offsets[i] - offsets[j];
      if (c3 == 0.0) throw std::invalid_argument("fornberg_weights: offsets must be distinct");
      c2 *= c3;
      if (j == i - 1) {
        for (int k = mn; k >= 1; --k) c[i][k] = c1 * (k * c[i - 1][k - 1] - c5 * c[i - 1][k]) / c2;
        c[i][0] = -c1 * c5 * c[i - 1][0] / c2;
      }
      for (int k = mn; k >= 1; --k) c[j][k] = (c4 * c[j][k] - k * c[j][k - 1]) / c3;
      c[j][0] = c4 * c[j][0] / c3;
    }
    c1 = c2;
  }
  std::vector<double> w(n + 1);
  for (int i = 0; i <= n; ++i) w[i] = c[i][m];
  return w;
}

}  // namespace npde
