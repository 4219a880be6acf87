#include "store/store_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "input/input_error.hpp"
#include "input/sweep_file.hpp"
#include "store/h5.hpp"
#include "store/result_schema.hpp"
#include "store/store_cells.hpp"
#include "store/posix_io.hpp"
#include "store/store_paths.hpp"
#include "input/canonical.hpp"
#include "input/job_file.hpp"

namespace npde {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A hostile or damaged file may hold datasets shorter than the experiment table says: every
// read below is checked against the data actually read.
void require_entries(const h5::RawData& d, size_t entries, size_t entry_bytes) {
  if (d.bytes.size() < entries * entry_bytes)
    throw BadFileError("a dataset of the store holds fewer entries than its experiment table (damaged file?)");
}

std::string string_at(const h5::RawData& d, size_t i) {
  if (d.shape.empty() || i >= d.shape[0])
    throw BadFileError("a string column of the store is shorter than its experiment table (damaged file?)");
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

// The value of an axis column as text: integers as integers, numbers in their shortest
// round-trip form (what a --where compares with), strings as they are.
std::string axis_text(const h5::RawData& d, size_t i) {
  switch (d.type) {
    case h5::Type::i64: return std::to_string(value_at<std::int64_t>(d, i));
    case h5::Type::f64: return fmt::format("{}", value_at<double>(d, i));
    case h5::Type::str: return string_at(d, i);
    default: throw BadFileError("an axis column of /experiments has an unexpected type");
  }
}

// Values of one declared metric from its dataset's row `v`: the experiment's own value (`m`) and,
// for per-test-IC metrics, each test IC's (`per_test`), parameterised forms (NAME@K) included.
void read_metric(const QueryMetric& q, const std::vector<double>& v, const std::vector<int>& states, int steps,
                 size_t tests, const std::vector<int>& extra_steps, const std::vector<std::string>& terms,
                 std::map<std::string, double>& m,
                 std::vector<std::map<std::string, double>>& per_test) {
  auto inf_if_nan = [](double x) { return std::isnan(x) ? kInf : x; };
  const size_t width = static_cast<size_t>(steps + 1), ns = states.size();
  switch (q.read) {
    case MetricRead::scalar: m[q.name] = v.at(static_cast<size_t>(q.column)); return;
    case MetricRead::per_term: {  // a term without this candidate (NaN) has no metric
      const size_t columns = terms.empty() ? 0 : v.size() / terms.size();
      for (size_t i = 0; i < terms.size() && columns; ++i) {
        const double x = v.at(i * columns + static_cast<size_t>(q.column));
        if (!std::isnan(x)) m[q.name + "@" + terms[i]] = x;
      }
      return;
    }
    case MetricRead::last_finite: {
      double last = kNaN;
      for (double x : v)
        if (std::isfinite(x)) last = x;
      m[q.name] = last;
      return;
    }
    case MetricRead::horizon:
      for (size_t t = 0; t < tests; ++t) {
        per_test[t][q.name] = inf_if_nan(v.at(t * width + width - 1));
        for (int k : {1, steps / 2, steps})
          per_test[t][q.name + "@" + std::to_string(k)] = inf_if_nan(v.at(t * width + static_cast<size_t>(k)));
        for (int k : extra_steps)
          if (k >= 0 && k <= steps)
            per_test[t][q.name + "@" + std::to_string(k)] = inf_if_nan(v.at(t * width + static_cast<size_t>(k)));
      }
      break;
    case MetricRead::blowup:
      for (size_t t = 0; t < tests; ++t) per_test[t][q.name] = std::isnan(v.at(t * width + width - 1)) ? 1 : 0;
      break;
    case MetricRead::worst_state: {
      // shape (test_ic, state[, column]): entry `column` of each (test IC, state)
      const size_t columns = tests * ns != 0 ? std::max<size_t>(1, v.size() / (tests * ns)) : 1;
      for (size_t t = 0; t < tests; ++t) {
        double all = kNaN;  // NaN: a state the rollout never reached
        for (size_t s = 0; s < ns; ++s) {
          const size_t at_index = (t * ns + s) * columns + static_cast<size_t>(q.column);
          const double at = at_index < v.size() ? v[at_index] : kNaN;
          per_test[t][q.name + "@" + std::to_string(states[s])] = at;
          if (!std::isnan(at)) all = std::isnan(all) ? at : std::max(all, at);
        }
        per_test[t][q.name] = all;
      }
      break;
    }
    case MetricRead::per_ic:
      m[q.name] = v.at(0);
      for (size_t t = 0; t < tests; ++t) per_test[t][q.name] = v.at(t + 1);
      return;
  }
  // The experiment's value from its test ICs' (the parameterised forms reduce as their metric).
  for (size_t t = 0; t < tests; ++t)
    for (const auto& [name, x] : per_test[t]) {
      if (name != q.name && name.rfind(q.name + "@", 0) != 0) continue;
      auto [it, fresh] = m.emplace(name, x);
      if (fresh) continue;
      if (q.over_test_ics == OverTestIcs::sum)
        it->second += x;
      else if (!std::isnan(x))
        it->second = std::isnan(it->second) ? x : std::max(it->second, x);
    }
}

// Metrics of one row of its resolution group, each as the result schema declares it. A dataset
// a store does not have (one made before the dataset was declared) gives no metric.
// Whole datasets, each read once: a store's rows are read together, not one H5Dread per row
// (a 10,000-cell store reads in a second instead of many).
class Datasets {
 public:
  // `rows`: a store's results group (a leading row axis); without, a run-one result file, whose
  // datasets are one row (row 0) each.
  explicit Datasets(hid_t f, bool rows = true) : f_(f), rows_(rows) {}
  bool exists(const std::string& path) {
    auto it = exists_.find(path);
    if (it == exists_.end()) it = exists_.emplace(path, h5::exists(f_, path)).first;
    return it->second;
  }
  std::vector<double> row(const std::string& path, int row) {
    auto it = data_.find(path);
    if (it == data_.end()) it = data_.emplace(path, h5::read_raw(f_, path)).first;
    const h5::RawData& d = it->second;
    const hsize_t rows = rows_ ? (d.shape.empty() ? 0 : d.shape[0]) : 1;
    if (row < 0 || static_cast<hsize_t>(row) >= rows)
      throw BadFileError("row " + std::to_string(row) + " of '" + path + "' does not exist");
    // As numbers, whatever the element type: a count (rounding_set, int32) is read as its value,
    // and its fill -1 ("not analysed") as NaN, as the schema declares it.
    const size_t element = h5::element_size(d.type), width = d.bytes.size() / rows / element;
    const unsigned char* at = d.bytes.data() + static_cast<size_t>(row) * width * element;
    std::vector<double> v(width);
    for (size_t k = 0; k < width; ++k, at += element) {
      switch (d.type) {
        case h5::Type::f64: std::memcpy(&v[k], at, sizeof(double)); break;
        case h5::Type::i32: {
          std::int32_t x;
          std::memcpy(&x, at, sizeof x);
          v[k] = x < 0 ? kNaN : static_cast<double>(x);
          break;
        }
        case h5::Type::i64: {
          std::int64_t x;
          std::memcpy(&x, at, sizeof x);
          v[k] = x < 0 ? kNaN : static_cast<double>(x);
          break;
        }
        default: throw BadFileError("'" + path + "' is not numeric: it has no metric");
      }
    }
    return v;
  }

 private:
  hid_t f_;
  bool rows_;
  std::map<std::string, bool> exists_;
  std::map<std::string, h5::RawData> data_;
};

void add_metrics(Datasets& f, const std::string& g, int row, const std::vector<int>& states, int steps, size_t tests,
                 const std::vector<std::string>& terms, const std::vector<std::string>& wanted, std::map<std::string, double>& m,
                 std::vector<std::map<std::string, double>>& per_test) {
  if (steps < 1) throw BadFileError(g + "rollout/relative_l2_error has no output steps");
  per_test.assign(tests, {});
  for (const ResultDataset& d : result_datasets()) {
    if (d.metrics.empty() || !f.exists(g + d.path)) continue;
    const std::vector<double> v = f.row(g + d.path, row);
    for (const QueryMetric& q : d.metrics) {
      std::vector<int> extra;  // NAME@K asked for, of a horizon metric
      if (q.read == MetricRead::horizon)
        for (const std::string& w : wanted)
          if (w.rfind(q.name + "@", 0) == 0 && w.size() > q.name.size() + 1 &&
              w.find_first_not_of("0123456789", q.name.size() + 1) == std::string::npos && w.size() < q.name.size() + 10)
            extra.push_back(std::stoi(w.substr(q.name.size() + 1)));
      read_metric(q, v, states, steps, tests, extra, terms, m, per_test);
    }
  }
}

// Labels of the sweep's test ICs, from the canonical sweep text the store carries.
// The test ICs' labels (a repeated one gets "#index"). A reader never runs the sweep front end
// (enumerating, hashing and validating every cell): the labels come from the test_ic coordinate
// of the results groups' rollout datasets (schema 10 on; every group has the sweep's test ICs),
// and for an older store from its sweep text's [analysis] test_ics alone.
std::vector<std::string> test_ic_labels(hid_t id, const std::string& path) {
  std::vector<std::string> plain;
  std::string first_group;
  if (h5::exists(id, "/experiments/group")) {
    const h5::RawData groups = h5::read_raw(id, "/experiments/group");
    if (!groups.shape.empty() && groups.shape[0] > 0) first_group = string_at(groups, 0);
  }
  const std::string coordinate = "/results/" + first_group + "/rollout/test_ic";
  if (!first_group.empty() && first_group.find('/') == std::string::npos && h5::exists(id, coordinate)) {
    const h5::RawData stored = h5::read_raw(id, coordinate);
    if (stored.type != h5::Type::str || stored.shape.size() != 1)
      throw BadFileError(coordinate + " is not a list of test IC labels");
    for (size_t i = 0; i < stored.shape[0]; ++i) plain.push_back(string_at(stored, i));
  } else {
    for (const InitialCondition& ic :
         read_sweep_test_ics(h5::read_string_attribute(id, ".", "sweep_toml"), path + ":/sweep_toml"))
      plain.push_back(ic.label());
  }
  std::vector<std::string> labels;
  for (std::string& label : plain) {
    if (std::find(labels.begin(), labels.end(), label) != labels.end()) label += "#" + std::to_string(labels.size());
    labels.push_back(std::move(label));
  }
  return labels;
}

}  // namespace

const std::vector<std::string>& experiment_keys() {
  static const std::vector<std::string> k = {"store",      "sweep",     "case",   "train_stencil", "infer_stencil", "ic",
                                             "stepper",    "resolution", "replicate", "seed", "in_sweep", "status", "test_ic"};
  return k;
}

std::vector<std::string> experiment_keys(const StoreContents& store) {
  std::vector<std::string> keys = experiment_keys();
  keys.insert(keys.end() - 1, store.axis_keys.begin(), store.axis_keys.end());
  return keys;
}

namespace {

// A sweep store opened for reading, or the error that says why not: input (the name is wrong),
// bad_file (not HDF5, not a store) or io (reading failed).
h5::Object open_store_file(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    const std::string why = path + ": cannot read the file: " + std::strerror(err);
    if (err == ENOENT || err == EACCES || err == ENOTDIR || err == ENAMETOOLONG || err == ELOOP)
      throw Error(ErrorKind::input, why);  // the name given is wrong
    throw IoError(why, err);
  }
  try {
    if (!h5::is_hdf5(path)) throw BadFileError(path + ": not an HDF5 file");
    h5::Object f = h5::open_file_read_only(path);
    if (!h5::exists(f.id(), "/experiments") || !h5::exists(f.id(), "/status/code"))
      throw BadFileError(path + ": an HDF5 file, but not an npdesweep sweep store (no /experiments, /status)");
    if (!h5::attribute_exists(f.id(), ".", "sweep_hash"))  // written last by SweepStore::create
      throw BadFileError(path + ": an incomplete store (its creation was cut short; `npdesweep run` or `repair` "
                         "makes it again)");
    return f;
  } catch (const IoError& e) {
    throw IoError(path + ": cannot read the file: " + e.what(), e.error_number());
  }
}

// How long a reader waits for a run (or repair) that is rebuilding the store's file:
// NPDESWEEP_REBUILD_WAIT seconds, 60 by default.
double rebuild_wait_seconds() {
  const char* v = std::getenv("NPDESWEEP_REBUILD_WAIT");
  char* end = nullptr;
  const double s = v ? std::strtod(v, &end) : 60.0;
  return v && (end == v || *end != '\0' || !(s >= 0)) ? 60.0 : s;
}

// The store, opened once no run is rebuilding its file: readers wait for the rebuild (a grown
// sweep, a layout upgrade) instead of meeting a missing, half-made or not yet restored file, and
// say so with exit 4 (not "bad input") when it takes longer than they wait.
h5::Object open_store(const std::string& path) {
  const StorePaths paths(path);
  for (int attempt = 0;; ++attempt) {
    // A rebuild whose process is gone (killed mid-growth, a merge cut short) will not finish by
    // waiting: said at once, without the wait (it waited up to a minute before explaining).
    if (const std::string mark = cut_short_rebuild(paths); !mark.empty())
      throw IoError(path + ": a rebuild of its file was cut short (" + paths.rebuilding + ": " + mark +
                        ", a process that is gone): `npdesweep repair " + path +
                        "` finishes it, as does running the sweep again",
                    EAGAIN);
    if (posix::exists(paths.rebuilding) && attempt == 0)
      std::fprintf(stderr, "npdesweep: %s is being rebuilt by a running sweep; waiting up to %g s\n", path.c_str(),
                   rebuild_wait_seconds());
    if (const std::string mark = wait_while_rebuilding(paths, rebuild_wait_seconds()); !mark.empty())
      throw IoError(path + ": its file is being rebuilt (" + paths.rebuilding + ": " + mark +
                    "); read it again when the run has restored it, or, if no run is active, finish the rebuild "
                    "with `npdesweep run` or `npdesweep repair`", EAGAIN);
    try {
      return open_store_file(path);
    } catch (const Error&) {
      if (attempt < 2 && posix::exists(paths.rebuilding)) continue;  // a rebuild began as we opened it
      throw;
    }
  }
}

}  // namespace

