#pragma once
// Exponential Runge-Kutta steppers for u' = L u + N(u), L a circulant operator (a periodic
// stencil: dispersion, diffusion, hyperdiffusion), with their exact derivatives, for one fixed
// step h. L is diagonal in Fourier space, so every coefficient below is a function of z = h
// lambda_k applied mode by mode:
//   y_s = e^(c_s z) u + h sum_{j<s} a_sj(z) k_j,   k_s = N(y_s),   u' = e^z u + h sum_s b_s(z) k_s
// The linear part is integrated exactly (a stage of L alone is its exponential); the substep
// count only has to resolve N. A stepper is a table (exponential.cpp):
//   ifrk4   integrating-factor RK4 (Lawson): RK4 on v = e^(-tL) u
//   etdrk4  exponential time differencing RK4 of Cox and Matthews (2002)
// Both reduce to RK4 when L = 0. The phi functions are evaluated by a contour integral near
// z = 0 (Kassam and Trefethen 2005), where their closed forms cancel catastrophically.
//
// The stepper works in Fourier space: per stage one inverse and one forward real FFT (FFTW3,
// planned once per size), the combinations of stages one complex multiply-add per mode. The
// tangent step propagates a block of directions alongside the state; the adjoint step is its
// exact transpose (the transpose of a real circulant multiplies mode k by the conjugate). All
// buffers are sized at construction: no step allocates.
#include <complex>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "numerics/stencil.hpp"

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

// phi_0(z) = e^z, phi_{j+1}(z) = (phi_j(z) - 1/j!) / z, phi_j(0) = 1/j!; j = 0..3.
// Accurate to a few ulps everywhere (closed form for |z| >= 1, a Cauchy integral otherwise).
std::complex<double> phi(int j, std::complex<double> z);

struct ExponentialTable {
  using Coefficient = std::function<std::complex<double>(std::complex<double>)>;  // of z = h lambda
  std::string name;
  std::string description;
  int order = 0;
  std::vector<double> c;                        // stage nodes: stage s starts from e^(c_s z) u
  std::vector<std::vector<Coefficient>> a;      // a[s][j], j < s; an empty function is zero
  std::vector<Coefficient> b;                   // b_s
  // The substep rule (pipeline/substeps.hpp) keeps h times the bound on N's eigenvalues inside
  // this radius: with L = 0 both tables are RK4, whose stable half-disk has radius 2.5.
  double stable_radius = 2.5;
  std::string label;                            // how result texts name it, when not by `name`
  // As a truth map, its accuracy rule's tolerance is this share of an exponential map's
  // (pipeline/substeps.hpp): 1/81 is three times the substeps, for a table that needs that many
  // more for the same spectrum (measured, docs/numerics.md).
  double map_tolerance_share = 1.0;

  int stages() const { return static_cast<int>(b.size()); }
};

// The exponential tables a job may name, in a fixed order, and their names (time_stepper.cpp).
const std::vector<ExponentialTable>& exponential_tables();
const std::vector<std::string>& exponential_stepper_names();
// Throws std::invalid_argument for an unknown name.
const ExponentialTable& exponential_table(const std::string& name);

// One table, one linear operator L on N points, one step h, and room for `directions` tangent
// directions. Not thread-safe (its buffers are reused on every call).
class ExponentialStepper {
 public:
  ExponentialStepper(const ExponentialTable& table, const Stencil& linear, int n, double h, int directions = 0);
  ExponentialStepper(const ExponentialStepper&) = delete;
  ExponentialStepper& operator=(const ExponentialStepper&) = delete;
  ~ExponentialStepper();

  const ExponentialTable& table() const { return table_; }
  int size() const { return n_; }

