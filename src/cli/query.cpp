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

const char* kDescription = R"(Aggregates one per-experiment metric of a sweep store over the experiments that meet every
--where, grouped by the --group-by keys (default: all matching experiments in one group).
--pivot prints a training-stencil x inference-stencil matrix of the statistic, one per value of
--per KEY (or of the --group-by keys), each titled with what it aggregated over. --sort METRIC
lists the matching experiments themselves, sorted. --list prints the keys with their values in
this store and every metric with its meaning. Several stores are read as one, each experiment
keyed by store (its path) and sweep; --compare store=A.h5,B.h5 pairs each cell of one store with
the same cell of the other. Read-only.)";

const char* kFooter = R"(Conditions (--where, repeatable, all must hold): KEY=A or KEY=A,B (any of the values), KEY!=A,B,
KEY<X, KEY<=X, KEY>X, KEY>=X, on keys (numbers compare as numbers: resolution>=64) and on
metrics (rollout_blowups>0, rollout_error<0.1); an experiment without the metric (or NaN) meets
only !=. Naming one key in two --where is allowed (both must hold) and warned about.
Statistics: mean, median, min, max, sum, std (the sample standard deviation, n-1), count,
argmin and argmax (the value and the experiment that attains it: its id and the keys that set it
apart), spearman, mean_ci, median_ci, auc (below). Metrics: every metric of --list;
rollout_error@K for any output step K.

Values: inf marks blown-up rollouts (JSON is strict: "inf", "-inf" and "nan" are strings there, a
missing value null; integers beyond 2^53 and the seed strings of digits); n is the number of experiments in a group
and n_value how many of them have the metric (diverged and pending experiments have none). A
--where value that no experiment has is an error naming the values that exist (status values
are always allowed). Test ICs: rollout and eigenvalue metrics of an experiment are its worst
test IC. Naming the key test_ic (in --where or --group-by) makes each (experiment, test IC)
pair one unit with that IC's own values; n then counts pairs. --stat spearman --versus NAME:
Spearman's rank correlation of --metric with NAME over each group's units that have both
(e.g. does max_lambda@1 predict rollout_error?); n_value counts the pairs; empty (null) for
fewer than 3 pairs.

