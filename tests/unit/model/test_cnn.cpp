// The convolutional closure (model/cnn.hpp): sizes and parameter order, a forward pass by hand,
// a kernel set to a stencil's weights reproduces that stencil, translation equivariance, and
// the derivatives (JVP against finite differences, the VJP dot test, the parameter gradient
// against finite differences), also through model/network.hpp.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/cnn.hpp"
#include "model/network.hpp"
#include "numerics/stencil.hpp"
#include "random_vector.hpp"

using namespace npde;
using npde::testing::random_vector;

namespace {

Vector net(const Cnn& c, const Vector& theta, const Vector& x) {
  Vector hidden(c.hidden_total()), y(c.output_size());
  c.forward(theta, x.data(), hidden.data(), y.data());
  return y;
}

// x shifted by s points: (shift(x, s))_j = x_{(j + s) mod n}
Vector shifted(const Vector& x, int s) {
  const long n = x.size();
  Vector y(n);
  for (long j = 0; j < n; ++j) y[j] = x[((j + s) % n + n) % n];
  return y;
}

}  // namespace

TEST_CASE("CNN parameter count and layout: W (out x in x K, row-major), b per layer", "[model][cnn]") {
  const Cnn c(16, {4, 3}, 5);
  CHECK(c.channels() == std::vector<int>{1, 4, 3, 1});
  // 4*1*5 + 4, 3*4*5 + 3, 1*3*5 + 1
  CHECK(c.parameter_count() == 24 + 63 + 16);
  CHECK(c.hidden_total() == 16 * 7);
  CHECK(c.delta_total() == 16 * 8);
  CHECK(c.layers()[1].weight_offset == 24);
  CHECK(c.layers()[1].bias_offset == 24 + 60);
  CHECK_THROWS_AS(Cnn(16, {4}, 4), std::invalid_argument);   // even kernel
  CHECK_THROWS_AS(Cnn(4, {4}, 5), std::invalid_argument);    // wider than the grid
  const Network n = Cnn(16, {4, 3}, 5);
  CHECK(n.kind() == NetworkKind::cnn);
  CHECK(n.widths() == std::vector<int>{1, 4, 3, 1});
  CHECK(n.layout().find("W2 (3 x 4 x 5, row-major: output channel, input channel, tap), b2 (3)") != std::string::npos);
}

TEST_CASE("CNN forward pass by hand: periodic correlation, tanh, linear output", "[model][cnn]") {
  const Cnn c(4, {2}, 3);
  Vector theta(c.parameter_count());
  // W1 (2 x 1 x 3), b1 (2), W2 (1 x 2 x 3), b2 (1)
  theta << 0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.01, -0.02, 1, 2, 3, -1, 0.5, 0.25, 0.125;
  Vector x(4);
  x << 0.3, -0.2, 0.7, 0.1;
  auto at = [&](const Vector& v, int j) { return v[(j + 4) % 4]; };
  Vector a0(4), a1(4);
  for (int j = 0; j < 4; ++j) {
    a0[j] = std::tanh(0.1 * at(x, j - 1) + 0.2 * at(x, j) + 0.3 * at(x, j + 1) + 0.01);
    a1[j] = std::tanh(-0.4 * at(x, j - 1) + 0.5 * at(x, j) + 0.6 * at(x, j + 1) - 0.02);
  }
  const Vector y = net(c, theta, x);
  for (int j = 0; j < 4; ++j) {
    const double expect = 1 * at(a0, j - 1) + 2 * at(a0, j) + 3 * at(a0, j + 1) - 1 * at(a1, j - 1) +
                          0.5 * at(a1, j) + 0.25 * at(a1, j + 1) + 0.125;
    CHECK(y[j] == Approx(expect).epsilon(1e-14));
  }
}

TEST_CASE("A CNN whose kernel holds a stencil's weights is that stencil", "[model][cnn]") {
  // One linear layer (no hidden channels) of kernel width 2r + 1 with tap r + m set to the
  // stencil's weight at offset m and a zero bias: the network is the stencil's circulant
  // operator. Every catalogue stencil that fits in the kernel, derivatives 1 to 4.
  const int n = 24;
  const double dx = 2 * M_PI / n;
  const Vector u = random_vector(n, 11);
  int checked = 0;
  for (const std::string& name : stencil_names()) {
    if (name == "spectral") continue;
    for (int d = 1; d <= 4; ++d) {
      if (stencil_width(name, d) > n) continue;
      const Stencil s = make_stencil(name, d, n, dx);
      const int r = s.reach();
      const Cnn c(n, {}, 2 * r + 1);
      Vector theta = Vector::Zero(c.parameter_count());
      for (size_t i = 0; i < s.offsets.size(); ++i) theta[r + s.offsets[i]] = s.weights[i];
      const Vector expect = dense_matrix(s, n) * u;
      INFO(name << " derivative " << d);
      // The same products summed in another order: equal to rounding (a few ulp of the terms).
      const double scale = dense_matrix(s, n).cwiseAbs().rowwise().sum().maxCoeff() * u.cwiseAbs().maxCoeff();
      CHECK((net(c, theta, u) - expect).cwiseAbs().maxCoeff() <= 8e-16 * scale);
      ++checked;
    }
  }
  CHECK(checked >= 20);
}

