// `npdesweep show STORE ID|HASH` and `npdesweep extract STORE ID|HASH --out cell.h5 [--job cell.toml]`:
// one cell of a sweep store, to read or to take out.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/job_file.hpp"
#include "input/job_keys.hpp"
#include "store/posix_io.hpp"
#include "store/store_reader.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kShowDescription = R"(Prints one cell of a sweep store: its id, content hash, status and message, every metric
(as query computes them, over test ICs and per test IC), and its canonical job text (numbers in
their shortest round-trip form: the same spec and content hash), which `run-one` reproduces.
--format json adds "settings": every job key with its value, those the canonical text leaves
out at their default too (`npdesweep schema` lists the keys). The cell is its id (as status,
query and export print it) or its content hash (or the first 4 or more hex digits of it).
Read-only.)";
const char* kExtractDescription = R"(Takes one cell out of a sweep store: --out writes its complete result as a run-one result
file (docs/result-file.md: the cell's shard, checked against its content hash), --job its
canonical job file. `npdesweep run-one cell.toml` then computes the same datasets bit for bit;
`run-one JOB --init-weights STORE.h5:ID` starts another experiment from the cell's trained
weights. Read-only for the store.)";
const char* kFooter = R"(Examples:
  npdesweep show smoke.h5 3
  npdesweep show smoke.h5 222e9de4
  npdesweep extract smoke.h5 3 --out cell3.h5 --job cell3.toml && npdesweep run-one cell3.toml
Exit codes: 0, 2 (no such cell, not a store, a bad option), 4 (an I/O error: run again).)";

