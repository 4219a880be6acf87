#pragma once
// Floating-point operation counts of an experiment, from the operation sizes: used by the
// benchmark to report GFLOP/s and by `plan` to estimate a sweep's cost before running it.
#include <string>

#include "pipeline/experiment_spec.hpp"

namespace npde {

struct StageFlops {
  double forward = 0;   // one right-hand-side evaluation (network, known terms, the stage update)
  double backward = 0;  // its reverse pass (input cotangents, weight gradients, known-term VJP)
};

StageFlops stage_flops(const ExperimentSpec& spec);

// Substeps of the model's stepper per output step the experiment will use: fixed, or the automatic rule applied
// to its initial conditions (the run refines it with the truth data).
int planned_substeps(const ExperimentSpec& spec);

// Flops of one training epoch with the given substep count.
double epoch_flops(const ExperimentSpec& spec, int substeps);

// Flops of the whole experiment: training plus the Jacobian analysis (tangent propagation of
// N directions through every analysed map, for the model, the truth and the known terms).
double experiment_flops(const ExperimentSpec& spec);
// The part of it spent on one truth-map Jacobian (one test IC, one analysed state: tangents and
// eigenvalues), which cells sharing their truth compute once (the truth cache).
double truth_map_flops(const ExperimentSpec& spec);

// What `plan` and the master's ETA expect one experiment to take on one core, by phase, in
// seconds: the truth data, the training and the analysis (test rollouts, the Jacobians' tangent
// propagation, and for every analysed map the dense linear algebra: eigenvalues, condition
// numbers, singular values, pseudospectral searches and the transient growth's powers). FLOP
// counts at measured rates; the dense part from measured seconds per n^3 (docs/performance.md,
// "The cost model", has the calibration and how far it is off on the paper's and the beyond
// sweeps).
struct CostEstimate {
  double truth = 0, training = 0, analysis = 0;
  double total() const { return truth + training + analysis; }
};
CostEstimate experiment_cost(const ExperimentSpec& spec);
// The seconds of one truth map's analysis (one test IC, one analysed state), which cells that
// share their truth compute once (the truth cache): included in experiment_cost's analysis.
double truth_map_seconds(const ExperimentSpec& spec);

// Peak memory of one experiment, estimated from its sizes alone (nothing is built or allocated,
// so it is safe on absurd inputs): network parameters with their gradient and Adam moments,
// activations, truth and model trajectories, the loss history and the N x N Jacobians. `key`
// names the setting that contributes most.
struct MemoryEstimate {
  double bytes = 0;
  std::string key;     // "network.hidden", "training.epochs", "pde.resolution" or "pde.steps"
  std::string detail;  // e.g. "2.0e+10 network parameters"
};
MemoryEstimate experiment_memory(const ExperimentSpec& spec);

// The memory this process may use: physical memory, or a smaller cgroup limit (a SLURM job's
// --mem). 0 if unknown.
double machine_memory_bytes();

// Sustained rate of this code measured on the development machine (docs/performance.md),
// used to turn flops into an estimate of core-seconds.
constexpr double kMeasuredFlopsPerSecond = 15e9;

}  // namespace npde
