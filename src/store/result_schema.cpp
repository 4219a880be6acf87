#include "store/result_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <complex>
#include <cstring>

#include "model/mlp.hpp"
#include "numerics/time_stepper.hpp"
#include "pipeline/substeps.hpp"
#include "pipeline/training.hpp"
#include "pipeline/truth.hpp"
#include "input/canonical.hpp"
#include "store/provenance.hpp"

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

hsize_t parameters(const ExperimentSpec& s) { return static_cast<hsize_t>(s.network().parameter_count()); }
hsize_t tests(const ExperimentSpec& s) { return s.test_ics.size(); }
hsize_t case_terms(const ExperimentSpec& s) { return s.pde.pde_case->terms.size(); }
ResultValue vector_value(const Vector& v) {
  return value_of({static_cast<hsize_t>(v.size())}, v.data(), static_cast<size_t>(v.size()));
}
hsize_t states(const ExperimentSpec& s) { return s.one_shot() ? 1 : s.jacobian_states.size(); }
Shape per_state(const ExperimentSpec& s) { return {tests(s), states(s)}; }

// Eigenvalues: N x (tests * states) column-major is (test, state, N) row-major already.
ResultValue eigenvalues(const ExperimentSpec& s, const ExperimentResult& r, const Eigen::MatrixXcd& ev) {
  return value_of({tests(s), static_cast<hsize_t>(r.jacobian_states.size()), static_cast<hsize_t>(s.pde.resolution)},
                  ev.data(), static_cast<size_t>(ev.size()));
}