namespace {

// The store's identity: its sweep's name and hash, layout version and test ICs.
void read_identity(hid_t id, const std::string& path, StoreContents& c) {
  c.sweep_name = h5::read_string_attribute(id, ".", "sweep_name");
  c.sweep_hash = h5::read_string_attribute(id, ".", "sweep_hash");
  const double schema = h5::read_double_attribute(id, ".", "schema_version");
  if (!(schema >= 0 && schema <= 1000 && schema == std::floor(schema)))  // also NaN (fuzzing found the cast)
    throw BadFileError("attribute schema_version is not a schema number");
  c.schema_version = static_cast<int>(schema);
  c.test_ics = test_ic_labels(id, path);
}

// The per-cell tables (/experiments, /status, /timing), read whole; columns older layouts lack
// are empty.
struct CellTables {
  h5::RawData kase, train, infer, ic, res, rep, row, hash, seed, code, msg, secs;
  bool has_stepper = false, has_group = false, has_view = false;
  h5::RawData stepper, group, view;
  std::vector<std::pair<std::string, h5::RawData>> axes;  // a column per dotted grid axis

  CellTables(hid_t id, StoreContents& c) {
    const auto read = [id](const char* path) { return h5::read_raw(id, path); };
    kase = read("/experiments/case"), train = read("/experiments/train_stencil");
    infer = read("/experiments/infer_stencil"), ic = read("/experiments/ic"), res = read("/experiments/resolution");
    rep = read("/experiments/replicate"), row = read("/experiments/row"), hash = read("/experiments/hash");
    seed = read("/experiments/seed"), code = read("/status/code"), msg = read("/status/message");
    secs = read("/timing/seconds");
    // Stores made before the stepper became a grid axis have no column: every cell used RK4.
    if ((has_stepper = h5::exists(id, "/experiments/stepper"))) stepper = read("/experiments/stepper");
    // Stores of schema 5 on: the results group of each cell, and a column per dotted grid axis.
    if ((has_group = h5::exists(id, "/experiments/group"))) group = read("/experiments/group");
    if ((has_view = h5::exists(id, "/experiments/in_view"))) view = read("/experiments/in_view");
    if (h5::attribute_exists(id, "/experiments", "axes")) {
      std::istringstream keys(h5::read_string_attribute(id, "/experiments", "axes"));
      for (std::string key; std::getline(keys, key);) {
        if (key.empty() || key.find('/') != std::string::npos) throw BadFileError("/experiments has a bad axes attribute");
        axes.emplace_back(key, h5::read_raw(id, "/experiments/" + key));
        c.axis_keys.push_back(key);
      }
    }
  }

