#pragma once
// The hand-written part of a right-hand side: f(u) = sum_i c_i u^p_i .* D_i(u^q_i) + L u, any
// number of nonlinear product terms (D_i a periodic stencil, or the identity) plus one fused
// linear periodic operator L (optional). Every case's truth and NeuralPDE right-hand sides have
// this form (pde_case.hpp builds them from the case's terms). Products with p = q = 1 (u D u,
// the advection of both paper cases) take a dedicated path: the paper's numbers depend on its
// exact operation order.
//
// Not thread-safe: the periodic operators and scratch vectors are reused on every call so the
// time-stepping loops never allocate.
#include <optional>

#include <Eigen/Dense>

#include "numerics/stencil.hpp"
#include "numerics/time_stepper.hpp"

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

class KnownTerms {
 public:
  explicit KnownTerms(int n = 0);

  // c * u^p .* D(u^q), p >= 0, q >= 1; without a stencil D is the identity (c u^(p+q)).
  void add_product(double coefficient, int p, int q, const std::optional<Stencil>& derivative);
  void set_advection(double coefficient, const Stencil& derivative) { add_product(coefficient, 1, 1, derivative); }
  void set_linear(const Stencil& combined);                           // L u

  int size() const { return n_; }
  bool linear() const { return products_.empty(); }  // then f'(u) does not depend on u
  // The fused linear operator L, if any, and these terms without it (what the stages of an
  // exponential stepper evaluate).
  std::optional<Stencil> linear_stencil() const;
  KnownTerms without_linear() const;

  void eval(const double* u, double* out) const;                       // out = f(u)
  void eval_add(const double* u, double* out) const;                   // out += f(u)
  void vjp_add(const double* u, const double* v, double* out) const;   // out += f'(u)^T v
  void jvp(const double* u, const Matrix& U, Matrix& out) const;       // out = f'(u) U

  // Upper bound on |eigenvalue| of f'(u) over the given states (columns): with A = max|u|,
  // ||f'(u)||_2 <= sum_i |c_i| (p A^(p-1) max|D u^q| + A^p rho(D) q A^(q-1)) + rho(L), rho from
  // the Fourier symbols (circulant operators are normal, so their 2-norm is their spectral
  // radius; the identity's is 1). For u D u this is |c| (max|D u| + A rho(D)).
  double stability_bound(const Matrix& states) const;

 private:
  struct Product {
    double c;
    int p, q;
    std::optional<PeriodicOperator> d;  // none: the identity
    bool advection() const { return p == 1 && q == 1 && d; }
  };
  // dw = D(u^q) into du_ (and u^q into w_ when q > 1); returns dw.
  const double* inner(const Product& t, const double* u) const;

  int n_;
  std::vector<Product> products_;
  std::optional<PeriodicOperator> linear_;
  mutable Vector du_, tmp_, w_;
  mutable Matrix block_, block2_;  // tangent blocks
};

// The right-hand side a stepper's stages evaluate, and how to step it: for a Runge-Kutta table
// the terms themselves; for an exponential one the terms without L, and L for the stepper.
struct SplitTerms {
  KnownTerms stages;
  Stepping stepping;
};
SplitTerms split_for_stepper(const KnownTerms& terms, const Stepper& stepper);

}  // namespace npde
