#include "pipeline/substeps.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/runge_kutta.hpp"

namespace npde {

namespace {

int substep_count(double n) {
  if (!(n <= kMaxSubsteps)) return kMaxSubsteps + 1;  // NaN and inf included
  return std::max(1, static_cast<int>(std::ceil(n)));
}

}  // namespace

int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt, const ButcherTable& stepper) {
  return substep_count(dt * terms.stability_bound(states) / stepper.stable_radius);
}

int accurate_substeps(const KnownTerms& terms, const Matrix& states, double dt, int map_steps, double tolerance) {
  // map_steps * n * (dt B / n)^5 / 120 <= tolerance  <=>  n^4 >= map_steps (dt B)^5 / (120 tolerance)
  const double z = dt * terms.stability_bound(states);
  const double n = std::pow(map_steps * std::pow(z, 5) / (120.0 * tolerance), 0.25);
  return substep_count(n);
}

int truth_jacobian_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& states,
                            int rk4_data_substeps) {
  if (spec.integrator.truth == TruthIntegrator::rk4) return rk4_data_substeps;
  const int fixed = spec.integrator.substeps;
  return std::max(fixed > 0 ? fixed : stable_substeps(truth, states, spec.dt),
                  accurate_substeps(truth, states, spec.dt, spec.jacobian_map_steps(), kTruthJacobianTolerance));
}

}  // namespace npde