TEST_CASE("A CNN is translation-equivariant: shifting the input shifts the output", "[model][cnn]") {
  const Cnn c(20, {5, 4}, 5);
  const Vector theta = random_vector(c.parameter_count(), 3);
  const Vector x = random_vector(20, 4);
  const Vector y = net(c, theta, x);
  for (int s : {1, 3, 7, 19}) {
    INFO("shift " << s);
    // The same operations per point; only the vectorised tails differ, so equal to rounding.
    CHECK((net(c, theta, shifted(x, s)) - shifted(y, s)).cwiseAbs().maxCoeff() <= 1e-14 * y.cwiseAbs().maxCoeff());
  }
  // A dense MLP is not: the same check fails for it (the test can tell the two apart).
  const Mlp m({20, 5, 20});
  const Vector tm = random_vector(m.parameter_count(), 5);
  Vector hidden(m.hidden_total()), ym(20), ys(20);
  m.forward(tm, x.data(), hidden.data(), ym.data());
  const Vector xs = shifted(x, 3);
  m.forward(tm, xs.data(), hidden.data(), ys.data());
  CHECK((ys - shifted(ym, 3)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("CNN JVP and VJP agree with each other and with finite differences", "[model][cnn]") {
  for (const Cnn& c : {Cnn(9, {3, 2}, 5), Cnn(7, {}, 3), Cnn(8, {4}, 7)}) {
    const int n = c.points();
    const Network net_c = c;
    const Vector theta = random_vector(c.parameter_count(), 1);
    const Vector x = random_vector(n, 2), ybar = random_vector(n, 4);
    Vector hidden(c.hidden_total()), y(n);
    c.forward(theta, x.data(), hidden.data(), y.data());

    const long m = 3;  // a block of directions
    Matrix Xdot(n, m);
    for (long k = 0; k < m; ++k) Xdot.col(k) = random_vector(n, 20 + k);
    Matrix Ydot(n, m), w1(c.max_hidden_width(), m), w2(c.max_hidden_width(), m);
    net_c.jvp(theta, hidden.data(), Xdot, Ydot, w1, w2);
    Vector delta(c.delta_total()), xbar(n);
    net_c.vjp_input(theta, hidden.data(), ybar.data(), delta.data(), xbar.data(), nullptr);

    for (long k = 0; k < m; ++k) {
      INFO("channels " << c.channels().size() << ", direction " << k);
      const double lhs = ybar.dot(Ydot.col(k)), rhs = xbar.dot(Xdot.col(k));
      CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs));  // the dot test
      const double eps = 1e-6;
      const Vector fd = (net(c, theta, x + eps * Xdot.col(k)) - net(c, theta, x - eps * Xdot.col(k))) / (2 * eps);
      CHECK((fd - Ydot.col(k)).norm() <= 1e-8 * fd.norm());
    }
  }
}

TEST_CASE("CNN parameter gradient agrees with finite differences, summed over recorded columns", "[model][cnn]") {
  const Cnn c(8, {3, 2}, 5);
  const int n = 8;
  const Vector theta = random_vector(c.parameter_count(), 5);
  const int columns = 3;
  Matrix X(n, columns), H(c.hidden_total(), columns), D(c.delta_total(), columns), Ybar(n, columns);
  Vector y(n);
  for (int s = 0; s < columns; ++s) {
    X.col(s) = random_vector(n, 6 + s);
    Ybar.col(s) = random_vector(n, 16 + s);
    c.forward(theta, X.col(s).data(), H.col(s).data(), y.data());
    c.vjp_input(theta, H.col(s).data(), Ybar.col(s).data(), D.col(s).data(), nullptr);
  }
  Vector grad = Vector::Zero(c.parameter_count());
  c.accumulate_parameter_gradient(X, H, D, columns, grad);
  const double eps = 1e-6;
  for (long p = 0; p < c.parameter_count(); ++p) {
    Vector tp = theta, tm = theta;
    tp[p] += eps;
    tm[p] -= eps;
    double fd = 0;
    for (int s = 0; s < columns; ++s)
      fd += Ybar.col(s).dot(net(c, tp, X.col(s)) - net(c, tm, X.col(s))) / (2 * eps);
    INFO("parameter " << p);
    CHECK(grad[p] == Approx(fd).epsilon(1e-7).margin(1e-9));
  }
}

TEST_CASE("CNN Glorot initialisation: fan-in and fan-out count the kernel taps, zero biases", "[model][cnn]") {
  const Cnn c(32, {8, 8}, 5);
  const Vector a = c.glorot_uniform(7), b = c.glorot_uniform(7);
  CHECK(a == b);
  for (const ConvLayer& l : c.layers()) {
    const double limit = std::sqrt(6.0 / ((l.in + l.out) * 5.0));
    const auto w = a.segment(l.weight_offset, static_cast<long>(l.in) * l.out * 5);
    CHECK(w.cwiseAbs().maxCoeff() <= limit);
    CHECK(w.cwiseAbs().maxCoeff() > 0.8 * limit);
    CHECK(a.segment(l.bias_offset, l.out).isZero(0.0));
  }
}