// The cell's row of read_store: keys and metrics (out-of-view cells included).
const ExperimentRow* row_of(const StoreContents& store, long id) {
  for (const ExperimentRow& r : store.rows)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

int show(int argc, char** argv) {
  std::string store_file, which;
  Format format = Format::table;
  CommandLine cl("show", kShowDescription, kFooter);
  cl.positional("STORE.h5", store_file, "the sweep store");
  cl.positional("ID|HASH", which, "the cell: its id, or its content hash (4 or more leading hex digits)");
  add_format_option(cl, format, "table (default): the report; json: one object; csv: the metrics, one per row");
  if (auto code = cl.parse(argc, argv)) return *code;
  StoredCell cell;
  StoreContents store;
  std::string job;
  Json settings = Json::object();
  try {
    cell = find_stored_cell(store_file, which);
    store = read_store(store_file, /*all=*/true);
    const std::string canonical = stored_job_text(store_file, cell);
    job = readable_toml(canonical);
    // Every setting of the job, those the canonical text leaves at their default too (the key
    // registry's values): scalars typed, arrays and tables as their TOML text.
    CanonicalContext every_default;
    every_default.every_default = true;
    for (const KeySetting& k : key_settings(read_job_text(canonical, store_file + ": cell " + std::to_string(cell.id)),
                                            every_default)) {
      const KeyValue& v = k.value;
      settings[k.key] = v.type == KeyValue::Type::integer ? Json(v.integer)
                        : v.type == KeyValue::Type::number ? Json(v.number)
                        : v.type == KeyValue::Type::string ? Json(v.string)
                                                           : Json(v.text);
    }
  } catch (const std::exception& e) {  // no such cell: 2, not a store: 2, an I/O error: 4
    return report_error("show", e, ErrorKind::bad_file);
  }
  const ExperimentRow* r = row_of(store, cell.id);
  Table metrics({{"metric", ""}, {"value", ""}});
  std::vector<Table::Column> per_columns = {{"test_ic", "test IC"}};
  std::vector<std::string> per_names;
  if (r) {
    for (const auto& [name, v] : r->metrics) metrics.row().text(name).number(v, "{}");
    if (!r->per_test_ic.empty())
      for (const auto& [name, v] : r->per_test_ic.front()) per_names.push_back(name), per_columns.push_back({name, ""});
  }
  Table per(per_columns);
  if (r)
    for (size_t t = 0; t < r->per_test_ic.size() && t < store.test_ics.size(); ++t) {
      per.row().text(store.test_ics[t]);
      for (const std::string& n : per_names) {
        auto it = r->per_test_ic[t].find(n);
        per.number(it == r->per_test_ic[t].end() ? std::nan("") : it->second, "{:.6g}");
      }
    }
  const std::string message = r ? r->message : "";
  if (format == Format::json) {
    Json keys = Json::object();
    if (r)
      for (const auto& [k, v] : r->keys) keys[k] = v;
    const Json out = {{"id", cell.id},         {"hash", cell.hash},           {"status", status_name(cell.status)},
                      {"in_sweep", cell.in_view}, {"message", message},         {"keys", keys},
                      {"metrics", metrics.to_json()}, {"per_test_ic", per.to_json()}, {"job_toml", job},
                      {"settings", settings}};
    write_json(std::cout, out);
    std::cout << "\n";
    return kExitOk;
  }
  if (format == Format::csv) {
    metrics.print(std::cout, format);
    return kExitOk;
  }
  std::printf("cell %ld  hash %s  status %s%s\n", cell.id, cell.hash.c_str(), status_name(cell.status),
              cell.in_view ? "" : "  (kept from an earlier sweep: not in the current one)");
  if (!message.empty()) std::printf("message: %s\n", message.c_str());
  if (r) {
    std::string keys;
    for (const auto& [k, v] : r->keys)
      if (k != "status") keys += (keys.empty() ? "" : "  ") + k + "=" + v;
    std::printf("keys: %s\n", keys.c_str());
  }
  if (r && !r->metrics.empty()) {
    std::printf("\nmetrics (over test ICs as query reduces them):\n");
    metrics.print(std::cout, format);
    if (!per_names.empty()) {
      // One row per metric and a column per test IC: a handful of test ICs fit the terminal,
      // some 60 metrics as columns did not.
      std::vector<Table::Column> columns = {{"metric", ""}};
      const size_t tests = std::min(r->per_test_ic.size(), store.test_ics.size());
      for (size_t t = 0; t < tests; ++t) columns.push_back({store.test_ics[t], ""});
      Table by_metric(columns);
      for (const std::string& n : per_names) {
        by_metric.row().text(n);
        for (size_t t = 0; t < tests; ++t) {
          auto it = r->per_test_ic[t].find(n);
          by_metric.number(it == r->per_test_ic[t].end() ? std::nan("") : it->second, "{:.6g}");
        }
      }
      std::printf("\nper test IC:\n");
      by_metric.print(std::cout, format);
    }
  }
  std::printf("\njob (canonical; `npdesweep extract %s %ld --job cell.toml` writes it, `run-one` reproduces it):\n%s",
              store_file.c_str(), cell.id, job.c_str());
  return kExitOk;
}

int extract(int argc, char** argv) {
  std::string store_file, which, out, job_out;
  CommandLine cl("extract", kExtractDescription, kFooter);
  cl.positional("STORE.h5", store_file, "the sweep store");
  cl.positional("ID|HASH", which, "the cell: its id, or its content hash (4 or more leading hex digits)");
  cl.option("--out", out, "write the cell's result as a run-one result file here", "FILE.h5");
  cl.option("--job", job_out, "write the cell's canonical job file here", "FILE.toml");
  if (auto code = cl.parse(argc, argv)) return *code;
  if (out.empty() && job_out.empty())
    return report_error("extract", UsageError("give --out FILE.h5, --job FILE.toml or both"), ErrorKind::input);
  try {
    const StoredCell cell = find_stored_cell(store_file, which);
    const StorePaths paths(store_file);
    const std::string shard = paths.shard(cell.id, cell.hash);
    if (!out.empty()) {
      if (cell.status == CellStatus::pending)
        throw InputError(store_file, 0, "", "cell " + std::to_string(cell.id) + " has not run yet: it has no result");
      if (const std::string why = shard_problem(shard, cell.hash); !why.empty())
        throw BadFileError("cell " + std::to_string(cell.id) + ": " + why + " (`npdesweep run` computes it again)");
      posix::write_file_atomic(out, posix::read_file(shard));
    }
    if (!job_out.empty()) posix::write_file_atomic(job_out, readable_toml(stored_job_text(store_file, cell)));
    std::printf("cell %ld (hash %s, %s):%s%s\n", cell.id, cell.hash.c_str(), status_name(cell.status),
                out.empty() ? "" : (" result " + out).c_str(), job_out.empty() ? "" : (" job " + job_out).c_str());
  } catch (const std::exception& e) {
    return report_error("extract", e, ErrorKind::bad_file);
  }
  return kExitOk;
}

}  // namespace npde::cli
