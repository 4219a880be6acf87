#pragma once
// Explicit Runge-Kutta steppers from Butcher tables, with their exact derivatives, for one
// fixed step h:
//   y_s = u + h sum_{j<s} a_sj k_j,   k_s = f(y_s),   u' = u + (h/d) sum_s w_s k_s   (b = w/d)
// The tangent step propagates a block of directions alongside the state (forward mode); the
// adjoint step is its exact transpose (reverse mode: the discrete adjoint used for training).
// A stepper is a table (runge_kutta.cpp): rk4, ssprk3, heun, tsit5, dp5. The weights are kept
// as integers over a common denominator where the method has one, so RK4 performs exactly the
// operations of the hand-written RK4 it replaced (the paper's reference results are bitwise).
//
// Stage numbering: stage s of the step whose first stage has tape index t is t + s. The
// right-hand side may record per-stage data under that index for the adjoint pass.
#include <complex>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

struct ButcherTable {
  std::string name;
  std::string description;
  int order = 0;
  std::vector<std::vector<double>> a;  // a[s][j] for j < s (row s has s entries)
  std::vector<double> c;               // c_s = sum_j a_sj
  std::vector<double> weights;         // w_s, with b_s = w_s / denominator
  double denominator = 1.0;
  std::vector<double> embedded;        // b-hat of an embedded pair (adaptive use), or empty
  // Every z with |z| <= stable_radius and Re z <= 0 has |R(z)| <= 1 + growth (R the stability
  // function; checked by a test). The substep rule divides by the radius. growth is 0 except
  // for heun, whose region contains no part of the imaginary axis.
  double stable_radius = 0.0;
  double growth = 0.0;
  std::string label;                   // how result texts name it, when not by `name` (RK4)

  int stages() const { return static_cast<int>(weights.size()); }
  double b(int s) const { return weights[static_cast<size_t>(s)] / denominator; }
};

// The Runge-Kutta tables a job may name, in a fixed order, and their names (time_stepper.cpp;
// time_stepper_names() lists every stepper).
const std::vector<ButcherTable>& butcher_tables();
const std::vector<std::string>& stepper_names();
// Throws std::invalid_argument for an unknown name.
const ButcherTable& butcher_table(const std::string& name);
// The Dormand-Prince 5(4) pair with its FSAL stage, for the adaptive truth integrator.
const ButcherTable& dopri5_pair();

// R(z) = 1 + z b^T (I - z A)^{-1} 1: the amplification of one step for u' = lambda u, z = h lambda.
std::complex<double> amplification(const ButcherTable& t, std::complex<double> z);

struct RkWorkspace {
  std::vector<Vector> k;
  Vector acc, y;
  std::vector<Matrix> dk;
  Matrix dacc, dy;
  RkWorkspace(const ButcherTable& t, int n, int directions = 0)
      : k(static_cast<size_t>(t.stages()), Vector(n)),
        acc(n),
        y(n),
        dk(directions > 0 ? static_cast<size_t>(t.stages()) : 0, Matrix(n, directions)),
        dacc(n, directions),
        dy(n, directions) {}
};

namespace detail {
// y = x + h sum_j a_sj z_j for row s of A (vectors for states, matrices for tangent blocks): the
// first non-zero term in one expression, so a row with one entry (RK4) is one fused update.
template <class T>
void stage_input(const std::vector<double>& row, double h, const T& x, const std::vector<T>& z, T& y) {
  size_t first = 0;
  while (first < row.size() && row[first] == 0.0) ++first;
  if (first == row.size()) {
    y = x;
    return;
  }
  y = x + (row[first] * h) * z[first];
  for (size_t j = first + 1; j < row.size(); ++j)
    if (row[j] != 0.0) y += (row[j] * h) * z[j];
}
}  // namespace detail

