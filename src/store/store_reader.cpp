#include "store/store_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <unistd.h>

#include "spec/input_error.hpp"
#include "spec/sweep_file.hpp"
#include "store/h5.hpp"

namespace npde {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A hostile or damaged file may hold datasets shorter than the experiment table says: every
// read below is checked against the data actually read.
void require_entries(const h5::RawData& d, size_t entries, size_t entry_bytes) {
  if (d.bytes.size() < entries * entry_bytes)
    throw std::runtime_error("a dataset of the store holds fewer entries than its experiment table (damaged file?)");
}

std::string string_at(const h5::RawData& d, size_t i) {
  if (d.shape.empty() || i >= d.shape[0])
    throw std::runtime_error("a string column of the store is shorter than its experiment table (damaged file?)");
  const size_t width = d.bytes.size() / std::max<size_t>(1, d.shape[0]);
  if (width == 0) return "";
  std::string v(reinterpret_cast<const char*>(d.bytes.data()) + i * width, width);
  return v.substr(0, v.find('\0'));
}

template <class T>
T value_at(const h5::RawData& d, size_t i) {
  require_entries(d, i + 1, sizeof(T));
  T v;
  std::memcpy(&v, d.bytes.data() + i * sizeof(T), sizeof(T));
  return v;
}

std::vector<double> doubles(const h5::RawData& d) {
  std::vector<double> v(d.bytes.size() / sizeof(double));
  if (!v.empty()) std::memcpy(v.data(), d.bytes.data(), v.size() * sizeof(double));  // empty: data() may be null
  return v;
}

const char* status_text(int code) {
  switch (code) {
    case 1: return "done";
    case 2: return "failed";
    case 3: return "diverged";
    default: return "pending";
  }
}

// Metrics of one row of its resolution group: those that depend on the test IC once per test IC
// (`per_test`), and the experiment's own (`m`), which reduce the per-test ones to the worst case.
void add_metrics(hid_t f, const std::string& g, int row, const std::vector<int>& states, int steps,
                 std::map<std::string, double>& m, std::vector<std::map<std::string, double>>& per_test) {
  const hsize_t r = static_cast<hsize_t>(row);
  const std::vector<double> loss = doubles(h5::read_row(f, g + "training/loss", r));
  double last = kNaN;
  for (double v : loss)
    if (std::isfinite(v)) last = v;
  m["final_loss"] = last;
  m["saturation"] = doubles(h5::read_row(f, g + "rollout/saturation", r)).at(0);
  // closure errors: entry 0 is the training IC's (the experiment's value), 1 + t test IC t's.
  // Stores of schema 2 predate them.
  std::vector<double> discrete, physics;
  if (h5::exists(f, g + "closure/relative_error_discrete")) {
    discrete = doubles(h5::read_row(f, g + "closure/relative_error_discrete", r));
    physics = doubles(h5::read_row(f, g + "closure/relative_error_physics", r));
    m["closure_discrete"] = discrete.at(0);
    m["closure_physics"] = physics.at(0);
  }

  // rollout error (tests x steps+1): NaN marks a blow-up, reported as +inf
  const std::vector<double> err = doubles(h5::read_row(f, g + "rollout/relative_l2_error", r));
  if (steps < 1) throw h5::Error(g + "rollout/relative_l2_error has no output steps");
  const size_t width = static_cast<size_t>(steps + 1), tests = err.size() / width;
  per_test.assign(tests, {});
  auto error_at = [&](size_t t, size_t k) { return std::isnan(err[t * width + k]) ? kInf : err[t * width + k]; };
  for (size_t t = 0; t < tests; ++t) {
    per_test[t]["rollout_error"] = error_at(t, width - 1);
    per_test[t]["rollout_blowups"] = std::isnan(err[t * width + width - 1]) ? 1 : 0;
    for (int k : {1, steps / 2, steps}) per_test[t]["rollout_error@" + std::to_string(k)] = error_at(t, static_cast<size_t>(k));
    if (!discrete.empty()) {
      per_test[t]["closure_discrete"] = discrete.at(t + 1);
      per_test[t]["closure_physics"] = physics.at(t + 1);
    }
  }

  for (const auto& [name, path] : {std::pair<std::string, std::string>{"max_lambda", "jacobian/model/spectral_radius"},
                                   {"truth_max_lambda", "jacobian/truth/spectral_radius"},
                                   {"known_only_max_lambda", "jacobian/known_only/spectral_radius"}}) {
    const std::vector<double> rho = doubles(h5::read_row(f, g + path, r));  // tests x states
    const size_t ns = states.size();
    for (size_t t = 0; t < tests; ++t) {
      double all = kNaN;  // NaN: a state the rollout never reached
      for (size_t s = 0; s < ns; ++s) {
        const double at = t * ns + s < rho.size() ? rho[t * ns + s] : kNaN;
        per_test[t][name + "@" + std::to_string(states[s])] = at;
        if (!std::isnan(at)) all = std::isnan(all) ? at : std::max(all, at);
      }
      per_test[t][name] = all;
    }
  }

  // The experiment's values: blow-ups add up, everything else is the worst test IC (the
  // closure errors keep the training IC's, set above).
  for (size_t t = 0; t < tests; ++t)
    for (const auto& [name, v] : per_test[t]) {
      auto [it, fresh] = m.emplace(name, v);
      if (fresh || name.rfind("closure_", 0) == 0) continue;
      if (name == "rollout_blowups")
        it->second += v;
      else if (!std::isnan(v))
        it->second = std::isnan(it->second) ? v : std::max(it->second, v);
    }
}

// Labels of the sweep's test ICs, from the canonical sweep text the store carries.
std::vector<std::string> test_ic_labels(const std::string& path, const std::string& sweep_toml) {
  std::vector<std::string> labels;
  for (const InitialCondition& ic : read_sweep_text(sweep_toml, path + ":/sweep_toml").base.test_ics) {
    std::string label = ic.label();
    if (std::find(labels.begin(), labels.end(), label) != labels.end()) label += "#" + std::to_string(labels.size());
    labels.push_back(label);
  }
  return labels;
}

}  // namespace

