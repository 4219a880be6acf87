// `npdesweep plan SWEEP.toml`: validate a sweep and show its grid and cost, computing nothing.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include <cstdlib>

#include <fmt/format.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "pipeline/cost_model.hpp"
#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/sweep_file.hpp"
#include "store/query.hpp"
#include "store/rerun_preview.hpp"
#include "store/result_schema.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Validates a sweep file (docs/sweep-file.md) and prints its hash, its axes with their values,
the number of cells, a sample of cells with their content hashes, and an estimate of the cost,
without computing anything. With --cells it lists the cells instead: id, content hash,
replicate and the value of every axis, one row per cell.)";
const char* kFooter = R"(Examples:
  npdesweep plan sweeps/smoke.toml
  npdesweep plan sweeps/smoke.toml --cells --where resolution=16 --format csv
  npdesweep plan sweeps/smoke.toml --store smoke.h5     # what a rerun reuses, runs, recomputes
Exit codes: 0 valid, 2 not valid (FILE:LINE: KEY: message) or a bad option.)";

// An axis value as a person reads it (and as the store's columns and query print it): strings
// without their TOML quotes, an IC by its label, a number in its shortest round-trip form (the
// canonical text keeps 17 digits: 0.05, not 0.050000000000000003).
std::string shown(const GridAxis& a, const AxisValue& v) {
  if (a.key == "ic") return v.ic.label();
  const std::string& t = v.text;
  double x = 0;
  if (t.find_first_of(".eE") != std::string::npos && as_decimal(t, &x)) return fmt::format("{}", x);
  return t.size() >= 2 && t.front() == '"' && t.back() == '"' ? t.substr(1, t.size() - 2) : t;
}


}  // namespace

