#include "pipeline/experiment.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "model/pde_case.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/closure.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/substeps.hpp"
#include "pipeline/truth.hpp"
#include "pipeline/truth_memo.hpp"

namespace npde {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A rollout whose max|u| exceeds this multiple of its truth's amplitude has blown up.
constexpr double kBlowupFactor = 100.0;

double max_abs(const Matrix& m) { return m.cwiseAbs().maxCoeff(); }

// The truth map's spectrum at one state of a test IC's truth, from the memo when a cell of the
// sweep computed it already.
Spectrum truth_spectrum(TruthMemo* memo, const TruthSpectrumKey& key, const SplitTerms& map, const Vector& state,
                        double dt, const Cancellation& cancel) {
  if (memo)
    if (auto kept = memo->find(key)) return std::move(*kept);
  Spectrum s = analyse_spectrum(
      terms_flow_jacobian(map.stages, state, dt, key.substeps, key.map_steps, cancel, map.stepping), key.horizon,
      key.pseudospectra);
  if (memo) memo->keep(key, s);
  return s;
}

void analyse_jacobians(const ExperimentSpec& spec, NeuralRhs& model, const Stepping& model_stepping,
                       const KnownTerms& truth_terms,
                       const Vector& theta, const std::vector<Matrix>& truths, const std::vector<Rollout>& rollouts,
                       const std::vector<TruthTrajectoryKey>& truth_keys, TruthMemo* memo, const Cancellation& cancel,
                       const std::function<void(const std::string&)>& on_phase, ExperimentResult& r) {
  const int tests = static_cast<int>(truths.size());
  const int n = spec.pde.resolution;
  r.jacobian_states = spec.one_shot() ? std::vector<int>{0} : spec.jacobian_states;
  r.jacobian_map_steps = spec.jacobian_map_steps();
  const int states = static_cast<int>(r.jacobian_states.size());
  const int horizon = spec.growth_horizon();  // the known terms alone get horizon 1: their norm
  r.model.reset(n, tests, states, true);
  r.truth.reset(n, tests, states, true);
  r.known_only.reset(n, tests, states, false);

  // Linear known terms (gKdV's dispersion) have the same flow-map Jacobian at every state.
  // The model's map and the known terms alone step with the model's stepper; the truth map
  // with its own (pipeline/substeps.hpp: the data's stepper, or integrator.truth_map).
  const Stepping& stepper = model_stepping;
  const Stepper map_stepper = truth_map_stepper(spec);
  const SplitTerms truth_map = split_for_stepper(truth_terms, map_stepper);
  Spectrum linear_known;
  if (model.known().linear())
    linear_known = analyse_spectrum(terms_flow_jacobian(model.known(), Vector::Zero(n), spec.dt, r.substeps_model,
                                                        r.jacobian_map_steps, cancel, stepper),
                                    1, spec.pseudospectra);
  // Progress: each map of each state as it starts, with an ETA from the maps done so far (the
  // phase can take minutes: a gKdV cell spends nearly all its time here).
  const auto began = Clock::now();
  const int maps = tests * states * 3;
  int done = 0;
  const auto report = [&](int t, int s, const char* map) {
    if (!on_phase) return;
    std::string eta;
    if (done > 0) {
      char text[64];
      std::snprintf(text, sizeof text, "; ETA %.1f s", seconds_since(began) / done * (maps - done));
      eta = text;
    }
    on_phase("analysis: Jacobian spectra, test IC " + std::to_string(t + 1) + " of " + std::to_string(tests) +
             ", state " + std::to_string(r.jacobian_states[static_cast<size_t>(s)]) + " (" + std::to_string(s + 1) +
             " of " + std::to_string(states) + "), " + map + " map (" + std::to_string(done + 1) + " of " +
             std::to_string(maps) + eta + ")");
  };
  for (int t = 0; t < tests; ++t)
    for (int s = 0; s < states; ++s) {
      const int idx = r.jacobian_states[s];
      report(t, s, "truth");
      const Vector truth_state = truths[t].col(idx);
      const TruthSpectrumKey key{truth_keys[static_cast<size_t>(t)], idx, r.substeps_truth, r.jacobian_map_steps,
                                 map_stepper, horizon, spec.pseudospectra};
      r.truth.set(t, s, states, truth_spectrum(memo, key, truth_map, truth_state, spec.dt, cancel));
      ++done;

      const Vector model_state = rollouts[t].states.col(idx);
      if (!model_state.allFinite()) {  // the rollout blew up before this state
        done += 2;
        continue;
      }
      report(t, s, "model");
      r.model.set(t, s, states,
                  analyse_spectrum(model_flow_jacobian(model, theta, model_state, spec.dt, r.substeps_model,
                                                       r.jacobian_map_steps, cancel, stepper),
                                   horizon, spec.pseudospectra));
      ++done;
      report(t, s, "known-terms");
      r.known_only.set(t, s, states,
                       model.known().linear()
                           ? linear_known
                           : analyse_spectrum(terms_flow_jacobian(model.known(), model_state, spec.dt,
                                                                  r.substeps_model, r.jacobian_map_steps, cancel,
                                                                  stepper),
                                                1, spec.pseudospectra));
      ++done;
    }
}

// A cell whose states need more than kMaxSubsteps substeps per output step ends here as
// diverged (bounded time for any amplitude or dt).
// The message names the stepper (RK4's text is the one it always had).
bool too_many_substeps(int substeps, const char* what, const Stepper& stepper, const Matrix& states,
                       ExperimentResult& r) {
  if (substeps <= kMaxSubsteps) return false;
  char text[240];
  std::snprintf(text, sizeof text,
                "%s would need more than %d %s substeps per output step (states up to |u| = %.3g): "
                "too large for this dt",
                what, kMaxSubsteps, stepper.label().c_str(), max_abs(states));
  r.status = CellStatus::diverged;
  r.message = text;
  return true;
}

}  // namespace

