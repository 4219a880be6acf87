#pragma once
// Aggregation over a store's experiments: filter by keys, group, reduce one metric with a
// statistic. Pure computation on StoreContents; the command line formats the result.
#include <string>
#include <utility>
#include <vector>

#include "store/store_reader.hpp"

namespace npde {

// One --where condition on a key or a metric: KEY=V (V one of a comma-separated list), KEY!=V
// (none of them), KEY<V, KEY<=V, KEY>V, KEY>=V. Keys compare as numbers when both sides are
// numbers (resolution>=64), else as text; a metric an experiment lacks (or NaN) fails every
// condition but !=.
struct Condition {
  enum class Op { eq, ne, lt, le, gt, ge };
  std::string key;
  Op op = Op::eq;
  std::vector<std::string> values;  // eq, ne: a list (commas inside [] or () do not split); others: one
  std::string text;                 // as given, for messages
};
// Throws std::invalid_argument for anything that is not KEY OP VALUE.
Condition parse_condition(const std::string& expression);
// The keys named by more than one condition (their conditions are ANDed: KEY=A and KEY=B
// match nothing; KEY=A,B is either).
std::vector<std::string> repeated_keys(const std::vector<Condition>& conditions);

struct QuerySpec {
  std::vector<Condition> where;  // all must hold
  std::vector<std::string> group_by;
  std::string metric = "rollout_error";
  std::string stat = "mean";  // query_stats(): mean median min max sum std count argmin argmax spearman
  std::string versus;         // spearman: the metric `metric` is rank-correlated with
};

struct QueryGroup {
  std::vector<std::string> key_values;  // in group_by order
  double value = 0;                     // the statistic over the group's finite-or-inf values
  long at = -1;                         // argmin, argmax: the experiment attaining it (its id)
  size_t at_test_ic = 0;                // ... and its test IC, when units are (experiment, test IC) pairs
  long n = 0;                           // experiments (or experiment x test IC pairs) in the group
  long with_value = 0;                  // of those, how many have the metric (spearman: both metrics)
};

// Throws std::invalid_argument naming the unknown key, metric or statistic. `spearman` is
// Spearman's rank correlation of `metric` with `versus` over the units having both (ties get
// their average rank, inf ranks last; NaN for fewer than 3 pairs or a constant metric).
std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q);

const std::vector<std::string>& query_stats();

// Checks conditions against the store: each key must be one of experiment_keys(store) or a
// metric it has, and each value of a key's = or != one some experiment has
// (std::invalid_argument naming those that exist).
void check_conditions(const StoreContents& store, const std::vector<Condition>& where);
// Whether experiment `r` (with test_ic >= 0: its pair with that test IC) meets `c`.
bool meets(const StoreContents& store, const ExperimentRow& r, long test_ic, const Condition& c);
// A metric's value for a unit: test IC `test_ic`'s own when >= 0 and the metric has one, else
// the experiment's; NaN when it has none.
double unit_metric(const ExperimentRow& r, long test_ic, const std::string& metric);
// Orders key values as numbers when both are numbers, else as text.
bool key_less(const std::string& a, const std::string& b);



}  // namespace npde
