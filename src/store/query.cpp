#include "store/query.hpp"

#include "pipeline/cell_status.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "input/suggest.hpp"
#include "store/statistics.hpp"

namespace npde {

std::string unknown_metric_message(const StoreContents& store, const std::string& metric) {
  // The closest name, and where the list is: some 90 names on one line help nobody.
  return "unknown metric '" + metric + "' for this store" + did_you_mean(metric, store.metric_names) +
         " (`npdesweep query STORE.h5 --list` lists its " + std::to_string(store.metric_names.size()) +
         " metrics with their meaning)";
}

namespace {

// Keys a cell's seed is derived from (spec/sweep_file.cpp, derive_seed: the sweep's seed, the
// network's widths with the resolution, the replicate): cells that differ in one of them differ
// in their seed too, so a --compare over one of them cannot ask for equal seeds.
bool seed_follows(const std::string& key) {
  return key == "resolution" || key == "replicate" || key == "experiment.seed" || key.rfind("network.", 0) == 0;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void check_key(const StoreContents& store, const std::string& key) {
  const std::vector<std::string> keys = experiment_keys(store);
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    throw UsageError("unknown key '" + key + "'" + did_you_mean(key, keys) + " (keys: " + join(keys) + ")");
}

double statistic(std::vector<double> v, Statistic stat, long n) {
  if (stat == Statistic::count) return static_cast<double>(n);
  if (v.empty()) return stat == Statistic::sum ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  if (stat == Statistic::min) return v.front();
  if (stat == Statistic::max) return v.back();
  if (stat == Statistic::median) return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  double sum = 0;  // summed in sorted order, so the result does not depend on row order
  for (double x : v) sum += x;
  if (stat == Statistic::sum) return sum;
  const double mean = sum / static_cast<double>(v.size());
  if (stat != Statistic::std) return mean;
  if (v.size() < 2) return std::numeric_limits<double>::quiet_NaN();  // the sample deviation needs two
  double squares = 0;
  for (double x : v) squares += (x - mean) * (x - mean);
  return std::sqrt(squares / static_cast<double>(v.size() - 1));
}

constexpr const char* kTestIcKey = "test_ic";

bool is_named(const QuerySpec& q, const std::string& key) {
  for (const Condition& c : q.where)
    if (c.key == key) return true;
  return std::find(q.group_by.begin(), q.group_by.end(), key) != q.group_by.end();
}

double metric_of(const ExperimentRow& r, const std::string& metric) {
  auto it = r.metrics.find(metric);
  return it == r.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

// Test IC `t`'s own value when the metric depends on the test IC, else the experiment's.
double metric_of(const ExperimentRow& r, size_t t, const std::string& metric) {
  if (t < r.per_test_ic.size()) {
    auto it = r.per_test_ic[t].find(metric);
    if (it != r.per_test_ic[t].end()) return it->second;
  }
  return metric_of(r, metric);
}

// Ranks 1..n with ties given their average rank.
std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * static_cast<double>(i + j) + 1.0;
    i = j + 1;
  }
  return rank;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < 3) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double mean = 0.5 * static_cast<double>(n + 1);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

bool has_metric(const StoreContents& store, const std::string& metric) {
  return std::find(store.metric_names.begin(), store.metric_names.end(), metric) != store.metric_names.end();
}

void check_metric(const StoreContents& store, const std::string& metric) {
  if (std::find(store.metric_names.begin(), store.metric_names.end(), metric) == store.metric_names.end())
    throw UsageError(unknown_metric_message(store, metric));
}

// A --where value no experiment has is almost always a typo: name the values that exist.
// (Statuses are a fixed set, so `status=failed` on a store without failures is a fair question.)
void check_value(const StoreContents& store, const std::string& key, const std::string& value) {
  std::set<std::string> present;
  if (key == kTestIcKey)
    present.insert(store.test_ics.begin(), store.test_ics.end());
  else
    for (const ExperimentRow& r : store.rows) present.insert(r.keys.at(key));
  if (key == "status")
    for (CellStatus s : {CellStatus::done, CellStatus::diverged, CellStatus::failed, CellStatus::pending})
      present.insert(status_name(s));
  if (!present.count(value))
    throw UsageError("no experiment has " + key + "=" + value + "; values: " +
                                join(std::vector<std::string>(present.begin(), present.end())));
}

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

bool as_number(const std::string& t, double* v) {
  if (t.empty() || std::isspace(static_cast<unsigned char>(t.front()))) return false;
  char* end = nullptr;
  *v = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

bool same_value(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  return as_number(a, &x) && as_number(b, &y) ? x == y : a == b;
}

bool as_decimal(const std::string& t, double* v) {
  return t.find_first_not_of("0123456789.eE+-") == std::string::npos && as_number(t, v) && std::isfinite(*v);
}

template <>
const std::vector<KindName<Statistic>>& kind_names<Statistic>() {
  using S = Statistic;
  static const std::vector<KindName<Statistic>> n = {
      {S::mean, "mean"},         {S::median, "median"},     {S::min, "min"},       {S::max, "max"},
      {S::sum, "sum"},           {S::std, "std"},           {S::count, "count"},   {S::argmin, "argmin"},
      {S::argmax, "argmax"},     {S::spearman, "spearman"}, {S::mean_ci, "mean_ci"}, {S::median_ci, "median_ci"},
      {S::auc, "auc"}};
  return n;
}

bool has_interval(Statistic s) { return s == Statistic::mean_ci || s == Statistic::median_ci || s == Statistic::auc; }
bool names_a_unit(Statistic s) { return s == Statistic::argmin || s == Statistic::argmax; }
bool needs_versus(Statistic s) { return s == Statistic::spearman || s == Statistic::auc; }

Comparison parse_comparison(const std::string& text) {
  const size_t eq = text.find('=');
  Comparison c;
  if (eq != std::string::npos) {
    c.key = text.substr(0, eq);
    const std::string values = text.substr(eq + 1);
    const size_t comma = values.find(',');
    if (comma != std::string::npos && values.find(',', comma + 1) == std::string::npos) {
      c.a = values.substr(0, comma);
      c.b = values.substr(comma + 1);
    }
  }
  if (c.key.empty() || c.a.empty() || c.b.empty() || c.a == c.b)
    throw UsageError("--compare takes KEY=A,B (two different values of one key), not '" + text + "'");
  return c;
}

bool key_less(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  if (as_number(a, &x) && as_number(b, &y) && x != y) return x < y;
  return a < b;
}

Condition parse_condition(const std::string& e) {
  size_t k = 0;
  while (k < e.size() && (std::isalnum(static_cast<unsigned char>(e[k])) || e[k] == '_' || e[k] == '.' || e[k] == '@')) ++k;
  Condition c;
  c.text = e;
  c.key = e.substr(0, k);
  static const std::vector<std::pair<std::string, Condition::Op>> ops = {
      {"!=", Condition::Op::ne}, {"<=", Condition::Op::le}, {">=", Condition::Op::ge},
      {"<", Condition::Op::lt},  {">", Condition::Op::gt},  {"=", Condition::Op::eq}};
  size_t width = 0;
  for (const auto& [text, op] : ops)
    if (e.compare(k, text.size(), text) == 0) {
      c.op = op, width = text.size();
      break;
    }
  if (c.key.empty() || width == 0)
    throw UsageError("--where needs KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE, got '" +
                                e + "'");
  const std::string rest = e.substr(k + width);
  if (c.op == Condition::Op::eq || c.op == Condition::Op::ne) {
    // A list: commas inside brackets or parentheses belong to a value ("[8, 8]", "sine(A=5,c=2.5)").
    int depth = 0;
    std::string v;
    for (char ch : rest) {
      depth += (ch == '[' || ch == '(') - (ch == ']' || ch == ')');
      if (ch == ',' && depth == 0) {
        c.values.push_back(v);
        v.clear();
      } else {
        v += ch;
      }
    }
    c.values.push_back(v);
  } else {
    double x = 0;
    if (!as_number(rest, &x)) throw UsageError("--where " + e + ": " + rest + " is not a number");
    // Thresholds no value can pass would silently select nothing (a blown-up rollout's error
    // is +inf, so KEY>=inf and KEY<inf are meaningful, KEY>inf is not).
    const bool empty = std::isnan(x) || (x == kInfinity && c.op == Condition::Op::gt) ||
                       (x == -kInfinity && c.op == Condition::Op::lt);
    if (empty)
      throw UsageError("--where " + e + ": no value is " + e.substr(k) +
                                  " (nan compares false; nothing is above inf or below -inf)");
    c.values = {rest};
  }
  return c;
}

std::vector<std::string> repeated_keys(const std::vector<Condition>& conditions) {
  std::map<std::string, int> n;
  std::vector<std::string> out;
  for (const Condition& c : conditions)
    if (++n[c.key] == 2) out.push_back(c.key);
  return out;
}

double unit_metric(const ExperimentRow& r, long test_ic, const std::string& metric) {
  return test_ic >= 0 ? metric_of(r, static_cast<size_t>(test_ic), metric) : metric_of(r, metric);
}

void check_conditions(const StoreContents& store, const std::vector<Condition>& where) {
  for (const Condition& c : where) {
    if (has_metric(store, c.key)) {
      for (const std::string& v : c.values) {
        double x = 0;
        if (!as_number(v, &x)) throw UsageError("--where " + c.text + ": " + v + " is not a number");
      }
      continue;
    }
    const std::vector<std::string> keys = experiment_keys(store);
    if (std::find(keys.begin(), keys.end(), c.key) == keys.end())
    {
      std::vector<std::string> names = keys;
      names.insert(names.end(), store.metric_names.begin(), store.metric_names.end());
      throw UsageError("unknown key or metric '" + c.key + "'" + did_you_mean(c.key, names) + " (keys: " + join(keys) +
                       "; `npdesweep query STORE.h5 --list` lists the " + std::to_string(store.metric_names.size()) +
                       " metrics)");
    }
    if (c.op == Condition::Op::eq || c.op == Condition::Op::ne)
      for (const std::string& v : c.values) check_value(store, c.key, v);
  }
}

bool meets(const StoreContents& store, const ExperimentRow& r, long test_ic, const Condition& c) {
  const bool metric = has_metric(store, c.key);
  double x = 0, y = 0;
  bool numeric = false;
  std::string text;
  if (metric) {
    x = unit_metric(r, test_ic, c.key);
    if (std::isnan(x)) return c.op == Condition::Op::ne;
    numeric = true;
  } else {
    if (c.key == kTestIcKey && (test_ic < 0 || static_cast<size_t>(test_ic) >= store.test_ics.size()))
      throw UsageError("a condition on test_ic needs (experiment, test IC) units");
    text = c.key == kTestIcKey ? store.test_ics[static_cast<size_t>(test_ic)] : r.keys.at(c.key);
    numeric = as_number(text, &x);
  }
  auto equal = [&](const std::string& v) { return metric ? as_number(v, &y) && x == y : same_value(text, v); };
  switch (c.op) {
    case Condition::Op::eq: return std::any_of(c.values.begin(), c.values.end(), equal);
    case Condition::Op::ne: return std::none_of(c.values.begin(), c.values.end(), equal);
    default: break;
  }
  as_number(c.values.front(), &y);
  if (!numeric) return false;  // a text key compared with a number: no order
  switch (c.op) {
    case Condition::Op::lt: return x < y;
    case Condition::Op::le: return x <= y;
    case Condition::Op::gt: return x > y;
    default: return x >= y;
  }
}


namespace {

// What a query asks must fit the store (keys, metrics, values) and itself (a statistic and the
// options it needs); returns the --compare pairing, if any.
std::optional<Comparison> check_query(const StoreContents& store, const QuerySpec& q) {
  check_conditions(store, q.where);
  for (const auto& k : q.group_by) check_key(store, k);
  if (q.stat != Statistic::count) check_metric(store, q.metric);
  const bool rank_correlation = q.stat == Statistic::spearman, auc = q.stat == Statistic::auc;
  if ((rank_correlation || auc) && q.versus.empty())
    throw UsageError(rank_correlation ? "--stat spearman needs --versus METRIC, the metric to correlate with"
                                                 : "--stat auc needs --versus METRIC, the predictor of failure");
  if (!rank_correlation && !auc && !q.versus.empty())
    throw UsageError("--versus goes with --stat spearman or --stat auc");
  if (rank_correlation || auc) check_metric(store, q.versus);
  if (!std::isnan(q.threshold) && !auc) throw UsageError("--threshold goes with --stat auc");
  if (auc && std::isnan(q.threshold) && !has_metric(store, kBlowupMetric))
    throw UsageError("--stat auc: this store has no " + std::string(kBlowupMetric) +
                                " to tell failures by; give --threshold X (a failure is --metric above X)");
  std::optional<Comparison> compare;
  if (!q.compare.empty()) {
    compare = parse_comparison(q.compare);
    check_key(store, compare->key);
    if (compare->key == kTestIcKey || compare->key == "status")
      throw UsageError("--compare pairs experiments over " + compare->key + ": compare a grid key instead");
    if (std::find(q.group_by.begin(), q.group_by.end(), compare->key) != q.group_by.end())
      throw UsageError("--compare " + compare->key + " cannot also be a --group-by key");
    check_value(store, compare->key, compare->a);
    check_value(store, compare->key, compare->b);
  }
  return compare;
}

// One group's units before its statistic.
struct Group {
  std::vector<double> values, versus;  // versus: the paired second metric (spearman, auc)
  std::vector<bool> failed;            // auc: whether each unit failed
  std::vector<std::pair<long, size_t>> units;  // (experiment id, test IC) of each value, for argmin/argmax
  std::map<std::vector<std::string>, std::pair<double, double>> pairs;  // --compare: (A, B) by pairing key
  long n = 0;
};

// Every unit that meets the conditions, in its group (--compare: as the A or B of its pair).
std::map<std::vector<std::string>, Group> collect_groups(const StoreContents& store, const QuerySpec& q,
                                                        const std::optional<Comparison>& compare) {
  const bool rank_correlation = q.stat == Statistic::spearman, auc = q.stat == Statistic::auc;
  // The unit of aggregation: an experiment, or an (experiment, test IC) pair once test_ic is
  // named, whose test-IC metrics are then that IC's own values instead of the worst case.
  const bool per_test = is_named(q, kTestIcKey);
  const std::vector<std::string> all_keys = experiment_keys(store);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::map<std::vector<std::string>, Group> groups;
  for (const ExperimentRow& r : store.rows) {
    const size_t units = per_test ? store.test_ics.size() : 1;
    for (size_t t = 0; t < units; ++t) {
      auto key_of = [&](const std::string& k) { return k == kTestIcKey ? store.test_ics[t] : r.keys.at(k); };
      bool keep = true;
      for (const Condition& c : q.where) keep = keep && meets(store, r, per_test ? static_cast<long>(t) : -1, c);
      if (!keep) continue;
      std::vector<std::string> key;
      for (const auto& k : q.group_by) key.push_back(key_of(k));
      auto value = [&](const std::string& m) { return per_test ? metric_of(r, t, m) : metric_of(r, m); };
      if (compare) {
        const std::string side = key_of(compare->key);
        if (side != compare->a && side != compare->b) continue;
        std::vector<std::string> pairing;  // every other key, the replicate and seed included
        for (const std::string& k : all_keys) {
          // Not the store and sweep: pairs span stores when the other keys match (and
          // --compare store=A.h5,B.h5 pairs each cell of one store with the same cell of the
          // other, same seed). Not the seed when the compared key is one it is derived from.
          if (k == compare->key || k == "status" || (k == kTestIcKey && !per_test) || k == "store" || k == "sweep" ||
              (k == "seed" && seed_follows(compare->key)))
            continue;
          const auto it = r.keys.find(k);
          pairing.push_back(k == kTestIcKey ? key_of(k) : it == r.keys.end() ? std::string() : it->second);
        }
        auto& slot = groups[key].pairs.emplace(pairing, std::make_pair(nan, nan)).first->second;
        (side == compare->a ? slot.first : slot.second) = value(q.metric);
        continue;
      }
      Group& g = groups[key];
      ++g.n;
      const double v = value(q.metric), w = rank_correlation || auc ? value(q.versus) : 0.0;
      if (auc) {  // a unit needs the predictor, and an outcome: a blow-up count or the metric
        const double blowups = value(kBlowupMetric);
        const bool blew_up = blowups > 0;
        if (std::isnan(w) || (!blew_up && std::isnan(v) && std::isnan(blowups))) continue;
        g.versus.push_back(w);
        g.values.push_back(v);
        g.failed.push_back(blew_up || (!std::isnan(q.threshold) && v > q.threshold));
        continue;
      }
      if (std::isnan(v) || std::isnan(w)) continue;
      g.values.push_back(v);
      g.units.emplace_back(r.id, t);
      if (rank_correlation) g.versus.push_back(w);
    }
  }
  return groups;
}

// A group's statistic (its interval, pairs, failures or attaining unit where it has them).
QueryGroup reduce_group(const QuerySpec& q, bool compare, const std::vector<std::string>& key, const Group& g) {
  const bool rank_correlation = q.stat == Statistic::spearman, auc = q.stat == Statistic::auc;
  QueryGroup out_group;
  out_group.key_values = key;
  out_group.n = g.n;
  out_group.with_value = static_cast<long>(g.values.size());
  auto set_interval = [&](const stats::Interval& i) {
    out_group.value = i.estimate;
    out_group.low = i.low;
    out_group.high = i.high;
    out_group.note = i.note;
  };
  if (compare) {
    std::vector<double> a, b;
    for (const auto& [pairing, ab] : g.pairs)
      if (!std::isnan(ab.first) && !std::isnan(ab.second)) {
        a.push_back(ab.first);
        b.push_back(ab.second);
      }
    const stats::Paired p =
        stats::compare_paired(a, b, q.stat == Statistic::median_ci ? stats::Center::median : stats::Center::mean);
    set_interval(p.difference);
    out_group.share_greater = p.share_greater;
    out_group.p_value = p.p_value;
    out_group.n = static_cast<long>(g.pairs.size());
    out_group.with_value = static_cast<long>(a.size());
  } else if (q.stat == Statistic::mean_ci || q.stat == Statistic::median_ci) {
    set_interval(
        stats::bootstrap_interval(g.values, q.stat == Statistic::mean_ci ? stats::Center::mean : stats::Center::median));
  } else if (auc) {
    set_interval(stats::auc_interval(g.versus, g.failed));
    out_group.failures = static_cast<long>(std::count(g.failed.begin(), g.failed.end(), true));
  } else if (rank_correlation) {
    out_group.value = spearman(g.values, g.versus);
  } else if (names_a_unit(q.stat)) {
    out_group.value = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 0; i < g.values.size(); ++i)  // the first unit attaining it, in id order
      if (std::isnan(out_group.value) || (q.stat == Statistic::argmin ? g.values[i] < out_group.value : g.values[i] > out_group.value)) {
        out_group.value = g.values[i];
        out_group.at = g.units[i].first;
        out_group.at_test_ic = g.units[i].second;
      }
  } else {
    out_group.value = statistic(g.values, q.stat, g.n);
  }
  return out_group;
}

}  // namespace

std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q) {
  const std::optional<Comparison> compare = check_query(store, q);
  std::map<std::vector<std::string>, Group> groups = collect_groups(store, q, compare);
  if (groups.empty() && q.group_by.empty()) groups[{}];  // nothing matched: one empty group, count 0
  std::vector<QueryGroup> out;
  for (const auto& [key, g] : groups) out.push_back(reduce_group(q, compare.has_value(), key, g));
  // Numeric keys (resolution, a learning rate) sort as numbers.
  std::sort(out.begin(), out.end(), [](const QueryGroup& a, const QueryGroup& b) {
    for (size_t i = 0; i < a.key_values.size(); ++i)
      if (a.key_values[i] != b.key_values[i]) return key_less(a.key_values[i], b.key_values[i]);
    return false;
  });
  return out;
}


}  // namespace npde
