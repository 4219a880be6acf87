// Statistics over replicates (store/statistics.hpp) on constructed data with known answers:
// bootstrap coverage on normal samples, Wilcoxon p-values against scipy.stats.wilcoxon, the AUC
// of perfect, inverted and random predictors.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "model/random.hpp"
#include "store/statistics.hpp"

using namespace npde;
using namespace npde::stats;

namespace {

// Standard normal draws by Box-Muller from the project's own generator.
std::vector<double> normal_sample(SplitMix64& rng, size_t n, double mean) {
  std::vector<double> v;
  while (v.size() < n) {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    v.push_back(mean + std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  return v;
}

}  // namespace

TEST_CASE("Bootstrap intervals cover the true mean and median about 95% of the time", "[stats]") {
  SplitMix64 rng(7);
  const int draws = 400;
  int mean_hits = 0, median_hits = 0;
  for (int d = 0; d < draws; ++d) {
    const std::vector<double> x = normal_sample(rng, 40, 3.0);
    const Interval m = bootstrap_interval(x, Center::mean, 0.95, 1000, 100 + d);
    const Interval md = bootstrap_interval(x, Center::median, 0.95, 1000, 100 + d);
    REQUIRE(m.has_interval());
    CHECK(m.low <= m.estimate);
    CHECK(m.estimate <= m.high);
    mean_hits += m.low <= 3.0 && 3.0 <= m.high;
    median_hits += md.low <= 3.0 && 3.0 <= md.high;
  }
  const double mean_cover = static_cast<double>(mean_hits) / draws, median_cover = static_cast<double>(median_hits) / draws;
  INFO("coverage: mean " << mean_cover << ", median " << median_cover);
  // the percentile bootstrap runs slightly below its level at n = 40 (about 0.93-0.94)
  CHECK(mean_cover >= 0.90);
  CHECK(mean_cover <= 0.98);
  CHECK(median_cover >= 0.90);
  CHECK(median_cover <= 0.99);
}

TEST_CASE("Bootstrap intervals are reproducible and refuse tiny samples", "[stats]") {
  const std::vector<double> x{1, 4, 2, 8, 5, 7, 3};
  const Interval a = bootstrap_interval(x, Center::mean), b = bootstrap_interval(x, Center::mean);
  CHECK(a.low == b.low);
  CHECK(a.high == b.high);
  CHECK(a.estimate == Approx(30.0 / 7));
  const Interval small = bootstrap_interval({1, 2, 3}, Center::median);
  CHECK(!small.has_interval());
  CHECK(small.estimate == 2);
  CHECK(std::isnan(small.low));
  CHECK(small.note.find("only 3 values") != std::string::npos);
  CHECK(center({4, 1, 3, 2}, Center::median) == 2.5);
}

TEST_CASE("Wilcoxon signed-rank p-values equal scipy.stats.wilcoxon's", "[stats]") {
  // exact (no ties, n <= 50): scipy mode="exact"
  CHECK(wilcoxon_signed_rank_p({1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}) == Approx(0.00390625).epsilon(1e-12));
  CHECK(wilcoxon_signed_rank_p({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) == Approx(0.001953125).epsilon(1e-12));
  CHECK(wilcoxon_signed_rank_p({-1, 2, -3, 4, -5, 6, 7, 8, 9, 10}) == Approx(0.064453125).epsilon(1e-12));
  CHECK(wilcoxon_signed_rank_p({0.5, -1.5, 2.5, 3.5, -4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, -11.5}) ==
        Approx(0.12939453125).epsilon(1e-12));
  // normal approximation with tie correction: scipy mode="approx", correction=False
  std::vector<double> x;
  for (int i = 0; i < 60; ++i) x.push_back(((i * 37) % 61 - 25) + 0.5);  // exact in binary: ties are ties
  CHECK(wilcoxon_signed_rank_p(x) == Approx(0.025697888878170688).epsilon(1e-9));
  CHECK(wilcoxon_signed_rank_p({1, 1, 2, 2, -3, 4, 4, 5, 6, -6, 7, 8, 9, 10, 11, 12, -13, 14, 15, 16}) ==
        Approx(0.0060527900396948435).epsilon(1e-9));
  // zeros are dropped; nothing left gives NaN; symmetric data give p = 1
  CHECK(wilcoxon_signed_rank_p({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) == Approx(0.001953125).epsilon(1e-12));
  CHECK(std::isnan(wilcoxon_signed_rank_p({0, 0})));
  CHECK(wilcoxon_signed_rank_p({-1, 1}) == 1.0);
}

TEST_CASE("Paired comparisons: difference, share, p-value", "[stats]") {
  const std::vector<double> a{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<double> b;
  for (double x : a) b.push_back(x + 1);
  const Paired p = compare_paired(a, b);
  CHECK(p.difference.estimate == 1.0);
  CHECK(p.difference.low == 1.0);  // every resample's mean difference is 1
  CHECK(p.share_greater == 1.0);
  CHECK(p.p_value == Approx(0.0015654023).epsilon(1e-6));  // ten equal differences: tied, so the normal approximation
}

TEST_CASE("Paired comparisons by the median: blow-ups (inf) rank high, both blown up is no pair", "[stats]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> a{1, 2, 3, 4, 5, 6, 7, inf};
  const std::vector<double> b{2, 3, 4, 5, 6, 7, inf, inf};
  const Paired mean = compare_paired(a, b);
  CHECK(std::isinf(mean.difference.estimate));  // the mean difference is useless with a blow-up
  const Paired median = compare_paired(a, b, Center::median);
  CHECK(median.difference.estimate == 1.0);     // 1, 1, 1, 1, 1, 1, inf: the last pair left out
  CHECK(median.share_greater == 1.0);
  CHECK(median.p_value == Approx(wilcoxon_signed_rank_p({1, 1, 1, 1, 1, 1, inf})).epsilon(1e-12));
}

TEST_CASE("ROC AUC: perfect 1, inverted 0, random about 0.5, ties half", "[stats]") {
  const std::vector<double> score{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  const std::vector<bool> positive{false, false, false, false, false, true, true, true, true, true};
  CHECK(roc_auc(score, positive) == 1.0);
  std::vector<double> inverted(score.rbegin(), score.rend());
  CHECK(roc_auc(inverted, positive) == 0.0);
  CHECK(roc_auc(std::vector<double>(10, 1.0), positive) == 0.5);  // all tied
  CHECK(std::isnan(roc_auc({1, 2}, {true, true})));
  SplitMix64 rng(3);
  std::vector<double> s;
  std::vector<bool> label;
  for (int i = 0; i < 4000; ++i) {
    s.push_back(rng.uniform());
    label.push_back(rng.uniform() < 0.3);
  }
  CHECK(roc_auc(s, label) == Approx(0.5).margin(0.03));
  const Interval i = auc_interval(s, label);
  CHECK(i.low < 0.5);
  CHECK(0.5 < i.high);
  const Interval few = auc_interval({1, 2, 3, 4, 5, 6}, {true, true, false, false, false, false});
  CHECK(!few.has_interval());
  CHECK(few.estimate == 0.0);  // the two failures score lowest
}
