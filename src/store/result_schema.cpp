#include "store/result_schema.hpp"

#include <algorithm>
#include <complex>
#include <cstring>

#include "model/mlp.hpp"
#include "pipeline/training.hpp"

namespace npde {
namespace {

using Shape = std::vector<hsize_t>;

template <class T>
ResultValue value_of(Shape shape, const T* data, size_t count) {
  ResultValue v;
  v.present = true;
  v.shape = std::move(shape);
  v.bytes.resize(count * sizeof(T));
  if (count) std::memcpy(v.bytes.data(), data, v.bytes.size());
  return v;
}

ResultValue row_major(const Matrix& m) {
  std::vector<double> v(static_cast<size_t>(m.size()));
  for (long i = 0; i < m.rows(); ++i)
    for (long j = 0; j < m.cols(); ++j) v[static_cast<size_t>(i * m.cols() + j)] = m(i, j);
  return value_of({static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, v.data(), v.size());
}

ResultValue weights(const Vector& w) {
  if (w.size() == 0) return {};
  return value_of({static_cast<hsize_t>(w.size())}, w.data(), static_cast<size_t>(w.size()));
}

hsize_t parameters(const ExperimentSpec& s) { return static_cast<hsize_t>(Mlp(s.network_widths()).parameter_count()); }
hsize_t tests(const ExperimentSpec& s) { return s.test_ics.size(); }
hsize_t states(const ExperimentSpec& s) { return s.one_shot() ? 1 : s.jacobian_states.size(); }
Shape per_state(const ExperimentSpec& s) { return {tests(s), states(s)}; }

// Eigenvalues: N x (tests * states) column-major is (test, state, N) row-major already.
ResultValue eigenvalues(const ExperimentSpec& s, const ExperimentResult& r, const Eigen::MatrixXcd& ev) {
  return value_of({tests(s), static_cast<hsize_t>(r.jacobian_states.size()), static_cast<hsize_t>(s.pde.resolution)},
                  ev.data(), static_cast<size_t>(ev.size()));
}

std::vector<ResultDataset> make() {
  using h5::Type;
  std::vector<ResultDataset> d = {
      {"weights/initial", Type::f64, "initial network parameters, flattened layer by layer as the weights group's layout attribute spells out", "1",
       false, [](const ExperimentSpec& s) { return Shape{parameters(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return weights(r.weights_initial); }},
      {"weights/final", Type::f64, "trained network parameters, flattened layer by layer as the weights group's layout attribute spells out", "1",
       false, [](const ExperimentSpec& s) { return Shape{parameters(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return weights(r.weights_final); }},
      {"training/loss", Type::f64, "mean over the epoch's Adam updates of the MSE loss before each update",
       "(state units)^2", false,
       [](const ExperimentSpec& s) { return Shape{static_cast<hsize_t>(std::max(1, s.training.epochs))}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({r.history.epoch_loss.size()}, r.history.epoch_loss.data(), r.history.epoch_loss.size());
       },
       {{"final_loss", "training loss of the last epoch", MetricRead::last_finite, OverTestIcs::none}}},
      {"training/update_loss", Type::f64, "MSE loss of each Adam update, shape (epoch, update within epoch)",
       "(state units)^2", false,
       [](const ExperimentSpec& s) {
         return Shape{static_cast<hsize_t>(std::max(1, s.training.epochs)),
                      static_cast<hsize_t>(updates_per_epoch(s.training))};
       },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return row_major(r.history.update_loss.leftCols(r.history.epochs_run).transpose());
       }},
      {"rollout/relative_l2_error", Type::f64,
       "||u_model - u_truth||_2 / ||u_truth||_2 of the NeuralPDE rollout from each test IC, shape (test_ic, output "
       "step); NaN after a blow-up",
       "1", true, [](const ExperimentSpec& s) { return Shape{tests(s), static_cast<hsize_t>(s.steps + 1)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.rollout_error); },
       {{"rollout_error", "relative L2 rollout error at the horizon (inf: blew up)", MetricRead::horizon,
         OverTestIcs::worst},
        {"rollout_blowups", "test ICs whose rollout blew up before the horizon", MetricRead::blowup,
         OverTestIcs::sum}}},
      {"rollout/diverged_at", Type::i32,
       "first output step at which the rollout blew up (non-finite or max|u| > 100 x truth amplitude), -1 if never",
       "output steps", true, [](const ExperimentSpec& s) { return Shape{tests(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({r.rollout_diverged_at.size()}, r.rollout_diverged_at.data(), r.rollout_diverged_at.size());
       }},
      {"rollout/saturation", Type::f64,
       "share of hidden-unit evaluations with |tanh'| < 1e-3 along the rollout from the training IC", "1", true,
       [](const ExperimentSpec&) { return Shape{}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return value_of({}, &r.saturation, 1); },
       {{"saturation", "share of hidden units with |tanh'| < 1e-3 on the training rollout", MetricRead::scalar,
         OverTestIcs::none}}},
      {"jacobian/model/eigenvalues", Type::c128,
       "model Jacobian eigenvalues sorted by decreasing modulus, shape (test_ic, state, N)", "1", true,
       [](const ExperimentSpec& s) { return Shape{tests(s), states(s), static_cast<hsize_t>(s.pde.resolution)}; },
       [](const ExperimentSpec& s, const ExperimentResult& r) { return eigenvalues(s, r, r.model_eigenvalues); }},
      {"jacobian/model/spectral_radius", Type::f64, "max |lambda| of the model Jacobian, shape (test_ic, state)", "1",
       true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.model_radius); },
       {{"max_lambda", "largest spectral radius of the model's Jacobian over the analysed states",
         MetricRead::worst_state, OverTestIcs::worst}}},
      {"jacobian/model/log_abs_det", Type::f64,
       "sum of log|lambda| (log |det J|); about 0 for a volume-preserving flow", "1", true, per_state,
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.model_log_abs_det); }},
      {"jacobian/truth/eigenvalues", Type::c128,
       "truth Jacobian eigenvalues sorted by decreasing modulus, shape (test_ic, state, N)", "1", true,
       [](const ExperimentSpec& s) { return Shape{tests(s), states(s), static_cast<hsize_t>(s.pde.resolution)}; },
       [](const ExperimentSpec& s, const ExperimentResult& r) { return eigenvalues(s, r, r.truth_eigenvalues); }},
      {"jacobian/truth/spectral_radius", Type::f64, "max |lambda| of the truth Jacobian, shape (test_ic, state)", "1",
       true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.truth_radius); },
       {{"truth_max_lambda", "the same for the truth discretisation's map", MetricRead::worst_state,
         OverTestIcs::worst}}},
      {"jacobian/truth/log_abs_det", Type::f64,
       "sum of log|lambda| (log |det J|); about 0 for a volume-preserving flow", "1", true, per_state,
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.truth_log_abs_det); }},
      {"jacobian/known_only/spectral_radius", Type::f64,
       "max |lambda| of the model's map with the network removed, at the model's states: the stencil's share", "1",
       true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.known_only_radius); },
       {{"known_only_max_lambda", "the same for the model with the network removed", MetricRead::worst_state,
         OverTestIcs::worst}}},
      {"closure/relative_error_discrete", Type::f64,
       "distance of NN(u) from the closure that reproduces the truth discretisation (with its truncation error), "
       "per IC (training IC, then test ICs)",
       "1", true, [](const ExperimentSpec& s) { return Shape{tests(s) + 1}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({static_cast<hsize_t>(r.closure_error_discrete.size())}, r.closure_error_discrete.data(),
                         static_cast<size_t>(r.closure_error_discrete.size()));
       },
       {{"closure_discrete",
         "||NN(u) - c(u)|| / ||c(u)|| on truth states, c the discrete closure (truth rhs minus the model's known "
         "terms)",
         MetricRead::per_ic, OverTestIcs::training_ic}}},
      {"closure/relative_error_physics", Type::f64,
       "distance of NN(u) from the replaced term with exact derivatives, per IC (training IC, then test ICs)", "1",
       true, [](const ExperimentSpec& s) { return Shape{tests(s) + 1}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({static_cast<hsize_t>(r.closure_error_physics.size())}, r.closure_error_physics.data(),
                         static_cast<size_t>(r.closure_error_physics.size()));
       },
       {{"closure_physics", "the same with c the replaced term with exact (spectral) derivatives", MetricRead::per_ic,
         OverTestIcs::training_ic}}},
  };
  return d;
}

}  // namespace

