#pragma once
// What the pipeline asks of a memo of truth results (run_experiment's RunOptions::truth_memo).
// A cell's truth trajectories and truth-map spectra depend on far less than the cell (not on the
// inference stencil, the network, the training or the seed), so cells that share them need
// compute them only once. The pipeline names what a value depends on with a key below and asks
// the memo; how keys are spelled and where values live is the implementation's
// (store/truth_cache.hpp keeps them in files beside a sweep store, shared across nodes).
//
// A memo must return exactly the values it was given, so a cell that finds a value is bitwise
// the cell that computed it. Keeping is best effort: a memo may forget anything.
#include <optional>
#include <string>

#include "numerics/spectrum.hpp"
#include "pipeline/experiment_spec.hpp"
#include "pipeline/truth.hpp"

namespace npde {

// One truth trajectory: the cell's truth settings (pde, training stencil, horizon, truth
// integrator; the rest of `cell` is not part of the key) from one initial condition. A
// fixed-step integrator's substep count follows from every IC of the cell, so it is named too
// (0 for the adaptive integrator, which does not use it).
struct TruthTrajectoryKey {
  ExperimentSpec cell;
  InitialCondition ic;
  int fixed_substeps = 0;
};

// The truth map's spectrum at one state of a trajectory, with its conditioning and its
// transient growth over `horizon` applications.
struct TruthSpectrumKey {
  TruthTrajectoryKey trajectory;
  int state = 0;         // output step n of the state
  int substeps = 0;      // of the map's stepper per output step
  int map_steps = 1;     // output steps the map spans
  Stepper stepper;       // the map's stepper
  int horizon = 1;
  PseudospectralSearch pseudospectra = PseudospectralSearch::rays;
};

class TruthMemo {
 public:
  virtual ~TruthMemo() = default;
  virtual std::optional<TruthTrajectory> find(const TruthTrajectoryKey& key) = 0;
  virtual void keep(const TruthTrajectoryKey& key, const TruthTrajectory& value) = 0;
  virtual std::optional<Spectrum> find(const TruthSpectrumKey& key) = 0;
  virtual void keep(const TruthSpectrumKey& key, const Spectrum& value) = 0;
};

}  // namespace npde
