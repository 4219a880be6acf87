#pragma once
// Statistics over replicates, for `query` (--stat mean_ci, median_ci, auc; --compare): the
// percentile bootstrap, the Wilcoxon signed-rank test and the ROC AUC. Pure functions of their
// inputs and a seed, with a generator of our own (model/random.hpp): the same numbers with every
// compiler and standard library.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace npde::stats {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Below this many values no interval is given: a percentile bootstrap of 4 values covers far
// less than it claims (the note says so instead).
constexpr long kMinForInterval = 5;
constexpr int kResamples = 2000;
constexpr std::uint64_t kBootstrapSeed = 20261202;

struct Interval {
  double estimate = kNaN, low = kNaN, high = kNaN;
  long n = 0;
  std::string note;  // why there is no interval, or empty
  bool has_interval() const { return note.empty(); }
};

enum class Center { mean, median };
double center(std::vector<double> values, Center c);

// The estimate and its percentile-bootstrap interval at `level` (0.95: the 2.5% and 97.5%
// quantiles of `resamples` resampled estimates). Values must be finite or infinite, not NaN.
Interval bootstrap_interval(const std::vector<double>& values, Center c, double level = 0.95,
                            int resamples = kResamples, std::uint64_t seed = kBootstrapSeed);

// Two-sided p-value of the Wilcoxon signed-rank test that the differences are symmetric about 0.
// Zero differences are dropped (Wilcoxon's convention). Exact (the distribution of the rank
// sum, counted) for at most 50 differences without tied magnitudes; otherwise the normal
// approximation with the tie correction of the variance, without continuity correction. NaN
// when no difference is left. (scipy.stats.wilcoxon gives the same for mode "exact" and for
// mode "approx" with correction=False.)
double wilcoxon_signed_rank_p(const std::vector<double>& differences);

// The paired comparison of B against A over pairs (a_i, b_i): the mean (or median) of b - a
// with its bootstrap interval, the share of pairs with b > a, and the Wilcoxon p-value. The
// median is the robust choice when values can be +inf (a blown-up rollout's error): inf - x is
// +inf, which a median ranks like any large difference, and inf - inf is NaN, dropped.
struct Paired {
  Interval difference;       // mean(b - a) or median(b - a)
  double share_greater = kNaN;  // share of pairs with b > a (ties count half)
  double p_value = kNaN;
};
Paired compare_paired(const std::vector<double>& a, const std::vector<double>& b, Center center = Center::mean);

// Area under the ROC curve of `score` as a predictor of `positive`: the probability that a
// positive unit scores higher than a negative one, ties counting half (the Mann-Whitney
// statistic over n_pos n_neg). 1: perfect; 0.5: no better than chance; 0: inverted. NaN when
// either class is empty.
double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive);
// The AUC with a bootstrap interval over units, resampled within each class (so every resample
// has both); no interval with fewer than kMinForInterval units of either class.
Interval auc_interval(const std::vector<double>& score, const std::vector<bool>& positive, double level = 0.95,
                      int resamples = kResamples, std::uint64_t seed = kBootstrapSeed);

}  // namespace npde::stats
