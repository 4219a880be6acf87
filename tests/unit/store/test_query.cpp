// Query aggregation on a hand-built store: filters, grouping, statistics, and the per-test-IC
// unit that naming `test_ic` switches to.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "store/query.hpp"

using namespace npde;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Two test ICs; experiment metrics are the worst test IC, as read_store makes them.
ExperimentRow row(long id, const std::string& infer, double err_a, double err_b, double loss) {
  ExperimentRow r;
  r.id = id;
  r.keys = {{"case", "burgers"}, {"train_stencil", "backward1"}, {"infer_stencil", infer}, {"ic", "step(A=2)"},
            {"resolution", "16"}, {"replicate", "0"},           {"status", "done"}};
  r.per_test_ic = {{{"rollout_error", err_a}}, {{"rollout_error", err_b}}};
  r.metrics = {{"rollout_error", std::max(err_a, err_b)}, {"final_loss", loss}};
  return r;
}

StoreContents store() {
  StoreContents s;
  s.test_ics = {"step(A=10)", "step(A=3)"};
  s.rows = {row(0, "backward1", 0.2, 0.1, 1.0), row(1, "backward1", 0.4, 0.3, 3.0), row(2, "central2", kInf, 0.5, 2.0)};
  ExperimentRow pending = row(3, "central2", 0, 0, 0);
  pending.keys["status"] = "pending";
  pending.metrics.clear();
  pending.per_test_ic.clear();
  s.rows.push_back(pending);
  s.metric_names = {"final_loss", "rollout_error"};
  return s;
}

}  // namespace

TEST_CASE("query groups experiments and reduces their worst-test-IC metric", "[query]") {
  QuerySpec q;
  q.group_by = {"infer_stencil"};
  q.stat = Statistic::mean;
  const auto g = run_query(store(), q);
  REQUIRE(g.size() == 2);
  CHECK(g[0].key_values[0] == "backward1");
  CHECK(g[0].value == Approx(0.3));  // mean of the worst cases 0.2 and 0.4
  CHECK(g[0].n == 2);
  CHECK(g[1].value == kInf);  // a blown-up rollout dominates the mean
  CHECK(g[1].n == 2);
  CHECK(g[1].with_value == 1);  // the pending experiment has no value
}

TEST_CASE("naming test_ic makes (experiment, test IC) pairs the unit, with each IC's own value", "[query]") {
  QuerySpec q;
  q.group_by = {"test_ic", "infer_stencil"};
  q.stat = Statistic::max;
  const auto g = run_query(store(), q);
  REQUIRE(g.size() == 4);
  CHECK(g[0].key_values == std::vector<std::string>{"step(A=10)", "backward1"});
  CHECK(g[0].value == 0.4);
  CHECK(g[1].value == kInf);
  CHECK(g[2].key_values == std::vector<std::string>{"step(A=3)", "backward1"});
  CHECK(g[2].value == 0.3);
  CHECK(g[3].value == 0.5);
  CHECK(g[3].n == 2);

  q.group_by.clear();
  q.where = {parse_condition("test_ic=step(A=3)")};
  q.stat = Statistic::median;
  const auto one = run_query(store(), q);
  REQUIRE(one.size() == 1);
  CHECK(one[0].value == 0.3);  // median of 0.1, 0.3, 0.5
  CHECK(one[0].n == 4);

  q.metric = "final_loss";  // not per test IC: each pair carries the experiment's value
  q.stat = Statistic::mean;
  CHECK(run_query(store(), q)[0].value == Approx(2.0));
}

