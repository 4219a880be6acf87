// Time integrators: RK4 order and stability region, the Dormand-Prince tableau and tolerance,
// and the RK4 tangent and adjoint steps against finite differences and each other.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "numerics/dormand_prince.hpp"
#include "numerics/rk4.hpp"

using namespace npde;

namespace {

// u' = A u with A = [[a, -b], [b, a]]: exact solution is a rotation times exp(a t).
const double kA = -0.5, kB = 2.0;
void linear_rhs(const Vector& y, Vector& k) {
  k[0] = kA * y[0] - kB * y[1];
  k[1] = kB * y[0] + kA * y[1];
}
Vector linear_exact(double t) {
  Vector u(2);
  u << std::exp(kA * t) * std::cos(kB * t), std::exp(kA * t) * std::sin(kB * t);
  return u;
}

double rk4_error(int steps) {
  Vector u = linear_exact(0);
  Rk4Workspace w(2);
  auto rhs = [](int, const Vector& y, Vector& k) { linear_rhs(y, k); };
  for (int i = 0; i < steps; ++i) rk4_step(rhs, 2.0 / steps, u, w);
  return (u - linear_exact(2.0)).norm();
}

// A small nonlinear system for derivative checks: f(y) = [y1 y2, sin(y0), -y0^2 + y2].
void nonlinear_rhs(const Vector& y, Vector& k) {
  k[0] = y[1] * y[2];
  k[1] = std::sin(y[0]);
  k[2] = -y[0] * y[0] + y[2];
}
Matrix nonlinear_jacobian(const Vector& y) {
  Matrix j(3, 3);
  j << 0, y[2], y[1], std::cos(y[0]), 0, 0, -2 * y[0], 0, 1;
  return j;
}

// One RK4 tangent step of the nonlinear system from u: advances u and returns du'/du.
Matrix tangent_step_jacobian(Vector& u, double h) {
  auto tangent = [](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) {
    nonlinear_rhs(y, k);
    K = nonlinear_jacobian(y) * Y;
  };
  Matrix J = Matrix::Identity(3, 3);
  Rk4Workspace w(3, 3);
  rk4_tangent_step(tangent, h, u, J, w);
  return J;
}

}  // namespace

TEST_CASE("RK4 converges with global order 4 on a linear problem", "[numerics][rk4]") {
  const double e1 = rk4_error(50), e2 = rk4_error(100), e3 = rk4_error(200);
  CHECK(std::log2(e1 / e2) == Approx(4.0).margin(0.1));
  CHECK(std::log2(e2 / e3) == Approx(4.0).margin(0.1));
}

TEST_CASE("The half-disk used by the substep rule lies in RK4's stability region", "[numerics][rk4]") {
  for (int i = 0; i <= 400; ++i)
    for (int j = 0; j <= 100; ++j) {
      const double angle = M_PI / 2 + M_PI * i / 400.0;  // Re z <= 0
      const std::complex<double> z = std::polar(kRk4StableRadius * j / 100.0, angle);
      REQUIRE(std::abs(rk4_amplification(z)) <= 1.0 + 1e-12);
    }
  // and the bound is not loose beyond reason: slightly outside the real-axis limit is unstable
  CHECK(std::abs(rk4_amplification(-2.8)) > 1.0);
}

TEST_CASE("Dormand-Prince tableau is consistent and of order 5", "[numerics][dopri5]") {
  const Dopri5Tableau& t = dopri5_tableau();
  for (int s = 0; s < 7; ++s) {
    double row = 0;
    for (int j = 0; j < 6; ++j) row += t.a[s][j];
    CHECK(row == Approx(t.c[s]).margin(1e-14));
  }
  for (int q = 1; q <= 5; ++q) {  // quadrature conditions sum b c^(q-1) = 1/q
    double sb = 0, sbh = 0;
    for (int s = 0; s < 7; ++s) {
      sb += t.b[s] * std::pow(t.c[s], q - 1);
      sbh += t.bhat[s] * std::pow(t.c[s], q - 1);
    }
    CHECK(sb == Approx(1.0 / q).margin(1e-14));
    if (q <= 4) CHECK(sbh == Approx(1.0 / q).margin(1e-14));
  }
}

TEST_CASE("The adaptive pair meets its tolerance", "[numerics][dopri5]") {
  for (double rtol : {1e-6, 1e-9, 1e-11}) {
    Eigen::VectorXd y = linear_exact(0);
    AdaptiveOptions opt;
    opt.rtol = rtol;
    opt.atol = rtol * 1e-2;
    AdaptiveStats stats;
    // many output intervals, as truth generation uses it
    for (int i = 0; i < 40; ++i) integrate_dopri5(linear_rhs, i * 0.05, (i + 1) * 0.05, y, opt, stats);
    const double err = (y - linear_exact(2.0)).norm() / linear_exact(2.0).norm();
    INFO("rtol " << rtol << " error " << err << " steps " << stats.accepted);
    CHECK(err <= 10 * rtol);
    CHECK(err >= 1e-4 * rtol);  // it did not take absurdly many steps either
  }
}

TEST_CASE("RK4 tangent step equals finite differences of the step", "[numerics][rk4]") {
  Vector u(3);
  u << 0.3, -0.7, 0.5;
  const double h = 0.1;
  auto rhs = [](int, const Vector& y, Vector& k) { nonlinear_rhs(y, k); };
  Vector ut = u;
  const Matrix J = tangent_step_jacobian(ut, h);
  for (int c = 0; c < 3; ++c) {
    const double eps = 1e-6;
    Vector up = u, um = u;
    up[c] += eps;
    um[c] -= eps;
    Rk4Workspace w1(3);
    rk4_step(rhs, h, up, w1);
    rk4_step(rhs, h, um, w1);
    const Vector fd = (up - um) / (2 * eps);
    CHECK((J.col(c) - fd).norm() <= 1e-8 * fd.norm());
  }
  Vector up = u;
  Rk4Workspace w1(3);
  rk4_step(rhs, h, up, w1);
  CHECK((ut - up).norm() <= 1e-15);  // the tangent step advances the primal identically
}

TEST_CASE("RK4 adjoint step is the transpose of the tangent step", "[numerics][rk4]") {
  Vector u(3);
  u << 0.3, -0.7, 0.5;
  const double h = 0.1;
  // forward with a tape of stage inputs
  std::vector<Vector> stage_inputs(4);
  auto rhs = [&](int tape, const Vector& y, Vector& k) {
    stage_inputs[tape] = y;
    nonlinear_rhs(y, k);
  };
  Vector uf = u;
  Rk4Workspace w(3);
  rk4_step(rhs, h, uf, w, 0);
  auto vjp = [&](int tape, const Vector& kbar, Vector& ybar) {
    ybar = nonlinear_jacobian(stage_inputs[tape]).transpose() * kbar;
  };
  Vector ut = u;
  const Matrix J = tangent_step_jacobian(ut, h);

  Vector v(3), dir(3);
  v << 0.2, -1.1, 0.4;
  dir << -0.5, 0.25, 1.5;
  Vector vbar = v;
  Rk4AdjointWorkspace wa(3);
  rk4_adjoint_step(vjp, h, vbar, wa, 0);
  const double lhs = v.dot(J * dir), rhs_dot = vbar.dot(dir);
  CHECK(std::abs(lhs - rhs_dot) <= 1e-12 * std::abs(lhs));
}