  // nonlinear(tape_index, y, k) writes k = N(y). Advances u in place by one step.
  template <class Rhs>
  void step(Rhs&& nonlinear, Vector& u, int tape_index = -1);
  // nonlinear_tangent(y, k, Y, K) writes k = N(y) and K = N'(y) Y. Advances u and U = du/du0.
  template <class RhsTangent>
  void tangent_step(RhsTangent&& nonlinear_tangent, Vector& u, Matrix& U);
  // vjp(tape_index, kbar, ybar) writes ybar = N'(y_s)^T kbar at the stage recorded under
  // tape_index in the forward pass. On entry ubar = dL/du', on exit dL/du.
  template <class Vjp>
  void adjoint_step(Vjp&& vjp, Vector& ubar, int tape_index);

 private:
  using Modes = Eigen::VectorXcd;       // the N/2 + 1 modes of a real transform
  using ModeBlock = Eigen::MatrixXcd;   // one column of modes per direction

  void forward(const double* x, std::complex<double>* modes) const;  // unnormalised r2c
  void backward(std::complex<double>* modes, double* x) const;        // c2r; destroys `modes`
  // out = m_0 .* x_0 + sum_i m_i .* x_i for the listed multipliers (conjugated when `adjoint`)
  void combine(const Modes& m0, const std::complex<double>* x0, const std::vector<std::pair<const Modes*, const std::complex<double>*>>& terms,
               bool adjoint, std::complex<double>* out) const;
  bool stage_is_input(int s) const { return table_.c[static_cast<size_t>(s)] == 0.0 && a_terms_[static_cast<size_t>(s)].empty(); }

  const ExponentialTable& table_;
  int n_, modes_;
  double h_;
  // Multipliers at each mode, h and FFTW's 1/N folded in: e^(c_s z), h a_sj(z), e^z, h b_s(z).
  std::vector<Modes> stage_exp_;
  std::vector<std::vector<std::pair<int, Modes>>> a_terms_;  // per stage: (j, h a_sj / N), non-zero only
  Modes step_exp_;
  std::vector<Modes> b_;

  // Work: the state's and the stages' modes, stage inputs and values.
  Modes u_hat_, scratch_;
  std::vector<Modes> k_hat_, ybar_hat_;
  Vector y_, k_, kbar_, ybar_;
  std::vector<std::pair<const Modes*, const std::complex<double>*>> terms_;
  // Tangent blocks
  ModeBlock U_hat_;
  std::vector<ModeBlock> K_hat_;
  Matrix Y_, K_;

  struct Plans;
  std::unique_ptr<Plans> plans_;
};

template <class Rhs>
void ExponentialStepper::step(Rhs&& nonlinear, Vector& u, int tape_index) {
  const int stages = table_.stages();
  forward(u.data(), u_hat_.data());
  for (int s = 0; s < stages; ++s) {
    if (stage_is_input(s)) {
      y_ = u;
    } else {
      terms_.clear();
      for (const auto& [j, m] : a_terms_[static_cast<size_t>(s)])
        terms_.emplace_back(&m, k_hat_[static_cast<size_t>(j)].data());
      combine(stage_exp_[static_cast<size_t>(s)], u_hat_.data(), terms_, false, scratch_.data());
      backward(scratch_.data(), y_.data());
    }
    nonlinear(tape_index < 0 ? -1 : tape_index + s, y_, k_);
    forward(k_.data(), k_hat_[static_cast<size_t>(s)].data());
  }
  terms_.clear();
  for (int s = 0; s < stages; ++s) terms_.emplace_back(&b_[static_cast<size_t>(s)], k_hat_[static_cast<size_t>(s)].data());
  combine(step_exp_, u_hat_.data(), terms_, false, scratch_.data());
  backward(scratch_.data(), u.data());
}

