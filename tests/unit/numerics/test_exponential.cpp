// Exponential integrators (numerics/exponential.hpp): the phi functions against their Taylor
// series, each table's order on a problem with a stiff linear part, exactness on the linear part
// alone, reduction to RK4 when L = 0, the tangent step against finite differences and the
// adjoint step as its exact transpose (dot tests).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "model/known_terms.hpp"
#include "numerics/exponential.hpp"
#include "numerics/runge_kutta.hpp"

using namespace npde;

namespace {

constexpr double kTwoPi = 6.283185307179586;

double factorial(int k) { return k <= 1 ? 1.0 : k * factorial(k - 1); }

std::complex<double> phi_taylor(int j, std::complex<double> z) {
  std::complex<double> sum = 0.0, power = 1.0;
  for (int k = 0; k < 40; ++k) {
    sum += power / factorial(k + j);
    power *= z;
  }
  return sum;
}

// u' = L u + N(u) on 32 points of [0, 2 pi): L = 0.02 D2 - 0.1 D3 (spectral: |z| up to 410 h,
// stiff for RK4 at every h below), N(u) = -u D1 u (central4).
struct Problem {
  int n = 32;
  double dx = kTwoPi / 32;
  Stencil linear;
  KnownTerms nonlinear{32};
  explicit Problem(bool with_nonlinear = true, bool with_linear = true) {
    linear = with_linear ? combine({{0.02, make_stencil("spectral", 2, n, dx)}, {-0.1, make_stencil("spectral", 3, n, dx)}})
                         : Stencil{"zero", 1, {0}, {0.0}};
    if (with_nonlinear) nonlinear.set_advection(-1.0, make_stencil("central4", 1, n, dx));
  }
  Vector initial() const {
    Vector u(n);
    for (int j = 0; j < n; ++j) u[j] = 0.5 * std::sin(j * dx) + 0.2 * std::cos(2 * j * dx) + 0.1;
    return u;
  }
  auto rhs() const {
    return [this](int, const Vector& y, Vector& k) { nonlinear.eval(y.data(), k.data()); };
  }
  auto tangent() const {
    return [this](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) {
      nonlinear.eval(y.data(), k.data());
      nonlinear.jvp(y.data(), Y, K);
    };
  }
};

Vector integrate(const std::string& table, const Problem& p, double t, int steps) {
  ExponentialStepper stepper(exponential_table(table), p.linear, p.n, t / steps);
  Vector u = p.initial();
  for (int i = 0; i < steps; ++i) stepper.step(p.rhs(), u);
  return u;
}

}  // namespace

TEST_CASE("phi functions match their Taylor series inside the unit disk and their closed forms outside",
          "[numerics][exponential]") {
  for (int j = 0; j <= 3; ++j) {
    CHECK(std::abs(phi(j, 0.0) - 1.0 / factorial(j)) < 1e-15);
    for (std::complex<double> z : {std::complex<double>(1e-9, 0), {-1e-5, 2e-5}, {0.3, -0.2}, {-0.7, 0.6},
                                   {0.0, 0.999}, {-0.999, 0.0}, {0.5, 0.5}}) {
      INFO("phi_" << j << "(" << z << ")");
      CHECK(std::abs(phi(j, z) - phi_taylor(j, z)) <= 2e-15 * std::abs(phi_taylor(j, z)));
    }
    // either side of |z| = 1, where the evaluation switches from the contour to the closed form
    for (double angle : {0.0, 1.0, 2.0, 3.14159})
      for (double r : {1.0 - 1e-12, 1.0 + 1e-12}) {
        const auto z = std::polar(r, angle);
        INFO("phi_" << j << "(" << z << ")");
        CHECK(std::abs(phi(j, z) - phi_taylor(j, z)) <= 1e-14 * std::abs(phi_taylor(j, z)));
      }
  }
  // far out, where the closed form is exact enough: phi_1(-100) = (e^-100 - 1) / -100
  CHECK(std::abs(phi(1, -100.0) - 0.01) < 1e-16);
}

TEST_CASE("Exponential tables reduce to RK4 when the linear part is zero", "[numerics][exponential]") {
  const Problem p(true, false);
  for (const std::string& name : exponential_stepper_names()) {
    INFO(name);
    const double h = 0.05;
    ExponentialStepper stepper(exponential_table(name), p.linear, p.n, h);
    Vector u = p.initial(), v = p.initial();
    const ButcherTable& rk4 = butcher_table("rk4");
    RkWorkspace w(rk4, p.n);
    for (int i = 0; i < 10; ++i) {
      stepper.step(p.rhs(), u);
      rk_step(rk4, p.rhs(), h, v, w);
    }
    CHECK((u - v).norm() <= 1e-14 * v.norm());
  }
}

