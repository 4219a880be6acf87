#pragma once
// Floating-point operation counts of an experiment, from the operation sizes: used by the
// benchmark to report GFLOP/s and by `plan` to estimate a sweep's cost before running it.
#include "pipeline/experiment_spec.hpp"

namespace npde {

struct StageFlops {
  double forward = 0;   // one right-hand-side evaluation (network, known terms, RK4 update)
  double backward = 0;  // its reverse pass (input cotangents, weight gradients, known-term VJP)
};

StageFlops stage_flops(const ExperimentSpec& spec);

// RK4 substeps per output step the experiment will use: fixed, or the automatic rule applied
// to its initial conditions (the run refines it with the truth data).
int planned_substeps(const ExperimentSpec& spec);

// Flops of one training epoch with the given substep count.
double epoch_flops(const ExperimentSpec& spec, int substeps);

// Flops of the whole experiment: training plus the Jacobian analysis (tangent propagation of
// N directions through every analysed map, for the model, the truth and the known terms).
double experiment_flops(const ExperimentSpec& spec);

// Sustained rate of this code measured on the development machine (docs/performance.md),
// used to turn flops into an estimate of core-seconds.
constexpr double kMeasuredFlopsPerSecond = 15e9;

}  // namespace npde
