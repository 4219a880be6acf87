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
double bound_for(const KnownTerms& terms, const Matrix& states, const Stepper& stepper) {
  return stepper.exponential() ? terms.without_linear().stability_bound(states) : terms.stability_bound(states);
}

}  // namespace

int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt, const Stepper& stepper) {
  return substep_count(dt * bound_for(terms, states, stepper) / stepper.stable_radius());
}

int accurate_substeps(const KnownTerms& terms, const Matrix& states, double dt, int map_steps, double tolerance,
                      const Stepper& stepper) {
  // With p the order: map_steps * n * (dt B / n)^(p+1) / (p+1)! <= tolerance
  //   <=>  n^p >= map_steps (dt B)^(p+1) / ((p+1)! tolerance)   (p = 4: (dt B)^5 / 120, n = (.)^0.25)
  const int p = stepper.order();
  double factorial = 1.0;
  for (int k = 2; k <= p + 1; ++k) factorial *= k;
  const double z = dt * bound_for(terms, states, stepper);
  const double n = std::pow(map_steps * std::pow(z, p + 1) / (factorial * tolerance), 1.0 / p);
  return substep_count(n);
}

int model_substeps(const ExperimentSpec& spec, const KnownTerms& model_known, const Matrix& states) {
  if (spec.integrator.substeps > 0) return spec.integrator.substeps;
  const Stepper& stepper = spec.integrator.model;
  if (!stepper.exponential()) return stable_substeps(model_known, states, spec.dt, stepper);
  const double bound = model_known.without_linear().stability_bound(states) +
                       make_terms(spec.pde, TermSet::Learned, spec.train_stencil).stability_bound(states);
  return substep_count(spec.dt * bound / stepper.stable_radius());
}

Stepper truth_data_stepper(const ExperimentSpec& spec) {
  return spec.integrator.truth.value_or(Stepper());
}

int truth_data_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& initial_states) {
  const int fixed = spec.integrator.substeps;
  return fixed > 0 ? fixed : stable_substeps(truth, initial_states, spec.dt, truth_data_stepper(spec));
}

Stepper truth_map_stepper(const ExperimentSpec& spec) {
  return spec.integrator.truth.value_or(spec.integrator.truth_map);
}

int truth_jacobian_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& states,
                            int data_substeps) {
  if (!spec.integrator.adaptive_truth()) return data_substeps;
  const Stepper stepper = truth_map_stepper(spec);
  const int fixed = spec.integrator.substeps;
  return std::max(fixed > 0 ? fixed : stable_substeps(truth, states, spec.dt, stepper),
                  accurate_substeps(truth, states, spec.dt, spec.jacobian_map_steps(),
                                    (stepper.exponential() ? kExponentialMapTolerance : kTruthJacobianTolerance) *
                                        stepper.map_tolerance_share(),
                                    stepper));
}

}  // namespace npde
