#pragma once
// One experiment end to end: truth data -> training -> analysis. Pure computation: no files,
// no MPI, no global state; the same spec gives bitwise the same result. Truth results may come
// from a memo the caller passes (pipeline/truth_memo.hpp: the sweep's truth cache is one), which
// returns exactly what an earlier cell computed.
#include <array>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "numerics/spectrum.hpp"

#include "pipeline/cancellation.hpp"
#include "pipeline/cell_status.hpp"
#include "pipeline/closure_fit.hpp"
#include "pipeline/experiment_spec.hpp"
#include "pipeline/training.hpp"

namespace npde {

// The spectra of one analysed map (the model's, the truth's, or the model's known terms alone)
// at every analysed (test IC, state), each with its conditioning (numerics/spectrum.hpp).
// Per-state values are tests x states; per-eigenvalue values N x (tests * states), column
// t * states + s. A state a blown-up rollout never reached stays NaN.
struct MapSpectra {
  Eigen::MatrixXcd eigenvalues;  // sorted by decreasing modulus (empty for the known terms alone)
  Matrix condition;              // kappa of each eigenvalue (empty with eigenvalues)
  Matrix radius;                 // max |lambda|
  Matrix log_abs_det;            // sum log|lambda|, NaN where not determined
  Matrix norm, sigma_min;        // ||J||_2 and the smallest singular value
  Matrix rounding_set;           // eigenvalues whose position rounding can set (a count)
  std::array<Matrix, kPseudospectralEpsilons.size()> pseudospectral_radius;  // per kPseudospectralEpsilons
  // max_{k <= horizon} ||J^k||_2, the k attaining it, and its relative error bound (model and
  // truth; horizon 1, so the norm, for the known terms alone)
  Matrix transient_growth, transient_growth_step, transient_growth_error;

  void reset(long n, long tests, long states, bool with_eigenvalues);
  void set(long test, long state, long states, const Spectrum& s);
};

struct ExperimentResult {
  CellStatus status = CellStatus::done;  // done, diverged (truth or training blew up), failed (an exception)
  std::string message;

  // How the numbers were made.
  std::string truth_formula, model_formula;
  int substeps_model = 0, substeps_truth = 0;  // stepper substeps per output step
  double amplitude = 0.0;                      // max|u| over all truth data (the substep rule uses the states)
  long truth_accepted_steps = 0, truth_rejected_steps = 0;
  long truth_refined_accepted_steps = 0, truth_refined_rejected_steps = 0;  // a Richardson correction's doubled grid

  Vector weights_initial, weights_final;
  TrainingHistory history;

  // Rollouts from each test IC: relative L2 error per output step (tests x (steps + 1)).
  Matrix rollout_error;
  std::vector<int> rollout_diverged_at;  // per test IC, -1 if the rollout stayed bounded
  double saturation = 0.0;               // share of hidden units with |tanh'| < 1e-3 on the training rollout
  // The solution fields spec.fields keeps, each N x (steps + 1) (a rollout NaN from its blow-up
  // on): rollouts and all keep each test IC's truth and rollout, all the training IC's as well.
  std::vector<Matrix> truth_fields, rollout_fields;
  Matrix training_truth_field, training_rollout_field;

  // What the network learned (pipeline/closure.hpp): relative distance of NN(u) from the
  // discrete closure and from the physics term on the truth states of the training window
  // (autoregressive u_0 .. u_transitions, one-shot the whole path) from the training IC
  // (entry 0) and from each test IC (entry 1 + t).
  Vector closure_error_discrete, closure_error_physics;
  // NN(u) on the training IC's window fitted onto each case term's candidates
  // (pipeline/closure_fit.hpp): did it learn the stencil or the physics?
  ClosureFit closure_fit;

  // Jacobians: state index n of each, and the number of output steps the map spans
  // (autoregressive: d u_{n+1} / d u_n; one-shot: d u(T) / d u_0, n = 0).
  std::vector<int> jacobian_states;
  int jacobian_map_steps = 1;
  MapSpectra model, truth, known_only;  // the model's map, the truth's, the model without network

  double truth_seconds = 0, training_seconds = 0, analysis_seconds = 0;
};

class TruthMemo;  // pipeline/truth_memo.hpp

struct RunOptions {
  const Vector* initial_weights = nullptr;  // instead of the seeded Glorot draw
  TruthMemo* truth_memo = nullptr;          // truth trajectories and truth-map spectra computed once
  EpochCallback on_epoch;                   // progress
  // Progress through the phases: called with what starts now ("truth data, IC 2 of 3:
  // step(A=4)", "training: 200 epochs", "analysis: Jacobian spectra, test IC 1 of 2, state 10
  // (1 of 4)"); the text before the first ',' names the step, the rest says how far it is.
  std::function<void(const std::string&)> on_phase;
  Cancellation cancel;                      // checked in every phase; run_experiment throws Cancelled
};

ExperimentResult run_experiment(const ExperimentSpec& spec, const RunOptions& options = {});

}  // namespace npde
