#include "store/query.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace npde {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void check_key(const StoreContents& store, const std::string& key) {
  const std::vector<std::string> keys = experiment_keys(store);
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    throw std::invalid_argument("unknown key '" + key + "'; keys: " + join(keys));
}

double statistic(std::vector<double> v, const std::string& stat, long n) {
  if (stat == "count") return static_cast<double>(n);
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  if (stat == "min") return v.front();
  if (stat == "max") return v.back();
  if (stat == "median") return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  double sum = 0;  // mean, summed in sorted order so the result does not depend on row order
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

constexpr const char* kTestIcKey = "test_ic";

bool is_named(const QuerySpec& q, const std::string& key) {
  for (const auto& [k, v] : q.where)
    if (k == key) return true;
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

void check_metric(const StoreContents& store, const std::string& metric) {
  if (std::find(store.metric_names.begin(), store.metric_names.end(), metric) == store.metric_names.end())
    throw std::invalid_argument("unknown metric '" + metric + "' for this store; metrics: " + join(store.metric_names));
}

// A --where value no experiment has is almost always a typo: name the values that exist.
// (Statuses are a fixed set, so `status=failed` on a store without failures is a fair question.)
void check_value(const StoreContents& store, const std::string& key, const std::string& value) {
  std::set<std::string> present;
  if (key == kTestIcKey)
    present.insert(store.test_ics.begin(), store.test_ics.end());
  else
    for (const ExperimentRow& r : store.rows) present.insert(r.keys.at(key));
  if (key == "status") present.insert({"done", "diverged", "failed", "pending"});
  if (!present.count(value))
    throw std::invalid_argument("no experiment has " + key + "=" + value + "; values: " +
                                join(std::vector<std::string>(present.begin(), present.end())));
}

}  // namespace

const std::vector<std::string>& query_stats() {
  static const std::vector<std::string> s = {"mean", "median", "min", "max", "count", "spearman"};
  return s;
}

void check_where(const StoreContents& store, const std::vector<std::pair<std::string, std::string>>& where) {
  for (const auto& [k, v] : where) check_key(store, k), check_value(store, k, v);
}

std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q) {
  check_where(store, q.where);
  for (const auto& k : q.group_by) check_key(store, k);
  const auto& stats = query_stats();
  if (std::find(stats.begin(), stats.end(), q.stat) == stats.end())
    throw std::invalid_argument("unknown statistic '" + q.stat + "'; statistics: " + join(stats));
  if (q.stat != "count") check_metric(store, q.metric);
  const bool rank_correlation = q.stat == "spearman";
  if (rank_correlation && q.versus.empty())
    throw std::invalid_argument("--stat spearman needs --versus METRIC, the metric to correlate with");
  if (!rank_correlation && !q.versus.empty()) throw std::invalid_argument("--versus goes with --stat spearman");
  if (rank_correlation) check_metric(store, q.versus);

  // The unit of aggregation: an experiment, or an (experiment, test IC) pair once test_ic is
  // named, whose test-IC metrics are then that IC's own values instead of the worst case.
  const bool per_test = is_named(q, kTestIcKey);
  struct Group {
    std::vector<double> values, versus;  // versus: the paired second metric (spearman)
    long n = 0;
  };
  std::map<std::vector<std::string>, Group> groups;
  for (const ExperimentRow& r : store.rows) {
    const size_t units = per_test ? store.test_ics.size() : 1;
    for (size_t t = 0; t < units; ++t) {
      auto key_of = [&](const std::string& k) { return k == kTestIcKey ? store.test_ics[t] : r.keys.at(k); };
      bool keep = true;
      for (const auto& [k, v] : q.where) keep = keep && key_of(k) == v;
      if (!keep) continue;
      std::vector<std::string> key;
      for (const auto& k : q.group_by) key.push_back(key_of(k));
      Group& g = groups[key];
      ++g.n;
      auto value = [&](const std::string& m) { return per_test ? metric_of(r, t, m) : metric_of(r, m); };
      const double v = value(q.metric), w = rank_correlation ? value(q.versus) : 0.0;
      if (std::isnan(v) || std::isnan(w)) continue;
      g.values.push_back(v);
      if (rank_correlation) g.versus.push_back(w);
    }
  }
  if (groups.empty() && q.group_by.empty()) groups[{}];  // nothing matched: one empty group, count 0
  std::vector<QueryGroup> out;
  for (auto& [key, g] : groups)
    out.push_back({key, rank_correlation ? spearman(g.values, g.versus) : statistic(g.values, q.stat, g.n), g.n,
                   static_cast<long>(g.values.size())});
  // Numeric keys (resolution, replicate) sort as numbers.
  std::sort(out.begin(), out.end(), [](const QueryGroup& a, const QueryGroup& b) {
    for (size_t i = 0; i < a.key_values.size(); ++i) {
      const std::string &x = a.key_values[i], &y = b.key_values[i];
      if (x == y) continue;
      const bool nx = !x.empty() && x.find_first_not_of("0123456789") == std::string::npos;
      const bool ny = !y.empty() && y.find_first_not_of("0123456789") == std::string::npos;
      if (nx && ny) return std::stol(x) < std::stol(y);
      return x < y;
    }
    return false;
  });
  return out;
}

std::pair<std::string, std::string> parse_where(const std::string& expression) {
  const size_t eq = expression.find('=');
  if (eq == std::string::npos || eq == 0) throw std::invalid_argument("--where needs KEY=VALUE, got '" + expression + "'");
  return {expression.substr(0, eq), expression.substr(eq + 1)};
}

}  // namespace npde
