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

}  // namespace npde