// A per-state count (rounding_set, transient_growth_step) as int32, -1 where not analysed (NaN).
ResultValue counts_of(const Matrix& m) {
  std::vector<int> v(static_cast<size_t>(m.size()));
  for (long i = 0; i < m.rows(); ++i)
    for (long j = 0; j < m.cols(); ++j) {
      const double x = m(i, j);
      v[static_cast<size_t>(i * m.cols() + j)] = std::isnan(x) ? -1 : static_cast<int>(x);
    }
  return value_of({static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, v.data(), v.size());
}

// The datasets of one analysed map's spectra (pipeline/experiment.hpp, MapSpectra): `map` is
// "model", "truth" or "known_only", `metric` the prefix of its query metrics ("" for the model).
template <MapSpectra ExperimentResult::*M>
ResultValue per_state_of(Matrix MapSpectra::*field, const ExperimentResult& r) {
  return row_major((r.*M).*field);
}

template <MapSpectra ExperimentResult::*M>
void add_map_datasets(std::vector<ResultDataset>& d, const std::string& map, const std::string& metric,
                      const std::string& what) {
  using h5::Type;
  const bool has_eigenvalues = M != &ExperimentResult::known_only;
  const auto eigen_shape = [](const ExperimentSpec& s) {
    return Shape{tests(s), states(s), static_cast<hsize_t>(s.pde.resolution)};
  };
  if (has_eigenvalues) {
    d.push_back({"jacobian/" + map + "/eigenvalues", Type::c128, {"test_ic", "state", "mode"},
                 what + " Jacobian eigenvalues sorted by decreasing modulus, shape (test_ic, state, N)", "1", true,
                 eigen_shape,
                 [](const ExperimentSpec& s, const ExperimentResult& r) { return eigenvalues(s, r, (r.*M).eigenvalues); }});
    d.push_back({"jacobian/" + map + "/eigenvalue_condition", Type::f64, {"test_ic", "state", "mode"},
                 "condition number kappa = ||x|| ||y|| / |y^* x| of each eigenvalue (x, y its right and left "
                 "eigenvectors), in the eigenvalues' order: a perturbation E of J moves it by up to about kappa ||E||_2",
                 "1", true, eigen_shape, [](const ExperimentSpec& s, const ExperimentResult& r) {
                   const Matrix& c = (r.*M).condition;  // N x (tests * states): (test, state, N) row-major
                   return value_of({tests(s), static_cast<hsize_t>(r.jacobian_states.size()),
                                    static_cast<hsize_t>(s.pde.resolution)},
                                   c.data(), static_cast<size_t>(c.size()));
                 }});
  }
  d.push_back({"jacobian/" + map + "/spectral_radius", Type::f64, {"test_ic", "state"},
               map == "known_only"
                   ? "max |lambda| of the model's map with the network removed, at the model's states: the stencil's share"
                   : "max |lambda| of the " + what + " Jacobian, shape (test_ic, state); inf where the map is not "
                     "finite at the state (it overflowed), NaN where the state was not analysed (the rollout blew "
                     "up before it)",
               "1", true, per_state,
               [](const ExperimentSpec&, const ExperimentResult& r) { return per_state_of<M>(&MapSpectra::radius, r); },
               {{metric + "max_lambda",
                 map == "model" ? "largest spectral radius of the model's Jacobian over the analysed states (inf: "
                                  "the map overflowed at one)"
                 : map == "truth" ? "the same for the truth discretisation's map"
                                  : "the same for the model with the network removed",
                 MetricRead::worst_state, OverTestIcs::worst}}});
  if (has_eigenvalues)
    d.push_back({"jacobian/" + map + "/log_abs_det", Type::f64, {"test_ic", "state"},
                 "sum of log|lambda| (log |det J|); about 0 for a volume-preserving flow; NaN where rounding "
                 "determines it (n^2 u ||J||_2 / sigma_min above 1e-6)",
                 "1", true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) {
                   return per_state_of<M>(&MapSpectra::log_abs_det, r);
                 }});
  d.push_back({"jacobian/" + map + "/norm", Type::f64, {"test_ic", "state"},
               "||J||_2, the largest singular value of the " + what + " Jacobian: the worst growth of a "
               "perturbation in one application of the map",
               "1", true, per_state,
               [](const ExperimentSpec&, const ExperimentResult& r) { return per_state_of<M>(&MapSpectra::norm, r); },
               {{metric + "max_norm", "largest ||J||_2 of the " + what + " Jacobian over the analysed states",
                 MetricRead::worst_state, OverTestIcs::worst}}});
  d.push_back({"jacobian/" + map + "/sigma_min", Type::f64, {"test_ic", "state"},
               "smallest singular value of the " + what + " Jacobian", "1", true, per_state,
               [](const ExperimentSpec&, const ExperimentResult& r) {
                 return per_state_of<M>(&MapSpectra::sigma_min, r);
               }});
  d.push_back({"jacobian/" + map + "/rounding_set", Type::i32, {"test_ic", "state"},
               "eigenvalues of the " + what + " Jacobian whose position rounding can set: kappa n u > 1e-6 "
               "(docs/numerics.md, Conditioning of the spectra); -1 where not analysed",
               "1", true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) { return counts_of((r.*M).rounding_set); },
               {{metric + "rounding_set", "largest count of rounding-set eigenvalues over the analysed states",
                 MetricRead::worst_state, OverTestIcs::worst}}});
  std::vector<QueryMetric> pseudo;
  for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
    char name[48], text[200];
    std::snprintf(name, sizeof name, "%smax_lambda_eps%d", metric.c_str(),
                  static_cast<int>(std::lround(-std::log10(kPseudospectralEpsilons[e]))));
    std::snprintf(text, sizeof text,
                  "largest eps-pseudospectral radius of the %s Jacobian over the analysed states, eps = %g ||J||_2",
                  what.c_str(), kPseudospectralEpsilons[e]);
    pseudo.push_back({name, text, MetricRead::worst_state, OverTestIcs::worst, static_cast<int>(e)});
  }
  d.push_back({"jacobian/" + map + "/pseudospectral_radius", Type::f64, {"test_ic", "state", "epsilon"},
               "eps-pseudospectral radius max{|z| : sigma_min(zI - J) <= eps} of the " + what +
                   " Jacobian at eps = 1e-8 ||J||_2 and 1e-3 ||J||_2 (the epsilon axis), by radial search from the "
                   "leading eigenvalues: a lower bound, exact for normal J",
               "1", true,
               [](const ExperimentSpec& s) { return Shape{tests(s), states(s), kPseudospectralEpsilons.size()}; },
               [](const ExperimentSpec&, const ExperimentResult& r) {
                 const auto& p = (r.*M).pseudospectral_radius;
                 const long rows = p[0].rows(), cols = p[0].cols(), eps = static_cast<long>(p.size());
                 std::vector<double> v(static_cast<size_t>(rows * cols * eps));
                 for (long i = 0; i < rows; ++i)
                   for (long j = 0; j < cols; ++j)
                     for (long e = 0; e < eps; ++e) v[static_cast<size_t>((i * cols + j) * eps + e)] = p[e](i, j);
                 return value_of({static_cast<hsize_t>(rows), static_cast<hsize_t>(cols), static_cast<hsize_t>(eps)},
                                 v.data(), v.size());
               },
               pseudo});
  if (!has_eigenvalues) return;  // the known terms alone: horizon 1, their norm above
  d.push_back({"jacobian/" + map + "/transient_growth", Type::f64, {"test_ic", "state"},
               "transient growth max_k ||J^k||_2 of the " + what + " Jacobian for k = 1 .. K, K the applications "
               "of the map that span the rollout (steps for a one-step map, 1 for a one-shot map): how far a "
               "perturbation can grow on the way even when every |lambda| < 1; inf where a power overflows",
               "1", true, per_state,
               [](const ExperimentSpec&, const ExperimentResult& r) {
                 return per_state_of<M>(&MapSpectra::transient_growth, r);
               },
               {{metric + "max_transient_growth",
                 "largest transient growth max_k ||J^k||_2 (k up to the rollout horizon) of the " + what +
                     " Jacobian over the analysed states",
                 MetricRead::worst_state, OverTestIcs::worst}}});
  d.push_back({"jacobian/" + map + "/transient_growth_step", Type::i32, {"test_ic", "state"},
               "the k of transient_growth (the first on ties); -1 where not analysed", "1", true,
               per_state, [](const ExperimentSpec&, const ExperimentResult& r) { return counts_of((r.*M).transient_growth_step); }});
  d.push_back({"jacobian/" + map + "/transient_growth_error", Type::f64, {"test_ic", "state"},
               "relative error bound of transient_growth from the Schur form and forming its powers in "
               "floating point, 2 k n u ||J||_2^k / ||J^k||_2 at the attaining k (u = 2^-53)",
               "1", true, per_state, [](const ExperimentSpec&, const ExperimentResult& r) {
                 return per_state_of<M>(&MapSpectra::transient_growth_error, r);
               }});
}