void MapSpectra::reset(long n, long tests, long states, bool with_eigenvalues) {
  const std::complex<double> nan_c(kNaN, kNaN);
  eigenvalues = with_eigenvalues ? Eigen::MatrixXcd::Constant(n, tests * states, nan_c) : Eigen::MatrixXcd();
  condition = with_eigenvalues ? Matrix::Constant(n, tests * states, kNaN) : Matrix();
  radius = log_abs_det = norm = sigma_min = rounding_set = Matrix::Constant(tests, states, kNaN);
  transient_growth = transient_growth_step = transient_growth_error = Matrix::Constant(tests, states, kNaN);
  for (Matrix& m : pseudospectral_radius) m = Matrix::Constant(tests, states, kNaN);
}

void MapSpectra::set(long test, long state, long states, const Spectrum& s) {
  if (eigenvalues.size()) {
    eigenvalues.col(test * states + state) = s.eigenvalues;
    condition.col(test * states + state) = s.condition;
  }
  radius(test, state) = s.overflowed ? std::numeric_limits<double>::infinity()
                       : s.eigenvalues.size() ? std::abs(s.eigenvalues[0])
                                              : kNaN;
  log_abs_det(test, state) = s.log_abs_det;
  norm(test, state) = s.norm;
  sigma_min(test, state) = s.sigma_min;
  rounding_set(test, state) = s.rounding_set;
  for (size_t e = 0; e < pseudospectral_radius.size(); ++e) pseudospectral_radius[e](test, state) = s.pseudospectral_radius[e];
  transient_growth(test, state) = s.transient_growth;
  transient_growth_step(test, state) = s.transient_growth_step;
  transient_growth_error(test, state) = s.transient_growth_error;
}