TEST_CASE("query rejects unknown keys, metrics and statistics by name", "[query]") {
  QuerySpec q;
  q.group_by = {"colour"};
  CHECK_THROWS_WITH(run_query(store(), q), Catch::Contains("unknown key 'colour'") && Catch::Contains("test_ic"));
  q.group_by.clear();
  q.metric = "beauty";
  CHECK_THROWS_WITH(run_query(store(), q), Catch::Contains("unknown metric 'beauty'"));
  q.metric = "rollout_error";
  // A statistic is a closed set: one that does not exist cannot be named at all.
  CHECK_THROWS_WITH(kind_from_name<Statistic>("mode"), Catch::Contains("'mode' is not one of mean, median"));
  CHECK(kind_from_name<Statistic>("median_ci") == Statistic::median_ci);
}

TEST_CASE("A --where value no experiment has is named, an absent status counts 0", "[query]") {
  QuerySpec q;
  q.where = {parse_condition("infer_stencil=centrl2")};
  CHECK_THROWS_WITH(run_query(store(), q),
                    Catch::Contains("no experiment has infer_stencil=centrl2; values: backward1, central2"));
  q.where = {parse_condition("test_ic=step(A=7)")};
  CHECK_THROWS_WITH(run_query(store(), q), Catch::Contains("values: step(A=10), step(A=3)"));
  q.where = {parse_condition("status=failed")};
  q.stat = Statistic::count;
  const auto g = run_query(store(), q);
  REQUIRE(g.size() == 1);
  CHECK(g[0].value == 0);
  CHECK(g[0].n == 0);
}

TEST_CASE("spearman rank-correlates two metrics over the units that have both", "[query]") {
  QuerySpec q;
  q.stat = Statistic::spearman;
  q.versus = "final_loss";
  // worst rollout errors 0.2, 0.4, inf (ranks 1, 2, 3) against losses 1, 3, 2 (ranks 1, 3, 2):
  // 1 - 6 * (0 + 1 + 1) / (3 * 8) = 0.5; the pending experiment has neither
  const auto all = run_query(store(), q);
  REQUIRE(all.size() == 1);
  CHECK(all[0].value == Approx(0.5));
  CHECK(all[0].with_value == 3);

  q.versus = "rollout_error";  // a metric against itself, inf included
  CHECK(run_query(store(), q)[0].value == Approx(1.0));

  q.group_by = {"infer_stencil"};  // two pairs per group: undefined
  for (const QueryGroup& g : run_query(store(), q)) CHECK(std::isnan(g.value));

  // ties take their average rank: losses 1, 1, 2 against errors 0.2, 0.4, inf
  StoreContents tied = store();
  tied.rows[1].metrics["final_loss"] = 1.0;
  q.group_by.clear();
  q.versus = "final_loss";
  // ranks x 1, 2, 3; y 1.5, 1.5, 3: r = 1.5 / sqrt(2 * 1.5)
  CHECK(run_query(tied, q)[0].value == Approx(1.5 / std::sqrt(3.0)));

  q.versus.clear();
  CHECK_THROWS_WITH(run_query(store(), q), Catch::Contains("needs --versus"));
  q.stat = Statistic::mean;
  q.versus = "final_loss";
  CHECK_THROWS_WITH(run_query(store(), q), Catch::Contains("--versus goes with --stat spearman"));
}

TEST_CASE("Conditions parse operators and value lists, commas inside brackets stay in a value", "[query]") {
  const Condition a = parse_condition("infer_stencil=central2,central4");
  CHECK(a.key == "infer_stencil");
  CHECK(a.op == Condition::Op::eq);
  CHECK(a.values == std::vector<std::string>{"central2", "central4"});
  CHECK(parse_condition("network.hidden=[8, 8],[6]").values == std::vector<std::string>{"[8, 8]", "[6]"});
  CHECK(parse_condition("test_ic=sine(A=5,c=2.5)").values == std::vector<std::string>{"sine(A=5,c=2.5)"});
  CHECK(parse_condition("resolution>=64").op == Condition::Op::ge);
  CHECK(parse_condition("rollout_error@5<0.1").key == "rollout_error@5");
  CHECK(parse_condition("status!=done").op == Condition::Op::ne);
  CHECK_THROWS_AS(parse_condition("resolution"), UsageError);
  CHECK_THROWS_AS(parse_condition("resolution>big"), UsageError);
  CHECK(repeated_keys({parse_condition("a=1"), parse_condition("b=2"), parse_condition("a=3")}) ==
        std::vector<std::string>{"a"});
}

