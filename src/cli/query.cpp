// `npdesweep query STORE.h5 ...`: aggregate a per-experiment metric over experiment keys.
// Sample runs:
//   npdesweep query paper-burgers.h5 --list
//   npdesweep query paper-burgers.h5 --group-by infer_stencil,resolution --metric max_lambda
//   npdesweep query paper-burgers.h5 --pivot --where resolution=100 --metric rollout_error
//   npdesweep query paper-burgers.h5 --group-by infer_stencil --format json
//   npdesweep query burgers-large.h5 --group-by resolution --metric rollout_error --stat spearman --versus max_lambda@1
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "store/query.hpp"
#include "store/result_schema.hpp"

namespace npde::cli {
namespace {

const char* kHelp = R"(usage: npdesweep query STORE.h5 [--where KEY=VALUE ...] [--group-by KEY,KEY] [--metric NAME]
                       [--stat mean|median|min|max|count|spearman] [--versus NAME]
                       [--format table|csv|json] [--pivot] [--list]

Aggregates one per-experiment metric of a sweep store over the experiments that match every
--where, grouped by the --group-by keys (default: all matching experiments in one group).
--pivot prints a training-stencil x inference-stencil matrix of the statistic (fix the other
keys with --where, or they are aggregated too). --list prints the keys and metrics.
--stat spearman --versus NAME: Spearman's rank correlation of --metric with NAME over each
group's units that have both (e.g. does max_lambda@1 predict rollout_error?); n_value counts
the pairs; empty (null) for fewer than 3 pairs.
Defaults: --metric rollout_error --stat mean --format table. Values: inf marks blown-up
rollouts (null in JSON); n is the number of experiments in a group and n_value how many of
them have the metric (diverged and pending experiments have none). A --where value that no
experiment has is an error naming the values that exist (status values are always allowed).
Test ICs: rollout and eigenvalue metrics of an experiment are its worst test IC. Naming the
key test_ic (in --where or --group-by) makes each (experiment, test IC) pair one unit with
that IC's own values; n then counts pairs. Read-only.
)";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? number(v) : "null"; }

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i + 1 < r.size())
        std::printf("%-*s  ", static_cast<int>(width[i]), r[i].c_str());
      else
        std::printf("%s\n", r[i].c_str());
    }
  }
}

void print_csv(const std::vector<std::vector<std::string>>& rows) {
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      const bool quote = r[i].find_first_of(",\"") != std::string::npos;
      std::string v = r[i];
      if (quote) {
        std::string q = "\"";
        for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        v = q + "\"";
      }
      std::printf("%s%s", v.c_str(), i + 1 < r.size() ? "," : "\n");
    }
}

}  // namespace

