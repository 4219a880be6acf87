#pragma once
// Aggregation over a store's experiments: filter by keys, group, reduce one metric with a
// statistic. Pure computation on StoreContents; the command line formats the result.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/kind_names.hpp"
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
// Throws UsageError (spec/error.hpp) for anything that is not KEY OP VALUE.
Condition parse_condition(const std::string& expression);
// The keys named by more than one condition (their conditions are ANDed: KEY=A and KEY=B
// match nothing; KEY=A,B is either).
std::vector<std::string> repeated_keys(const std::vector<Condition>& conditions);

// The statistics a query computes, spelled once in kind_names<Statistic>() (query.cpp).
enum class Statistic { mean, median, min, max, sum, std, count, argmin, argmax, spearman, mean_ci, median_ci, auc };
// What a statistic gives besides one value.
bool has_interval(Statistic s);   // mean_ci, median_ci, auc: an estimate with its 95% interval
bool names_a_unit(Statistic s);   // argmin, argmax: the experiment attaining it
bool needs_versus(Statistic s);   // spearman, auc: a second metric

struct QuerySpec {
  std::vector<Condition> where;  // all must hold
  std::vector<std::string> group_by;
  std::string metric = "rollout_error";
  Statistic stat = Statistic::mean;
  std::string versus;         // spearman: the metric `metric` is rank-correlated with; auc: the predictor
  double threshold = std::numeric_limits<double>::quiet_NaN();  // auc: `metric` above it is a failure too
  std::string compare;        // KEY=A,B: paired comparison of B against A (replaces `stat`)
};

// What a unit's failure is for --stat auc: its rollout blew up (metric kBlowupMetric > 0), or,
// with a threshold, `metric` exceeds it.
constexpr const char* kBlowupMetric = "rollout_blowups";

struct QueryGroup {
  std::vector<std::string> key_values;  // in group_by order
  double value = 0;                     // the statistic over the group's finite-or-inf values
  long at = -1;                         // argmin, argmax: the experiment attaining it (its id)
  size_t at_test_ic = 0;                // ... and its test IC, when units are (experiment, test IC) pairs
  long n = 0;                           // experiments (or experiment x test IC pairs) in the group
  long with_value = 0;                  // of those, how many have the metric (spearman: both metrics)
  // mean_ci, median_ci, auc and --compare: the 95% bootstrap interval, or why there is none
  double low = std::numeric_limits<double>::quiet_NaN(), high = std::numeric_limits<double>::quiet_NaN();
  std::string note;
  long failures = 0;                    // auc: units that failed
  double share_greater = std::numeric_limits<double>::quiet_NaN();  // --compare: share of pairs with B > A
  double p_value = std::numeric_limits<double>::quiet_NaN();        // --compare: Wilcoxon signed-rank
};

// --compare KEY=A,B split into its parts; UsageError unless exactly two values.
struct Comparison {
  std::string key, a, b;
};
Comparison parse_comparison(const std::string& text);

// Throws UsageError naming the unknown key, metric or statistic. `spearman` is
// Spearman's rank correlation of `metric` with `versus` over the units having both (ties get
// their average rank, inf ranks last; NaN for fewer than 3 pairs or a constant metric).
// mean_ci and median_ci: the estimate with its 95% percentile-bootstrap interval over the group's
// units (store/statistics.hpp; none below 5 units, said in `note`). auc: the ROC AUC of `versus`
// as a predictor of failure (kBlowupMetric > 0, or `metric` > threshold) with its interval.
// With `compare` = KEY=A,B each group pairs its units whose keys other than KEY (and status) are
// all equal, the replicate (seed) included: value is mean(B - A) over the pairs with both
// values, with its interval, the share of pairs with B > A and the Wilcoxon p-value; n and
// with_value count the pairs.
std::vector<QueryGroup> run_query(const StoreContents& store, const QuerySpec& q);

template <>
const std::vector<KindName<Statistic>>& kind_names<Statistic>();

// Checks conditions against the store: each key must be one of experiment_keys(store) or a
// metric it has, and each value of a key's = or != one some experiment has
// (UsageError naming those that exist).
void check_conditions(const StoreContents& store, const std::vector<Condition>& where);
// "unknown metric 'X' for this store; did you mean 'Y'? (... --list lists its N metrics ...)".
std::string unknown_metric_message(const StoreContents& store, const std::string& metric);
// Whether experiment `r` (with test_ic >= 0: its pair with that test IC) meets `c`.
bool meets(const StoreContents& store, const ExperimentRow& r, long test_ic, const Condition& c);
// A metric's value for a unit: test IC `test_ic`'s own when >= 0 and the metric has one, else
// the experiment's; NaN when it has none.
double unit_metric(const ExperimentRow& r, long test_ic, const std::string& metric);
// Orders key values as numbers when both are numbers, else as text.
bool key_less(const std::string& a, const std::string& b);
// Whether the whole text is a number (strtod's spelling, "inf" and "nan" included; no leading
// space), and which: --where comparisons and key ordering.
bool as_number(const std::string& text, double* value);
// The same for decimal spellings only (digits, point, exponent, sign; finite): a key value such
// as 0.05 or 100 that JSON writes as a number and --where matches numerically.
bool as_decimal(const std::string& text, double* value);
// --where's equality of two key values, query's and plan's: equal numbers when both texts are
// numbers (as_number: 0.1 matches 0.10 and 1e-1), else equal text.
bool same_value(const std::string& a, const std::string& b);

}  // namespace npde
