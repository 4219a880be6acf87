#pragma once
// Truth data: the full discretised PDE integrated from an initial condition, sampled at every
// output step.
#include <limits>
#include <string>

#include <Eigen/Dense>

#include "model/known_terms.hpp"
#include "pipeline/cancellation.hpp"
#include "pipeline/experiment_spec.hpp"

namespace npde {

struct TruthTrajectory {
  Eigen::MatrixXd states;  // N x (steps + 1), column n = u(n dt)
  long accepted_steps = 0, rejected_steps = 0;  // adaptive integrator only
  // A Richardson correction's solve on the doubled grid (adaptive integrator only; 0 without one).
  long refined_accepted_steps = 0, refined_rejected_steps = 0;
  bool ok = true;
  std::string message;     // why the truth failed (blow-up), when !ok
};

// Integrates with the adaptive pair (settings.adaptive_truth()) or with the fixed-step stepper
// settings.truth at `substeps` per output step.
// A state that is not finite or exceeds `blowup_bound` in magnitude ends it with ok = false.
// `cancel` is checked after every output step.
TruthTrajectory generate_truth(const KnownTerms& terms, const Eigen::VectorXd& u0, double dt, int steps,
                               const IntegratorSettings& settings, int substeps,
                               double blowup_bound = std::numeric_limits<double>::infinity(),
                               const Cancellation& cancel = {});

// Richardson-corrected truth data (integrator.truth_correction = "richardson"): the training
// stencil's solution u_N (`coarse`, as generate_truth made it on N points) and its solution
// u_2N from the same IC on 2N points, combined on the N grid as
//   (2^p u_2N(x_j) - u_N(x_j)) / (2^p - 1),
// with p = richardson_order(spec), cancelling the leading O(dx^p) term of the discretisation
// error (docs/numerics.md, Richardson-corrected truth data). The fine solution is integrated as
// the coarse one (fixed-step data: with the substeps the 2N grid needs for this IC). Returns the
// combined trajectory, or the fine one's failure.
TruthTrajectory richardson_truth(const ExperimentSpec& spec, const InitialCondition& ic, TruthTrajectory coarse,
                                 double blowup_bound = std::numeric_limits<double>::infinity(),
                                 const Cancellation& cancel = {});

// p: the smallest order of accuracy of the training stencil over the case's varied terms (the
// power of dx in its leading truncation term); 0 when it has none (spectral, or no varied term).
int richardson_order(const ExperimentSpec& spec);

}  // namespace npde