TEST_CASE("Exponential steppers are exact on the linear part alone", "[numerics][exponential]") {
  // u' = L u: each Fourier mode turns by exp(symbol t); one step of any size is exact.
  const Problem p(false, true);
  for (const std::string& name : exponential_stepper_names()) {
    INFO(name);
    const double t = 0.9;
    const Vector u = integrate(name, p, t, 3);
    Vector exact(p.n);
    const auto s1 = symbol(p.linear, p.dx), s2 = symbol(p.linear, 2 * p.dx);
    for (int j = 0; j < p.n; ++j)
      exact[j] = 0.5 * (std::exp(s1 * t) * std::exp(std::complex<double>(0, j * p.dx - kTwoPi / 4))).real() +
                 0.2 * (std::exp(s2 * t) * std::exp(std::complex<double>(0, 2 * j * p.dx))).real() + 0.1;
    CHECK((u - exact).cwiseAbs().maxCoeff() < 1e-14);
  }
}

TEST_CASE("Exponential steppers converge with order 4 on a problem with a stiff linear part",
          "[numerics][exponential]") {
  const Problem p;
  const double t = 1.0;
  for (const std::string& name : exponential_stepper_names()) {
    const Vector reference = integrate(name, p, t, 5120);
    double e[3];
    for (int i = 0; i < 3; ++i) e[i] = (integrate(name, p, t, 80 << i) - reference).norm();
    INFO(name << ": errors " << e[0] << " " << e[1] << " " << e[2]);
    CHECK(std::log2(e[0] / e[1]) == Approx(4.0).margin(0.2));
    CHECK(std::log2(e[1] / e[2]) == Approx(4.0).margin(0.2));
    // and RK4 could not even take these steps: h |z| is up to 410 h = 5 at the coarsest
    CHECK(t / 80 * spectral_radius(p.linear, p.n) > 2.8);
  }
}

TEST_CASE("Exponential tangent steps equal finite differences, adjoint steps are their transpose",
          "[numerics][exponential]") {
  const Problem p;
  const double h = 0.04;
  const Vector u0 = p.initial();
  Vector v(p.n), w(p.n);
  for (int j = 0; j < p.n; ++j) {
    v[j] = std::cos(3.0 * j + 1.0);
    w[j] = std::sin(5.0 * j * j + 2.0);
  }
  for (const std::string& name : exponential_stepper_names()) {
    INFO(name);
    const ExponentialTable& table = exponential_table(name);
    // J v by the tangent step (one direction), and the whole J (N directions)
    ExponentialStepper one(table, p.linear, p.n, h, 1), all(table, p.linear, p.n, h, p.n);
    Vector u = u0;
    Matrix Jv = v;
    one.tangent_step(p.tangent(), u, Jv);
    Vector u_all = u0;
    Matrix J = Matrix::Identity(p.n, p.n);
    all.tangent_step(p.tangent(), u_all, J);
    CHECK((J * v - Jv.col(0)).norm() <= 1e-13 * Jv.norm());
    // the tangent's state is the forward step's
    ExponentialStepper plain(table, p.linear, p.n, h);
    Vector u_plain = u0;
    plain.step(p.rhs(), u_plain);
    CHECK((u - u_plain).norm() <= 1e-15 * u.norm());
    // central differences
    const double eps = 1e-6;
    Vector up = u0 + eps * v, um = u0 - eps * v;
    plain.step(p.rhs(), up);
    plain.step(p.rhs(), um);
    const Vector fd = (up - um) / (2 * eps);
    INFO("tangent vs finite differences: " << (fd - Jv.col(0)).norm() / Jv.norm());
    CHECK((fd - Jv.col(0)).norm() <= 1e-8 * Jv.norm());

    // the adjoint: record the stage inputs, then pull w back
    std::vector<Vector> tape(static_cast<size_t>(table.stages()), Vector(p.n));
    auto taped = [&](int index, const Vector& y, Vector& k) {
      tape[static_cast<size_t>(index)] = y;
      p.nonlinear.eval(y.data(), k.data());
    };
    auto vjp = [&](int index, const Vector& kbar, Vector& ybar) {
      ybar.setZero();
      p.nonlinear.vjp_add(tape[static_cast<size_t>(index)].data(), kbar.data(), ybar.data());
    };
    Vector u_taped = u0, wbar = w;
    plain.step(taped, u_taped, 0);
    plain.adjoint_step(vjp, wbar, 0);
    const double lhs = w.dot(Jv.col(0)), rhs = wbar.dot(v);
    INFO("dot test: <w, J v> = " << lhs << ", <J^T w, v> = " << rhs);
    CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs));
    CHECK((J.transpose() * w - wbar).norm() <= 1e-12 * wbar.norm());
  }
}
