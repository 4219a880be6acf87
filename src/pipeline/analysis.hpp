#pragma once
// Analysis of a trained NeuralPDE: rollouts from test ICs and exact Jacobians of its maps.
//
// Jacobians come from tangent propagation of the identity through every substep, so they
// are the exact derivatives of the discrete maps (no finite differences), for the model, for
// the truth discretisation, and for the model's known terms alone (network removed).
#include <Eigen/Dense>

#include "model/known_terms.hpp"
#include "model/neural_rhs.hpp"
#include "numerics/spectrum.hpp"
#include "numerics/time_stepper.hpp"
#include "pipeline/cancellation.hpp"

namespace npde {

struct Rollout {
  Matrix states;          // N x (steps + 1); NaN after a blow-up
  int diverged_at = -1;   // first output step whose state was not finite or beyond the bound, -1 if none
};

// Runs the model autoregressively; a state with max|u| > blowup_bound counts as a blow-up.
// `cancel` (here and below) is checked after every output step or substep.
Rollout rollout(NeuralRhs& rhs, const Vector& theta, const Vector& u0, double dt, int substeps, int steps,
                double blowup_bound, const Cancellation& cancel = {}, const Stepping& stepping = {});

// ||u_n - truth_n||_2 / ||truth_n||_2 for every column n.
Vector relative_l2_error(const Matrix& model, const Matrix& truth);

// d u(t + steps*dt) / d u(t) of the model's map: `stepping` with `substeps` substeps per output
// step. With an exponential stepper (here and above) the right-hand side's known terms are the
// non-linear part and stepping.linear the rest (split_for_stepper).
Matrix model_flow_jacobian(NeuralRhs& rhs, const Vector& theta, const Vector& u, double dt, int substeps, int steps,
                           const Cancellation& cancel = {}, const Stepping& stepping = {});
// The same for a right-hand side made only of known terms (truth, or the model without network).
Matrix terms_flow_jacobian(const KnownTerms& terms, const Vector& u, double dt, int substeps, int steps,
                           const Cancellation& cancel = {}, const Stepping& stepping = {});

// Share of hidden-unit evaluations with |tanh'| = 1 - a^2 < threshold over the given states.
double saturation_share(NeuralRhs& rhs, const Vector& theta, const Matrix& states, double threshold = 1e-3);

}  // namespace npde
