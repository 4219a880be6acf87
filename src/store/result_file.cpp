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
#include "store/result_schema.hpp"

#include <fcntl.h>

namespace npde {
namespace {

using Shape = std::vector<hsize_t>;

h5::Object write_raw_value(hid_t file, const std::string& path, h5::Type type, const Shape& shape,
                           const std::vector<unsigned char>& bytes) {
  switch (type) {
    case h5::Type::f64: return h5::write(file, path, shape, reinterpret_cast<const double*>(bytes.data()));
    case h5::Type::i32: return h5::write(file, path, shape, reinterpret_cast<const int*>(bytes.data()));
    case h5::Type::c128:
      return h5::write(file, path, shape, reinterpret_cast<const std::complex<double>*>(bytes.data()));
    default: throw h5::Error("result dataset " + path + " has a type the writer does not handle");
  }
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
  set_attribute(file, "status", std::string(status_name(r.status)));
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
  set_attribute(integ.id(), "truth", spec.integrator.truth == TruthIntegrator::dopri5 ? std::string("adaptive Dormand-Prince 5(4)") : std::string("classical RK4 with substeps_truth_jacobian substeps"));
  set_attribute(integ.id(), "truth_jacobian",
                std::string(spec.integrator.truth == TruthIntegrator::dopri5
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

  Object tr = create_group(file, "training");
  const auto& h = r.history;
  set_attribute(tr.id(), "mode", std::string(name_of(spec.training.mode)));
  set_attribute(tr.id(), "update", std::string(name_of(spec.training.update)));
  set_attribute(tr.id(), "epochs_run", static_cast<long long>(h.epochs_run));

  Object timing = create_group(file, "timing");
  set_attribute(timing.id(), "description",
                std::string("wall-clock seconds; not part of the reproducible result"));
  set_attribute(timing.id(), "truth_seconds", r.truth_seconds);
  set_attribute(timing.id(), "training_seconds", r.training_seconds);
  set_attribute(timing.id(), "analysis_seconds", r.analysis_seconds);

  const bool analysed = r.status == CellStatus::done;  // no analysis for diverged experiments
  if (analysed) {
    Object ro = create_group(file, "rollout");
    std::vector<std::string> labels;
    for (const auto& ic : spec.test_ics) labels.push_back(ic.label());
    describe(write_strings(ro.id(), "test_ic", labels).id(), "test initial conditions, in row order", "");
    std::vector<double> time(static_cast<size_t>(spec.steps + 1));
    for (int n = 0; n <= spec.steps; ++n) time[n] = n * spec.dt;
    describe(write(ro.id(), "time", {time.size()}, time.data()).id(), "time of each output step", "PDE time units");

    Object jac = create_group(file, "jacobian");
    set_attribute(jac.id(), "map_steps", static_cast<long long>(r.jacobian_map_steps));
    set_attribute(jac.id(), "description",
                  std::string(spec.one_shot() ? "Jacobian of the flow map u(0) -> u(T) at each test IC"
                                              : "Jacobian d u_{n+1} / d u_n of the one-step map at state u_n") +
                      ", exact by tangent propagation through every RK4 substep");
    describe(write(jac.id(), "state_index", {r.jacobian_states.size()}, r.jacobian_states.data()).id(),
             "index n of the state u_n at which each Jacobian is taken (paper label T = (n-1) dt)", "output steps");
    const std::string model_stepper = spec.integrator.model == "rk4" ? "RK4" : spec.integrator.model;
    for (const char* name : {"model", "truth"}) {
      Object g = create_group(jac.id(), name);
      const bool model = std::string(name) == "model";
      set_attribute(g.id(), "integrator",
                    (model ? model_stepper : std::string("RK4")) + ", " +
                        std::to_string(model ? r.substeps_model : r.substeps_truth) + " substeps per output step");
    }
    create_group(jac.id(), "known_only");

    Object closure = create_group(file, "closure");
    set_attribute(closure.id(), "description",
                  std::string("relative distance ||NN(u) - c(u)|| / ||c(u)|| of the network from two closures c, over "
                              "the truth states of the training window (autoregressive u_0..u_transitions, one-shot "
                              "the whole path): the discrete closure (truth rhs minus the model's known terms) and "
                              "the physics term (the replaced term with spectral derivatives); entry 0 is the "
                              "training IC's states, entry 1 + t test IC t's"));
  }
  // Every result dataset, as declared once in result_schema.cpp.
  for (const ResultDataset& d : result_datasets()) {
    if (d.analysis && !analysed) continue;
    const ResultValue v = d.value(spec, r);
    if (!v.present) continue;
    describe(write_raw_value(file, d.path, d.type, v.shape, v.bytes).id(), d.description, d.units);
  }
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
