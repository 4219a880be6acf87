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

  std::map<std::vector<std::string>, std::pair<std::vector<double>, long>> groups;
  for (const ExperimentRow& r : store.rows) {
    bool keep = true;
    for (const auto& [k, v] : q.where) keep = keep && r.keys.at(k) == v;
    if (!keep) continue;
    std::vector<std::string> key;
    for (const auto& k : q.group_by) key.push_back(r.keys.at(k));
    auto& g = groups[key];
    ++g.second;
    auto it = r.metrics.find(q.metric);
    if (it != r.metrics.end() && !std::isnan(it->second)) g.first.push_back(it->second);
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