// Fields, (step, x) row-major, from N x (steps + 1) matrices (one per test IC, or one).
ResultValue fields_of(const std::vector<Matrix>& per_ic) {
  if (per_ic.empty()) return {};
  const long steps = per_ic[0].cols(), n = per_ic[0].rows();
  std::vector<double> v;
  v.reserve(static_cast<size_t>(per_ic.size() * steps * n));
  for (const Matrix& m : per_ic)
    for (long k = 0; k < steps; ++k)
      for (long j = 0; j < n; ++j) v.push_back(m(j, k));
  return value_of({per_ic.size(), static_cast<hsize_t>(steps), static_cast<hsize_t>(n)}, v.data(), v.size());
}
ResultValue field_of(const Matrix& m) {
  if (m.size() == 0) return {};
  ResultValue v = fields_of({m});
  v.shape.erase(v.shape.begin());
  return v;
}

// The solution fields analysis.fields keeps, at every output step on the grid x_j = j L / N.
void add_field_datasets(std::vector<ResultDataset>& d) {
  using h5::Type;
  const auto per_test = [](const ExperimentSpec& s) {
    return Shape{tests(s), static_cast<hsize_t>(s.steps + 1), static_cast<hsize_t>(s.pde.resolution)};
  };
  const auto one = [](const ExperimentSpec& s) {
    return Shape{static_cast<hsize_t>(s.steps + 1), static_cast<hsize_t>(s.pde.resolution)};
  };
  ResultDataset f{"fields/truth", Type::f64, {"test_ic", "step", "x"},
                  "truth u(x, t) from each test IC at every output step, shape (test_ic, step, x): the states "
                  "rollout/relative_l2_error measures the rollout against",
                  "1", true, per_test,
                  [](const ExperimentSpec&, const ExperimentResult& r) { return fields_of(r.truth_fields); }};
  f.fields = FieldsKept::rollouts;
  d.push_back(f);
  f.path = "fields/rollout";
  f.description = "the NeuralPDE's rollout u(x, t) from each test IC at every output step, shape (test_ic, step, "
                  "x); NaN from the step it blew up (rollout/diverged_at) on";
  f.value = [](const ExperimentSpec&, const ExperimentResult& r) { return fields_of(r.rollout_fields); };
  d.push_back(f);
  f = {"fields/training_truth", Type::f64, {"step", "x"},
       "truth u(x, t) from the training IC at every output step, shape (step, x): the data the network was "
       "trained on (autoregressive: its first training.transitions + 1 steps; one-shot: all)",
       "1", true, one,
       [](const ExperimentSpec&, const ExperimentResult& r) { return field_of(r.training_truth_field); }};
  f.fields = FieldsKept::all;
  d.push_back(f);
  f.path = "fields/training_rollout";
  f.description = "the NeuralPDE's rollout from the training IC at every output step, shape (step, x), the one "
                  "rollout/saturation is measured on; NaN from a blow-up on";
  f.value = [](const ExperimentSpec&, const ExperimentResult& r) { return field_of(r.training_rollout_field); };
  d.push_back(f);
}