int plan(int argc, char** argv) {
  std::string file;
  bool list_cells = false;
  std::vector<std::string> where;
  Format format = Format::table;
  CommandLine cl("plan", kDescription, kFooter);
  cl.positional("SWEEP.toml", file, "the sweep file");
  cl.flag("--cells", list_cells, "list every cell (id, hash, replicate, axis values) instead of the summary");
  cl.option("--where", where,
            "with --cells: only cells whose axis KEY (or replicate) has this value, as plan prints it; repeatable",
            "KEY=VALUE");
  std::string store;
  cl.option("--store", store,
            "say what `run` on this store would do with each cell: reuse (finished), new, recompute (the store "
            "finished it under another job: the keys that changed), failed (runs again only with "
            "--retry-failed); with --cells a column per cell",
            "FILE.h5");
  add_format_option(cl, format, "how --cells prints: an aligned table, CSV or JSON");
  if (auto code = cl.parse(argc, argv)) return *code;
  SweepSpec sweep;
  std::vector<GridCell> cells;
  RerunPreview preview;
  try {
    sweep = read_sweep_file(file);
    cells = enumerate_cells(sweep);
    if (!store.empty()) preview = preview_rerun(store, sweep, cells);
  } catch (const std::exception& e) {
    return report_error("plan", e, ErrorKind::input);
  }
  static const char* const kFate[] = {"reuse", "new", "recompute", "failed"};

  if (list_cells) {
    std::vector<std::pair<std::string, std::string>> conditions;
    for (const std::string& w : where) {
      const size_t eq = w.find('=');
      const std::string key = w.substr(0, eq);
      if (eq == std::string::npos || (key != "replicate" && !sweep.axis(key))) {
        std::string keys = "replicate";
        for (const GridAxis& a : sweep.axes) keys += ", " + a.key;
        return report_error("plan", UsageError("--where " + w + ": expected KEY=VALUE with KEY one of " + keys),
                            ErrorKind::input);
      }
      conditions.emplace_back(key, w.substr(eq + 1));
    }
    std::vector<Table::Column> columns = {{"id", ""}, {"hash", ""}, {"replicate", ""}};
    for (const GridAxis& a : sweep.axes) columns.push_back({a.key, ""});
    if (!store.empty()) columns.insert(columns.end(), {{"run", ""}, {"changed", ""}});
    Table table(columns);
    for (const GridCell& c : cells) {
      auto value_of = [&](const std::string& key) {
        if (key == "replicate") return std::to_string(c.replicate);
        const GridAxis* a = sweep.axis(key);
        return shown(*a, a->values[c.value[static_cast<size_t>(a - sweep.axes.data())]]);
      };
      bool keep = true;
      for (const auto& [key, value] : conditions) keep = keep && same_value(value_of(key), value);
      if (!keep) continue;
      table.row().integer(c.id).text(c.hash).integer(c.replicate);
      for (const GridAxis& a : sweep.axes) table.key(value_of(a.key));
      if (!store.empty())
        table.text(kFate[static_cast<int>(preview.fate[static_cast<size_t>(c.id)])]).text(preview.why[static_cast<size_t>(c.id)]);
    }
    table.print(std::cout, format);
    return kExitOk;
  }

  std::printf("sweep %s  hash %s\n", sweep.name.c_str(), content_hash(canonical_sweep_toml(sweep)).c_str());
  // The grid as a product: a lone axis by its count, a zip as its members joined by '+'.
  std::map<int, std::string> zips;
  std::string product;
  for (const GridAxis& a : sweep.axes) {
    if (a.zip >= 0 && zips.count(a.zip)) {
      zips[a.zip] += "+" + a.key;
      continue;
    }
    if (a.zip >= 0) zips[a.zip] = a.key;
  }
  std::map<int, bool> shown_zip;
  for (const GridAxis& a : sweep.axes) {
    if (a.zip >= 0 && shown_zip[a.zip]) continue;
    if (a.zip >= 0) shown_zip[a.zip] = true;
    product += fmt::format("{} {} x ", a.values.size(), a.zip >= 0 ? "(" + zips[a.zip] + ")" : a.key);
  }
  product += fmt::format("{} replicates", sweep.replicates);
  const long excluded = sweep.product() - static_cast<long>(cells.size());
  std::printf("grid: %s = %zu cells", product.c_str(), cells.size());
  if (excluded > 0) std::printf(" (%ld of %ld left out by %zu exclusions)", excluded, sweep.product(), sweep.exclusions.size());
  std::printf("\naxes:\n");
  int width = 24;  // the key column: wider for a long dotted key ("integrator.truth_correction")
  for (const GridAxis& a : sweep.axes) width = std::max(width, static_cast<int>(a.key.size()));
  for (const GridAxis& a : sweep.axes) {
    std::string values;
    for (const AxisValue& v : a.values) values += (values.empty() ? "" : ", ") + shown(a, v);
    std::printf("  %-*s %3zu  %s%s\n", width, a.key.c_str(), a.values.size(), values.c_str(),
                a.zip >= 0 ? fmt::format("  (zip {})", a.zip).c_str() : "");
  }
  // Cells that share their truth compute each truth-map Jacobian once (the truth cache).
  CostEstimate total;
  double shared = 0;
  std::set<std::string> truth_maps;
  for (const GridCell& c : cells) {
    const CostEstimate e = experiment_cost(c.spec);
    total.truth += e.truth, total.training += e.training, total.analysis += e.analysis;
    const std::string truth = canonical_truth_toml(c.spec) + toml_number(c.spec.jacobian_map_steps());
    for (const InitialCondition& ic : c.spec.test_ics)
      for (int state : c.spec.one_shot() ? std::vector<int>{0} : c.spec.jacobian_states)
        if (!truth_maps.insert(truth + initial_condition_toml(ic) + std::to_string(state)).second)
          shared += truth_map_seconds(c.spec);
  }
  total.analysis -= shared;
  std::printf("%6s  %-16s  %s\n", "id", "hash", "cell (N:train:infer:IC:replicate)  est. seconds");
  for (const GridCell& c : cells) {
    const bool show = c.id < 5 || c.id == static_cast<long>(cells.size()) - 1;
    if (!show) {
      if (c.id == 5) std::printf("   ...  (plan --cells lists every cell)\n");
      continue;
    }
    std::printf("%6ld  %s  %s  %.3g\n", c.id, c.hash.c_str(), c.spec.name.c_str(), experiment_cost(c.spec).total());
  }
  std::printf("estimated cost: about %.3g core-seconds (truth data %.3g, training %.3g, analysis %.3g), one core of\n"
              "the machine docs/performance.md measured (\"The cost model\": within 1.5x there; a slower or faster\n"
              "core scales it); with W workers expect about %.3g / W seconds of wall time\n",
              total.total(), total.truth, total.training, total.analysis, total.total());
  if (shared > 0)
    std::printf("  (%.3g core-seconds less than the cells' sum: cells that share their truth compute each truth-map\n"
                "  Jacobian once, kept in FILE.h5.d/truth/; the per-cell seconds above count it in every cell)\n",
                shared);
  std::printf("store: at least %.3g MB on disk (the HDF5 file and one shard per cell; `run` checks it fits)\n",
              estimated_store_bytes(cells) * 1e-6);
  // Solution fields: what they take (the row and the shard each hold them), or would take.
  const auto fields_mb = [&](FieldsKept level) {
    double bytes = 0;
    for (const GridCell& c : cells) bytes += 2 * field_bytes(c.spec, level);
    return bytes * 1e-6;
  };
  if (sweep.base.fields != FieldsKept::none)
    std::printf("  of which %.3g MB solution fields (analysis.fields = \"%s\"%s)\n", fields_mb(sweep.base.fields),
                name_of(sweep.base.fields),
                sweep.base.fields == FieldsKept::rollouts
                    ? fmt::format("; \"all\" would make it {:.3g} MB", fields_mb(FieldsKept::all)).c_str()
                    : "");
  else
    std::printf("  solution fields: none kept (analysis.fields); \"rollouts\" would add %.3g MB, \"all\" %.3g MB\n",
                fields_mb(FieldsKept::rollouts), fields_mb(FieldsKept::all));
  if (!store.empty()) {
    std::printf("run on %s: %s\n", store.c_str(), describe(preview).c_str());
    for (size_t i = 0; i < cells.size(); ++i)
      if (preview.fate[i] == RerunFate::recompute) {  // the first, as an example
        std::printf("  recomputed cells (plan --cells --store lists each with what changed), e.g. %s: %s\n",
                    cells[i].spec.name.c_str(), preview.why[i].c_str());
        break;
      }
  }
  return kExitOk;
}

}  // namespace npde::cli
