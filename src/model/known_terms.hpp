#pragma once
// The hand-written part of a right-hand side: f(u) = a * u .* (D u) + L u, a quadratic
// advection term (optional) plus one fused linear periodic operator (optional). Truth and
// NeuralPDE right-hand sides of both cases have this form (see pde_case.hpp).
//
// Not thread-safe: the periodic operators and scratch vectors are reused on every call so the
// time-stepping loops never allocate.
#include <optional>

#include <Eigen/Dense>

#include "numerics/stencil.hpp"

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

class KnownTerms {
 public:
  explicit KnownTerms(int n = 0);

  void set_advection(double coefficient, const Stencil& derivative);  // a * u .* (D u)
  void set_linear(const Stencil& combined);                           // L u

  int size() const { return n_; }
  bool linear() const { return !advection_; }  // then f'(u) does not depend on u

  void eval(const double* u, double* out) const;                       // out = f(u)
  void eval_add(const double* u, double* out) const;                   // out += f(u)
  void vjp_add(const double* u, const double* v, double* out) const;   // out += f'(u)^T v
  void jvp(const double* u, const Matrix& U, Matrix& out) const;       // out = f'(u) U

  // Upper bound on |eigenvalue| of f'(u) over the given states (columns):
  // ||f'(u)||_2 <= |a| (max|D u| + max|u| rho(D)) + rho(L), rho from the Fourier symbols
  // (circulant operators are normal, so their 2-norm is their spectral radius).
  double stability_bound(const Matrix& states) const;

 private:
  int n_;
  double advection_coefficient_ = 0.0;
  std::optional<PeriodicOperator> advection_;
  std::optional<PeriodicOperator> linear_;
  mutable Vector du_, tmp_;
  mutable Matrix block_;  // D U for tangent blocks
};

}  // namespace npde
