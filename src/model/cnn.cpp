#include "model/cnn.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/activation.hpp"
#include "model/random.hpp"

namespace npde {
namespace {

// A layer's values at one state: c channels by n points, column-major (channel fastest).
using Values = Eigen::Map<Matrix>;
using ConstValues = Eigen::Map<const Matrix>;
// Tap k's weights W_k (c_out x c_in) in a prepared_weights vector.
ConstValues tap(const Vector& taps, const ConvLayer& l, int k) {
  return ConstValues(taps.data() + l.weight_offset + static_cast<long>(k) * l.out * l.in, l.out, l.in);
}

// z += sum_k W_k a(:, j + k - r): for each tap, the columns that do not wrap and those that do.
void correlate_add(const Vector& taps, const ConvLayer& l, int n, int kernel, const ConstValues& a, Values& z) {
  const int r = kernel / 2;
  for (int k = 0; k < kernel; ++k) {
    const int s = ((k - r) % n + n) % n;
    const ConstValues w = tap(taps, l, k);
    z.leftCols(n - s).noalias() += w * a.middleCols(s, n - s);
    if (s) z.rightCols(s).noalias() += w * a.leftCols(s);
  }
}

// The adjoint: abar(:, m) += sum_k W_k^T zbar(:, m - (k - r)).
void correlate_adjoint_add(const Vector& taps, const ConvLayer& l, int n, int kernel, const ConstValues& zbar,
                           Values& abar) {
  const int r = kernel / 2;
  for (int k = 0; k < kernel; ++k) {
    const int s = ((k - r) % n + n) % n;
    const ConstValues w = tap(taps, l, k);
    abar.rightCols(n - s).noalias() += w.transpose() * zbar.leftCols(n - s);
    if (s) abar.leftCols(s).noalias() += w.transpose() * zbar.rightCols(s);
  }
}

}  // namespace

Cnn::Cnn(int n, std::vector<int> hidden_channels, int kernel) : n_(n), kernel_(kernel) {
  if (n < 1) throw std::invalid_argument("a convolutional network needs at least one grid point");
  if (kernel < 1 || kernel % 2 == 0 || kernel > n)
    throw std::invalid_argument("the kernel width must be odd and at most N = " + std::to_string(n));
  channels_.push_back(1);
  for (int c : hidden_channels) {
    if (c <= 0) throw std::invalid_argument("channel counts must be positive");
    channels_.push_back(c);
  }
  channels_.push_back(1);
  long offset = 0;
  int act = 0, delta = 0;
  for (size_t i = 0; i + 1 < channels_.size(); ++i) {
    ConvLayer l;
    l.in = channels_[i];
    l.out = channels_[i + 1];
    l.weight_offset = offset;
    l.bias_offset = offset + static_cast<long>(l.out) * l.in * kernel;
    offset = l.bias_offset + l.out;
    l.activation_offset = i == 0 ? -1 : act;
    if (i > 0) act += l.in * n;
    l.delta_offset = delta;
    delta += l.out * n;
    layers_.push_back(l);
  }
  parameter_count_ = offset;
  hidden_total_ = act;
  delta_total_ = delta;
}

int Cnn::max_hidden_width() const {
  int m = 1;
  for (size_t i = 1; i + 1 < channels_.size(); ++i) m = std::max(m, channels_[i]);
  return m * (n_ + 2 * (kernel_ / 2));
}

Vector Cnn::glorot_uniform(std::uint64_t seed) const {
  Vector theta = Vector::Zero(parameter_count_);
  SplitMix64 rng(seed);
  for (const ConvLayer& l : layers_) {
    const double limit = std::sqrt(6.0 / ((l.in + l.out) * static_cast<double>(kernel_)));
    for (long i = 0; i < static_cast<long>(l.in) * l.out * kernel_; ++i)
      theta[l.weight_offset + i] = limit * (2.0 * rng.uniform() - 1.0);
  }
  return theta;
}

Vector Cnn::prepared_weights(const Vector& theta) const {
  Vector t = theta;
  for (const ConvLayer& l : layers_)
    for (int o = 0; o < l.out; ++o)
      for (int i = 0; i < l.in; ++i)
        for (int k = 0; k < kernel_; ++k)
          t[l.weight_offset + (static_cast<long>(k) * l.in + i) * l.out + o] =
              theta[l.weight_offset + (static_cast<long>(o) * l.in + i) * kernel_ + k];
  return t;
}

void Cnn::forward(const Vector& theta, const double* x, double* hidden, double* y, const Vector* taps) const {
  const Vector own = taps ? Vector() : prepared_weights(theta);
  const Vector& w = taps ? *taps : own;
  const double* in = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const ConvLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    double* out = last ? y : hidden + layers_[i + 1].activation_offset;
    Values z(out, l.out, n_);
    z.colwise() = theta.segment(l.bias_offset, l.out);
    correlate_add(w, l, n_, kernel_, ConstValues(in, l.in, n_), z);
    if (!last) tanh_inplace(out, l.out * n_);
    in = out;
  }
}

