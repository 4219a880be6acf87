#include "store/result_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <unistd.h>

#include "numerics/runge_kutta.hpp"
#include "spec/canonical.hpp"
#include "spec/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"

#include <fcntl.h>

namespace npde {
namespace {

using Shape = std::vector<hsize_t>;

std::vector<double> row_major(const Matrix& m) {
  std::vector<double> v(static_cast<size_t>(m.size()));
  for (long i = 0; i < m.rows(); ++i)
    for (long j = 0; j < m.cols(); ++j) v[static_cast<size_t>(i * m.cols() + j)] = m(i, j);
  return v;
}

std::string weight_layout(const std::vector<int>& widths) {
  std::string s;
  for (size_t l = 0; l + 1 < widths.size(); ++l)
    s += (l ? ", " : "") + std::string("W") + std::to_string(l + 1) + " (" + std::to_string(widths[l + 1]) + " x " +
         std::to_string(widths[l]) + ", row-major), b" + std::to_string(l + 1) + " (" + std::to_string(widths[l + 1]) +
         ")";
  return s;
}

void write_contents(hid_t file, const ExperimentSpec& spec, const std::string& canonical_text, const std::string& hash,
                    const ExperimentResult& r) {
  using namespace h5;
  set_attribute(file, "schema_version", static_cast<long long>(kSchemaVersion));
  set_attribute(file, "tool", std::string("npdesweep ") + NPDESWEEP_VERSION);
  set_attribute(file, "name", spec.name);
  set_attribute(file, "content_hash", hash);
  set_attribute(file, "job_toml", canonical_text);
  set_attribute(file, "status", r.status);
  set_attribute(file, "message", r.message);
  set_attribute(file, "case", spec.pde.name);
  set_attribute(file, "train_stencil", spec.train_stencil);
  set_attribute(file, "infer_stencil", spec.infer_stencil);
  set_attribute(file, "resolution", static_cast<long long>(spec.pde.resolution));
  set_attribute(file, "truth_rhs", r.truth_formula);
  set_attribute(file, "model_rhs", r.model_formula);

  Object integ = create_group(file, "integrator");
  set_attribute(integ.id(), "description", std::string("how the numbers were integrated"));
  const ButcherTable& stepper = butcher_table(spec.integrator.model);
  set_attribute(integ.id(), "model", (stepper.name == "rk4" ? std::string("classical RK4") : stepper.description) +
                                         ", fixed substeps per output step");
  set_attribute(integ.id(), "stepper", stepper.name);
  set_attribute(integ.id(), "substeps_model", static_cast<long long>(r.substeps_model));
  set_attribute(integ.id(), "substeps_truth_jacobian", static_cast<long long>(r.substeps_truth));
  set_attribute(integ.id(), "substep_rule", std::string(spec.integrator.substeps > 0 ? "fixed by the job" : "auto: stability bound of the known terms at the truth amplitude"));
  set_attribute(integ.id(), "amplitude", r.amplitude);
  set_attribute(integ.id(), "output_dt", spec.dt);
  set_attribute(integ.id(), "truth", spec.integrator.truth == "dopri5" ? std::string("adaptive Dormand-Prince 5(4)") : std::string("classical RK4 with substeps_truth_jacobian substeps"));
  set_attribute(integ.id(), "truth_jacobian",
                std::string(spec.integrator.truth == "dopri5"
                                ? "classical RK4 with substeps_truth_jacobian substeps: the larger of the model's rule and "
                                  "the count whose RK4 error on the fastest mode over the map stays below 0.05, since "
                                  "the data follow the semi-discrete flow"
                                : "the truth data's own RK4 map"));
  set_attribute(integ.id(), "truth_rtol", spec.integrator.truth_rtol);
  set_attribute(integ.id(), "truth_atol", spec.integrator.truth_atol);
  set_attribute(integ.id(), "truth_accepted_steps", static_cast<long long>(r.truth_accepted_steps));
  set_attribute(integ.id(), "truth_rejected_steps", static_cast<long long>(r.truth_rejected_steps));

  const std::vector<int> widths = spec.network_widths();
  Object w = create_group(file, "weights");
  set_attribute(w.id(), "widths", widths);
  set_attribute(w.id(), "layout", weight_layout(widths));
  for (const auto& [name, vec] : {std::pair<const char*, const Vector*>{"initial", &r.weights_initial},
                                  {"final", &r.weights_final}}) {
    if (vec->size() == 0) continue;
    Object d = write(w.id(), name, {static_cast<hsize_t>(vec->size())}, vec->data());
    describe(d.id(), std::string(name) + " network parameters, flattened layer by layer: " + weight_layout(widths),
             "1");
  }

  Object tr = create_group(file, "training");
  const auto& h = r.history;
  set_attribute(tr.id(), "mode", spec.training.mode);
  set_attribute(tr.id(), "update", spec.training.update);
  set_attribute(tr.id(), "epochs_run", static_cast<long long>(h.epochs_run));
  Object loss = write(tr.id(), "loss", {h.epoch_loss.size()}, h.epoch_loss.data());
  describe(loss.id(), "mean over the epoch's Adam updates of the MSE loss before each update", "(state units)^2");
  const Matrix per_update = h.update_loss.leftCols(h.epochs_run).transpose();
  Object ul = write(tr.id(), "update_loss", {static_cast<hsize_t>(per_update.rows()), static_cast<hsize_t>(per_update.cols())},
                    row_major(per_update).data());
  describe(ul.id(), "MSE loss of each Adam update, shape (epoch, update within epoch)", "(state units)^2");

  Object timing = create_group(file, "timing");
  set_attribute(timing.id(), "description",
                std::string("wall-clock seconds; not part of the reproducible result"));
  set_attribute(timing.id(), "truth_seconds", r.truth_seconds);
  set_attribute(timing.id(), "training_seconds", r.training_seconds);
  set_attribute(timing.id(), "analysis_seconds", r.analysis_seconds);

  if (r.status != "done") return;  // no analysis for diverged experiments

  Object ro = create_group(file, "rollout");
  std::vector<std::string> labels;
  for (const auto& ic : spec.test_ics) labels.push_back(ic.label());
  describe(write_strings(ro.id(), "test_ic", labels).id(), "test initial conditions, in row order", "");
  std::vector<double> time(static_cast<size_t>(spec.steps + 1));
  for (int n = 0; n <= spec.steps; ++n) time[n] = n * spec.dt;
  describe(write(ro.id(), "time", {time.size()}, time.data()).id(), "time of each output step", "PDE time units");
  describe(write(ro.id(), "relative_l2_error", {static_cast<hsize_t>(r.rollout_error.rows()), time.size()},
                 row_major(r.rollout_error).data()).id(),
           "||u_model - u_truth||_2 / ||u_truth||_2 of the NeuralPDE rollout from each test IC, shape (test_ic, "
           "output step); NaN after a blow-up",
           "1");
  describe(write(ro.id(), "diverged_at", {r.rollout_diverged_at.size()}, r.rollout_diverged_at.data()).id(),
           "first output step at which the rollout blew up (non-finite or max|u| > 100 x truth amplitude), -1 if "
           "never",
           "output steps");
  describe(write(ro.id(), "saturation", {}, &r.saturation).id(),
           "share of hidden-unit evaluations with |tanh'| < 1e-3 along the rollout from the training IC", "1");

  Object jac = create_group(file, "jacobian");
  set_attribute(jac.id(), "map_steps", static_cast<long long>(r.jacobian_map_steps));
  set_attribute(jac.id(), "description",
                std::string(spec.one_shot() ? "Jacobian of the flow map u(0) -> u(T) at each test IC"
                                            : "Jacobian d u_{n+1} / d u_n of the one-step map at state u_n") +
                    ", exact by tangent propagation through every RK4 substep");
  describe(write(jac.id(), "state_index", {r.jacobian_states.size()}, r.jacobian_states.data()).id(),
           "index n of the state u_n at which each Jacobian is taken (paper label T = (n-1) dt)", "output steps");
  const hsize_t tests = spec.test_ics.size(), states = r.jacobian_states.size(),
                n = static_cast<hsize_t>(spec.pde.resolution);
  for (const auto& [name, ev, radius, logdet] :
       {std::tuple{"model", &r.model_eigenvalues, &r.model_radius, &r.model_log_abs_det},
        std::tuple{"truth", &r.truth_eigenvalues, &r.truth_radius, &r.truth_log_abs_det}}) {
    Object g = create_group(jac.id(), name);
    set_attribute(g.id(), "integrator",
                  std::string("RK4, ") +
                      std::to_string(std::string(name) == "model" ? r.substeps_model : r.substeps_truth) +
                      " substeps per output step");
    describe(write(g.id(), "eigenvalues", {tests, states, n}, ev->data()).id(),
             std::string(name) + " Jacobian eigenvalues sorted by decreasing modulus, shape (test_ic, state, N)", "1");
    describe(write(g.id(), "spectral_radius", {tests, states}, row_major(*radius).data()).id(),
             "max |lambda| of the " + std::string(name) + " Jacobian, shape (test_ic, state)", "1");
    describe(write(g.id(), "log_abs_det", {tests, states}, row_major(*logdet).data()).id(),
             "sum of log|lambda| (log |det J|); about 0 for a volume-preserving flow", "1");
  }
  Object known = create_group(jac.id(), "known_only");
  describe(write(known.id(), "spectral_radius", {tests, states}, row_major(r.known_only_radius).data()).id(),
           "max |lambda| of the model's map with the network removed, at the model's states: the stencil's share",
           "1");

  Object closure = create_group(file, "closure");
  set_attribute(closure.id(), "description",
                std::string("relative distance ||NN(u) - c(u)|| / ||c(u)|| of the network from two closures c, over "
                            "the truth states of the training window (autoregressive u_0..u_transitions, one-shot "
                            "the whole path): the discrete closure (truth rhs minus the model's known terms) and "
                            "the physics term (the replaced term with spectral derivatives); entry 0 is the "
                            "training IC's states, entry 1 + t test IC t's"));
  const hsize_t trajectories = static_cast<hsize_t>(r.closure_error_discrete.size());
  describe(write(closure.id(), "relative_error_discrete", {trajectories}, r.closure_error_discrete.data()).id(),
           "distance of NN(u) from the closure that reproduces the truth discretisation (with its truncation "
           "error), per IC (training IC, then test ICs)",
           "1");
  describe(write(closure.id(), "relative_error_physics", {trajectories}, r.closure_error_physics.data()).id(),
           "distance of NN(u) from the replaced term with exact derivatives, per IC (training IC, then test ICs)",
           "1");
}

}  // namespace

void write_result_file(const std::string& path, const ExperimentSpec& spec, const std::string& canonical_text,
                       const std::string& hash, const ExperimentResult& result, bool durable) {
  // Built in memory, then written through the POSIX seam (checked writes, fault injection):
  // a full disk is a clean error and never leaves a half-closed HDF5 file behind.
  std::vector<unsigned char> image;
  {
    h5::Object file = h5::create_memory_file(path);
    write_contents(file.id(), spec, canonical_text, hash, result);
    image = h5::file_image(file.id());
  }
  posix::write_file_atomic(path, image.data(), image.size(), durable);
}

Eigen::VectorXd read_weights(const std::string& file_and_dataset, long expected_count) {
  std::string file = file_and_dataset, dataset = kFinalWeightsDataset;
  const size_t colon = file_and_dataset.rfind(":/");
  if (colon != std::string::npos) {
    file = file_and_dataset.substr(0, colon);
    dataset = file_and_dataset.substr(colon + 1);
  }
  if (access(file.c_str(), R_OK) != 0)
    throw InputError(file, 0, "", std::string("cannot read the weights file: ") + std::strerror(errno));
  std::vector<double> v;
  std::vector<hsize_t> shape;
  try {
    h5::Object f = h5::open_file_read_only(file);
    v = h5::read_doubles(f.id(), dataset, &shape);
  } catch (const h5::Error& e) {
    throw InputError(file, 0, dataset, e.what());
  }
  if (shape.size() != 1 || static_cast<long>(v.size()) != expected_count)
    throw InputError(file, 0, dataset,
                     "holds " + std::to_string(v.size()) + " values but the job's network has " +
                         std::to_string(expected_count) + " parameters");
  return Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<long>(v.size()));
}

}  // namespace npde
