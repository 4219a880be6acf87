// Time integrators: every stepper table's consistency, order of accuracy and declared stable
// half-disk; its tangent step against finite differences and its adjoint step as the exact
// transpose; the Dormand-Prince pair and the adaptive integrator's tolerance.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "numerics/dormand_prince.hpp"
#include "numerics/runge_kutta.hpp"

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

double global_error(const ButcherTable& t, int steps) {
  Vector u = linear_exact(0);
  RkWorkspace w(t, 2);
  auto rhs = [](int, const Vector& y, Vector& k) { linear_rhs(y, k); };
  for (int i = 0; i < steps; ++i) rk_step(t, rhs, 2.0 / steps, u, w);
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

// One tangent step of the nonlinear system from u: advances u and returns du'/du.
Matrix tangent_step_jacobian(const ButcherTable& t, Vector& u, double h) {
  auto tangent = [](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) {
    nonlinear_rhs(y, k);
    K = nonlinear_jacobian(y) * Y;
  };
  Matrix J = Matrix::Identity(3, 3);
  RkWorkspace w(t, 3, 3);
  rk_tangent_step(t, tangent, h, u, J, w);
  return J;
}

}  // namespace

TEST_CASE("Every stepper table is consistent: rows sum to c, weights to 1, quadrature to its order",
          "[numerics][steppers]") {
  std::vector<const ButcherTable*> all{&dopri5_pair()};
  for (const std::string& name : stepper_names()) all.push_back(&butcher_table(name));
  for (const ButcherTable* t : all) {
    INFO(t->name);
    REQUIRE(static_cast<int>(t->a.size()) == t->stages());
    for (int s = 0; s < t->stages(); ++s) {
      REQUIRE(static_cast<int>(t->a[s].size()) == s);
      double row = 0;
      for (double x : t->a[s]) row += x;
      CHECK(row == Approx(t->c[s]).margin(1e-14));
    }
    for (int q = 1; q <= t->order; ++q) {  // sum b c^(q-1) = 1/q
      double sb = 0, sbh = 0;
      for (int s = 0; s < t->stages(); ++s) {
        sb += t->b(s) * std::pow(t->c[s], q - 1);
        if (!t->embedded.empty()) sbh += t->embedded[s] * std::pow(t->c[s], q - 1);
      }
      CHECK(sb == Approx(1.0 / q).margin(1e-14));
      if (!t->embedded.empty() && q < t->order) CHECK(sbh == Approx(1.0 / q).margin(1e-14));
    }
  }
}

TEST_CASE("Every stepper converges with its order on a linear problem", "[numerics][steppers]") {
  for (const std::string& name : stepper_names()) {
    const ButcherTable& t = butcher_table(name);
    // coarse enough that the error is far above rounding for the fifth-order methods
    const int n0 = t.order >= 5 ? 40 : 50;
    const double e1 = global_error(t, n0), e2 = global_error(t, 2 * n0), e3 = global_error(t, 4 * n0);
    INFO(name << ": errors " << e1 << " " << e2 << " " << e3);
    CHECK(std::log2(e1 / e2) == Approx(t.order).margin(0.2));
    CHECK(std::log2(e2 / e3) == Approx(t.order).margin(0.2));
  }
}

TEST_CASE("The half-disk the substep rule uses lies in each stepper's stability region", "[numerics][steppers]") {
  for (const std::string& name : stepper_names()) {
    const ButcherTable& t = butcher_table(name);
    INFO(name << " radius " << t.stable_radius << " growth " << t.growth);
    double worst = 0;
    for (int i = 0; i <= 400; ++i)
      for (int j = 0; j <= 100; ++j) {
        const double angle = M_PI / 2 + M_PI * i / 400.0;  // Re z <= 0
        worst = std::max(worst, std::abs(amplification(t, std::polar(t.stable_radius * j / 100.0, angle))));
      }
    CHECK(worst <= 1.0 + t.growth + 1e-12);
    // and the radius is not loose beyond reason: 20% further out the region is left
    double outside = 0;
    for (int i = 0; i <= 400; ++i)
      outside = std::max(outside, std::abs(amplification(t, std::polar(1.2 * t.stable_radius, M_PI / 2 + M_PI * i / 400.0))));
    CHECK(outside > 1.0 + t.growth);
  }
  // RK4's is the classical polynomial
  const std::complex<double> z(-1.3, 0.7);
  CHECK(std::abs(amplification(butcher_table("rk4"), z) - (1.0 + z + z * z / 2.0 + z * z * z / 6.0 + z * z * z * z / 24.0)) <
        1e-14);
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

TEST_CASE("Every stepper's tangent step equals finite differences of the step", "[numerics][steppers]") {
  for (const std::string& name : stepper_names()) {
    const ButcherTable& t = butcher_table(name);
    INFO(name);
    Vector u(3);
    u << 0.3, -0.7, 0.5;
    const double h = 0.1;
    auto rhs = [](int, const Vector& y, Vector& k) { nonlinear_rhs(y, k); };
    Vector ut = u;
    const Matrix J = tangent_step_jacobian(t, ut, h);
    for (int c = 0; c < 3; ++c) {
      const double eps = 1e-6;
      Vector up = u, um = u;
      up[c] += eps;
      um[c] -= eps;
      RkWorkspace w1(t, 3);
      rk_step(t, rhs, h, up, w1);
      rk_step(t, rhs, h, um, w1);
      const Vector fd = (up - um) / (2 * eps);
      CHECK((J.col(c) - fd).norm() <= 1e-8 * fd.norm());
    }
    Vector up = u;
    RkWorkspace w1(t, 3);
    rk_step(t, rhs, h, up, w1);
    CHECK((ut - up).norm() <= 1e-15);  // the tangent step advances the primal identically
  }
}

TEST_CASE("Every stepper's adjoint step is the transpose of its tangent step", "[numerics][steppers]") {
  for (const std::string& name : stepper_names()) {
    const ButcherTable& t = butcher_table(name);
    INFO(name);
    Vector u(3);
    u << 0.3, -0.7, 0.5;
    const double h = 0.1;
    // forward with a tape of stage inputs
    std::vector<Vector> stage_inputs(static_cast<size_t>(t.stages()));
    auto rhs = [&](int tape, const Vector& y, Vector& k) {
      stage_inputs[tape] = y;
      nonlinear_rhs(y, k);
    };
    Vector uf = u;
    RkWorkspace w(t, 3);
    rk_step(t, rhs, h, uf, w, 0);
    auto vjp = [&](int tape, const Vector& kbar, Vector& ybar) {
      ybar = nonlinear_jacobian(stage_inputs[tape]).transpose() * kbar;
    };
    Vector ut = u;
    const Matrix J = tangent_step_jacobian(t, ut, h);
    for (int trial = 0; trial < 3; ++trial) {
      const Vector v = Vector::Random(3), dir = Vector::Random(3);
      Vector vbar = v;
      RkAdjointWorkspace wa(t, 3);
      rk_adjoint_step(t, vjp, h, vbar, wa, 0);
      const double lhs = v.dot(J * dir), rhs_dot = vbar.dot(dir);
      CHECK(std::abs(lhs - rhs_dot) <= 1e-13 * std::max(1.0, std::abs(lhs)));
    }
  }
}
