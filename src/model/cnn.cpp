#include "model/cnn.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/activation.hpp"
#include "model/random.hpp"

namespace npde {
namespace {

// One channel of a layer's values: n rows (grid points) by `cols` columns (stages or
// directions), inside a column-major array whose columns are `ld` apart.
using Channel = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
using ConstChannel = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

Channel channel(double* p, long ld, long cols, int n, int c) {
  return Channel(p + static_cast<long>(c) * n, n, cols, Eigen::OuterStride<>(ld));
}
ConstChannel channel(const double* p, long ld, long cols, int n, int c) {
  return ConstChannel(p + static_cast<long>(c) * n, n, cols, Eigen::OuterStride<>(ld));
}

// dst[j, :] += w src[(j + s) mod n, :] for every j: two contiguous pieces, no scratch.
void shift_add(Channel dst, const ConstChannel& src, int n, int s, double w) {
  s = ((s % n) + n) % n;
  dst.topRows(n - s).noalias() += w * src.middleRows(s, n - s);
  if (s) dst.bottomRows(s).noalias() += w * src.topRows(s);
}

// sum over j and columns of d[j, :] a[(j + s) mod n, :]
double shifted_dot(const ConstChannel& d, const ConstChannel& a, int n, int s) {
  s = ((s % n) + n) % n;
  double sum = d.topRows(n - s).cwiseProduct(a.middleRows(s, n - s)).sum();
  if (s) sum += d.bottomRows(s).cwiseProduct(a.topRows(s)).sum();
  return sum;
}

// out (c_out channels) += W * in (c_in channels), `cols` columns; `adjoint` applies W^T
// instead (out: the layer's input channels, in: its output channels).
void correlate_add(const Vector& theta, const ConvLayer& l, int n, int kernel, const double* in, long in_ld,
                   double* out, long out_ld, long cols, bool adjoint) {
  const int r = kernel / 2;
  const double* w = theta.data() + l.weight_offset;
  for (int o = 0; o < l.out; ++o)
    for (int i = 0; i < l.in; ++i)
      for (int k = 0; k < kernel; ++k) {
        const double wk = w[(static_cast<long>(o) * l.in + i) * kernel + k];
        if (adjoint)
          shift_add(channel(out, out_ld, cols, n, i), channel(in, in_ld, cols, n, o), n, r - k, wk);
        else
          shift_add(channel(out, out_ld, cols, n, o), channel(in, in_ld, cols, n, i), n, k - r, wk);
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
  return m * n_;
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

void Cnn::forward(const Vector& theta, const double* x, double* hidden, double* y) const {
  const double* in = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const ConvLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    double* out = last ? y : hidden + layers_[i + 1].activation_offset;
    for (int o = 0; o < l.out; ++o)
      Eigen::Map<Vector>(out + static_cast<long>(o) * n_, n_).setConstant(theta[l.bias_offset + o]);
    correlate_add(theta, l, n_, kernel_, in, l.in * n_, out, l.out * n_, 1, false);
    if (!last) tanh_inplace(out, l.out * n_);
    in = out;
  }
}

void Cnn::vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta,
                    double* xbar) const {
  const int last = static_cast<int>(layers_.size()) - 1;
  Eigen::Map<Vector>(delta + layers_[last].delta_offset, n_) = Eigen::Map<const Vector>(ybar, n_);
  for (int i = last; i >= 1; --i) {
    const ConvLayer& l = layers_[i];
    double* below = delta + layers_[i - 1].delta_offset;
    const long size = static_cast<long>(l.in) * n_;
    Eigen::Map<Vector>(below, size).setZero();
    correlate_add(theta, l, n_, kernel_, delta + l.delta_offset, l.out * n_, below, size, 1, true);
    const Eigen::Map<const Vector> a(hidden + l.activation_offset, size);
    Eigen::Map<Vector>(below, size).array() *= (1.0 - a.array().square());
  }
  if (xbar) {
    Eigen::Map<Vector>(xbar, n_).setZero();
    correlate_add(theta, layers_[0], n_, kernel_, delta + layers_[0].delta_offset, layers_[0].out * n_, xbar, n_, 1,
                  true);
  }
}

void Cnn::accumulate_parameter_gradient(const Matrix& X, const Matrix& H, const Matrix& D, long columns,
                                        Vector& grad) const {
  const int r = kernel_ / 2;
  for (size_t li = 0; li < layers_.size(); ++li) {
    const ConvLayer& l = layers_[li];
    const double* a = li == 0 ? X.data() : H.data() + l.activation_offset;
    const long a_ld = li == 0 ? X.rows() : H.rows();
    const double* d = D.data() + l.delta_offset;
    for (int o = 0; o < l.out; ++o) {
      const ConstChannel delta = channel(d, D.rows(), columns, n_, o);
      grad[l.bias_offset + o] += delta.sum();
      for (int i = 0; i < l.in; ++i) {
        const ConstChannel act = channel(a, a_ld, columns, n_, i);
        double* w = grad.data() + l.weight_offset + (static_cast<long>(o) * l.in + i) * kernel_;
        for (int k = 0; k < kernel_; ++k) w[k] += shifted_dot(delta, act, n_, k - r);
      }
    }
  }
}

void Cnn::jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
              Matrix& work2) const {
  const long m = Xdot.cols();
  Matrix* cur = &work1;
  Matrix* next = &work2;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const ConvLayer& l = layers_[i];
    const bool last = i + 1 == layers_.size();
    const double* in = i == 0 ? Xdot.data() : cur->data();
    const long in_ld = i == 0 ? Xdot.rows() : cur->rows();
    if (last) {
      Ydot.leftCols(m).setZero();
      correlate_add(theta, l, n_, kernel_, in, in_ld, Ydot.data(), Ydot.rows(), m, false);
      break;
    }
    auto z = next->topRows(static_cast<long>(l.out) * n_).leftCols(m);
    z.setZero();
    correlate_add(theta, l, n_, kernel_, in, in_ld, next->data(), next->rows(), m, false);
    const Eigen::Map<const Vector> a(hidden + layers_[i + 1].activation_offset, static_cast<long>(l.out) * n_);
    z.array().colwise() *= (1.0 - a.array().square());
    std::swap(cur, next);
  }
}

}  // namespace npde
