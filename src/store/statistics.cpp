#include "store/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "model/random.hpp"

namespace npde::stats {
namespace {

// An index uniform in [0, n) (the modulo's bias for n << 2^64 is negligible and, above all,
// fixed: the same on every machine).
size_t draw(SplitMix64& rng, size_t n) { return static_cast<size_t>(rng.next() % n); }

// The q-quantile of sorted values, linear between order statistics (the "type 7" rule).
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  const double f = pos - static_cast<double>(i);
  return f == 0 ? sorted[i] : sorted[i] + f * (sorted[i + 1] - sorted[i]);
}

Interval percentile_interval(double estimate, std::vector<double> resampled, long n, double level) {
  std::sort(resampled.begin(), resampled.end());
  Interval out;
  out.estimate = estimate;
  out.n = n;
  out.low = quantile(resampled, 0.5 * (1 - level));
  out.high = quantile(resampled, 1 - 0.5 * (1 - level));
  return out;
}

Interval too_few(double estimate, long n, const std::string& what) {
  Interval out;
  out.estimate = estimate;
  out.n = n;
  out.note = "no interval: " + what;
  return out;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

double center(std::vector<double> v, Center c) {
  if (v.empty()) return kNaN;
  if (c == Center::mean) {
    std::sort(v.begin(), v.end());  // summed in sorted order: independent of the units' order
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
  }
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(m), v.end());
  const double upper = v[m];
  if (v.size() % 2) return upper;
  return 0.5 * (*std::max_element(v.begin(), v.begin() + static_cast<long>(m)) + upper);
}

Interval bootstrap_interval(const std::vector<double>& values, Center c, double level, int resamples,
                            std::uint64_t seed) {
  const long n = static_cast<long>(values.size());
  const double estimate = center(values, c);
  if (n < kMinForInterval)
    return too_few(estimate, n,
                   "only " + std::to_string(n) + (n == 1 ? " value" : " values") + " (an interval needs " + std::to_string(kMinForInterval) + ")");
  SplitMix64 rng(seed);
  std::vector<double> sample(values.size()), estimates;
  estimates.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    for (double& x : sample) x = values[draw(rng, values.size())];
    estimates.push_back(center(sample, c));
  }
  return percentile_interval(estimate, std::move(estimates), n, level);
}

double wilcoxon_signed_rank_p(const std::vector<double>& differences) {
  std::vector<double> d;
  for (double x : differences)
    if (x != 0 && !std::isnan(x)) d.push_back(x);
  const size_t n = d.size();
  if (n == 0) return kNaN;
  // Ranks of |d| (ties: average rank), and the rank sum of the positive differences.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::abs(d[a]) < std::abs(d[b]); });
  std::vector<double> rank(n);
  double tie_term = 0;  // sum of t^3 - t over groups of tied magnitudes
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && std::abs(d[order[j + 1]]) == std::abs(d[order[i]])) ++j;
    const double t = static_cast<double>(j - i + 1);
    tie_term += t * t * t - t;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * static_cast<double>(i + j) + 1.0;
    i = j + 1;
  }
  double w_plus = 0;
  for (size_t i = 0; i < n; ++i)
    if (d[i] > 0) w_plus += rank[i];
  const double total = 0.5 * static_cast<double>(n) * static_cast<double>(n + 1);
  const double t_stat = std::min(w_plus, total - w_plus);
  if (n <= 50 && tie_term == 0) {
    // counts[s]: subsets of {1..n} with rank sum s (2^50 < 2^53: exact in doubles)
    const size_t max_sum = n * (n + 1) / 2;
    std::vector<double> counts(max_sum + 1, 0.0);
    counts[0] = 1;
    for (size_t k = 1; k <= n; ++k)
      for (size_t s = max_sum; s >= k; --s) counts[s] += counts[s - k];
    double below = 0;
    for (size_t s = 0; s <= static_cast<size_t>(t_stat); ++s) below += counts[s];
    return std::min(1.0, 2.0 * below / std::ldexp(1.0, static_cast<int>(n)));
  }
  const double nn = static_cast<double>(n);
  const double variance = nn * (nn + 1) * (2 * nn + 1) / 24.0 - tie_term / 48.0;
  if (variance <= 0) return kNaN;
  const double z = (t_stat - total / 2) / std::sqrt(variance);
  return std::min(1.0, 2.0 * normal_cdf(-std::abs(z)));
}

Paired compare_paired(const std::vector<double>& a, const std::vector<double>& b, Center center) {
  if (a.size() != b.size()) throw std::invalid_argument("compare_paired: a and b differ in length");
  std::vector<double> d;
  double greater = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(b[i] - a[i])) continue;  // both blew up (inf - inf): no difference to rank
    d.push_back(b[i] - a[i]);
    greater += b[i] > a[i] ? 1.0 : b[i] == a[i] ? 0.5 : 0.0;
  }
  Paired p;
  p.difference = bootstrap_interval(d, center);
  p.share_greater = d.empty() ? kNaN : greater / static_cast<double>(d.size());
  p.p_value = wilcoxon_signed_rank_p(d);
  return p;
}

double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive) {
  if (score.size() != positive.size()) throw std::invalid_argument("roc_auc: scores and labels differ in length");
  // Rank-sum form: AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg), ties given average ranks.
  const size_t n = score.size();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return score[x] < score[y]; });
  double rank_sum = 0, n_pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && score[order[j + 1]] == score[order[i]]) ++j;
    const double r = 0.5 * static_cast<double>(i + j) + 1.0;
    for (size_t k = i; k <= j; ++k)
      if (positive[order[k]]) {
        rank_sum += r;
        n_pos += 1;
      }
    i = j + 1;
  }
  const double n_neg = static_cast<double>(n) - n_pos;
  if (n_pos == 0 || n_neg == 0) return kNaN;
  return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg);
}

Interval auc_interval(const std::vector<double>& score, const std::vector<bool>& positive, double level,
                      int resamples, std::uint64_t seed) {
  std::vector<double> pos, neg;
  for (size_t i = 0; i < score.size(); ++i) (positive[i] ? pos : neg).push_back(score[i]);
  const double estimate = roc_auc(score, positive);
  const long n = static_cast<long>(score.size());
  if (static_cast<long>(std::min(pos.size(), neg.size())) < kMinForInterval)
    return too_few(estimate, n, std::to_string(pos.size()) + " failures and " + std::to_string(neg.size()) +
                                    " others (each needs " + std::to_string(kMinForInterval) + ")");
  SplitMix64 rng(seed);
  std::vector<double> s(score.size()), estimates;
  std::vector<bool> labels(score.size());
  for (size_t i = 0; i < pos.size(); ++i) labels[i] = true;
  estimates.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    for (size_t i = 0; i < pos.size(); ++i) s[i] = pos[draw(rng, pos.size())];
    for (size_t i = 0; i < neg.size(); ++i) s[pos.size() + i] = neg[draw(rng, neg.size())];
    estimates.push_back(roc_auc(s, labels));
  }
  return percentile_interval(estimate, std::move(estimates), n, level);
}

}  // namespace npde::stats