const std::vector<std::string>& experiment_keys() {
  static const std::vector<std::string> k = {"case", "train_stencil", "infer_stencil", "ic", "stepper", "resolution",
                                             "replicate", "status", "test_ic"};
  return k;
}

const std::vector<std::pair<std::string, std::string>>& metric_descriptions() {
  static const std::vector<std::pair<std::string, std::string>> d = {
      {"final_loss", "training loss of the last epoch"},
      {"rollout_error", "relative L2 rollout error at the horizon, worst test IC (inf: blew up)"},
      {"rollout_error@K", "the same at output step K (1, steps/2 and steps are stored)"},
      {"rollout_blowups", "number of test ICs whose rollout blew up"},
      {"max_lambda", "largest spectral radius of the model's Jacobian over test ICs and states"},
      {"max_lambda@N", "the same at state index N"},
      {"truth_max_lambda, truth_max_lambda@N", "the same for the truth discretisation's map"},
      {"known_only_max_lambda, known_only_max_lambda@N", "the same for the model with the network removed"},
      {"saturation", "share of hidden units with |tanh'| < 1e-3 on the training rollout"},
      {"closure_discrete", "||NN(u) - c(u)|| / ||c(u)|| on the training window's truth states, c the discrete "
                           "closure (truth rhs minus the model's known terms); per test_ic: from that IC"},
      {"closure_physics", "the same with c the replaced term with exact (spectral) derivatives"},
      {"truth_seconds, training_seconds, analysis_seconds, runtime", "wall-clock seconds (runtime: their sum)"},
  };
  return d;
}