TEST_CASE("Conditions on keys and metrics select the expected experiments", "[query]") {
  const StoreContents s = store();
  auto ids = [&](std::vector<std::string> conditions) {
    std::vector<long> out;
    std::vector<Condition> c;
    for (const auto& t : conditions) c.push_back(parse_condition(t));
    check_conditions(s, c);
    for (const ExperimentRow& r : s.rows) {
      bool keep = true;
      for (const Condition& x : c) keep = keep && meets(s, r, -1, x);
      if (keep) out.push_back(r.id);
    }
    return out;
  };
  CHECK(ids({"infer_stencil=backward1,central2"}) == std::vector<long>{0, 1, 2, 3});
  CHECK(ids({"infer_stencil!=backward1"}) == std::vector<long>{2, 3});
  CHECK(ids({"rollout_error<0.5"}) == std::vector<long>{0, 1});  // the pending one has none
  CHECK(ids({"rollout_error>=0.4"}) == std::vector<long>{1, 2});  // inf is above every number
  CHECK(ids({"rollout_error!=0.4"}) == std::vector<long>{0, 2, 3});  // missing meets only !=
  CHECK(ids({"resolution>8", "final_loss<=2"}) == std::vector<long>{0, 2});
  CHECK(ids({"infer_stencil=backward1", "infer_stencil=central2"}).empty());  // ANDed
  CHECK_THROWS_AS(ids({"infer_stencil=centrl2"}), UsageError);  // a value no experiment has
  CHECK_THROWS_AS(ids({"speed>1"}), UsageError);                // neither a key nor a metric
}

TEST_CASE("sum, std, argmin and argmax over known values", "[query]") {
  QuerySpec q;
  q.metric = "final_loss";
  q.where = {parse_condition("status=done")};
  q.stat = Statistic::sum;
  CHECK(run_query(store(), q)[0].value == 6.0);
  q.stat = Statistic::std;  // 1, 3, 2: sample standard deviation 1
  CHECK(run_query(store(), q)[0].value == Approx(1.0).epsilon(1e-15));
  q.stat = Statistic::argmin;
  CHECK(run_query(store(), q)[0].value == 1.0);
  CHECK(run_query(store(), q)[0].at == 0);
  q.stat = Statistic::argmax;
  CHECK(run_query(store(), q)[0].at == 1);
  q.group_by = {"infer_stencil"};
  q.metric = "rollout_error";
  const auto g = run_query(store(), q);
  CHECK(g[1].at == 2);  // central2: the blown-up rollout is the largest
  CHECK(g[1].value == kInf);
  q.stat = Statistic::std;
  q.group_by.clear();
  q.where = {parse_condition("rollout_error<1")};
  CHECK(run_query(store(), q)[0].value == Approx(std::sqrt(0.02)));  // 0.2, 0.4
}

TEST_CASE("Numeric keys order as numbers, others as text", "[query]") {
  CHECK(key_less("50", "100"));
  CHECK(key_less("0.001", "0.01"));
  CHECK(key_less("1e-05", "0.001"));
  CHECK(key_less("backward1", "central2"));
  CHECK_FALSE(key_less("200", "100"));
}