  // Cell i's row without its metrics: keys, message, and its results group's name.
  ExperimentRow row_of(size_t i, std::string& group_name) const {
    ExperimentRow r;
    r.id = static_cast<long>(i);
    r.hash = string_at(hash, i);
    r.seed = value_at<std::int64_t>(seed, i);
    r.in_view = !has_view || value_at<std::int32_t>(view, i) != 0;
    const int n = value_at<std::int32_t>(res, i);
    r.keys = {{"case", string_at(kase, i)},          {"train_stencil", string_at(train, i)},
              {"infer_stencil", string_at(infer, i)}, {"ic", string_at(ic, i)},
              {"resolution", std::to_string(n)},      {"replicate", std::to_string(value_at<std::int32_t>(rep, i))},
              // the initial weights' seed: stored as int64, a uint64 (sweep_file.cpp, derive_seed)
              {"seed", std::to_string(static_cast<std::uint64_t>(value_at<std::int64_t>(seed, i)))},
              {"status", status_name(status_from_code(value_at<std::int32_t>(code, i)))},
              {"stepper", has_stepper ? string_at(stepper, i) : Stepper().name()},
              // 1: a cell of the store's current sweep; 0: one an earlier sweep (before an edit
              // or a growth) finished, which query --all shows beside them
              {"in_sweep", r.in_view ? "1" : "0"}};
    for (const auto& [key, column] : axes) r.keys[key] = axis_text(column, i);
    r.message = string_at(msg, i);
    group_name = has_group ? string_at(group, i) : "N" + std::to_string(n);
    if (group_name.empty() || group_name.find_first_of("/.") != std::string::npos)
      throw BadFileError("/experiments/group names no results group");
    return r;
  }
};

// What a results group's metrics need: its analysed states, output steps and the case's terms
// (closure fits); read once per group.
struct GroupShape {
  std::vector<int> states;
  int steps = 0;
  std::vector<std::string> terms;
};

GroupShape read_group_shape(hid_t id, const std::string& g, bool rows = true) {
  GroupShape shape;
  const h5::RawData si = h5::read_raw(id, g + "jacobian/state_index");
  for (size_t s = 0; s < si.bytes.size() / 4; ++s) shape.states.push_back(value_at<std::int32_t>(si, s));
  const hsize_t outputs = h5::shape_of(id, g + "rollout/relative_l2_error").at(rows ? 2 : 1);
  if (outputs > 1'000'000'000) throw BadFileError(g + "rollout/relative_l2_error has an impossible shape");
  shape.steps = static_cast<int>(outputs) - 1;
  if (h5::exists(id, g + "closure/fit") && h5::attribute_exists(id, g + "closure/fit", "terms")) {
    std::istringstream words(h5::read_string_attribute(id, g + "closure/fit", "terms"));
    for (std::string w; words >> w;) shape.terms.push_back(w);
  }
  return shape;
}

// The metrics a results group offers, from its datasets and axes alone (not from which cells are
// done): what a reader may ask of a store follows from its sweep, not from its progress.
void add_offered_metrics(Datasets& f, const std::string& g, const GroupShape& shape, std::vector<std::string>& names) {
  for (const ResultDataset& d : result_datasets()) {
    if (d.metrics.empty() || !f.exists(g + d.path)) continue;
    for (const QueryMetric& q : d.metrics) {
      switch (q.read) {
        case MetricRead::per_term:
          for (const std::string& term : shape.terms) names.push_back(q.name + "@" + term);
          break;
        case MetricRead::horizon:
          names.push_back(q.name);
          for (int k : {1, shape.steps / 2, shape.steps}) names.push_back(q.name + "@" + std::to_string(k));
          break;
        case MetricRead::worst_state:
          names.push_back(q.name);
          for (int s : shape.states) names.push_back(q.name + "@" + std::to_string(s));
          break;
        default: names.push_back(q.name);
      }
    }
  }
  for (const QueryMetric& q : timing_metrics()) names.push_back(q.name);
}

}  // namespace

StoreContents read_store(const std::string& path, bool all, const std::vector<std::string>& wanted) {
  StoreContents c;
  const h5::Object f = open_store(path);
  const hid_t id = f.id();
  try {
    read_identity(id, path, c);
    const CellTables tables(id, c);
    c.cells = static_cast<long>(tables.code.shape.at(0));
    const std::vector<double> seconds = doubles(tables.secs);
    require_entries(tables.secs, 3 * static_cast<size_t>(c.cells), sizeof(double));
    std::map<std::string, GroupShape> shapes;
    Datasets datasets(id);
    for (size_t i = 0; i < static_cast<size_t>(c.cells); ++i) {
      std::string name;
      ExperimentRow r = tables.row_of(i, name);
      r.keys["store"] = path;
      r.keys["sweep"] = c.sweep_name;
      const CellStatus status = status_from_code(value_at<std::int32_t>(tables.code, i));
      c.cell_hashes.push_back(r.hash);
      c.cell_in_view.push_back(r.in_view);
      if (!r.in_view && status != CellStatus::pending) ++c.outside_view;
      if (!r.in_view && (!all || status == CellStatus::pending)) continue;  // a cell an earlier sweep dropped before it ran: nothing
      const std::string g = "/results/" + name + "/";
      if (!shapes.count(name)) {
        shapes[name] = read_group_shape(id, g);
        add_offered_metrics(datasets, g, shapes[name], c.metric_names);
      }
      const GroupShape& shape = shapes[name];
      if (status == CellStatus::done)
        add_metrics(datasets, g, value_at<std::int32_t>(tables.row, i), shape.states, shape.steps, c.test_ics.size(),
                    shape.terms, wanted, r.metrics, r.per_test_ic);
      if (status == CellStatus::done || status == CellStatus::diverged) {
        const double* s = &seconds[3 * i];
        const std::vector<QueryMetric>& timing = timing_metrics();  // truth, training, analysis, runtime
        for (size_t k = 0; k < 3; ++k) r.metrics[timing[k].name] = s[k];
        r.metrics[timing[3].name] = s[0] + s[1] + s[2];
      }
      for (const auto& [metric, v] : r.metrics) (void)v, c.metric_names.push_back(metric);
      c.rows.push_back(std::move(r));
    }
  } catch (const IoError& e) {
    throw IoError(path + ": reading failed: " + e.what(), e.error_number());
  } catch (const BadFileError& e) {
    throw BadFileError(path + ": not a readable npdesweep store: " + e.what());
  } catch (const std::out_of_range& e) {  // a dataset of the wrong rank or length
    throw BadFileError(path + ": not a readable npdesweep store: a dataset has the wrong shape (" + e.what() + ")");
  } catch (const InputError& e) {  // its sweep text does not read back
    throw BadFileError(std::string("not a readable npdesweep store: ") + e.what());
  }
  std::sort(c.metric_names.begin(), c.metric_names.end());
  c.metric_names.erase(std::unique(c.metric_names.begin(), c.metric_names.end()), c.metric_names.end());
  return c;
}

ExperimentRow read_result_file(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    throw Error(err == EIO ? ErrorKind::io : ErrorKind::input, path + ": cannot read the file: " + std::strerror(err));
  }
  ExperimentRow r;
  try {
    if (!h5::is_hdf5(path)) throw BadFileError("not an HDF5 file");
    const h5::Object f = h5::open_file_read_only(path);
    const hid_t id = f.id();
    const auto attribute = [id](const char* name) { return h5::read_string_attribute(id, ".", name); };
    const CellStatus status = status_from_name(attribute("status"));
    r.hash = attribute("content_hash");
    r.message = attribute("message");
    r.keys = {{"experiment", attribute("name")},
              {"case", attribute("case")},
              {"train_stencil", attribute("train_stencil")},
              {"infer_stencil", attribute("infer_stencil")},
              {"resolution", fmt::format("{}", static_cast<long long>(h5::read_double_attribute(id, ".", "resolution")))},
              {"status", status_name(status)}};
    // What kind of experiment (files older than these attributes: an MLP on uncorrected data)
    r.keys["network"] = h5::exists(id, "/weights") && h5::attribute_exists(id, "/weights", "kind")
                            ? h5::read_string_attribute(id, "/weights", "kind")
                            : std::string(name_of(NetworkKind::mlp));
    r.keys["truth_correction"] = name_of(TruthCorrection::none);
    if (h5::exists(id, "/integrator") && h5::attribute_exists(id, "/integrator", "truth_correction")) {
      const std::string t = h5::read_string_attribute(id, "/integrator", "truth_correction");
      r.keys["truth_correction"] = t.substr(0, t.find(':'));
    }
    if (status == CellStatus::done) {
      Datasets datasets(id, false);
      const GroupShape shape = read_group_shape(id, "/", false);
      const size_t tests = static_cast<size_t>(h5::shape_of(id, "/rollout/relative_l2_error").at(0));
      add_metrics(datasets, "/", 0, shape.states, shape.steps, tests, shape.terms, {}, r.metrics, r.per_test_ic);
    }
    if (status == CellStatus::done || status == CellStatus::diverged) {
      const std::vector<QueryMetric>& timing = timing_metrics();  // truth, training, analysis, runtime
      double total = 0;
      for (size_t k = 0; k < 3; ++k) total += r.metrics[timing[k].name] = h5::read_double_attribute(id, "/timing", timing[k].name);
      r.metrics[timing[3].name] = total;
    }
  } catch (const IoError& e) {
    throw IoError(path + ": reading failed: " + e.what(), e.error_number());
  } catch (const BadFileError& e) {
    throw BadFileError(path + ": not a run-one result file (" + e.what() + ")");
  } catch (const std::out_of_range& e) {
    throw BadFileError(path + ": not a run-one result file (a dataset has the wrong shape: " + e.what() + ")");
  } catch (const std::runtime_error& e) {  // an unknown status
    throw BadFileError(path + ": not a run-one result file (" + e.what() + ")");
  }
  return r;
}

