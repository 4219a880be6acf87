// `npdesweep export STORE.h5`: one row per experiment (or per experiment and test IC), every
// key and every scalar metric, as CSV or JSON lines that pandas reads with no options.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "store/query.hpp"

namespace npde::cli {
enum class ExportFormat { csv, json, jsonl };
}
namespace npde {
template <>
const std::vector<KindName<cli::ExportFormat>>& kind_names<cli::ExportFormat>() {
  static const std::vector<KindName<cli::ExportFormat>> n = {
      {cli::ExportFormat::csv, "csv"}, {cli::ExportFormat::json, "json"}, {cli::ExportFormat::jsonl, "jsonl"}};
  return n;
}
}  // namespace npde

namespace npde::cli {
namespace {

const char* kDescription = R"(Writes the experiments of one or more sweep stores as a table on stdout, one row per experiment
(with --per-test-ic: one per experiment and test IC): id, content hash, status, message, every
key (store, sweep, case, stencils, IC, stepper, resolution, replicate, seed and the sweeps'
dotted axes) and every scalar metric of `query --list`, numbers at round-trip precision. The
columns follow from the stores' sweeps, not from how far they ran. Read-only.

  pandas.read_csv("cells.csv")                  # npdesweep export STORE.h5 > cells.csv
  pandas.read_json("cells.jsonl", lines=True)   # ... --format jsonl > cells.jsonl
  pandas.read_json("cells.json")                # ... --format json > cells.json)";

const char* kFooter = R"(Values: a metric an experiment does not have (it diverged, failed or is pending; a dataset the
store lacks) is an empty CSV field and null in JSON; NaN (a value that was computed but is not a
number, e.g. the eigenvalues of a state a blown-up rollout never reached) is nan; a rollout that
blew up has rollout_error inf. JSON is strict (RFC 8259: no literal for inf or NaN), so there
they are the strings "inf", "-inf" and "nan" (pandas.to_numeric and Python's float() read
them), and the seed, a 64-bit integer, is a string of its digits (exact in every reader). With
--per-test-ic the test-IC metrics are that IC's own values (otherwise the worst over test ICs,
as in query).
Examples:
  npdesweep export paper-burgers.h5 > paper-burgers.csv
  npdesweep export paper-burgers.h5 --format jsonl --where resolution=100 --per-test-ic
Exit codes: 0, 2 (bad option, unknown key or value, not a store), 4 (reading failed: I/O error).)";

}  // namespace

int export_store(int argc, char** argv) {
  std::vector<std::string> store_files;
  ExportFormat format = ExportFormat::csv;
  std::vector<std::string> wheres;
  bool per_test_ic = false, all = false;
  CommandLine cl("export", kDescription, kFooter);
  cl.positional("STORE.h5", store_files,
                "the sweep store; several are read as one, each row keyed by store (its path) and sweep");
  cl.kind_option("--format", format, "csv (the default), json (one array of objects) or jsonl (one JSON object per line)", "FORMAT");
  cl.option("--where", wheres,
            "keep experiments meeting a condition on a key or metric, as in query (KEY=A,B KEY!=A KEY<X ...); "
            "repeat to require several",
            "COND");
  cl.flag("--per-test-ic", per_test_ic, "one row per experiment and test IC, with a test_ic column");
  cl.flag("--all", all,
          "also the finished cells of earlier sweeps of a grown store, with in_sweep = 0 (default: the current "
          "sweep's cells)");
  if (auto code = cl.parse(argc, argv)) return *code;
  std::vector<Condition> where;
  try {
    for (const std::string& w : wheres) where.push_back(parse_condition(w));
  } catch (const UsageError& e) {
    return report_error("export", e, ErrorKind::input);
  }
  StoreContents store;
  try {
    store = read_stores(store_files, all);
    check_conditions(store, where);
    note_outside_view("export", store, all);
  } catch (const std::exception& e) {
    return report_error("export", e, ErrorKind::bad_file);
  }

  // Columns: the cell, its keys (test_ic only per test IC), then the metrics.
  std::vector<std::string> keys;
  for (const std::string& k : experiment_keys(store))
    if (k != "status" && k != "in_sweep" && (k != "test_ic" || per_test_ic)) keys.push_back(k);  // in_sweep: below
  std::vector<Table::Column> columns = {{"id", ""}, {"hash", ""}, {"status", ""}, {"message", ""}};
  if (all) columns.push_back({"in_sweep", ""});
  for (const std::string& k : keys) columns.push_back({k, ""});
  for (const std::string& m : store.metric_names) columns.push_back({m, ""});
  Table table(columns);
  for (const ExperimentRow& r : store.rows) {
    const size_t units = per_test_ic ? store.test_ics.size() : 1;
    for (size_t t = 0; t < units; ++t) {
      auto key_of = [&](const std::string& k) { return k == "test_ic" ? store.test_ics[t] : r.keys.at(k); };
      bool keep = true;
      for (const Condition& c : where) keep = keep && meets(store, r, per_test_ic ? static_cast<long>(t) : -1, c);
      if (!keep) continue;
      // A metric's value for this unit: the test IC's own when it has one, else the experiment's.
      auto metric = [&](const std::string& m) -> const double* {
        if (per_test_ic && t < r.per_test_ic.size())
          if (auto it = r.per_test_ic[t].find(m); it != r.per_test_ic[t].end()) return &it->second;
        auto it = r.metrics.find(m);
        return it == r.metrics.end() ? nullptr : &it->second;
      };
      table.row().integer(r.id).text(r.hash).text(r.keys.at("status")).text(r.message);
      if (all) table.integer(r.in_view ? 1 : 0);
      for (const std::string& k : keys) table.key(k, key_of(k));
      for (const std::string& m : store.metric_names)
        if (const double* v = metric(m))
          table.value(*v);
        else
          table.missing();
    }
  }
  table.print(std::cout, format == ExportFormat::csv    ? Format::csv
                         : format == ExportFormat::json ? Format::json
                                                        : Format::jsonl);
  std::cout.flush();
  if (!std::cout) return report_error("export", std::runtime_error("cannot write the output"), ErrorKind::io);
  return kExitOk;
}

}  // namespace npde::cli