const std::vector<ResultDataset>& result_datasets() {
  static const std::vector<ResultDataset> d = make();
  return d;
}

const std::vector<QueryMetric>& timing_metrics() {
  static const std::vector<QueryMetric> m = {
      {"truth_seconds", "wall-clock seconds of the truth data", MetricRead::scalar, OverTestIcs::none},
      {"training_seconds", "wall-clock seconds of training", MetricRead::scalar, OverTestIcs::none},
      {"analysis_seconds", "wall-clock seconds of the analysis", MetricRead::scalar, OverTestIcs::none},
      {"runtime", "the sum of the three", MetricRead::scalar, OverTestIcs::none}};
  return m;
}

std::vector<MetricHelp> metric_help() {
  auto over = [](OverTestIcs o) -> std::string {
    switch (o) {
      case OverTestIcs::worst: return "worst test IC";
      case OverTestIcs::sum: return "sum over test ICs";
      case OverTestIcs::training_ic: return "training IC";
      default: return "-";
    }
  };
  std::vector<MetricHelp> help;
  for (const ResultDataset& d : result_datasets())
    for (const QueryMetric& m : d.metrics) {
      help.push_back({m.name, m.description + " [" + d.path + "]", over(m.over_test_ics)});
      if (m.read == MetricRead::horizon)
        help.push_back({m.name + "@K", "the same at output step K (K = 1, steps/2, steps)", over(m.over_test_ics)});
      if (m.read == MetricRead::worst_state)
        help.push_back({m.name + "@N", "the same at state index N (analysis.jacobian_states)", over(m.over_test_ics)});
    }
  for (const QueryMetric& m : timing_metrics()) help.push_back({m.name, m.description + " [/timing/seconds]", "-"});
  return help;
}

}  // namespace npde
