// `npdesweep summarize RESULT.h5 ...`: one table row per run-one result file, so a batch of
// single experiments can be compared at a glance (the sweep store has `query` for this).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <iostream>
#include <limits>
#include <unistd.h>

#include "cli/args.hpp"
#include "pipeline/experiment_spec.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "store/h5.hpp"
#include "store/store_reader.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Prints one row per result file written by `npdesweep run-one`, or one row per cell of a sweep
store: the experiment, its stencils, its status, the final training loss and the rollout's relative
L2 error at the horizon (both of finished experiments, read as `query` reads them; the error is
the worst test IC's for stores, a range over test ICs for result files; a blow-up is inf) and the spectral
radius max|lambda| of the model's and the truth's Jacobians (range over test ICs and analysed
states). Opens files read-only: safe on a store a sweep is writing.
Give it result files, or stores (several are read as one). A store's table has a column for every
key that varies among its cells: the store and sweep of several, each dotted grid axis, the
replicate.)";

const char* kFooter = R"(Exit codes: 0, 2 a file that is not a readable result file or store, 4 an I/O error (run again).)";

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isnan(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

// The range over test ICs and analysed states of the metrics named prefix@<state>.
Range state_range(const ExperimentRow& r, const std::string& prefix) {
  Range range;
  for (const auto& per : r.per_test_ic)
    for (const auto& [name, v] : per)
      if (name.rfind(prefix + "@", 0) == 0) range.add(v);
  return range;
}

const std::vector<Table::Column> kRangeColumns = {
    {"status", ""}, {"final_loss", ""}, {"rollout_error", "rollout_err@T"}, {"max_lambda_model", "max|l|_model"},
    {"max_lambda_truth", "max|l|_truth"}};

// One row per cell of a sweep store, from the shared read-only store reader.
Table store_table(const StoreContents& c) {
  // Every key that varies among the rows (the store and sweep of several, each dotted axis, the
  // replicate) has its own column: no two rows look alike unless they are.
  std::vector<std::string> varying;
  for (const std::string& k : experiment_keys(c)) {
    if (k == "case" || k == "train_stencil" || k == "infer_stencil" || k == "resolution" || k == "status" ||
        k == "test_ic" || k == "seed")  // the seed follows from the replicate (and the network)
      continue;
    for (const ExperimentRow& r : c.rows)
      if (r.keys.at(k) != c.rows.front().keys.at(k)) {
        varying.push_back(k);
        break;
      }
  }
  std::vector<Table::Column> columns = {{"id", ""}, {"resolution", "N"}, {"case", ""}, {"train_stencil", "train"},
                                        {"infer_stencil", "infer"}};
  for (const std::string& k : varying) columns.push_back({k, ""});
  columns.insert(columns.end(), kRangeColumns.begin(), kRangeColumns.end());
  Table t(columns);
  for (const ExperimentRow& r : c.rows) {
    const auto metric = [&](const char* name) {
      auto it = r.metrics.find(name);
      return it == r.metrics.end() ? std::nan("") : it->second;
    };
    const Range model = state_range(r, "max_lambda"), truth = state_range(r, "truth_max_lambda");
    t.row()
        .integer(r.id)
        .integer(std::stol(r.keys.at("resolution")))
        .text(r.keys.at("case"))
        .text(r.keys.at("train_stencil"))
        .text(r.keys.at("infer_stencil"));
    for (const std::string& k : varying) t.key(r.keys.at(k));
    t.text(r.keys.at("status"))
        .number(metric("final_loss"), "{:.4e}", "-")
        .number(metric("rollout_error"), "{:.3g}", "-", "blew up")
        .range(model.lo, model.hi, "{:.3f}")
        .range(truth.lo, truth.hi, "{:.3f}");
  }
  return t;
}

}  // namespace

int summarize(int argc, char** argv) {
  std::vector<std::string> files;
  Format format = Format::table;
  CommandLine cl("summarize", kDescription, kFooter);
  cl.positional("FILE.h5", files, "run-one result files, or sweep stores");
  add_format_option(cl, format, "output: table (default), csv or json");
  bool all = false;
  cl.flag("--all", all, "a store: also the finished cells of earlier sweeps of a grown store");
  if (auto code = cl.parse(argc, argv)) return *code;
  for (const std::string& path : files)
    if (access(path.c_str(), R_OK) != 0) {
      std::cerr << "npdesweep summarize: " << path << ": cannot read the file: " << std::strerror(errno) << "\n";
      return kExitBadInput;
    }
  {
    bool is_store = false;
    try {
      h5::Object f = h5::open_file_read_only(files[0]);
      is_store = h5::exists(f.id(), "/experiments");
    } catch (const BadFileError&) {
      // not a store: the result-file path below gives the message
    } catch (const IoError& e) {
      return report_error("summarize", e, ErrorKind::io);
    }
    if (is_store) {  // then all are stores, read as one (a result file among them: read_stores says it is not one)
      try {
        const StoreContents contents = read_stores(files, all);
        note_outside_view("summarize", contents, all);
        store_table(contents).print(std::cout, format);
        return kExitOk;
      } catch (const std::exception& e) {
        return report_error("summarize", e, ErrorKind::bad_file);
      }
    }
  }
  // Result files: one row each, read by the store's metric reader (a blow-up is inf there too).
  std::vector<ExperimentRow> rows;
  for (const std::string& path : files) {
    try {
      rows.push_back(read_result_file(path));
    } catch (const std::exception& e) {
      return report_error("summarize", e, ErrorKind::bad_file);
    }
  }
  // The network's kind and the truth's correction get a column when any file is not an MLP on
  // uncorrected data: a CNN or Richardson run is said, never mistaken for a plain one.
  std::vector<std::string> kinds;
  for (const char* k : {"network", "truth_correction"})
    for (const ExperimentRow& r : rows)
      if (r.keys.at(k) != (std::string(k) == "network" ? name_of(NetworkKind::mlp) : name_of(TruthCorrection::none))) {
        kinds.push_back(k);
        break;
      }
  std::vector<Table::Column> columns = {{"experiment", ""}, {"case", ""}, {"train_stencil", "train"},
                                        {"infer_stencil", "infer"}};
  for (const std::string& k : kinds) columns.push_back({k, k == "network" ? "network" : "truth"});
  columns.insert(columns.end(), kRangeColumns.begin(), kRangeColumns.end());
  Table table(columns);
  for (const ExperimentRow& r : rows) {
    Range err;  // over test ICs
    for (const auto& per : r.per_test_ic)
      if (auto it = per.find("rollout_error"); it != per.end()) err.add(it->second);
    const Range model = state_range(r, "max_lambda"), truth = state_range(r, "truth_max_lambda");
    const auto loss = r.metrics.find("final_loss");
    table.row()
        .text(r.keys.at("experiment"))
        .text(r.keys.at("case"))
        .text(r.keys.at("train_stencil"))
        .text(r.keys.at("infer_stencil"));
    for (const std::string& k : kinds) table.text(r.keys.at(k));
    table.text(r.keys.at("status"))
        .number(loss == r.metrics.end() ? std::nan("") : loss->second, "{:.4e}", "-")
        .range(err.lo, err.hi, "{:.3g}")
        .range(model.lo, model.hi, "{:.3f}")
        .range(truth.lo, truth.hi, "{:.3f}");
  }
  table.print(std::cout, format);
  return kExitOk;
}

}  // namespace npde::cli