ExperimentResult run_experiment(const ExperimentSpec& spec, const RunOptions& options) {
  ExperimentResult r;
  const PdeSettings& pde = spec.pde;
  const KnownTerms truth_terms = make_truth_terms(pde, spec.train_stencil);
  // The model's known terms, and the part of them its stepper's stages evaluate (all of them for
  // a Runge-Kutta table; an exponential one takes their linear part itself).
  const KnownTerms model_known = make_model_known_terms(pde, spec.infer_stencil);
  const SplitTerms model_split = split_for_stepper(model_known, spec.integrator.model);
  const Stepping& stepper = model_split.stepping;
  NeuralRhs model(model_split.stages, spec.network());
  r.truth_formula = truth_formula(pde, spec.train_stencil);
  r.model_formula = model_formula(pde, spec.infer_stencil);

  // 1. Truth data for the training IC and every test IC.
  auto t0 = Clock::now();
  std::vector<InitialCondition> ics{spec.train_ic};
  ics.insert(ics.end(), spec.test_ics.begin(), spec.test_ics.end());
  Matrix u0s(pde.resolution, static_cast<long>(ics.size()));
  for (size_t i = 0; i < ics.size(); ++i) u0s.col(i) = sample_initial_condition(ics[i], pde.resolution, pde.length);
  const int truth_substeps = truth_data_substeps(spec, truth_terms, u0s);  // fixed-step data only
  if (too_many_substeps(truth_substeps, "truth data", truth_data_stepper(spec), u0s, r)) return r;
  std::vector<Matrix> truths;
  // Each trajectory's key: everything it depends on (a fixed-step integrator's substep count
  // follows from every IC of the cell, so it is named; the adaptive integrator does not use it).
  std::vector<TruthTrajectoryKey> truth_keys;
  for (const InitialCondition& ic : ics)
    truth_keys.push_back({spec, ic, spec.integrator.adaptive_truth() ? 0 : truth_substeps});
  for (size_t i = 0; i < ics.size(); ++i) {
    if (options.on_phase)
      options.on_phase("truth data, IC " + std::to_string(i + 1) + " of " + std::to_string(ics.size()) + ": " +
                       ics[i].label());
    const double bound = kBlowupFactor * std::max(1.0, u0s.col(i).cwiseAbs().maxCoeff());
    std::optional<TruthTrajectory> kept;
    if (options.truth_memo) kept = options.truth_memo->find(truth_keys[i]);
    TruthTrajectory tr = kept ? std::move(*kept)
                              : generate_truth(truth_terms, u0s.col(i), spec.dt, spec.steps, spec.integrator,
                                               truth_substeps, bound, options.cancel);
    if (!kept && spec.integrator.truth_correction == TruthCorrection::richardson)
      tr = richardson_truth(spec, ics[i], std::move(tr), bound, options.cancel);
    if (!kept && options.truth_memo && tr.ok) options.truth_memo->keep(truth_keys[i], tr);
    r.truth_accepted_steps += tr.accepted_steps;
    r.truth_rejected_steps += tr.rejected_steps;
    r.truth_refined_accepted_steps += tr.refined_accepted_steps;
    r.truth_refined_rejected_steps += tr.refined_rejected_steps;
    if (!tr.ok) {
      r.status = CellStatus::diverged;
      r.message = "truth data for " + ics[i].label() + " diverged: " + tr.message;
      r.truth_seconds = seconds_since(t0);
      return r;
    }
    truths.push_back(std::move(tr.states));
  }
  // The substep rule looks at every truth state the model and the truth map will meet.
  Matrix all_states(pde.resolution, static_cast<long>(ics.size()) * (spec.steps + 1));
  for (size_t i = 0; i < truths.size(); ++i) all_states.middleCols(i * (spec.steps + 1), spec.steps + 1) = truths[i];
  r.amplitude = max_abs(all_states);
  r.substeps_model = model_substeps(spec, model_known, all_states);
  r.substeps_truth = truth_jacobian_substeps(spec, truth_terms, all_states, truth_substeps);
  r.truth_seconds = seconds_since(t0);
  if (too_many_substeps(r.substeps_model, "the model", spec.integrator.model, all_states, r) ||
      too_many_substeps(r.substeps_truth, "the truth map's Jacobian", truth_map_stepper(spec), all_states, r))
    return r;

  // 2. Training.
  if (options.on_phase) options.on_phase("training: " + std::to_string(spec.training.epochs) + " epochs");
  t0 = Clock::now();
  Vector theta = options.initial_weights ? *options.initial_weights : model.network().glorot_uniform(spec.seed);
  r.weights_initial = theta;
  r.history = train(model, theta, spec, r.substeps_model, truths[0], options.on_epoch, options.cancel, stepper);
  r.weights_final = theta;
  r.training_seconds = seconds_since(t0);
  if (r.history.diverged) {
    r.status = CellStatus::diverged;
    r.message = r.history.message;
    return r;
  }

  // 3. Analysis: rollouts, saturation, Jacobian spectra.
  if (options.on_phase) options.on_phase("analysis: rollouts, " + std::to_string(spec.test_ics.size()) + " test ICs");
  t0 = Clock::now();
  const int tests = static_cast<int>(spec.test_ics.size());
  std::vector<Matrix> test_truths(truths.begin() + 1, truths.end());
  std::vector<Rollout> rollouts;
  r.rollout_error.resize(tests, spec.steps + 1);
  for (int t = 0; t < tests; ++t) {
    const Matrix& truth = test_truths[t];
    rollouts.push_back(rollout(model, theta, truth.col(0), spec.dt, r.substeps_model, spec.steps,
                               kBlowupFactor * std::max(1.0, max_abs(truth)), options.cancel, stepper));
    r.rollout_diverged_at.push_back(rollouts.back().diverged_at);
    r.rollout_error.row(t) = relative_l2_error(rollouts.back().states, truth).transpose();
  }
  const Rollout train_rollout = rollout(model, theta, truths[0].col(0), spec.dt, r.substeps_model, spec.steps,
                                        kBlowupFactor * std::max(1.0, max_abs(truths[0])), options.cancel, stepper);
  r.saturation = saturation_share(model, theta, train_rollout.states);
  if (spec.fields != FieldsKept::none)
    for (int t = 0; t < tests; ++t) {
      r.truth_fields.push_back(test_truths[t]);
      r.rollout_fields.push_back(rollouts[t].states);
    }
  if (spec.fields == FieldsKept::all) {
    r.training_truth_field = truths[0];
    r.training_rollout_field = train_rollout.states;
  }
  if (options.on_phase) options.on_phase("analysis: closure errors and fits");
  const KnownTerms physics = make_physics_closure_terms(pde);
  r.closure_error_discrete.resize(static_cast<long>(truths.size()));
  r.closure_error_physics.resize(static_cast<long>(truths.size()));
  // The states training covered: autoregressive u_0 .. u_transitions, one-shot the whole path.
  const long window = spec.one_shot() ? spec.steps + 1 : spec.training.transitions + 1;
  for (size_t i = 0; i < truths.size(); ++i) {
    options.cancel.check();
    const ClosureErrors e = closure_errors(model, theta, truth_terms, physics, truths[i].leftCols(window));
    r.closure_error_discrete[static_cast<long>(i)] = e.discrete;
    r.closure_error_physics[static_cast<long>(i)] = e.physics;
  }
  const Matrix trained_on = truths[0].leftCols(window);
  r.closure_fit = fit_closure(pde, spec.train_stencil, spec.infer_stencil, trained_on,
                              network_outputs(model, theta, trained_on));
  analyse_jacobians(spec, model, stepper, truth_terms, theta, test_truths, rollouts,
                    std::vector<TruthTrajectoryKey>(truth_keys.begin() + 1, truth_keys.end()), options.truth_memo,
                    options.cancel, options.on_phase, r);
  r.analysis_seconds = seconds_since(t0);
  return r;
}

}  // namespace npde