template <class RhsTangent>
void ExponentialStepper::tangent_step(RhsTangent&& nonlinear_tangent, Vector& u, Matrix& U) {
  const int stages = table_.stages();
  const long m = U.cols();
  if (U_hat_.cols() != m) throw std::logic_error("ExponentialStepper: tangent block of the wrong width");
  forward(u.data(), u_hat_.data());
  for (long c = 0; c < m; ++c) forward(U.col(c).data(), U_hat_.col(c).data());
  for (int s = 0; s < stages; ++s) {
    const auto& as = a_terms_[static_cast<size_t>(s)];
    if (stage_is_input(s)) {
      y_ = u;
      Y_ = U;
    } else {
      terms_.clear();
      for (const auto& [j, mult] : as) terms_.emplace_back(&mult, k_hat_[static_cast<size_t>(j)].data());
      combine(stage_exp_[static_cast<size_t>(s)], u_hat_.data(), terms_, false, scratch_.data());
      backward(scratch_.data(), y_.data());
      for (long c = 0; c < m; ++c) {
        terms_.clear();
        for (const auto& [j, mult] : as) terms_.emplace_back(&mult, K_hat_[static_cast<size_t>(j)].col(c).data());
        combine(stage_exp_[static_cast<size_t>(s)], U_hat_.col(c).data(), terms_, false, scratch_.data());
        backward(scratch_.data(), Y_.col(c).data());
      }
    }
    nonlinear_tangent(y_, k_, Y_, K_);
    forward(k_.data(), k_hat_[static_cast<size_t>(s)].data());
    for (long c = 0; c < m; ++c) forward(K_.col(c).data(), K_hat_[static_cast<size_t>(s)].col(c).data());
  }
  terms_.clear();
  for (int s = 0; s < stages; ++s) terms_.emplace_back(&b_[static_cast<size_t>(s)], k_hat_[static_cast<size_t>(s)].data());
  combine(step_exp_, u_hat_.data(), terms_, false, scratch_.data());
  backward(scratch_.data(), u.data());
  for (long c = 0; c < m; ++c) {
    terms_.clear();
    for (int s = 0; s < stages; ++s)
      terms_.emplace_back(&b_[static_cast<size_t>(s)], K_hat_[static_cast<size_t>(s)].col(c).data());
    combine(step_exp_, U_hat_.col(c).data(), terms_, false, scratch_.data());
    backward(scratch_.data(), U.col(c).data());
  }
}

template <class Vjp>
void ExponentialStepper::adjoint_step(Vjp&& vjp, Vector& ubar, int tape_index) {
  // The transpose of the forward step, stage by stage in reverse:
  //   kbar_s = h b_s^T ubar' + h sum_{i>s} a_is^T ybar_i,  ybar_s = N'(y_s)^T kbar_s,
  //   ubar = (e^z)^T ubar' + sum_s (e^(c_s z))^T ybar_s.
  const int stages = table_.stages();
  forward(ubar.data(), u_hat_.data());  // ubar' in modes
  Vector& direct = y_;                  // the stages whose input is u itself add ybar_s directly
  direct.setZero();
  for (int s = stages - 1; s >= 0; --s) {
    terms_.clear();
    for (int i = s + 1; i < stages; ++i)
      for (const auto& [j, mult] : a_terms_[static_cast<size_t>(i)])
        if (j == s) terms_.emplace_back(&mult, ybar_hat_[static_cast<size_t>(i)].data());
    combine(b_[static_cast<size_t>(s)], u_hat_.data(), terms_, true, scratch_.data());
    backward(scratch_.data(), kbar_.data());
    vjp(tape_index + s, kbar_, ybar_);
    if (stage_is_input(s))
      direct += ybar_;
    else
      forward(ybar_.data(), ybar_hat_[static_cast<size_t>(s)].data());
  }
  terms_.clear();
  for (int s = 0; s < stages; ++s)
    if (!stage_is_input(s)) terms_.emplace_back(&stage_exp_[static_cast<size_t>(s)], ybar_hat_[static_cast<size_t>(s)].data());
  combine(step_exp_, u_hat_.data(), terms_, true, scratch_.data());
  backward(scratch_.data(), ubar.data());
  ubar += direct;
}

}  // namespace npde