Over replicates (a sweep with replicates = R): --stat mean_ci and median_ci give the estimate
with a 95% percentile-bootstrap interval over the group's units (2000 resamples, a fixed seed:
the same numbers on every run); --stat auc --versus NAME the ROC AUC of NAME as a predictor of
failure (a rollout blew up, or with --threshold X --metric above X), 1 perfect, 0.5 chance, with
its interval and the failure count. --compare KEY=A,B pairs each unit with KEY=A with the unit
with KEY=B that is equal in every other key, the replicate and the seed included (the seed left
out when KEY is one it is derived from: resolution, replicate, experiment.seed, network axes), and gives the
mean of B minus A (with --stat median_ci the median, robust to blown-up rollouts' inf) with its
interval, the share of pairs with B > A and the two-sided Wilcoxon signed-rank p-value; n
counts the pairs (a pair where both blew up has no difference and is left out). Below 5 units (pairs; for auc, of either class) no
interval is given and the note says so.

Examples:
  npdesweep query paper-burgers.h5 --list
  npdesweep query paper-burgers.h5 --group-by infer_stencil,resolution --metric max_lambda
  npdesweep query paper-burgers.h5 --pivot --where resolution=100 --metric rollout_error
  npdesweep query burgers-large.h5 --group-by resolution --stat spearman --versus max_lambda@1
  npdesweep query paper-burgers.h5 --group-by resolution --stat argmin --metric rollout_error
  npdesweep query paper-burgers.h5 --where rollout_blowups>0 --sort rollout_error --desc --top 10
  npdesweep query paper-burgers.h5 --pivot --per resolution --where infer_stencil!=forward1
  npdesweep query study.h5 --group-by infer_stencil --stat median_ci --metric max_lambda@1
  npdesweep query study.h5 --compare infer_stencil=central2,central6 --group-by resolution
  npdesweep query study.h5 --stat auc --versus max_lambda@1 --threshold 0.5

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

// The values key `k` takes in the store, in key order (numbers as numbers).
std::vector<std::string> key_values(const StoreContents& store, const std::string& k) {
  std::set<std::string, decltype(&key_less)> values(&key_less);
  if (k == "test_ic")
    values.insert(store.test_ics.begin(), store.test_ics.end());
  else
    for (const auto& r : store.rows) values.insert(r.keys.at(k));
  return {values.begin(), values.end()};
}

// The keys with the values present in this store, and every declared metric.
void print_list(const StoreContents& store, Format format) {
  if (format == Format::json) {  // {"keys": {KEY: [values]}, "metrics": [present in the store]}
    Json keys = Json::object();
    for (const std::string& k : experiment_keys(store)) {
      Json list = Json::array();
      for (const std::string& v : key_values(store, k)) list.push_back(key_json(k, v));
      keys[k] = list;
    }
    write_json(std::cout, Json{{"keys", keys}, {"metrics", store.metric_names}}, 2);
    std::cout << "\n";
    return;
  }
  std::printf("keys (for --where and --group-by):\n");
  Table keys({{"key", "  key"}, {"values", ""}});
  for (const std::string& k : experiment_keys(store)) keys.row().text("  " + k).text(joined(key_values(store, k)));
  keys.print(std::cout, Format::table);
  std::printf("metrics (for --metric):\n");
  Table metrics({{"metric", "  metric"}, {"over", "over test ICs"}, {"meaning", "meaning [dataset]"}});
  for (const MetricHelp& m : metric_help()) metrics.row().text("  " + m.name).text(m.over_test_ics).text(m.description);
  metrics.print(std::cout, Format::table);
  std::printf("present in this store: %s\n", joined(store.metric_names).c_str());
}


// The keys whose values differ among `rows` (the ones worth showing beside an experiment).
std::vector<std::string> varying_keys(const StoreContents& store, const std::vector<const ExperimentRow*>& rows,
                                      const std::vector<std::string>& except) {
  std::vector<std::string> out;
  for (const std::string& k : experiment_keys(store)) {
    if (k == "test_ic" || std::find(except.begin(), except.end(), k) != except.end()) continue;
    std::set<std::string> values;
    for (const ExperimentRow* r : rows) values.insert(r->keys.at(k));
    if (values.size() > 1) out.push_back(k);
  }
  return out;
}

// --sort: the matching units themselves, sorted by a metric (NaN last), the first K.
int print_sorted(const StoreContents& store, const QuerySpec& q, const std::string& sort, bool desc, long top,
                 bool per_test, Format format) {
  struct Unit {
    const ExperimentRow* r;
    long t;
    double v;
  };
  std::vector<Unit> units;
  for (const ExperimentRow& r : store.rows)
    for (long t = 0; t < (per_test ? static_cast<long>(store.test_ics.size()) : 1); ++t) {
      const long ic = per_test ? t : -1;
      bool keep = true;
      for (const Condition& c : q.where) keep = keep && meets(store, r, ic, c);
      if (keep) units.push_back({&r, ic, unit_metric(r, ic, sort)});
    }
  std::stable_sort(units.begin(), units.end(), [&](const Unit& a, const Unit& b) {
    if (std::isnan(a.v) || std::isnan(b.v)) return !std::isnan(a.v) && std::isnan(b.v);
    return desc ? a.v > b.v : a.v < b.v;
  });
  if (top >= 0 && static_cast<long>(units.size()) > top) units.resize(static_cast<size_t>(top));
  std::vector<const ExperimentRow*> rows;
  for (const Unit& u : units) rows.push_back(u.r);
  // The table shows the keys that differ among the listed rows and says what they share; CSV
  // and JSON carry every key in every row.
  std::vector<std::string> keys = varying_keys(store, rows, {});
  if (format == Format::table && !rows.empty()) {
    std::string shared;
    for (const std::string& k : experiment_keys(store))
      if (k != "test_ic" && std::find(keys.begin(), keys.end(), k) == keys.end())
        shared += (shared.empty() ? "" : ", ") + k + "=" + rows.front()->keys.at(k);
    if (!shared.empty()) std::printf("the %zu rows below share %s\n", rows.size(), shared.c_str());
  } else if (format != Format::table) {
    keys.clear();
    for (const std::string& k : experiment_keys(store))
      if (k != "test_ic") keys.push_back(k);
  }
  std::vector<Table::Column> columns = {{"id", ""}};
  if (per_test) columns.push_back({"test_ic", ""});
  for (const std::string& k : keys) columns.push_back({k, ""});
  columns.push_back({sort, ""});
  const bool also = q.metric != sort;
  if (also) columns.push_back({q.metric, ""});
  Table table(columns);
  for (const Unit& u : units) {
    table.row().integer(u.r->id);
    if (per_test) table.text(store.test_ics[static_cast<size_t>(u.t)]);
    for (const std::string& k : keys) table.key(k, u.r->keys.at(k));
    table.number(u.v);
    if (also) table.number(unit_metric(*u.r, u.t, q.metric));
  }
  table.print(std::cout, format);
  return kExitOk;
}

// The value column's title: what the statistic is of (a paired difference's centre with --compare).
std::string value_label(const QuerySpec& q) {
  const std::string stat = name_of(q.stat);
  std::string label = q.stat == Statistic::count      ? stat
                      : q.stat == Statistic::spearman ? "spearman(" + q.metric + "," + q.versus + ")"
                      : q.stat == Statistic::auc      ? "auc(" + q.versus + " predicts failure)"
                                                      : stat + "(" + q.metric + ")";
  if (!q.compare.empty()) {  // the paired difference's centre: its median with median_ci, else its mean
    const Comparison c = parse_comparison(q.compare);
    label = std::string(name_of(q.stat == Statistic::median_ci ? Statistic::median : Statistic::mean)) + "(" + q.metric + ": " + c.key + "=" +
            c.b + " minus " + c.key + "=" + c.a + ")";
  }
  return label;
}

// --pivot: a train_stencil x infer_stencil matrix per value of the leading `pivot_by` keys of
// the groups, each saying what else it aggregated over.
void print_pivot(const StoreContents& store, const QuerySpec& q, const std::vector<QueryGroup>& groups,
                 const std::vector<std::string>& pivot_by, const std::string& label, Format format) {
  const std::string stat = name_of(q.stat);
  const size_t np = pivot_by.size();
  std::map<std::vector<std::string>, std::vector<const QueryGroup*>, bool (*)(const std::vector<std::string>&, const std::vector<std::string>&)>
      tables([](const std::vector<std::string>& a, const std::vector<std::string>& b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), key_less);
      });
  for (const auto& g : groups)
    tables[std::vector<std::string>(g.key_values.begin(), g.key_values.begin() + static_cast<long>(np))].push_back(&g);
  if (tables.empty()) tables[std::vector<std::string>(np)];
  Json all_tables = Json::array();
  bool first = true;
  for (const auto& [per_values, members] : tables) {
    std::vector<std::string> trains, infers;
    std::map<std::pair<std::string, std::string>, double> cell;
    for (const QueryGroup* g : members) {
      const std::string &t = g->key_values[np], &i = g->key_values[np + 1];
      if (std::find(trains.begin(), trains.end(), t) == trains.end()) trains.push_back(t);
      if (std::find(infers.begin(), infers.end(), i) == infers.end()) infers.push_back(i);
      cell[{t, i}] = g->value;
    }
    auto value = [&](const std::string& t, const std::string& i) {
      auto it = cell.find({t, i});
      return it == cell.end() ? std::nan("") : it->second;
    };
    // What this matrix aggregated over: the keys that vary among its experiments.
    std::vector<const ExperimentRow*> rows;
    for (const ExperimentRow& r : store.rows) {
      bool keep = true;
      for (const Condition& c : q.where) keep = keep && (c.key == "test_ic" || meets(store, r, -1, c));
      for (size_t k = 0; k < np; ++k) keep = keep && r.keys.at(pivot_by[k]) == per_values[k];
      if (keep) rows.push_back(&r);
    }
    std::vector<std::string> except = pivot_by;
    except.insert(except.end(), {"train_stencil", "infer_stencil", "status"});
    std::string over;
    for (const std::string& k : varying_keys(store, rows, except)) over += (over.empty() ? "" : ", ") + k;
    std::string title;
    for (size_t k = 0; k < np; ++k) title += (title.empty() ? "" : ", ") + pivot_by[k] + " = " + per_values[k];
    if (format == Format::json) {
      Json values = Json::array();
      for (const auto& t : trains) {
        Json row = Json::array();
        for (const auto& i : infers) row.push_back(json_number(value(t, i)));
        values.push_back(row);
      }
      Json o = {{"metric", q.metric}, {"stat", stat}};
      for (size_t k = 0; k < np; ++k) o[pivot_by[k]] = per_values[k];
      o.update({{"aggregated_over", over}, {"rows", "train_stencil"}, {"columns", "infer_stencil"},
                {"train_stencil", trains}, {"infer_stencil", infers}, {"values", values}});
      all_tables.push_back(o);
      continue;
    }
    std::vector<Table::Column> columns{{"train_stencil", "train \\ infer"}};
    for (const auto& i : infers) columns.push_back({i, ""});
    Table table(columns);
    for (const auto& t : trains) {
      table.row().text(t);
      for (const auto& i : infers) table.number(value(t, i));
    }
    if (format == Format::table) {
      std::printf("%s%s, train stencil x inference stencil%s%s; aggregated over %s\n", first ? "" : "\n",
                  label.c_str(), title.empty() ? "" : ", ", title.c_str(), over.empty() ? "nothing else" : over.c_str());
    } else if (np > 0) {
      std::printf("%s# %s\n", first ? "" : "\n", title.c_str());
    }
    first = false;
    table.print(std::cout, format);
  }
  if (format == Format::json) write_json(std::cout, np == 0 ? all_tables.at(0) : all_tables), std::cout << "\n";
}

