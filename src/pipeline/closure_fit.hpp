#pragma once
// What did the network learn, as coefficients: NN(u) over the training states, fitted by least
// squares onto candidate terms built from the case's terms (docs/numerics.md, "Closure fits").
//
// The network is trained to make  known_model(u) + NN(u)  reproduce the truth, so what it can
// learn is the discrete closure  f_truth(u) - known_model(u): the learned terms as the data's
// stencils compute them, plus, for every known term whose training stencil differs from its
// inference stencil, that difference. Each such case term T = c u^p D_k(u^q) gives candidates:
//   discrete    learned:  c u^p D_k^S(u^q)                  S its stencil in the truth data
//               known:    c u^p (D_k^train - D_k^infer)(u^q) the stencils' mismatch
//   physics     learned:  c u^p D_k(u^q), D exact (spectral)
//   truncation  c u^p dx^(k'-k) D_k'(u^q), D exact: the leading Taylor term of D^S - D_k (learned)
//               or of D^train - D^infer (known), k' > k, with Taylor coefficient tau
//               (numerics/stencil.hpp, truncation_terms, from the Fornberg weights)
// Two fits: NN ~ sum_T alpha_T discrete_T, and NN ~ sum_T (beta_T physics_T + gamma_T truncation_T).
// A network that learned the discretisation has alpha = 1 and gamma = tau (truncation share
// gamma / tau = 1); one that learned the physics has beta = 1 and gamma = 0.
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "model/neural_rhs.hpp"
#include "model/pde_case.hpp"

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

struct TermFit {
  Vector coefficients, standard_errors;  // NaN for an all-zero column, all NaN when not determined
  double residual_share = 0;             // ||y - X b||^2 / ||y||^2 (NaN when not determined)
  std::string undetermined;              // why the fit is not determined (empty when it is)
};

// Least squares of y (N x S: one column per state) onto the columns (each N x S), by
// column-pivoted QR on unit-norm columns. An all-zero column (a term whose coefficient is 0) is
// left out. Degenerate data (a uniform field makes every derivative column zero; non-finite values;
// dependent columns; fewer values than columns) give a fit that is not determined: every
// coefficient NaN and the reason in `undetermined`, never an exception or a crash. The standard errors assume independent residuals; neighbouring grid points are not
// independent, so they understate the uncertainty (read them as a scale).
TermFit least_squares_fit(const Matrix& y, const std::vector<Matrix>& columns);

// The candidate terms of every case term over the given states (columns); an empty matrix where
// a term has no such candidate (a known term whose stencils agree has none).
struct CandidateTerm {
  std::string name;
  bool learned = false;
  Matrix discrete, physics, truncation;
  double taylor = 0;     // tau (NaN when there is no truncation candidate)
  int taylor_order = 0;  // k' (0 when none)
};
std::vector<CandidateTerm> closure_candidates(const PdeSettings& pde, const std::string& train_stencil,
                                              const std::string& infer_stencil, const Matrix& states);

// Both fits, one row per case term (NaN where the term has no candidate). Columns of
// coefficient and standard_error: discrete (alpha), physics (beta), truncation (gamma).
struct ClosureFit {
  Matrix coefficient, standard_error;  // terms x 3
  Vector taylor;                       // tau per term
  Vector truncation_share;             // gamma / tau
  Vector residual_share;               // (discrete fit, physics fit)
  std::string undetermined[2];         // (discrete fit, physics fit): why not determined, or empty
};
enum FitColumn { kFitDiscrete = 0, kFitPhysics = 1, kFitTruncation = 2 };
ClosureFit fit_closure(const PdeSettings& pde, const std::string& train_stencil, const std::string& infer_stencil,
                       const Matrix& states, const Matrix& network);

// NN(u) at each state (column): the model's right-hand side minus its known terms.
Matrix network_outputs(NeuralRhs& model, const Vector& theta, const Matrix& states);

// The names of the case's terms, space-separated, in the order of ClosureFit's rows.
std::string closure_fit_terms(const PdeSettings& pde);

// scale * c u^p D_order(u^q) at each state (column), D exact (spectral; D_0 the identity), c the
// term's coefficient with its parameter: the term's physics (order = its derivative, scale 1), or
// one of its Taylor terms (order k' > k, scale dx^(k' - k)).
Matrix exact_term_values(const PdeSettings& pde, const CaseTerm& term, const Matrix& states, int order, double scale = 1);

// The exact (spectral) derivative of any order of a periodic grid function on [0, length).
// Odd orders drop the Nyquist mode, as the spectral stencil does.
Vector spectral_derivative(const Vector& u, int order, double length);

}  // namespace npde