StoreContents read_stores(const std::vector<std::string>& paths, bool all, const std::vector<std::string>& wanted) {
  if (paths.empty()) throw Error(ErrorKind::input, "no store given");
  StoreContents merged = read_store(paths[0], all, wanted);
  for (size_t k = 1; k < paths.size(); ++k) {
    if (std::find(paths.begin(), paths.begin() + static_cast<long>(k), paths[k]) != paths.begin() + static_cast<long>(k))
      throw Error(ErrorKind::input, paths[k] + ": given twice");
    StoreContents c = read_store(paths[k], all, wanted);
    if (c.sweep_name != merged.sweep_name && merged.sweep_name.find(" + " + c.sweep_name) == std::string::npos)
      merged.sweep_name += " + " + c.sweep_name;
    merged.schema_version = std::min(merged.schema_version, c.schema_version);
    merged.cells += c.cells;
    merged.outside_view += c.outside_view;
    for (const std::string& key : c.axis_keys)
      if (std::find(merged.axis_keys.begin(), merged.axis_keys.end(), key) == merged.axis_keys.end())
        merged.axis_keys.push_back(key);
    // This store's test IC t is the merged list's position[t].
    std::vector<size_t> position;
    for (const std::string& label : c.test_ics) {
      auto it = std::find(merged.test_ics.begin(), merged.test_ics.end(), label);
      if (it == merged.test_ics.end()) it = merged.test_ics.insert(merged.test_ics.end(), label);
      position.push_back(static_cast<size_t>(it - merged.test_ics.begin()));
    }
    for (ExperimentRow& r : c.rows) {
      if (!r.per_test_ic.empty()) {
        std::vector<std::map<std::string, double>> remapped(merged.test_ics.size());
        for (size_t t = 0; t < r.per_test_ic.size(); ++t) remapped[position[t]] = std::move(r.per_test_ic[t]);
        r.per_test_ic = std::move(remapped);
      }
      merged.rows.push_back(std::move(r));
    }
    merged.metric_names.insert(merged.metric_names.end(), c.metric_names.begin(), c.metric_names.end());
  }
  // Every row has every key and as many test ICs as the union (the first store's rows included).
  for (ExperimentRow& r : merged.rows) {
    for (const std::string& key : merged.axis_keys) r.keys.emplace(key, "");
    if (!r.per_test_ic.empty()) r.per_test_ic.resize(merged.test_ics.size());
  }
  std::sort(merged.metric_names.begin(), merged.metric_names.end());
  merged.metric_names.erase(std::unique(merged.metric_names.begin(), merged.metric_names.end()), merged.metric_names.end());
  return merged;
}