// One row per group: its keys, the value (with its interval, pairs, failures or attaining
// experiment where the statistic has them) and the counts.
void print_groups(const StoreContents& store, const QuerySpec& q, const std::vector<QueryGroup>& groups,
                  const std::string& label, Format format) {
  const std::string stat = name_of(q.stat);
  const bool interval = has_interval(q.stat) || !q.compare.empty();
  const bool arg = names_a_unit(q.stat);
  std::map<long, const ExperimentRow*> by_id;
  for (const ExperimentRow& r : store.rows) by_id[r.id] = &r;
  // argmin/argmax: the attaining experiment's keys that set it apart within its group.
  auto attained = [&](const QueryGroup& g) {
    if (g.at < 0) return std::string();
    std::vector<const ExperimentRow*> rows;
    for (const ExperimentRow& r : store.rows) rows.push_back(&r);
    std::string t;
    std::vector<std::string> except = q.group_by;
    except.push_back("status");
    for (const std::string& k : varying_keys(store, rows, except))
      t += (t.empty() ? "" : " ") + k + "=" + by_id.at(g.at)->keys.at(k);
    return t;
  };

  // JSON repeats the metric and statistic per row; text and CSV carry them in the value's title.
  const bool wide = format == Format::json, versus = !q.versus.empty();
  std::vector<Table::Column> columns;
  for (const auto& k : q.group_by) columns.push_back({k, ""});
  if (wide && versus) columns.push_back({"versus", ""});
  if (wide) columns.insert(columns.end(), {{"metric", ""}, {"stat", ""}});
  columns.push_back({"value", label});
  if (interval) columns.insert(columns.end(), {{"low", "95% low"}, {"high", "95% high"}});
  if (!q.compare.empty()) columns.insert(columns.end(), {{"share_greater", "share B>A"}, {"p_value", "Wilcoxon p"}});
  if (q.stat == Statistic::auc) columns.push_back({"failures", ""});
  if (arg) columns.insert(columns.end(), {{"id", ""}, {"attained_by", ""}});
  if (!q.compare.empty())
    columns.insert(columns.end(), {{"n", "pairs"}, {"n_value", "pairs with values"}});
  else
    columns.insert(columns.end(), {{"n", ""}, {"n_value", ""}});
  if (interval) columns.push_back({"note", ""});
  Table table(columns);
  for (const auto& g : groups) {
    table.row();
    for (size_t k = 0; k < g.key_values.size(); ++k) table.key(k < q.group_by.size() ? q.group_by[k] : "", g.key_values[k]);
    if (wide && versus) table.text(q.versus);
    if (wide) table.text(q.metric).text(stat);
    table.number(g.value);
    if (interval) table.number(g.low).number(g.high);
    if (!q.compare.empty()) table.number(g.share_greater).number(g.p_value);
    if (q.stat == Statistic::auc) table.integer(g.failures);
    if (arg) {
      if (g.at >= 0)
        table.integer(g.at);
      else
        table.text("");
      table.text(attained(g));
    }
    table.integer(g.n).integer(g.with_value);
    if (interval) table.text(g.note);
  }
  table.print(std::cout, format);
}


}  // namespace

