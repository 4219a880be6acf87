#pragma once
// Classical RK4 and its exact derivatives, for one fixed step h:
//   k1 = f(u), k2 = f(u + h/2 k1), k3 = f(u + h/2 k2), k4 = f(u + h k3),
//   u' = u + h/6 (k1 + 2 k2 + 2 k3 + k4).
// The tangent step propagates a block of directions alongside the state (forward mode); the
// adjoint step is its transpose (reverse mode, the discrete adjoint used for training).
// The right-hand side is a callable, so one code path serves truth, model and tests.
//
// Stage numbering: stage s (0..3) of the step whose first stage has tape index t is t + s.
// The right-hand side may record per-stage data under that index for the adjoint pass.
#include <complex>

#include <Eigen/Dense>

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

// Every z with |z| <= this radius and Re z <= 0 lies in RK4's stability region
// |1 + z + z^2/2 + z^3/6 + z^4/24| <= 1 (checked by a test). Substep rules divide by it.
constexpr double kRk4StableRadius = 2.5;

// Stability polynomial of RK4: the amplification factor of one step for u' = lambda u, z = h lambda.
inline std::complex<double> rk4_amplification(std::complex<double> z) {
  return 1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6.0 + z / 24.0)));
}

struct Rk4Workspace {
  Vector k, acc, y;
  Matrix dk, dacc, dy;
  explicit Rk4Workspace(int n = 0, int directions = 0)
      : k(n), acc(n), y(n), dk(n, directions), dacc(n, directions), dy(n, directions) {}
};

// rhs(tape_index, y, k) writes k = f(y). Advances u in place by one step h.
template <class Rhs>
void rk4_step(Rhs&& rhs, double h, Vector& u, Rk4Workspace& w, int tape_index = -1) {
  auto stage = [&](int s) { rhs(tape_index < 0 ? -1 : tape_index + s, w.y, w.k); };
  w.y = u;
  stage(0);
  w.acc = w.k;
  w.y = u + (0.5 * h) * w.k;
  stage(1);
  w.acc += 2.0 * w.k;
  w.y = u + (0.5 * h) * w.k;
  stage(2);
  w.acc += 2.0 * w.k;
  w.y = u + h * w.k;
  stage(3);
  w.acc += w.k;
  u += (h / 6.0) * w.acc;
}

// rhs_tangent(y, k, Y, K) writes k = f(y) and K = f'(y) Y for a block of directions Y.
// Advances u and the directions U = du/du0 together by one step h.
template <class RhsTangent>
void rk4_tangent_step(RhsTangent&& rhs_tangent, double h, Vector& u, Matrix& U, Rk4Workspace& w) {
  w.y = u;
  w.dy = U;
  rhs_tangent(w.y, w.k, w.dy, w.dk);
  w.acc = w.k;
  w.dacc = w.dk;
  for (double c : {0.5, 0.5, 1.0}) {
    w.y = u + (c * h) * w.k;
    w.dy = U + (c * h) * w.dk;
    rhs_tangent(w.y, w.k, w.dy, w.dk);
    const double weight = (c == 1.0) ? 1.0 : 2.0;
    w.acc += weight * w.k;
    w.dacc += weight * w.dk;
  }
  u += (h / 6.0) * w.acc;
  U += (h / 6.0) * w.dacc;
}

struct Rk4AdjointWorkspace {
  Vector kbar, ybar, out;
  explicit Rk4AdjointWorkspace(int n = 0) : kbar(n), ybar(n), out(n) {}
};

// vjp(tape_index, kbar, ybar) writes ybar = f'(y_s)^T kbar at the stage input y_s recorded
// under tape_index in the forward pass (and may accumulate parameter cotangents).
// On entry ubar is dL/du'; on exit dL/du for the step that started at tape_index.
template <class Vjp>
void rk4_adjoint_step(Vjp&& vjp, double h, Vector& ubar, Rk4AdjointWorkspace& w, int tape_index) {
  // Stage weights of u' in k_s, and the coefficient of k_{s-1} in stage s's input.
  static constexpr double b[4] = {1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0};
  static constexpr double a[4] = {0.0, 0.5, 0.5, 1.0};
  w.out = ubar;
  w.kbar = (b[3] * h) * ubar;
  for (int s = 3; s >= 0; --s) {
    vjp(tape_index + s, w.kbar, w.ybar);
    w.out += w.ybar;
    if (s > 0) w.kbar = (b[s - 1] * h) * ubar + (a[s] * h) * w.ybar;
  }
  ubar = w.out;
}

}  // namespace npde