void Cnn::vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta, double* xbar,
                    const Vector* taps) const {
  const Vector own = taps ? Vector() : prepared_weights(theta);
  const Vector& w = taps ? *taps : own;
  const int last = static_cast<int>(layers_.size()) - 1;
  Eigen::Map<Vector>(delta + layers_[last].delta_offset, n_) = Eigen::Map<const Vector>(ybar, n_);
  for (int i = last; i >= 1; --i) {
    const ConvLayer& l = layers_[i];
    Values below(delta + layers_[i - 1].delta_offset, l.in, n_);
    below.setZero();
    correlate_adjoint_add(w, l, n_, kernel_, ConstValues(delta + l.delta_offset, l.out, n_), below);
    below.array() *= 1.0 - ConstValues(hidden + l.activation_offset, l.in, n_).array().square();
  }
  if (xbar) {
    Values x(xbar, 1, n_);
    x.setZero();
    correlate_adjoint_add(w, layers_[0], n_, kernel_, ConstValues(delta + layers_[0].delta_offset, layers_[0].out, n_),
                          x);
  }
}

void Cnn::accumulate_parameter_gradient(const Matrix& X, const Matrix& H, const Matrix& D, long columns,
                                        Vector& grad) const {
  const int r = kernel_ / 2;
  // dW[o, i, k] = sum over stages and points j of delta[o, j] a[i, j + k - r]: for tap k the
  // product delta a_shifted^T (c_out x c_in), added where W (c_out x c_in x K, row-major) keeps it.
  using Strided = Eigen::Map<Matrix, 0, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
  for (size_t li = 0; li < layers_.size(); ++li) {
    const ConvLayer& l = layers_[li];
    for (long c = 0; c < columns; ++c) {
      const ConstValues a(li == 0 ? X.col(c).data() : H.col(c).data() + l.activation_offset, l.in, n_);
      const ConstValues d(D.col(c).data() + l.delta_offset, l.out, n_);
      grad.segment(l.bias_offset, l.out) += d.rowwise().sum();
      for (int k = 0; k < kernel_; ++k) {
        const int s = ((k - r) % n_ + n_) % n_;
        Strided dw(grad.data() + l.weight_offset + k, l.out, l.in,
                   Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(kernel_, static_cast<long>(l.in) * kernel_));
        dw.noalias() += d.leftCols(n_ - s) * a.middleCols(s, n_ - s).transpose();
        if (s) dw.noalias() += d.rightCols(s) * a.leftCols(s).transpose();
      }
    }
  }
}

void Cnn::jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
              Matrix& work2, const Vector* taps) const {
  const Vector own = taps ? Vector() : prepared_weights(theta);
  const Vector& w = taps ? *taps : own;
  const long m = Xdot.cols();
  // Every direction at once: direction d's c x N values sit in c x (N + 2r) columns of a padded
  // block, r ghost columns each side holding the periodic wrap. Tap k is then one product over
  // all directions, Z(:, r + q) += W_k A(:, q + k) for every padded column q; the columns it
  // writes into ghosts are garbage that the next wrap fill overwrites.
  const int r = kernel_ / 2;
  const long padded = n_ + 2 * r, span = padded * m - 2 * r;
  if (work1.size() < max_hidden_width() * m || work2.size() < max_hidden_width() * m)
    throw std::invalid_argument("Cnn::jvp: work matrices need max_hidden_width() x directions values");
  const auto wrap = [&](double* block, int c) {  // fill each direction's ghost columns
    for (long d = 0; d < m; ++d) {
      Values v(block + d * padded * c, c, padded);
      v.leftCols(r) = v.middleCols(n_, r);
      v.rightCols(r) = v.middleCols(r, r);
    }
  };
  double* in = work2.data();
  double* out = work1.data();
  for (long d = 0; d < m; ++d) Values(in + d * padded, 1, padded).middleCols(r, n_) = Xdot.col(d).transpose();
  wrap(in, 1);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const ConvLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    Values z(out, l.out, padded * m);
    // [W_0 .. W_{K-1}] (c_out x c_in K, as prepared_weights keeps it) times the K consecutive padded
    // columns starting at each q, which are c_in K contiguous values: a strided, overlapping view.
    const ConstValues taps_all(w.data() + l.weight_offset, l.out, static_cast<long>(l.in) * kernel_);
    const Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> windows(in, static_cast<long>(l.in) * kernel_, span,
                                                                    Eigen::OuterStride<>(l.in));
    z.middleCols(r, span).noalias() = taps_all * windows;
    if (last) {
      for (long d = 0; d < m; ++d) Ydot.col(d) = z.block(0, d * padded + r, 1, n_).transpose();
    } else {
      const ConstValues act(hidden + layers_[i + 1].activation_offset, l.out, n_);
      for (long d = 0; d < m; ++d) z.middleCols(d * padded + r, n_).array() *= 1.0 - act.array().square();
      wrap(out, l.out);
    }
    std::swap(in, out);
  }
}

}  // namespace npde
