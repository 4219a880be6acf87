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
#include "cli/table.hpp"
#include "store/query.hpp"
#include "store/result_schema.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Aggregates one per-experiment metric of a sweep store over the experiments that match every
--where, grouped by the --group-by keys (default: all matching experiments in one group).
--pivot prints a training-stencil x inference-stencil matrix of the statistic (fix the other
keys with --where, or they are aggregated too). --list prints the keys with their values in
this store and every metric with its meaning. Read-only.)";

const char* kFooter = R"(Values: inf marks blown-up rollouts (null in JSON); n is the number of experiments in a group
and n_value how many of them have the metric (diverged and pending experiments have none). A
--where value that no experiment has is an error naming the values that exist (status values
are always allowed). Test ICs: rollout and eigenvalue metrics of an experiment are its worst
test IC. Naming the key test_ic (in --where or --group-by) makes each (experiment, test IC)
pair one unit with that IC's own values; n then counts pairs. --stat spearman --versus NAME:
Spearman's rank correlation of --metric with NAME over each group's units that have both
(e.g. does max_lambda@1 predict rollout_error?); n_value counts the pairs; empty (null) for
fewer than 3 pairs.

Examples:
  npdesweep query paper-burgers.h5 --list
  npdesweep query paper-burgers.h5 --group-by infer_stencil,resolution --metric max_lambda
  npdesweep query paper-burgers.h5 --pivot --where resolution=100 --metric rollout_error
  npdesweep query burgers-large.h5 --group-by resolution --stat spearman --versus max_lambda@1

Exit codes: 0, 2 bad input (an unknown key, metric or value; not a readable store), 4 an I/O
error reading the store (run again).)";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The keys with the values present in this store, and every declared metric.
void print_list(const StoreContents& store) {
  std::printf("keys (for --where and --group-by):\n");
  Table keys({{"key", "  key"}, {"values", ""}});
  for (const std::string& k : experiment_keys(store)) {
    std::set<std::string> values;
    if (k == "test_ic")
      values.insert(store.test_ics.begin(), store.test_ics.end());
    else
      for (const auto& r : store.rows) values.insert(r.keys.at(k));
    keys.row().text("  " + k).text(joined(std::vector<std::string>(values.begin(), values.end())));
  }
  keys.print(std::cout, Format::table);
  std::printf("metrics (for --metric):\n");
  Table metrics({{"metric", "  metric"}, {"over", "over test ICs"}, {"meaning", "meaning [dataset]"}});
  for (const MetricHelp& m : metric_help()) metrics.row().text("  " + m.name).text(m.over_test_ics).text(m.description);
  metrics.print(std::cout, Format::table);
  std::printf("present in this store: %s\n", joined(store.metric_names).c_str());
}

}  // namespace

int query(int argc, char** argv) {
  QuerySpec q;
  std::string store_file, group_by;
  Format format = Format::table;
  std::vector<std::string> wheres;
  bool pivot = false, list = false, all = false;
  CommandLine cl("query", kDescription, kFooter);
  cl.positional("STORE.h5", store_file, "the sweep store");
  cl.option("--where", wheres, "keep experiments with KEY=VALUE; repeat to require several", "KEY=VALUE");
  cl.option("--group-by", group_by, "group by these keys (comma-separated)", "KEY,KEY");
  cl.option("--metric", q.metric, "the metric to aggregate (--list shows them; default rollout_error)", "NAME");
  cl.option("--stat", q.stat, "the statistic: " + joined(query_stats()) + " (default mean)", "STAT");
  cl.option("--versus", q.versus, "with --stat spearman: the metric to rank-correlate with", "NAME");
  add_format_option(cl, format, "output: table (default), csv or json");
  cl.flag("--pivot", pivot, "a train_stencil x infer_stencil matrix");
  cl.flag("--list", list, "print keys, their values and the metrics");
  cl.flag("--all", all, "also the finished cells of earlier sweeps of a grown store (default: the current sweep's)");
  if (auto code = cl.parse(argc, argv)) return *code;
  try {
    for (const std::string& w : wheres) {
      try {
        q.where.push_back(parse_where(w));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    }
    q.group_by = split(group_by, ',');
    if (pivot) {
      if (!q.group_by.empty()) throw UsageError("--pivot groups by train_stencil and infer_stencil itself; drop --group-by");
      q.group_by = {"train_stencil", "infer_stencil"};
    }
  } catch (const UsageError& e) {
    return report_error("query", e, ErrorKind::input);
  }

  StoreContents store;
  std::vector<QueryGroup> groups;
  try {
    store = read_store(store_file, all);
    if (list) {
      print_list(store);
      return kExitOk;
    }
    groups = run_query(store, q);
  } catch (const std::exception& e) {  // a damaged store or an unknown key: 2; an I/O error: 4
    return report_error("query", e, ErrorKind::bad_file);
  }

  const std::string label = q.stat == "count"      ? "count"
                            : q.stat == "spearman" ? "spearman(" + q.metric + "," + q.versus + ")"
                                                   : q.stat + "(" + q.metric + ")";
  if (pivot) {
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
    if (format == Format::json) {
      Json values = Json::array();
      for (const auto& t : trains) {
        Json row = Json::array();
        for (const auto& i : infers) row.push_back(json_number(value(t, i)));
        values.push_back(row);
      }
      const Json out = {{"metric", q.metric}, {"stat", q.stat},           {"rows", "train_stencil"},
                                  {"columns", "infer_stencil"}, {"train_stencil", trains}, {"infer_stencil", infers},
                                  {"values", values}};
      std::cout << out.dump(1) << "\n";
      return kExitOk;
    }
    std::vector<Table::Column> columns{{"train_stencil", "train \\ infer"}};
    for (const auto& i : infers) columns.push_back({i, ""});
    Table table(columns);
    for (const auto& t : trains) {
      table.row().text(t);
      for (const auto& i : infers) table.number(value(t, i));
    }
    if (format == Format::table) std::printf("%s, train stencil x inference stencil\n", label.c_str());
    table.print(std::cout, format);
    return kExitOk;
  }

  std::vector<Table::Column> columns;
  for (const auto& k : q.group_by) columns.push_back({k, ""});
  const bool versus = !q.versus.empty();
  if (versus) columns.push_back({"versus", ""});
  columns.insert(columns.end(), {{"metric", ""}, {"stat", ""}, {"value", label}, {"n", ""}, {"n_value", ""}});
  Table table(columns);
  for (const auto& g : groups) {
    table.row();
    for (const auto& k : g.key_values) table.text(k);
    if (versus) table.text(q.versus);
    table.text(q.metric).text(q.stat).number(g.value).integer(g.n).integer(g.with_value);
  }
  if (format != Format::json) {
    // Text and CSV: the metric and statistic are in the value's title, not repeated per row.
    Table narrow([&] {
      std::vector<Table::Column> c;
      for (const auto& k : q.group_by) c.push_back({k, ""});
      c.insert(c.end(), {{"value", label}, {"n", ""}, {"n_value", ""}});
      return c;
    }());
    for (const auto& g : groups) {
      narrow.row();
      for (const auto& k : g.key_values) narrow.text(k);
      narrow.number(g.value).integer(g.n).integer(g.with_value);
    }
    narrow.print(std::cout, format);
    return kExitOk;
  }
  table.print(std::cout, format);
  return kExitOk;
}

}  // namespace npde::cli