StoreContents read_store(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    const std::string why = path + ": cannot read the file: " + std::strerror(err);
    if (err == ENOENT || err == EACCES || err == ENOTDIR || err == ENAMETOOLONG || err == ELOOP)
      throw std::runtime_error(why);  // the name given is wrong: bad input
    throw StoreIoError(why);
  }
  try {
    if (!h5::is_hdf5(path)) throw std::runtime_error(path + ": not an HDF5 file");
  } catch (const h5::IoError& e) {
    throw StoreIoError(path + ": cannot read the file: " + e.what());
  }
  StoreContents c;
  h5::Object f;
  try {
    f = h5::open_file_read_only(path);
  } catch (const h5::IoError& e) {
    throw StoreIoError(path + ": cannot open: " + e.what());
  } catch (const h5::Error& e) {
    throw std::runtime_error(path + ": cannot open: " + e.what());
  }
  const hid_t id = f.id();
  if (!h5::exists(id, "/experiments") || !h5::exists(id, "/status/code"))
    throw std::runtime_error(path + ": an HDF5 file, but not an npdesweep sweep store (no /experiments, /status)");
  try {
    c.sweep_name = h5::read_string_attribute(id, ".", "sweep_name");
    c.sweep_hash = h5::read_string_attribute(id, ".", "sweep_hash");
    const double schema = h5::read_double_attribute(id, ".", "schema_version");
    if (!(schema >= 0 && schema <= 1000 && schema == std::floor(schema)))  // also NaN (fuzzing found the cast)
      throw h5::Error("attribute schema_version is not a schema number");
    c.schema_version = static_cast<int>(schema);
    c.test_ics = test_ic_labels(path, h5::read_string_attribute(id, ".", "sweep_toml"));
    const h5::RawData kase = h5::read_raw(id, "/experiments/case"), train = h5::read_raw(id, "/experiments/train_stencil"),
                      infer = h5::read_raw(id, "/experiments/infer_stencil"), ic = h5::read_raw(id, "/experiments/ic"),
                      res = h5::read_raw(id, "/experiments/resolution"), rep = h5::read_raw(id, "/experiments/replicate"),
                      row = h5::read_raw(id, "/experiments/row"), code = h5::read_raw(id, "/status/code"),
                      msg = h5::read_raw(id, "/status/message"), secs = h5::read_raw(id, "/timing/seconds");
    // Stores made before the stepper became a grid axis have no column: every cell used RK4.
    const bool has_stepper = h5::exists(id, "/experiments/stepper");
    const h5::RawData stepper = has_stepper ? h5::read_raw(id, "/experiments/stepper") : h5::RawData{};
    c.cells = static_cast<long>(code.shape.at(0));
    const std::vector<double> seconds = doubles(secs);
    require_entries(secs, 3 * static_cast<size_t>(c.cells), sizeof(double));
    std::map<int, std::pair<std::vector<int>, int>> group_info;  // resolution -> (states, steps)
    for (long i = 0; i < c.cells; ++i) {
      ExperimentRow r;
      r.id = i;
      const int n = value_at<std::int32_t>(res, static_cast<size_t>(i));
      const int status = value_at<std::int32_t>(code, static_cast<size_t>(i));
      r.keys = {{"case", string_at(kase, i)},          {"train_stencil", string_at(train, i)},
                {"infer_stencil", string_at(infer, i)}, {"ic", string_at(ic, i)},
                {"resolution", std::to_string(n)},      {"replicate", std::to_string(value_at<std::int32_t>(rep, i))},
                {"status", status_text(status)},
                {"stepper", has_stepper ? string_at(stepper, i) : std::string("rk4")}};
      r.message = string_at(msg, static_cast<size_t>(i));
      const std::string g = "/results/N" + std::to_string(n) + "/";
      if (!group_info.count(n)) {
        const h5::RawData si = h5::read_raw(id, g + "jacobian/state_index");
        std::vector<int> states;
        for (size_t s = 0; s < si.bytes.size() / 4; ++s) states.push_back(value_at<std::int32_t>(si, s));
        const hsize_t outputs = h5::shape_of(id, g + "rollout/relative_l2_error").at(2);
        if (outputs > 1'000'000'000) throw h5::Error(g + "rollout/relative_l2_error has an impossible shape");
        group_info[n] = {states, static_cast<int>(outputs) - 1};
      }
      if (status == 1)
        add_metrics(id, g, value_at<std::int32_t>(row, i), group_info[n].first, group_info[n].second, r.metrics,
                    r.per_test_ic);
      if (status == 1 || status == 3) {
        const double* s = &seconds[static_cast<size_t>(3 * i)];
        r.metrics["truth_seconds"] = s[0];
        r.metrics["training_seconds"] = s[1];
        r.metrics["analysis_seconds"] = s[2];
        r.metrics["runtime"] = s[0] + s[1] + s[2];
      }
      for (const auto& [name, v] : r.metrics) (void)v, c.metric_names.push_back(name);
      c.rows.push_back(std::move(r));
    }
  } catch (const h5::IoError& e) {
    throw StoreIoError(path + ": reading failed: " + e.what());
  } catch (const h5::Error& e) {
    throw std::runtime_error(path + ": not a readable npdesweep store: " + e.what());
  } catch (const std::out_of_range& e) {  // a dataset of the wrong rank or length
    throw std::runtime_error(path + ": not a readable npdesweep store: a dataset has the wrong shape (" + e.what() + ")");
  } catch (const InputError& e) {
    throw std::runtime_error(std::string("not a readable npdesweep store: ") + e.what());
  }
  std::sort(c.metric_names.begin(), c.metric_names.end());
  c.metric_names.erase(std::unique(c.metric_names.begin(), c.metric_names.end()), c.metric_names.end());
  return c;
}

}  // namespace npde