std::vector<ResultDataset> make() {
  using h5::Type;
  std::vector<ResultDataset> d = {
      {"weights/initial", Type::f64, {"parameter"}, "initial network parameters, flattened layer by layer as the weights group's layout attribute spells out", "1",
       false, [](const ExperimentSpec& s) { return Shape{parameters(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return weights(r.weights_initial); }},
      {"weights/final", Type::f64, {"parameter"}, "trained network parameters, flattened layer by layer as the weights group's layout attribute spells out", "1",
       false, [](const ExperimentSpec& s) { return Shape{parameters(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return weights(r.weights_final); }},
      {"training/loss", Type::f64, {"epoch"}, "mean over the epoch's Adam updates of the MSE loss before each update",
       "1", false,
       [](const ExperimentSpec& s) { return Shape{static_cast<hsize_t>(std::max(1, s.training.epochs))}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({r.history.epoch_loss.size()}, r.history.epoch_loss.data(), r.history.epoch_loss.size());
       },
       {{"final_loss", "training loss of the last epoch", MetricRead::last_finite, OverTestIcs::none}}},
      {"training/update_loss", Type::f64, {"epoch", "update"}, "MSE loss of each Adam update, shape (epoch, update within epoch)",
       "1", false,
       [](const ExperimentSpec& s) {
         return Shape{static_cast<hsize_t>(std::max(1, s.training.epochs)),
                      static_cast<hsize_t>(updates_per_epoch(s.training))};
       },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return row_major(r.history.update_loss.leftCols(r.history.epochs_run).transpose());
       }},
      {"rollout/relative_l2_error", Type::f64, {"test_ic", "step"},
       "||u_model - u_truth||_2 / ||u_truth||_2 of the NeuralPDE rollout from each test IC, shape (test_ic, output "
       "step); NaN after a blow-up",
       "1", true, [](const ExperimentSpec& s) { return Shape{tests(s), static_cast<hsize_t>(s.steps + 1)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.rollout_error); },
       {{"rollout_error", "relative L2 rollout error at the horizon (inf: blew up)", MetricRead::horizon,
         OverTestIcs::worst},
        {"rollout_blowups", "test ICs whose rollout blew up before the horizon", MetricRead::blowup,
         OverTestIcs::sum}},
       FieldsKept::none,
       {{"ancillary_variables", "diverged_at"},
        {"comment", "NaN from the step diverged_at on, where diverged_at >= 0: the rollout blew up there (query and "
                    "export report inf). With diverged_at = -1 every step is a number. In a store, a row of a cell "
                    "that is not done is NaN throughout: /status/code says why (pending, failed or diverged)"}}},
      {"rollout/diverged_at", Type::i32, {"test_ic"},
       "first output step at which the rollout blew up (non-finite or max|u| > 100 x truth amplitude), -1 if never",
       "1", true, [](const ExperimentSpec& s) { return Shape{tests(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({r.rollout_diverged_at.size()}, r.rollout_diverged_at.data(), r.rollout_diverged_at.size());
       },
       {}, FieldsKept::none, {{"comment", "-1: the rollout reached the horizon"}}},
      {"rollout/saturation", Type::f64, {},
       "share of hidden-unit evaluations with |tanh'| < 1e-3 along the rollout from the training IC", "1", true,
       [](const ExperimentSpec&) { return Shape{}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return value_of({}, &r.saturation, 1); },
       {{"saturation", "share of hidden units with |tanh'| < 1e-3 on the training rollout", MetricRead::scalar,
         OverTestIcs::none}}},
      {"closure/relative_error_discrete", Type::f64, {"ic"},
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
      {"closure/relative_error_physics", Type::f64, {"ic"},
       "distance of NN(u) from the replaced term with exact derivatives, per IC (training IC, then test ICs)", "1",
       true, [](const ExperimentSpec& s) { return Shape{tests(s) + 1}; },
       [](const ExperimentSpec&, const ExperimentResult& r) {
         return value_of({static_cast<hsize_t>(r.closure_error_physics.size())}, r.closure_error_physics.data(),
                         static_cast<size_t>(r.closure_error_physics.size()));
       },
       {{"closure_physics", "the same with c the replaced term with exact (spectral) derivatives", MetricRead::per_ic,
         OverTestIcs::training_ic}}},
      {"closure/fit/coefficient", Type::f64, {"term", "fit_column"},
       "least-squares coefficients of NN(u) on the training IC's window, per case term (in the order of the "
       "group's terms attribute), columns: discrete alpha, physics beta, truncation gamma; NaN where the term "
       "has no such candidate or the candidates are linearly dependent",
       "1", true, [](const ExperimentSpec& s) { return Shape{case_terms(s), 3}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.closure_fit.coefficient); },
       {{"fit_discrete", "coefficient alpha of the term's discrete candidate (1: the network learned it as the data's stencil computes it)",
         MetricRead::per_term, OverTestIcs::none, kFitDiscrete},
        {"fit_physics", "coefficient beta of the learned term with exact derivatives (1: it learned the physics)",
         MetricRead::per_term, OverTestIcs::none, kFitPhysics},
        {"fit_truncation", "coefficient gamma of the term's leading truncation-error candidate",
         MetricRead::per_term, OverTestIcs::none, kFitTruncation}}},
      {"closure/fit/standard_error", Type::f64, {"term", "fit_column"},
       "standard errors of closure/fit/coefficient, assuming independent residuals (they are not: read them as a "
       "scale)",
       "1", true, [](const ExperimentSpec& s) { return Shape{case_terms(s), 3}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return row_major(r.closure_fit.standard_error); },
       {{"fit_discrete_se", "standard error of fit_discrete (a scale: it assumes independent residuals; above 0.1 "
         "the cell cannot say whether the network carries the term)",
         MetricRead::per_term, OverTestIcs::none, kFitDiscrete},
        {"fit_physics_se", "standard error of fit_physics (a scale, as fit_discrete_se)", MetricRead::per_term,
         OverTestIcs::none, kFitPhysics},
        {"fit_truncation_se", "standard error of fit_truncation (a scale, as fit_discrete_se)", MetricRead::per_term,
         OverTestIcs::none, kFitTruncation}}},
      {"closure/fit/taylor", Type::f64, {"term"},
       "Taylor coefficient tau of the term's truncation candidate: the gamma of a network that learned the "
       "stencil's error",
       "1", true, [](const ExperimentSpec& s) { return Shape{case_terms(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return vector_value(r.closure_fit.taylor); },
       {{"fit_taylor", "Taylor coefficient tau of the term's truncation candidate", MetricRead::per_term,
         OverTestIcs::none}}},
      {"closure/fit/truncation_share", Type::f64, {"term"},
       "gamma / tau: 1 when the network learned the stencil's leading truncation error, 0 when it did not", "1",
       true, [](const ExperimentSpec& s) { return Shape{case_terms(s)}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return vector_value(r.closure_fit.truncation_share); },
       {{"truncation_share", "gamma / tau (1: the network learned the stencil's truncation error, 0: it did not)",
         MetricRead::per_term, OverTestIcs::none}}},
      {"closure/fit/residual_share", Type::f64, {"fit"},
       "||NN(u) - fit||^2 / ||NN(u)||^2 of the discrete fit (entry 0) and the physics-and-truncation fit (entry 1)",
       "1", true, [](const ExperimentSpec&) { return Shape{2}; },
       [](const ExperimentSpec&, const ExperimentResult& r) { return vector_value(r.closure_fit.residual_share); },
       {{"fit_residual_discrete", "share of ||NN(u)||^2 the discrete fit leaves unexplained", MetricRead::scalar,
         OverTestIcs::none, 0},
        {"fit_residual_physics", "share of ||NN(u)||^2 the physics-and-truncation fit leaves unexplained",
         MetricRead::scalar, OverTestIcs::none, 1}}},
  };
  add_field_datasets(d);
  add_map_datasets<&ExperimentResult::model>(d, "model", "", "model");
  add_map_datasets<&ExperimentResult::truth>(d, "truth", "truth_", "truth");
  add_map_datasets<&ExperimentResult::known_only>(d, "known_only", "known_only_", "known-terms-only");
  return d;
}

}  // namespace

namespace {

std::vector<int> counting(hsize_t length, int first) {
  std::vector<int> v(static_cast<size_t>(length));
  for (size_t k = 0; k < v.size(); ++k) v[k] = first + static_cast<int>(k);
  return v;
}

std::vector<std::string> test_ic_labels(const ExperimentSpec& s) {
  std::vector<std::string> labels;
  for (const auto& ic : s.test_ics) labels.push_back(ic.label());
  return labels;
}

std::vector<ResultAxis> make_axes() {
  using A = AxisContext;
  return {
      {"parameter", "index of the flat network parameter (weights@layout spells out the layers)", "1",
       [](const A& a) -> AxisValues { return counting(a.length, 0); }},
      {"epoch", "training epoch, from 1", "1", [](const A& a) -> AxisValues { return counting(a.length, 1); }},
      {"update", "Adam update within the epoch, from 1", "1",
       [](const A& a) -> AxisValues { return counting(a.length, 1); }},
      {"test_ic", "test initial conditions, in the order of the test_ic axes", "",
       [](const A& a) -> AxisValues { return test_ic_labels(a.spec); }},
      {"step", "output step n of the state u_n (time n dt)", "1",
       [](const A& a) -> AxisValues { return counting(a.length, 0); },
       {"time", "time of each output step", "1", [](const A& a) -> AxisValues {
          std::vector<double> t(static_cast<size_t>(a.length));
          for (size_t n = 0; n < t.size(); ++n) t[n] = static_cast<double>(n) * a.spec.dt;
          return t;
        }}},
      {"state", "output step n of the state u_n at which each Jacobian is taken (one-shot: the flow map from u(0))",
       "1", [](const A& a) -> AxisValues { return a.states; }},
      {"mode", "eigenvalue by decreasing modulus, from 0", "1",
       [](const A& a) -> AxisValues { return counting(a.length, 0); }},
      {"epsilon", "pseudospectral eps relative to ||J||_2", "1", [](const A&) -> AxisValues {
         return std::vector<double>(kPseudospectralEpsilons.begin(), kPseudospectralEpsilons.end());
       }},
      {"ic", "the training IC, then the test ICs", "", [](const A& a) -> AxisValues {
         std::vector<std::string> labels{"training: " + a.spec.train_ic.label()};
         for (std::string& t : test_ic_labels(a.spec)) labels.push_back(std::move(t));
         return labels;
       }},
      {"term", "the case's terms (closure/fit@terms)", "", [](const A& a) -> AxisValues {
         std::vector<std::string> names;
         for (const CaseTerm& t : a.spec.pde.pde_case->terms) names.push_back(t.name);
         return names;
       }},
      {"fit_column", "the fit's coefficient: discrete alpha, physics beta, truncation gamma", "",
       [](const A&) -> AxisValues { return std::vector<std::string>{"discrete", "physics", "truncation"}; }},
      {"fit", "the discrete fit, then the physics-and-truncation fit", "",
       [](const A&) -> AxisValues { return std::vector<std::string>{"discrete", "physics_and_truncation"}; }},
      {"x", "grid point x_j = j L / N (periodic, L = pde.length)", "1", [](const A& a) -> AxisValues {
         std::vector<double> x(static_cast<size_t>(a.length));
         const double dx = a.spec.pde.length / static_cast<double>(a.spec.pde.resolution);
         for (size_t j = 0; j < x.size(); ++j) x[j] = static_cast<double>(j) * dx;
         return x;
       }},
  };
}

}  // namespace

const std::vector<ResultAxis>& result_axes() {
  static const std::vector<ResultAxis> a = make_axes();
  return a;
}

const ResultAxis* find_result_axis(const std::string& name) {
  for (const ResultAxis& a : result_axes())
    if (a.name == name) return &a;
  return nullptr;
}

const std::vector<ResultDataset>& result_datasets() {
  static const std::vector<ResultDataset> d = make();
  return d;
}

bool kept(const ResultDataset& d, const ExperimentSpec& spec) {
  return static_cast<int>(spec.fields) >= static_cast<int>(d.fields);
}

double field_bytes(const ExperimentSpec& spec, FieldsKept fields) {
  ExperimentSpec s = spec;
  s.fields = fields;
  double bytes = 0;
  for (const ResultDataset& d : result_datasets()) {
    if (d.fields == FieldsKept::none || !kept(d, s)) continue;
    double items = 1;
    for (hsize_t n : d.reserved_shape(s)) items *= static_cast<double>(n);
    bytes += items * static_cast<double>(h5::element_size(d.type));
  }
  return bytes;
}

namespace {

constexpr const char* kClosureDescription =
    "relative distance ||NN(u) - c(u)|| / ||c(u)|| of the network from two closures c, over the truth states of the "
    "training window (autoregressive u_0..u_transitions, one-shot the whole path): the discrete closure (truth rhs "
    "minus the model's known terms) and the physics term (the replaced term with spectral derivatives); entry 0 is "
    "the training IC's states, entry 1 + t test IC t's";
constexpr const char* kClosureFitDescription =
    "NN(u) on the training IC's window fitted by least squares onto each case term's candidates: discrete (the term "
    "with the data's stencil; for a known term the data's minus the model's stencil), physics (a learned term with "
    "exact derivatives) and truncation (the stencil's leading Taylor term, whose coefficient tau a network that "
    "learned the stencil reproduces); docs/numerics.md, Closure fits";

bool adaptive_truth(const ResultContext& c) { return c.spec.integrator.adaptive_truth(); }

std::vector<ResultAttribute> make_attributes() {
  using C = const ResultContext&;
  using V = AttributeValue;
  return {
      {"", "schema_version", "layout version of result files and stores (docs/store.md, Versions)", false, false,
       [](C) { return V{static_cast<long long>(kSchemaVersion)}; }},
      {"", "tool", "the npdesweep that wrote the file", false, false,
       [](C) { return V{std::string("npdesweep ") + NPDESWEEP_VERSION}; }},
      {"", "Conventions", "the metadata conventions the file follows (CF: long_name, units, flags)", false, false,
       [](C) { return V{std::string(kConventions)}; }},
      // Where and how the file was made (store/provenance.hpp); not a result: merge and the
      // tests' comparisons leave /provenance out.
      {"provenance", "created", "when the file was written, ISO 8601 UTC", false, false,
       [](C c) { return V{c.provenance ? c.provenance->created : std::string("unknown")}; }},
      {"provenance", "version", "the npdesweep that wrote it", false, false,
       [](C c) { return V{c.provenance ? c.provenance->version : std::string("unknown")}; }},
      {"provenance", "commit", "git describe of its source tree at build time (-dirty: uncommitted changes)", false,
       false, [](C c) { return V{c.provenance ? c.provenance->commit : std::string("unknown")}; }},
      {"provenance", "host", "the host that computed it", false, false,
       [](C c) { return V{c.provenance ? c.provenance->host : std::string("unknown")}; }},
      {"provenance", "cpu", "that host's CPU (/proc/cpuinfo model name)", false, false,
       [](C c) { return V{c.provenance ? c.provenance->cpu : std::string("unknown")}; }},
      {"provenance", "instruction_set", "the instruction set the binary was compiled for (results differ in the last "
       "bits between instruction sets)", false, false,
       [](C c) { return V{c.provenance ? c.provenance->instruction_set : std::string("unknown")}; }},
      {"provenance", "compiler", "the compiler that built the binary", false, false,
       [](C c) { return V{c.provenance ? c.provenance->compiler : std::string("unknown")}; }},
      {"", "name", "the experiment's name", false, false, [](C c) { return V{c.spec.name}; }},
      {"", "content_hash", "FNV-1a 64 of the results version and the canonical job", false, false,
       [](C c) { return V{c.content_hash}; }},
      {"", "job_toml", "the canonical job text", false, false, [](C c) { return V{c.canonical_text}; }},
      {"", "status", "done, diverged or failed", false, false,
       [](C c) { return V{std::string(status_name(c.result.status))}; }},
      {"", "message", "why the experiment diverged or failed", false, false, [](C c) { return V{c.result.message}; }},
      {"", "case", "the PDE case", false, false, [](C c) { return V{c.spec.pde.name}; }},
      {"", "train_stencil", "stencil of the varied term in the truth data", false, false,
       [](C c) { return V{c.spec.train_stencil}; }},
      {"", "infer_stencil", "the same term inside the NeuralPDE", false, false, [](C c) { return V{c.spec.infer_stencil}; }},
      {"", "resolution", "N grid points", false, false,
       [](C c) { return V{static_cast<long long>(c.spec.pde.resolution)}; }},
      {"", "truth_rhs", "the truth's right-hand side, generated from the case's terms", false, false,
       [](C c) { return V{c.result.truth_formula}; }},
      {"", "model_rhs", "the NeuralPDE's right-hand side", false, false, [](C c) { return V{c.result.model_formula}; }},

      {"integrator", "description", "", false, false, [](C) { return V{std::string("how the numbers were integrated")}; }},
      {"integrator", "model", "the model's stepper in words", false, false,
       [](C c) {
         return V{c.spec.integrator.model.description() + ", fixed substeps per output step"};
       }},
      {"integrator", "stepper", "the model's stepper (integrator.model)", false, false,
       [](C c) { return V{c.spec.integrator.model.name()}; }},
      {"integrator", "substeps_model", "substeps per output step of the model", false, true,
       [](C c) { return V{static_cast<long long>(c.result.substeps_model)}; }},
      {"integrator", "substeps_truth_jacobian", "substeps per output step of the truth map's stepper", false, true,
       [](C c) { return V{static_cast<long long>(c.result.substeps_truth)}; }},
      {"integrator", "substep_rule", "how substeps_model was chosen", false, false,
       [](C c) {
         if (c.spec.integrator.substeps > 0) return V{std::string("fixed by the job")};
         return V{std::string(c.spec.integrator.model.exponential()
                                  ? "auto: stability bound of the non-stiff terms (the known terms without their "
                                    "linear part, which the stepper takes exactly, and the learned terms as the truth "
                                    "has them) at the truth amplitude"
                                  : "auto: stability bound of the known terms at the truth amplitude")};
       }},
      {"integrator", "amplitude", "max|u| over all truth data", false, true, [](C c) { return V{c.result.amplitude}; },
       false, "1"},
      {"integrator", "output_dt", "the output step", false, false, [](C c) { return V{c.spec.dt}; }},
      {"integrator", "truth", "the truth data's integrator", false, false,
       [](C c) {
         if (adaptive_truth(c)) return V{std::string("adaptive Dormand-Prince 5(4)")};
         return V{truth_data_stepper(c.spec).description() + " with substeps_truth_jacobian substeps"};
       }},
      {"integrator", "truth_jacobian", "how the truth map's Jacobian was integrated", false, false,
       [](C c) {
         const Stepper map = truth_map_stepper(c.spec);
         if (!adaptive_truth(c)) return V{"the truth data's own " + map.label() + " map"};
         if (!map.exponential())
           return V{map.description() + " with substeps_truth_jacobian substeps: the larger of the model's rule and "
                    "the count whose " + map.label() + " error on the fastest mode over the map stays below 0.05, "
                    "since the data follow the semi-discrete flow"};
         return V{map.description() +
                  " with substeps_truth_jacobian substeps: the larger of the stable and the accurate count for the "
                  "terms without their linear part (taken exactly), the fastest of their modes in error by less "
                  "than 0.05 over the map, since the data follow the semi-discrete flow"};
       }},
      {"integrator", "truth_rtol", "relative tolerance of the adaptive truth integrator", false, false,
       [](C c) { return V{c.spec.integrator.truth_rtol}; }},
      {"integrator", "truth_atol", "absolute tolerance of the adaptive truth integrator", false, false,
       [](C c) { return V{c.spec.integrator.truth_atol}; }},
      {"integrator", "truth_accepted_steps", "accepted steps of the adaptive truth integrator (on the job's grid)",
       false, false, [](C c) { return V{static_cast<long long>(c.result.truth_accepted_steps)}; }},
      {"integrator", "truth_rejected_steps", "rejected steps of the adaptive truth integrator (on the job's grid)",
       false, false, [](C c) { return V{static_cast<long long>(c.result.truth_rejected_steps)}; }},
      {"integrator", "truth_correction", "how the truth data were corrected after integration", false, false,
       [](C c) {
         if (c.spec.integrator.truth_correction != TruthCorrection::richardson) return V{std::string("none")};
         const int p = richardson_order(c.spec);
         if (p <= 0) return V{std::string("richardson asked, not applied: the training stencil has no truncation error")};
         return V{"richardson: solved again on the doubled grid (N = " + std::to_string(2 * c.spec.pde.resolution) +
                  ") and combined as (2^p u_2N - u_N) / (2^p - 1) with p = " + std::to_string(p) +
                  ", cancelling the stencil's leading O(dx^p) error"};
       }},
      {"integrator", "truth_refined_accepted_steps",
       "accepted steps of the adaptive truth integrator on the Richardson correction's doubled grid (0 without one)",
       false, false, [](C c) { return V{static_cast<long long>(c.result.truth_refined_accepted_steps)}; }},
      {"integrator", "truth_refined_rejected_steps",
       "rejected steps of the adaptive truth integrator on the Richardson correction's doubled grid (0 without one)",
       false, false, [](C c) { return V{static_cast<long long>(c.result.truth_refined_rejected_steps)}; }},

      {"weights", "kind", "the closure network: mlp (dense layers over the whole state) or cnn (periodic 1-D "
                          "convolutions)", false, false,
       [](C c) { return V{std::string(name_of(c.spec.network_kind))}; }, true},
      {"weights", "widths", "layer widths, input to output (a cnn: channels per layer)", false, false,
       [](C c) { return V{c.spec.network().widths()}; }, true},
      {"weights", "layout", "how the flat parameter vectors are laid out", false, false,
       [](C c) { return V{c.spec.network().layout()}; }, true},

      {"training", "mode", "autoregressive or one_shot", false, false,
       [](C c) { return V{std::string(name_of(c.spec.training.mode))}; }},
      {"training", "update", "per_transition or summed", false, false,
       [](C c) { return V{std::string(name_of(c.spec.training.update))}; }},
      {"training", "epochs_run", "epochs trained (fewer than asked when training diverged)", false, false,
       [](C c) { return V{static_cast<long long>(c.result.history.epochs_run)}; }},

      {"timing", "description", "", false, false,
       [](C) { return V{std::string("wall-clock seconds; not part of the reproducible result")}; }},
      {"timing", "truth_seconds", "wall-clock seconds of the truth data", false, false,
       [](C c) { return V{c.result.truth_seconds}; }},
      {"timing", "training_seconds", "wall-clock seconds of training", false, false,
       [](C c) { return V{c.result.training_seconds}; }},
      {"timing", "analysis_seconds", "wall-clock seconds of the analysis", false, false,
       [](C c) { return V{c.result.analysis_seconds}; }},

      {"jacobian", "map_steps", "output steps each analysed Jacobian's map spans (1, or steps for one-shot)", true,
       false, [](C c) { return V{static_cast<long long>(c.spec.jacobian_map_steps())}; }, true},
      {"jacobian", "description", "", true, false,
       [](C c) {
         return V{std::string(c.spec.one_shot() ? "Jacobian of the flow map u(0) -> u(T) at each test IC"
                                                : "Jacobian d u_{n+1} / d u_n of the one-step map at state u_n") +
                  (c.spec.integrator.model == Stepper() && truth_map_stepper(c.spec) == Stepper()
                       ? ", exact by tangent propagation through every RK4 substep"
                       : ", exact by tangent propagation through every substep of the map's stepper")};
       }},
      {"jacobian/model", "integrator", "the model map's stepper and substeps", true, false,
       [](C c) {
         return V{c.spec.integrator.model.label() + ", " + std::to_string(c.result.substeps_model) + " substeps per output step"};
       }},
      {"jacobian/truth", "integrator", "the truth map's stepper and substeps", true, false,
       [](C c) {
         return V{truth_map_stepper(c.spec).label() + ", " + std::to_string(c.result.substeps_truth) +
                  " substeps per output step"};
       }},
      {"closure", "description", "", true, false, [](C) { return V{std::string(kClosureDescription)}; }},
      {"closure/fit", "description", "", true, false, [](C) { return V{std::string(kClosureFitDescription)}; }},
      {"closure/fit", "terms", "the case's terms, space-separated: the rows of the fit datasets", true, false,
       [](C c) { return V{closure_fit_terms(c.spec.pde)}; }, true},
  };
}

}  // namespace

const std::vector<ResultAttribute>& result_attributes() {
  static const std::vector<ResultAttribute> a = make_attributes();
  return a;
}

std::vector<std::string> result_groups(const ExperimentSpec& spec, bool analysed) {
  std::vector<std::string> groups;
  auto add = [&](const std::string& path, bool analysis) {
    if (analysis && !analysed) return;
    for (size_t pos = path.find('/'); ; pos = path.find('/', pos + 1)) {
      const std::string parent = path.substr(0, pos);
      if (!parent.empty() && std::find(groups.begin(), groups.end(), parent) == groups.end()) groups.push_back(parent);
      if (pos == std::string::npos) break;
    }
  };
  for (const ResultAttribute& a : result_attributes()) add(a.group, a.analysis);
  for (const ResultDataset& d : result_datasets())
    if (kept(d, spec)) add(d.path.substr(0, d.path.rfind('/')), d.analysis);
  if (analysed) add("rollout", true), add("jacobian/known_only", true);  // the axis datasets' group; known_only's
  return groups;
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
  auto read = [](MetricRead r) -> std::string {
    switch (r) {
      case MetricRead::scalar: return "scalar";
      case MetricRead::last_finite: return "last_finite";
      case MetricRead::horizon: return "horizon";
      case MetricRead::blowup: return "blowup";
      case MetricRead::worst_state: return "worst_state";
      case MetricRead::per_ic: return "per_ic";
      case MetricRead::per_term: return "per_term";
    }
    return "";
  };
  std::vector<MetricHelp> help;
  for (const ResultDataset& d : result_datasets())
    for (const QueryMetric& m : d.metrics) {
      const int column = m.read == MetricRead::scalar || m.read == MetricRead::per_term ? m.column : -1;
      const std::string how = read(m.read), over_ics = over(m.over_test_ics);
      help.push_back({m.name, m.description + " [" + d.path + "]", over_ics, d.path, how, column});
      if (m.read == MetricRead::horizon)
        help.push_back({m.name + "@K", "the same at output step K: any K from 0 to steps (stores list 1, steps/2, steps)",
                        over_ics, d.path, how, column});
      if (m.read == MetricRead::worst_state)
        help.push_back({m.name + "@N", "the same at state index N (analysis.jacobian_states)", over_ics, d.path, how, column});
      if (m.read == MetricRead::per_term)
        help.back().name += "@TERM";  // only per term: TERM a case term's name (closure/fit terms)
    }
  // the phases' columns of /timing/seconds (kTimingPhases' order), and runtime their sum
  const std::vector<QueryMetric>& timing = timing_metrics();
  for (size_t k = 0; k < timing.size(); ++k) {
    const bool phase = k < kTimingPhases.size();
    help.push_back({timing[k].name, timing[k].description + " [/timing/seconds]", "-", "/timing/seconds",
                    phase ? "scalar" : "row_sum", phase ? static_cast<int>(k) : -1});
  }
  return help;
}

}  // namespace npde