int query(int argc, char** argv) {
  ParsedArgs args;
  QuerySpec q;
  std::string format = "table";
  try {
    // --where may repeat: collect every occurrence before the generic parse keeps the last.
    std::vector<std::string> wheres;
    for (int i = 1; i + 1 < argc; ++i)
      if (std::string(argv[i]) == "--where") wheres.push_back(argv[i + 1]);
    args = parse_args(argc, argv, {"--where", "--group-by", "--metric", "--stat", "--versus", "--format"},
                      {"--pivot", "--list", "--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
      std::cout << kHelp;
      return kExitOk;
    }
    if (args.positional.size() != 1) throw UsageError("expected exactly one store file");
    for (const std::string& w : wheres) {
      try {
        q.where.push_back(parse_where(w));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    }
    q.group_by = split(args.get("--group-by"), ',');
    q.metric = args.get("--metric", q.metric);
    q.stat = args.get("--stat", q.stat);
    q.versus = args.get("--versus");
    format = args.get("--format", format);
    if (format != "table" && format != "csv" && format != "json")
      throw UsageError("--format must be table, csv or json, not '" + format + "'");
    if (args.has("--pivot")) {
      if (!q.group_by.empty()) throw UsageError("--pivot groups by train_stencil and infer_stencil itself; drop --group-by");
      q.group_by = {"train_stencil", "infer_stencil"};
    }
  } catch (const UsageError& e) {
    return report_error("query", e, ErrorKind::input);
  }

  StoreContents store;
  std::vector<QueryGroup> groups;
  try {
    store = read_store(args.positional[0]);
    if (args.has("--list")) {
      std::printf("keys (for --where and --group-by):\n");
      for (const std::string& k : experiment_keys()) {
        std::set<std::string> values;
        if (k == "test_ic")
          values.insert(store.test_ics.begin(), store.test_ics.end());
        else
          for (const auto& r : store.rows) values.insert(r.keys.at(k));
        std::string list;
        for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
        std::printf("  %-14s %s\n", k.c_str(), list.c_str());
      }
      std::printf("metrics (for --metric):\n");
      std::vector<std::vector<std::string>> rows{{"  metric", "over test ICs", "meaning [dataset]"}};
      for (const MetricHelp& m : metric_help()) rows.push_back({"  " + m.name, m.over_test_ics, m.description});
      print_table(rows);
      std::printf("present in this store:");
      for (const auto& m : store.metric_names) std::printf(" %s", m.c_str());
      std::printf("\n");
      return kExitOk;
    }
    groups = run_query(store, q);
  } catch (const std::exception& e) {  // a damaged store or an unknown key: 2; an I/O error: 4
    return report_error("query", e, ErrorKind::bad_file);
  }

  const std::string label = q.stat == "count"      ? "count"
                            : q.stat == "spearman" ? "spearman(" + q.metric + "," + q.versus + ")"
                                                   : q.stat + "(" + q.metric + ")";
  if (args.has("--pivot")) {
    std::vector<std::string> trains, infers;
    std::map<std::pair<std::string, std::string>, double> cell;
    for (const auto& g : groups) {
      if (std::find(trains.begin(), trains.end(), g.key_values[0]) == trains.end()) trains.push_back(g.key_values[0]);
      if (std::find(infers.begin(), infers.end(), g.key_values[1]) == infers.end()) infers.push_back(g.key_values[1]);
      cell[{g.key_values[0], g.key_values[1]}] = g.value;
    }
    auto value = [&](const std::string& t, const std::string& i) {
      auto it = cell.find({t, i});
      return it == cell.end() ? std::nan("") : it->second;
    };
    if (format == "json") {
      std::printf("{\"metric\": %s, \"stat\": %s, \"rows\": \"train_stencil\", \"columns\": \"infer_stencil\",\n",
                  json_string(q.metric).c_str(), json_string(q.stat).c_str());
      std::printf(" \"train_stencil\": [");
      for (size_t i = 0; i < trains.size(); ++i) std::printf("%s%s", i ? ", " : "", json_string(trains[i]).c_str());
      std::printf("],\n \"infer_stencil\": [");
      for (size_t i = 0; i < infers.size(); ++i) std::printf("%s%s", i ? ", " : "", json_string(infers[i]).c_str());
      std::printf("],\n \"values\": [");
      for (size_t t = 0; t < trains.size(); ++t) {
        std::printf("%s[", t ? ", " : "");
        for (size_t i = 0; i < infers.size(); ++i) std::printf("%s%s", i ? ", " : "", json_number(value(trains[t], infers[i])).c_str());
        std::printf("]");
      }
      std::printf("]}\n");
      return kExitOk;
    }
    std::vector<std::vector<std::string>> rows{{"train \\ infer"}};
    rows[0].insert(rows[0].end(), infers.begin(), infers.end());
    for (const auto& t : trains) {
      std::vector<std::string> r{t};
      for (const auto& i : infers) r.push_back(number(value(t, i)));
      rows.push_back(r);
    }
    if (format == "table") std::printf("%s, train stencil x inference stencil\n", label.c_str());
    format == "csv" ? print_csv(rows) : print_table(rows);
    return kExitOk;
  }

  if (format == "json") {
    std::printf("[");
    for (size_t i = 0; i < groups.size(); ++i) {
      std::printf("%s\n {", i ? "," : "");
      for (size_t k = 0; k < q.group_by.size(); ++k)
        std::printf("%s: %s, ", json_string(q.group_by[k]).c_str(), json_string(groups[i].key_values[k]).c_str());
      if (!q.versus.empty()) std::printf("\"versus\": %s, ", json_string(q.versus).c_str());
      std::printf("\"metric\": %s, \"stat\": %s, \"value\": %s, \"n\": %ld, \"n_value\": %ld}", json_string(q.metric).c_str(),
                  json_string(q.stat).c_str(), json_number(groups[i].value).c_str(), groups[i].n, groups[i].with_value);
    }
    std::printf("\n]\n");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows{q.group_by};
  rows[0].push_back(label);
  rows[0].push_back("n");
  rows[0].push_back("n_value");
  for (const auto& g : groups) {
    std::vector<std::string> r = g.key_values;
    r.push_back(number(g.value));
    r.push_back(std::to_string(g.n));
    r.push_back(std::to_string(g.with_value));
    rows.push_back(r);
  }
  format == "csv" ? print_csv(rows) : print_table(rows);
  return kExitOk;
}

}  // namespace npde::cli
