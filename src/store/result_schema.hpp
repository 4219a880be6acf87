#pragma once
// The result datasets of one experiment, each declared once: path, element type, the shape a
// store reserves for it, description, units, and where its value comes from. The run-one writer
// (result_file.cpp) writes every one from this table, the sweep store (sweep_store.cpp) creates
// its per-resolution columns and copies shards into rows by it, and a test checks that
// docs/result-file.md and docs/store.md name exactly these paths. Adding a metric is one entry.
//
// The attributes of a result file are declared the same way (result_attributes()), and so are
// the axes the datasets' dims name (result_axes()): each is a coordinate variable, an HDF5
// dimension scale named after the axis, in every group whose datasets use it.
#include <array>
#include <string>
#include <variant>
#include <vector>

#include "pipeline/experiment.hpp"
#include "store/h5.hpp"

namespace npde {

struct ResultValue {
  bool present = false;             // false: not written (e.g. no weights recorded)
  std::vector<hsize_t> shape;       // as produced; at most the reserved shape
  std::vector<unsigned char> bytes; // row-major
};

// How a query metric is read from its dataset's row, and how an experiment's value follows from
// its test ICs' values (store_reader.cpp applies these; `query --list` prints them).
enum class MetricRead {
  scalar,       // the row is one number
  last_finite,  // the last finite entry of a series (a loss curve)
  horizon,      // shape (test_ic, output step): the last step, NaN (a blow-up) read as +inf;
                // NAME@K at output steps K = 1, steps/2, steps as well
  blowup,       // shape (test_ic, output step): 1 if the last step is NaN, else 0
  worst_state,  // shape (test_ic, state): the largest over analysed states; NAME@N per state index N
  per_ic,       // shape (1 + test_ic): entry 0 the training IC's, entry 1 + t test IC t's
  per_term,     // shape (term[, column]): NAME@TERM for each case term (the results group's
                // closure/fit terms attribute names them) with a finite value in `column`
};
enum class OverTestIcs {
  none,         // not a per-test-IC metric
  worst,        // the largest over test ICs (+inf ranks above every number, NaN is skipped)
  sum,          // summed over test ICs
  training_ic,  // the training IC's own value (per-test-IC values only when test_ic is named)
};

struct QueryMetric {
  std::string name;
  std::string description;
  MetricRead read;
  OverTestIcs over_test_ics;
  int column = 0;  // scalar: the entry of the row; per_term: the column of each term's row
};

struct ResultDataset {
  std::string path;          // under / of a result file, under /results/N<n>/ of a store
  h5::Type type;
  std::vector<std::string> dims;  // the names of its axes (a store adds "row" in front)
  std::string description;
  std::string units;
  bool analysis;             // only experiments that reached the analysis (status done) have it
  std::vector<hsize_t> (*reserved_shape)(const ExperimentSpec&);
  ResultValue (*value)(const ExperimentSpec&, const ExperimentResult&);
  std::vector<QueryMetric> metrics = {};  // the scalars queries derive from it
  // A solution field: kept only when the job's analysis.fields is at least this (none: always).
  FieldsKept fields = FieldsKept::none;
  // Further text attributes for readers without our code (CF's ancillary_variables, comment).
  std::vector<std::pair<std::string, std::string>> attributes = {};
};

const std::vector<ResultDataset>& result_datasets();
// Whether a result of this job has the dataset at all (a solution field the job does not keep
// has none: no dataset in a result file, no column in a store's results group).
bool kept(const ResultDataset& d, const ExperimentSpec& spec);
// Bytes of the solution fields one result of this job holds at the level `fields` (its reserved
// shapes; `plan` states them before a run).
double field_bytes(const ExperimentSpec& spec, FieldsKept fields);

// The coordinate values along one axis of the result datasets.
using AxisValues = std::variant<std::vector<int>, std::vector<double>, std::vector<std::string>>;
struct AxisContext {
  const ExperimentSpec& spec;
  const std::vector<int>& states;  // the analysed states' output steps
  hsize_t length;                  // the axis's length in the datasets that use it
};
// An axis a result dataset's dims name. The writers keep it as a dimension scale named `name` in
// every group whose datasets use it (a netCDF-4 coordinate variable: xarray and h5netcdf open
// each group with named dimensions and these values), beside `aux` where it has one: a second
// coordinate along the axis that the datasets name in their `coordinates` attribute (CF).
struct ResultAxis {
  std::string name, description, units;  // units "" for text
  AxisValues (*values)(const AxisContext&);
  struct Aux {
    std::string name, description, units;
    AxisValues (*values)(const AxisContext&) = nullptr;
  } aux = {};
};
const std::vector<ResultAxis>& result_axes();
const ResultAxis* find_result_axis(const std::string& name);  // null for an axis only a store has

// What an attribute's value is computed from.
struct Provenance;
struct ResultContext {
  const ExperimentSpec& spec;
  const std::string& canonical_text;
  const std::string& content_hash;
  const ExperimentResult& result;
  const Provenance* provenance = nullptr;  // the writing process's (the /provenance attributes)
};
using AttributeValue = std::variant<std::string, long long, double, std::vector<int>>;

struct ResultAttribute {
  std::string group;  // "" for the root, else the group it describes ("integrator", "jacobian/model", ...)
  std::string name;
  std::string description;
  bool analysis;      // only experiments that reached the analysis have its group
  bool store_column;  // a store keeps it per row, as the dataset /results/N<n>/<group>/<name> (int64 or float64)
  AttributeValue (*value)(const ResultContext&);
  // A store keeps it once per results group, as an attribute of /results/N<n>/<group>: its value
  // follows from the job alone (`value` reads no result) and cells of one group share it.
  bool store_group = false;
  std::string units = "1";  // of its store column (store_column)
};

const std::vector<ResultAttribute>& result_attributes();
// The root attribute Conventions of result files and stores.
inline constexpr const char* kConventions = "CF-1.10";
// The groups a result file of this job has: every kept dataset's and attribute's parent,
// parents first.
std::vector<std::string> result_groups(const ExperimentSpec& spec, bool analysed);

// The phases of a cell's work, in the order of /timing/seconds's columns (and of a result file's
// timing attributes); timing_metrics() names them <phase>_seconds.
inline constexpr std::array<const char*, 3> kTimingPhases = {"truth", "training", "analysis"};

// Query metrics that come from the store's /timing/seconds (truth, training, analysis) rather
// than from a result dataset; `runtime` is their sum.
const std::vector<QueryMetric>& timing_metrics();

// Every query metric with its description, parameterised forms (NAME@K) included, and how it
// reduces over test ICs: the text of `query --list`, checked against docs/store.md by a test.
struct MetricHelp {
  std::string name, description, over_test_ics;
  std::string dataset;  // the path it reads (under /results/N<n>/ of a store), or /timing/seconds
  std::string read;     // how (MetricRead's names; row_sum: the sum of the row, runtime)
  int column = -1;      // the column of the dataset's row it reads, where it reads one (scalar, per_term)
};
std::vector<MetricHelp> metric_help();

}  // namespace npde