std::vector<StoredCell> stored_cells(const std::string& path) {
  const h5::Object f = open_store(path);
  const hid_t id = f.id();
  if (!h5::exists(id, "/experiments/hash")) throw BadFileError(path + ": a store without /experiments/hash");
  const h5::RawData hash = h5::read_raw(id, "/experiments/hash"), code = h5::read_raw(id, "/status/code"),
                    row = h5::read_raw(id, "/experiments/row"), res = h5::read_raw(id, "/experiments/resolution");
  const bool has_group = h5::exists(id, "/experiments/group"), has_view = h5::exists(id, "/experiments/in_view");
  const h5::RawData group = has_group ? h5::read_raw(id, "/experiments/group") : h5::RawData{},
                    view = has_view ? h5::read_raw(id, "/experiments/in_view") : h5::RawData{};
  std::vector<StoredCell> cells(code.shape.at(0));
  for (size_t i = 0; i < cells.size(); ++i) {
    StoredCell& c = cells[i];
    c.id = static_cast<long>(i);
    c.hash = string_at(hash, i);
    c.row = value_at<std::int32_t>(row, i);
    c.status = status_from_code(value_at<std::int32_t>(code, i));
    c.group = has_group ? string_at(group, i) : "N" + std::to_string(value_at<std::int32_t>(res, i));
    c.in_view = !has_view || value_at<std::int32_t>(view, i) != 0;
  }
  return cells;
}

