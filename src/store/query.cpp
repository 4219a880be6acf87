#include "store/query.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace npde {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void check_key(const std::string& key) {
  const auto& keys = experiment_keys();
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

}  // namespace

const std::vector<std::string>& query_stats() {
  static const std::vector<std::string> s = {"mean", "median", "min", "max", "count"};
  return s;
}

std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q) {
  for (const auto& [k, v] : q.where) check_key(k);
  for (const auto& k : q.group_by) check_key(k);
  const auto& stats = query_stats();
  if (std::find(stats.begin(), stats.end(), q.stat) == stats.end())
    throw std::invalid_argument("unknown statistic '" + q.stat + "'; statistics: " + join(stats));
  if (q.stat != "count" && std::find(store.metric_names.begin(), store.metric_names.end(), q.metric) == store.metric_names.end())
    throw std::invalid_argument("unknown metric '" + q.metric + "' for this store; metrics: " + join(store.metric_names));

  // The unit of aggregation: an experiment, or an (experiment, test IC) pair once test_ic is
  // named, whose test-IC metrics are then that IC's own values instead of the worst case.
  const bool per_test = is_named(q, kTestIcKey);
  std::map<std::vector<std::string>, std::pair<std::vector<double>, long>> groups;
  for (const ExperimentRow& r : store.rows) {
    const size_t units = per_test ? store.test_ics.size() : 1;
    for (size_t t = 0; t < units; ++t) {
      auto key_of = [&](const std::string& k) { return k == kTestIcKey ? store.test_ics[t] : r.keys.at(k); };
      bool keep = true;
      for (const auto& [k, v] : q.where) keep = keep && key_of(k) == v;
      if (!keep) continue;
      std::vector<std::string> key;
      for (const auto& k : q.group_by) key.push_back(key_of(k));
      auto& g = groups[key];
      ++g.second;
      const double v = per_test ? metric_of(r, t, q.metric) : metric_of(r, q.metric);
      if (!std::isnan(v)) g.first.push_back(v);
    }
  }
  std::vector<QueryGroup> out;
  for (auto& [key, g] : groups)
    out.push_back({key, statistic(g.first, q.stat, g.second), g.second, static_cast<long>(g.first.size())});
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

}  // namespace npde
