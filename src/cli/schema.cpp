// `npdesweep schema`: the names a reader of result files and stores needs, printed from the
// declarations the writers use (store/result_schema.hpp, pipeline/cell_status.hpp), so that a
// reader in another language derives them instead of declaring them again.
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "pipeline/cell_status.hpp"
#include "input/canonical.hpp"
#include "input/job_keys.hpp"
#include "store/result_schema.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Prints the schema of result files and stores, from the declarations the writers use: the
schema version, the cell statuses with their /status/code values, the timing phases (the
columns of /timing/seconds), the axes (dimension names) with their meaning and units, every
result dataset (path under /results/N<n>/ of a store or / of a result file, type, dims, units,
whether only analysed cells have it), every attribute of a result file (and whether a store keeps
it as a column), every query metric (how it is read from which dataset,
and how it reduces over test ICs; NAME@K, NAME@N and NAME@TERM are its parameterised forms) and
every job key (type, default, meaning, whether a sweep axis may vary it, when it is hashed).
python/npdesweep.py reads --format json.)";
const char* kFooter = R"(Examples:
  npdesweep schema
  npdesweep schema --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["statuses"])')";

const char* type_name(h5::Type t) {
  switch (t) {
    case h5::Type::f64: return "float64";
    case h5::Type::i32: return "int32";
    case h5::Type::i64: return "int64";
    case h5::Type::c128: return "complex128";
    case h5::Type::str: return "string";
  }
  return "";
}

Json schema_json() {
  Json out = Json::object();
  out["schema_version"] = kSchemaVersion;
  out["conventions"] = kConventions;
  Json statuses = Json::object();
  for (CellStatus s : {CellStatus::pending, CellStatus::done, CellStatus::failed, CellStatus::diverged})
    statuses[std::to_string(static_cast<int>(s))] = status_name(s);
  out["statuses"] = statuses;
  out["phases"] = Json::array();
  for (const char* p : kTimingPhases) out["phases"].push_back(p);
  out["axes"] = Json::array();
  for (const ResultAxis& a : result_axes()) {
    Json axis = {{"name", a.name}, {"description", a.description}, {"units", a.units}};
    // a second coordinate along the axis (the datasets name it in their `coordinates` attribute)
    axis["aux"] = a.aux.name.empty() ? Json(nullptr)
                                     : Json({{"name", a.aux.name}, {"description", a.aux.description}, {"units", a.aux.units}});
    out["axes"].push_back(axis);
  }
  out["datasets"] = Json::array();
  for (const ResultDataset& d : result_datasets())
    out["datasets"].push_back({{"path", d.path},
                               {"type", type_name(d.type)},
                               {"dims", d.dims},
                               {"description", d.description},
                               {"units", d.units},
                               {"analysis", d.analysis}});
  // A result file's attributes; a store keeps those with store_column as a dataset GROUP/NAME per
  // row, and those with store_group once per results group.
  out["attributes"] = Json::array();
  for (const ResultAttribute& a : result_attributes())
    out["attributes"].push_back({{"group", a.group},
                                 {"name", a.name},
                                 {"description", a.description},
                                 {"analysis", a.analysis},
                                 {"store_column", a.store_column},
                                 {"store_group", a.store_group},
                                 {"units", a.units}});
  out["metrics"] = Json::array();
  for (const MetricHelp& m : metric_help()) {
    Json metric = {{"name", m.name},       {"description", m.description}, {"over_test_ics", m.over_test_ics},
                   {"dataset", m.dataset}, {"read", m.read}};
    metric["column"] = m.column >= 0 ? Json(m.column) : Json(nullptr);
    out["metrics"].push_back(metric);
  }
  // The job keys (spec/job_keys.hpp): what a job or sweep file may set, and how it is hashed.
  out["keys"] = Json::array();
  const char* scopes[] = {"job", "sweep", "both"};
  for (const JobKey& k : job_keys())
    out["keys"].push_back({{"key", k.key},
                           {"type", k.type},
                           {"default", k.default_text},
                           {"meaning", k.meaning},
                           {"scope", scopes[static_cast<int>(k.scope)]},
                           {"dotted_axis", k.dotted_axis},
                           {"omitted_at_default_since", k.omitted_at_default_since}});
  return out;
}

}  // namespace

int schema(int argc, char** argv) {
  Format format = Format::table;
  CommandLine cl("schema", kDescription, kFooter);
  cl.kind_option("--format", format, "table (the default) or json (one object)", "FORMAT");
  if (auto code = cl.parse(argc, argv)) return *code;
  if (format == Format::csv || format == Format::jsonl) {
    std::cerr << "npdesweep schema: --format takes table or json\n";
    return kExitBadInput;
  }
  const Json s = schema_json();
  if (format == Format::json) {
    std::cout << s.dump(1) << "\n";
    return kExitOk;
  }
  std::printf("schema version %d (%s)\n\nstatuses (/status/code):\n", kSchemaVersion, kConventions);
  for (const auto& [code, name] : s["statuses"].items()) std::printf("  %s %s\n", code.c_str(), name.get<std::string>().c_str());
  std::printf("\nphases (/timing/seconds columns):");
  for (const char* p : kTimingPhases) std::printf(" %s", p);
  std::printf("\n\naxes:\n");
  for (const ResultAxis& a : result_axes()) std::printf("  %-10s %s\n", a.name.c_str(), a.description.c_str());
  std::printf("\ndatasets:\n");
  for (const ResultDataset& d : result_datasets()) {
    std::string dims;
    for (const std::string& x : d.dims) dims += (dims.empty() ? "" : ", ") + x;
    std::printf("  %-44s %-10s (%s)\n", d.path.c_str(), type_name(d.type), dims.c_str());
  }
  std::printf("\nmetrics:\n");
  for (const MetricHelp& m : metric_help())
    std::printf("  %-30s %-12s %s\n", m.name.c_str(), m.read.c_str(), m.dataset.c_str());
  std::printf("\njob keys (docs/job-file.md):\n");
  for (const JobKey& k : job_keys())
    std::printf("  %-30s %-6s %s%s\n", k.key, k.scope == KeyScope::both ? "" : k.scope == KeyScope::job ? "job" : "sweep",
                k.dotted_axis ? "axis" : "", k.omitted_at_default_since > 0 ? " (hashed only away from its default)" : "");
  return kExitOk;
}

}  // namespace npde::cli
