#include "model/activation.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace npde {
namespace {

constexpr int kChunk = 64;

void tanh_chunk(double* p, int n) {
  double exp_buf[kChunk];
  Eigen::Map<Eigen::ArrayXd> e(exp_buf, n);
  // exp(2|x|) capped where tanh is 1 to double precision, so the exponential never overflows
  e = (2.0 * Eigen::Map<const Eigen::ArrayXd>(p, n).abs()).min(40.0).exp();
  for (int i = 0; i < n; ++i) {
    const double x = p[i], x2 = x * x;
    const double small =
        x + x * x2 * ((-9.64399179425052238628e-1 * x2 - 9.92877231001918586564e1) * x2 - 1.61468768441708447952e3) /
                (((x2 + 1.12811678491632931402e2) * x2 + 2.23548839060100448583e3) * x2 + 4.84406305325125486048e3);
    const double large = std::copysign(1.0 - 2.0 / (exp_buf[i] + 1.0), x);
    p[i] = std::fabs(x) < 0.625 ? small : large;
  }
}

}  // namespace

void tanh_inplace(double* values, int n) {
  for (int i = 0; i < n; i += kChunk) tanh_chunk(values + i, std::min(kChunk, n - i));
}

}  // namespace npde
