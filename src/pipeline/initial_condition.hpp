#pragma once
#include <Eigen/Dense>

#include "pipeline/experiment_spec.hpp"

namespace npde {

// Samples the initial condition on the periodic grid x_j = j * dx, j = 0..N-1.
Eigen::VectorXd sample_initial_condition(const InitialCondition& ic, int n, double length);

}  // namespace npde
