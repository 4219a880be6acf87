#pragma once
// What did the network learn, as coefficients: NN(u) over the training states, fitted by least
// squares onto candidate terms made from the case's learned terms. For each learned term
// c u^p D_k(u^q) whose truth stencil is S:
//   discrete    c u^p D_k^S(u^q)                      the term as the data's stencil computes it
//   physics     c u^p D_k(u^q), D exact (spectral)    the continuous term
//   truncation  c u^p dx^(k'-k) D_k'(u^q), D exact    S's leading Taylor term, k' > k
//               (numerics/stencil.hpp, truncation_terms: D^S = D_k + c_k' dx^(k'-k) D_k' + ...)
// Two fits: NN ~ sum alpha_T discrete_T, and NN ~ sum (beta_T physics_T + gamma_T truncation_T).
// A network that learned the stencil has alpha = 1, beta = 1 and gamma = c_k' (the Taylor value);
// one that learned the physics has beta = 1 and gamma = 0.
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "model/pde_case.hpp"

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

struct TermFit {
  std::vector<std::string> names;
  Vector coefficients, standard_errors;  // NaN when a column is (numerically) dependent
  double residual_share = 0;             // ||y - X b||^2 / ||y||^2
};

// Least squares of y (N x S: one column per state) onto the columns (each N x S), by
// column-pivoted QR. The standard errors assume independent residuals; neighbouring grid
// points are not independent, so they understate the uncertainty (read them as a scale).
TermFit least_squares_fit(const Matrix& y, const std::vector<Matrix>& columns, const std::vector<std::string>& names);

// The candidate terms of the case's learned terms over the given states (columns).
struct LearnedBasis {
  std::vector<std::string> names;        // the learned terms' names
  std::vector<Matrix> discrete, physics, truncation;
  std::vector<double> taylor;            // c_k' of each term's truth stencil (0 when it is exact)
  std::vector<int> taylor_order;         // k' (0 when exact)
};
LearnedBasis learned_basis(const PdeSettings& pde, const std::string& train_stencil, const Matrix& states);

// The exact (spectral) derivative of any order of a periodic grid function on [0, length).
// Odd orders drop the Nyquist mode, as the spectral stencil does.
Vector spectral_derivative(const Vector& u, int order, double length);

}  // namespace npde