int query(int argc, char** argv) {
  QuerySpec q;
  std::vector<std::string> store_files;
  std::string group_by, sort, per;
  Format format = Format::table;
  std::vector<std::string> wheres;
  bool pivot = false, list = false, all = false, desc = false;
  long top = -1;
  CommandLine cl("query", kDescription, kFooter);
  cl.positional("STORE.h5", store_files,
                "the sweep store; several are read as one, each row keyed by store (its path) and sweep");
  cl.option("--where", wheres, "keep experiments meeting a condition (below); repeat to require several", "COND");
  cl.option("--group-by", group_by, "group by these keys (comma-separated)", "KEY,KEY");
  cl.option("--metric", q.metric, "the metric to aggregate (--list shows them; default rollout_error)", "NAME");
  cl.kind_option("--stat", q.stat, "the statistic: " + joined(names_of<Statistic>()) + " (default mean)", "STAT");
  cl.option("--versus", q.versus, "with --stat spearman: the metric to rank-correlate with; with --stat auc: the predictor", "NAME");
  cl.option("--threshold", q.threshold, "with --stat auc: --metric above X is a failure too (besides a rollout blow-up)", "X");
  cl.option("--compare", q.compare,
            "paired comparison of B against A: units equal in every other key, the seed included (unless KEY is "
            "one the seed is derived from: resolution, replicate, experiment.seed, network axes)",
            "KEY=A,B");
  cl.option("--sort", sort, "list the matching experiments sorted by this metric (ascending; missing last)", "METRIC");
  cl.flag("--desc", desc, "with --sort: descending");
  cl.option("--top", top, "with --sort: only the first K", "K")->check(CLI::NonNegativeNumber);
  add_format_option(cl, format, "output: table (default), csv or json");
  cl.flag("--pivot", pivot, "a train_stencil x infer_stencil matrix (one per value of --per or --group-by)");
  cl.option("--per", per, "with --pivot: one matrix per value of these keys (comma-separated)", "KEY,KEY");
  cl.flag("--list", list,
          "print keys, their values and the metrics (with --format json: {\"keys\": {KEY: [values]}, \"metrics\": "
          "[those the stores have]})");
  cl.flag("--all", all, "also the finished cells of earlier sweeps of a grown store (default: the current sweep's)");
  if (auto code = cl.parse(argc, argv)) return *code;
  std::vector<std::string> pivot_by;  // --pivot: one matrix per value of these
  try {
    for (const std::string& w : wheres) q.where.push_back(parse_condition(w));
    q.group_by = split(group_by, ',');
    if (!per.empty() && !pivot) throw UsageError("--per goes with --pivot (without it, use --group-by)");
    if ((desc || top >= 0) && sort.empty()) throw UsageError("--desc and --top go with --sort METRIC");
    if (!sort.empty() && (pivot || !q.group_by.empty()))
      throw UsageError("--sort lists experiments: it does not go with --group-by or --pivot");
    const bool interval = has_interval(q.stat) || !q.compare.empty();
    if (interval && pivot) throw UsageError("--pivot shows one number per cell: use --group-by for intervals and --compare");
    if (!q.compare.empty() && q.stat != Statistic::mean && q.stat != Statistic::mean_ci &&
        q.stat != Statistic::median_ci)
      throw UsageError("--compare gives the paired difference with its interval: its --stat is mean_ci (the "
                       "default) or median_ci");
    if (pivot) {
      pivot_by = split(per, ',');
      pivot_by.insert(pivot_by.end(), q.group_by.begin(), q.group_by.end());
      q.group_by = pivot_by;
      q.group_by.insert(q.group_by.end(), {"train_stencil", "infer_stencil"});
    }
  } catch (const UsageError& e) {
    return report_error("query", e, ErrorKind::input);
  }
  for (const std::string& k : repeated_keys(q.where))
    std::fprintf(stderr,
                 "npdesweep query: warning: --where names %s more than once; all its conditions must hold (for "
                 "either of two values write %s=A,B)\n",
                 k.c_str(), k.c_str());

  StoreContents store;
  std::vector<QueryGroup> groups;
  try {
    std::vector<std::string> wanted = {q.metric, q.versus, sort, kBlowupMetric};
    for (const Condition& c : q.where) wanted.push_back(c.key);
    store = read_stores(store_files, all, wanted);
    if (!list) note_outside_view("query", store, all);
    if (list) {
      print_list(store, format);
      return kExitOk;
    }
    if (!sort.empty()) {
      check_conditions(store, q.where);
      if (std::find(store.metric_names.begin(), store.metric_names.end(), sort) == store.metric_names.end())
        throw UsageError("--sort: " + unknown_metric_message(store, sort));
      bool per_test = false;
      for (const Condition& c : q.where) per_test = per_test || c.key == "test_ic";
      return print_sorted(store, q, sort, desc, top, per_test, format);
    }
    groups = run_query(store, q);
  } catch (const std::exception& e) {  // a damaged store or an unknown key: 2; an I/O error: 4
    return report_error("query", e, ErrorKind::bad_file);
  }

  const std::string label = value_label(q);
  if (pivot)
    print_pivot(store, q, groups, pivot_by, label, format);
  else
    print_groups(store, q, groups, label, format);
  return kExitOk;
}

}  // namespace npde::cli
