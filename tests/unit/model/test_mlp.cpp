// The network: sizes and parameter order, Glorot initialisation, forward pass by hand,
// Jacobian-vector and vector-Jacobian products (dot test, finite differences), Adam by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/activation.hpp"
#include "model/adam.hpp"
#include "model/mlp.hpp"
#include "random_vector.hpp"

using namespace npde;
using npde::testing::random_vector;

namespace {

Vector net(const Mlp& m, const Vector& theta, const Vector& x) {
  Vector hidden(m.hidden_total()), y(m.output_size());
  m.forward(theta, x.data(), hidden.data(), y.data());
  return y;
}

}  // namespace

TEST_CASE("Parameter counts match docs/science.md", "[model][mlp]") {
  CHECK(Mlp({100, 20, 20, 100}).parameter_count() == 4540);
  CHECK(Mlp({256, 20, 20, 20, 256}).parameter_count() == 11356);
}

TEST_CASE("Forward pass follows the flat parameter order W (row-major), b", "[model][mlp]") {
  Mlp m({2, 3, 2});
  Vector theta(m.parameter_count());
  // W1 (3x2) row-major, b1 (3), W2 (2x3), b2 (2)
  theta << 1, 2, 3, 4, 5, 6, 0.1, 0.2, 0.3, 1, 0, -1, 0.5, 0.5, 0.5, 0.01, -0.02;
  Vector x(2);
  x << 0.3, -0.2;
  Vector h(3);
  h << std::tanh(1 * 0.3 + 2 * -0.2 + 0.1), std::tanh(3 * 0.3 + 4 * -0.2 + 0.2), std::tanh(5 * 0.3 + 6 * -0.2 + 0.3);
  const Vector y = net(m, theta, x);
  CHECK(y[0] == Approx(h[0] - h[2] + 0.01).epsilon(1e-15));
  CHECK(y[1] == Approx(0.5 * (h[0] + h[1] + h[2]) - 0.02).epsilon(1e-15));
}

TEST_CASE("Glorot uniform initialisation: bounds, zero biases, reproducible", "[model][mlp]") {
  Mlp m({100, 20, 20, 100});
  const Vector a = m.glorot_uniform(7), b = m.glorot_uniform(7), c = m.glorot_uniform(8);
  CHECK(a == b);
  CHECK(a != c);
  for (const LayerShape& l : m.layers()) {
    const double limit = std::sqrt(6.0 / (l.in + l.out));
    const auto w = a.segment(l.weight_offset, static_cast<long>(l.in) * l.out);
    CHECK(w.cwiseAbs().maxCoeff() <= limit);
    CHECK(w.cwiseAbs().maxCoeff() > 0.9 * limit);  // the draw fills the interval
    CHECK(std::abs(w.mean()) < 0.1 * limit);
    CHECK(a.segment(l.bias_offset, l.out).isZero(0.0));
  }
}

TEST_CASE("Network JVP and VJP agree with each other and with finite differences", "[model][mlp]") {
  Mlp m({7, 5, 4, 7});
  const Vector theta = random_vector(m.parameter_count(), 1);
  const Vector x = random_vector(7, 2), xdot = random_vector(7, 3), ybar = random_vector(7, 4);
  Vector hidden(m.hidden_total()), y(7);
  m.forward(theta, x.data(), hidden.data(), y.data());

  Matrix Ydot(7, 1), w1(m.max_hidden_width(), 1), w2(m.max_hidden_width(), 1);
  m.jvp(theta, hidden.data(), xdot, Ydot, w1, w2);
  Vector delta(m.delta_total()), xbar(7);
  m.vjp_input(theta, hidden.data(), ybar.data(), delta.data(), xbar.data());

  const double lhs = ybar.dot(Ydot.col(0)), rhs = xbar.dot(xdot);
  CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs));

  const double eps = 1e-6;
  const Vector fd = (net(m, theta, x + eps * xdot) - net(m, theta, x - eps * xdot)) / (2 * eps);
  CHECK((fd - Ydot.col(0)).norm() <= 1e-8 * fd.norm());
}

TEST_CASE("Network parameter gradient agrees with finite differences", "[model][mlp]") {
  Mlp m({6, 5, 3, 6});
  const Vector theta = random_vector(m.parameter_count(), 5);
  const Vector x = random_vector(6, 6), ybar = random_vector(6, 7);
  Matrix X(6, 1), H(m.hidden_total(), 1), D(m.delta_total(), 1);
  X.col(0) = x;
  Vector y(6);
  m.forward(theta, x.data(), H.col(0).data(), y.data());
  m.vjp_input(theta, H.col(0).data(), ybar.data(), D.col(0).data(), nullptr);
  Vector grad = Vector::Zero(m.parameter_count());
  m.accumulate_parameter_gradient(X, H, D, 1, grad);
  const double eps = 1e-6;
  for (long p = 0; p < m.parameter_count(); ++p) {
    Vector tp = theta, tm = theta;
    tp[p] += eps;
    tm[p] -= eps;
    const double fd = ybar.dot(net(m, tp, x) - net(m, tm, x)) / (2 * eps);
    INFO("parameter " << p);
    CHECK(grad[p] == Approx(fd).epsilon(1e-7).margin(1e-9));
  }
}

TEST_CASE("Adam takes the bias-corrected step of docs/science.md", "[model][adam]") {
  Adam adam(2, AdamSettings{0.1});
  Vector theta(2), g(2);
  theta << 1.0, -2.0;
  g << 0.5, -4.0;
  adam.step(theta, g);
  // step 1: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps)
  CHECK(theta[0] == Approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-15));
  CHECK(theta[1] == Approx(-2.0 + 0.1 * 4.0 / (4.0 + 1e-8)).epsilon(1e-15));
  Vector g2(2);
  g2 << -1.0, 1.0;
  const double m0 = 0.9 * 0.1 * 0.5 + 0.1 * -1.0, v0 = 0.999 * 0.001 * 0.25 + 0.001 * 1.0;
  const double expected = theta[0] - 0.1 * (m0 / (1 - 0.81)) / (std::sqrt(v0 / (1 - 0.998001)) + 1e-8);
  adam.step(theta, g2);
  CHECK(theta[0] == Approx(expected).epsilon(1e-14));
}

TEST_CASE("The fast tanh is within 2 ulp of std::tanh everywhere", "[model][activation]") {
  std::vector<double> x;
  for (int e = -300; e <= 3; ++e)
    for (double m : {1.0, 1.37, 2.9, 5.5, 7.77})
      for (double s : {1.0, -1.0}) x.push_back(s * m * std::pow(10.0, e / 10.0));
  for (double v : {0.0, -0.0, 0.6249999, 0.625, 0.6250001, 18.0, 19.5, 20.0, 25.0, 1e300, -1e300}) x.push_back(v);
  std::vector<double> y = x;
  tanh_inplace(y.data(), static_cast<int>(y.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double ref = std::tanh(x[i]);
    const double ulp = std::nextafter(std::abs(ref), 2.0) - std::abs(ref);
    INFO("x = " << x[i]);
    REQUIRE(std::abs(y[i] - ref) <= 2 * ulp);
  }
  double special[3] = {INFINITY, -INFINITY, NAN};
  tanh_inplace(special, 3);
  CHECK(special[0] == 1.0);
  CHECK(special[1] == -1.0);
  CHECK(std::isnan(special[2]));
}