// rhs(tape_index, y, k) writes k = f(y). Advances u in place by one step h.
template <class Rhs>
void rk_step(const ButcherTable& t, Rhs&& rhs, double h, Vector& u, RkWorkspace& w, int tape_index = -1) {
  const int stages = t.stages();
  for (int s = 0; s < stages; ++s) {
    detail::stage_input(t.a[static_cast<size_t>(s)], h, u, w.k, w.y);
    Vector& k = w.k[static_cast<size_t>(s)];
    rhs(tape_index < 0 ? -1 : tape_index + s, w.y, k);
    // accumulated while k is in cache: acc = w_0 k_0 + w_1 k_1 + ... in stage order
    const double ws = t.weights[static_cast<size_t>(s)];
    if (s == 0)
      w.acc = ws * k;
    else if (ws != 0.0)
      w.acc += ws * k;
  }
  u += (h / t.denominator) * w.acc;
}

// rhs_tangent(y, k, Y, K) writes k = f(y) and K = f'(y) Y for a block of directions Y.
// Advances u and the directions U = du/du0 together by one step h. `w` needs directions.
template <class RhsTangent>
void rk_tangent_step(const ButcherTable& t, RhsTangent&& rhs_tangent, double h, Vector& u, Matrix& U, RkWorkspace& w) {
  const int stages = t.stages();
  for (int s = 0; s < stages; ++s) {
    detail::stage_input(t.a[static_cast<size_t>(s)], h, u, w.k, w.y);
    detail::stage_input(t.a[static_cast<size_t>(s)], h, U, w.dk, w.dy);
    rhs_tangent(w.y, w.k[static_cast<size_t>(s)], w.dy, w.dk[static_cast<size_t>(s)]);
  }
  w.acc = t.weights[0] * w.k[0];
  w.dacc = t.weights[0] * w.dk[0];
  for (int s = 1; s < stages; ++s) {
    const double ws = t.weights[static_cast<size_t>(s)];
    if (ws == 0.0) continue;
    w.acc += ws * w.k[static_cast<size_t>(s)];
    w.dacc += ws * w.dk[static_cast<size_t>(s)];
  }
  u += (h / t.denominator) * w.acc;
  U += (h / t.denominator) * w.dacc;
}

struct RkAdjointWorkspace {
  std::vector<Vector> ybar;
  Vector kbar, out;
  RkAdjointWorkspace(const ButcherTable& t, int n)
      : ybar(static_cast<size_t>(t.stages()), Vector(n)), kbar(n), out(n) {}
};

// vjp(tape_index, kbar, ybar) writes ybar = f'(y_s)^T kbar at the stage input y_s recorded
// under tape_index in the forward pass (and may accumulate parameter cotangents).
// On entry ubar is dL/du'; on exit dL/du for the step that started at tape_index:
//   kbar_s = h b_s ubar' + h sum_{i>s} a_is ybar_i,  ybar_s = f'(y_s)^T kbar_s,
//   ubar = ubar' + sum_s ybar_s.
template <class Vjp>
void rk_adjoint_step(const ButcherTable& t, Vjp&& vjp, double h, Vector& ubar, RkAdjointWorkspace& w, int tape_index) {
  const int stages = t.stages();
  w.out = ubar;
  for (int s = stages - 1; s >= 0; --s) {
    // kbar_s = (b_s h) ubar' + sum_{i>s} (a_is h) ybar_i, as one expression when one a_is is
    // non-zero (every stage of RK4: the operations of the hand-written adjoint it replaced)
    int later = -1, count = 0;
    for (int i = s + 1; i < stages; ++i)
      if (t.a[static_cast<size_t>(i)][static_cast<size_t>(s)] != 0.0) {
        if (later < 0) later = i;
        ++count;
      }
    if (count == 1) {
      w.kbar = (t.b(s) * h) * ubar + (t.a[static_cast<size_t>(later)][static_cast<size_t>(s)] * h) *
                                          w.ybar[static_cast<size_t>(later)];
    } else {
      w.kbar = (t.b(s) * h) * ubar;
      for (int i = s + 1; i < stages; ++i) {
        const double a = t.a[static_cast<size_t>(i)][static_cast<size_t>(s)];
        if (a != 0.0) w.kbar += (a * h) * w.ybar[static_cast<size_t>(i)];
      }
    }
    Vector& ybar = w.ybar[static_cast<size_t>(s)];
    vjp(tape_index + s, w.kbar, ybar);
    w.out += ybar;
  }
  ubar = w.out;
}

}  // namespace npde
