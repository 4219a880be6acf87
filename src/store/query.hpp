#pragma once
// Aggregation over a store's experiments: filter by keys, group, reduce one metric with a
// statistic. Pure computation on StoreContents; the command line formats the result.
#include <string>
#include <utility>
#include <vector>

#include "store/store_reader.hpp"

namespace npde {

struct QuerySpec {
  std::vector<std::pair<std::string, std::string>> where;  // key = value, all must hold
  std::vector<std::string> group_by;
  std::string metric = "rollout_error";
  std::string stat = "mean";  // mean | median | min | max | count | spearman
  std::string versus;         // spearman: the metric `metric` is rank-correlated with
};

struct QueryGroup {
  std::vector<std::string> key_values;  // in group_by order
  double value = 0;                     // the statistic over the group's finite-or-inf values
  long n = 0;                           // experiments (or experiment x test IC pairs) in the group
  long with_value = 0;                  // of those, how many have the metric (spearman: both metrics)
};

// Throws std::invalid_argument naming the unknown key, metric or statistic. `spearman` is
// Spearman's rank correlation of `metric` with `versus` over the units having both (ties get
// their average rank, inf ranks last; NaN for fewer than 3 pairs or a constant metric).
std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q);

const std::vector<std::string>& query_stats();

// Checks --where conditions against the store: each key must be one of experiment_keys(store)
// and each value one some experiment has (std::invalid_argument naming those that exist).
void check_where(const StoreContents& store, const std::vector<std::pair<std::string, std::string>>& where);

// One --where expression, "KEY=VALUE" (the value may contain '='). Throws std::invalid_argument
// for anything else.
std::pair<std::string, std::string> parse_where(const std::string& expression);

}  // namespace npde
