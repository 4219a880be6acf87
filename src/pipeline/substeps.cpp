#include "pipeline/substeps.hpp"

#include <algorithm>
#include <cmath>

#include "model/pde_case.hpp"

namespace npde {

namespace {

int substep_count(double n) {
  if (!(n <= kMaxSubsteps)) return kMaxSubsteps + 1;  // NaN and inf included
  return std::max(1, static_cast<int>(std::ceil(n)));
}

// The bound the rules use: every term for a Runge-Kutta table, all but L for an exponential one.
double bound_for(const KnownTerms& terms, const Matrix& states, const std::string& stepper) {
  return is_exponential_stepper(stepper) ? terms.without_linear().stability_bound(states) : terms.stability_bound(states);
}

}  // namespace

int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt, const std::string& stepper) {
  return substep_count(dt * bound_for(terms, states, stepper) / stepper_info(stepper).stable_radius);
}

int accurate_substeps(const KnownTerms& terms, const Matrix& states, double dt, int map_steps, double tolerance,
                      const std::string& stepper) {
  // map_steps * n * (dt B / n)^5 / 120 <= tolerance  <=>  n^4 >= map_steps (dt B)^5 / (120 tolerance)
  const double z = dt * bound_for(terms, states, stepper);
  const double n = std::pow(map_steps * std::pow(z, 5) / (120.0 * tolerance), 0.25);
  return substep_count(n);
}

int model_substeps(const ExperimentSpec& spec, const KnownTerms& model_known, const Matrix& states) {
  if (spec.integrator.substeps > 0) return spec.integrator.substeps;
  const std::string& stepper = spec.integrator.model;
  if (!is_exponential_stepper(stepper)) return stable_substeps(model_known, states, spec.dt, stepper);
  const double bound = model_known.without_linear().stability_bound(states) +
                       make_terms(spec.pde, TermSet::Learned, spec.train_stencil).stability_bound(states);
  return substep_count(spec.dt * bound / stepper_info(stepper).stable_radius);
}

std::string truth_data_stepper(const ExperimentSpec& spec) {
  return spec.integrator.truth == TruthIntegrator::dopri5 ? "rk4" : name_of(spec.integrator.truth);
}

int truth_data_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& initial_states) {
  const int fixed = spec.integrator.substeps;
  return fixed > 0 ? fixed : stable_substeps(truth, initial_states, spec.dt, truth_data_stepper(spec));
}

std::string truth_map_stepper(const ExperimentSpec& spec) {
  return spec.integrator.truth == TruthIntegrator::dopri5 ? spec.integrator.truth_map : truth_data_stepper(spec);
}

int truth_jacobian_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& states,
                            int data_substeps) {
  if (spec.integrator.truth != TruthIntegrator::dopri5) return data_substeps;
  const std::string stepper = truth_map_stepper(spec);
  const int fixed = spec.integrator.substeps;
  return std::max(fixed > 0 ? fixed : stable_substeps(truth, states, spec.dt, stepper),
                  accurate_substeps(truth, states, spec.dt, spec.jacobian_map_steps(),
                                    is_exponential_stepper(stepper) ? kExponentialMapTolerance : kTruthJacobianTolerance,
                                    stepper));
}

}  // namespace npde