StoredCell find_stored_cell(const std::string& path, const std::string& which) {
  const std::vector<StoredCell> cells = stored_cells(path);
  std::vector<size_t> hits;
  const bool digits = !which.empty() && which.size() < 12 && which.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    const size_t i = std::stoul(which);
    if (i < cells.size()) hits.push_back(i);
    if (hits.empty())
      throw Error(ErrorKind::input, "no cell " + which + " in " + path +
                                        (cells.empty() ? " (it has none)"
                                                       : " (ids 0.." + std::to_string(cells.size() - 1) + ")"));
  } else if (which.size() >= 4 && which.size() <= 16 && which.find_first_not_of("0123456789abcdef") == std::string::npos) {
    for (size_t i = 0; i < cells.size(); ++i)
      if (cells[i].hash.rfind(which, 0) == 0) hits.push_back(i);
    if (hits.empty()) throw Error(ErrorKind::input, "no cell of " + path + " has a content hash starting " + which);
    if (hits.size() > 1)
      throw Error(ErrorKind::input, std::to_string(hits.size()) + " cells of " + path + " have a hash starting " + which +
                                  "; give more digits");
  } else {
    throw Error(ErrorKind::input, "'" + which + "' is neither a cell id (an integer) nor a content hash (4-16 hex digits)");
  }
  return cells[hits.front()];
}

std::string stored_job_text(const std::string& path, const StoredCell& cell) {
  const StorePaths paths(path);
  const std::string shard = paths.shard(cell.id, cell.hash);
  if (shard_problem(shard, cell.hash).empty()) {
    h5::Object f = h5::open_file_read_only(shard);
    const std::string canonical = h5::read_string_attribute(f.id(), ".", "job_toml");
    return canonical_toml(read_job_text(canonical, shard + ": job_toml"), true);
  }
  const std::vector<std::string> history = read_history(paths);
  if (!history.empty() && posix::exists(paths.sweep_toml)) {
    const StoreCells store = store_cells(history, posix::read_file(paths.sweep_toml), path);
    if (cell.id < static_cast<long>(store.cells.size())) {
      const ExperimentSpec& spec = store.cells[static_cast<size_t>(cell.id)].spec;
      if (content_hash(canonical_toml(spec)) == cell.hash) return canonical_toml(spec, true);
    }
  }
  throw BadFileError("cell " + std::to_string(cell.id) + " of " + path + ": neither its shard nor the store's sweep "
                           "history is readable (" + paths.sidecar + ")");
}

}  // namespace npde