namespace {

// Replicates 0..n-1 of two inference stencils; B's error is A's plus `shift` plus 0.001 r (no ties).
StoreContents replicated(int n, double shift) {
  StoreContents s;
  s.test_ics = {"step(A=10)", "step(A=3)"};
  for (int r = 0; r < n; ++r)
    for (const char* infer : {"backward1", "central2"}) {
      const double base = 0.1 * (r + 1);
      const double e = infer == std::string("central2") ? base + shift + 0.001 * r : base;
      ExperimentRow x = row(static_cast<long>(s.rows.size()), infer, e, e / 2, 1.0);
      x.keys["replicate"] = std::to_string(r);
      x.metrics["max_lambda"] = e * 10;
      x.metrics["rollout_blowups"] = e > 0.45 ? 1 : 0;
      s.rows.push_back(x);
    }
  s.metric_names = {"final_loss", "max_lambda", "rollout_blowups", "rollout_error"};
  return s;
}

}  // namespace

TEST_CASE("Paired comparison (query --compare) pairs replicates across one key: difference, share, Wilcoxon p", "[query][stats]") {
  const StoreContents s = replicated(8, 0.05);
  QuerySpec q;
  q.compare = "infer_stencil=backward1,central2";
  const std::vector<QueryGroup> g = run_query(s, q);
  REQUIRE(g.size() == 1);
  CHECK(g[0].n == 8);           // pairs
  CHECK(g[0].with_value == 8);
  CHECK(g[0].value == Approx(0.0535));
  CHECK(g[0].low > 0.05 - 1e-12);
  CHECK(g[0].high < 0.057 + 1e-12);
  CHECK(g[0].share_greater == 1.0);
  CHECK(g[0].p_value == Approx(0.0078125));  // eight positive differences, exact: 2 / 2^8
  CHECK(g[0].note.empty());
  // a replicate without its partner is not a pair; three pairs give no interval
  StoreContents few = replicated(3, 0.05);
  few.rows.pop_back();
  const std::vector<QueryGroup> f = run_query(few, q);
  CHECK(f[0].with_value == 2);
  CHECK(!f[0].note.empty());
  CHECK(std::isnan(f[0].low));
  // bad comparisons are refused by name
  for (const char* bad : {"infer_stencil=central2", "infer_stencil=a,b,c", "=a,b", "infer_stencil=central2,central2"}) {
    q.compare = bad;
    CHECK_THROWS_AS(run_query(s, q), UsageError);
  }
  q.compare = "infer_stencil=backward1,central9";
  CHECK_THROWS_WITH(run_query(s, q), Catch::Contains("values: backward1, central2"));
  q.compare = "infer_stencil=backward1,central2";
  q.group_by = {"infer_stencil"};
  CHECK_THROWS_WITH(run_query(s, q), Catch::Contains("--group-by"));
}

TEST_CASE("mean_ci, median_ci and auc over replicates", "[query][stats]") {
  const StoreContents s = replicated(8, 0.3);
  QuerySpec q;
  q.group_by = {"infer_stencil"};
  q.stat = Statistic::mean_ci;
  std::vector<QueryGroup> g = run_query(s, q);
  REQUIRE(g.size() == 2);
  CHECK(g[0].value == Approx(0.45));  // backward1: 0.1 .. 0.8
  CHECK(g[0].low < 0.45);
  CHECK(g[0].high > 0.45);
  q.stat = Statistic::median_ci;
  g = run_query(s, q);
  CHECK(g[0].value == Approx(0.45));
  // max_lambda is 10x the error and failures are errors above 0.45: a perfect predictor
  q.group_by.clear();
  q.stat = Statistic::auc;
  q.versus = "max_lambda";
  g = run_query(s, q);
  CHECK(g[0].value == 1.0);
  CHECK(g[0].failures == 11);  // errors above 0.45: backward1's 0.5 .. 0.8, central2's but the first (0.4)
  CHECK(g[0].note.empty());    // 11 failures and 5 others: enough of each for an interval
  CHECK(g[0].low <= 1.0);
  CHECK(g[0].high == 1.0);
  // with a threshold the metric defines failure too
  q.threshold = 0.75;
  g = run_query(s, q);
  CHECK(g[0].failures == 11);
  q.versus.clear();
  CHECK_THROWS_WITH(run_query(s, q), Catch::Contains("--versus"));
}
