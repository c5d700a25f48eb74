#include "perfgate/stats/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace perfgate::stats {

namespace {

struct Ranking {
  std::vector<double> ranks;  // average ranks (1-based), in input order
  double tie_term = 0;        // sum over tie groups of t^3 - t
  bool has_ties = false;
};

Ranking RankWithTies(const std::vector<double>& values) {
  const std::size_t count = values.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  Ranking ranking;
  ranking.ranks.assign(count, 0.0);
  std::size_t start = 0;
  while (start < count) {
    std::size_t end = start + 1;
    while (end < count && values[order[end]] == values[order[start]]) ++end;
    // Positions start..end-1 (0-based) share the average of ranks start+1..end.
    const double average = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t i = start; i < end; ++i) ranking.ranks[order[i]] = average;
    const auto tied = static_cast<double>(end - start);
    if (end - start > 1) {
      ranking.has_ties = true;
      ranking.tie_term += tied * tied * tied - tied;
    }
    start = end;
  }
  return ranking;
}

// Coefficients 0..max_k of the Gaussian binomial [m+n choose m]_q: entry k counts
// the arrangements of m x-values among n y-values whose U statistic is k. Built
// factor by factor as prod_{j=1..m} (1 - q^(n+j)) / (1 - q^j), dividing first so
// every intermediate is a non-negative series.
std::vector<double> UCounts(std::size_t m, std::size_t n, std::size_t max_k) {
  const std::size_t small = std::min(m, n);
  const std::size_t large = std::max(m, n);
  std::vector<double> counts(max_k + 1, 0.0);
  counts[0] = 1.0;
  for (std::size_t j = 1; j <= small; ++j) {
    for (std::size_t k = j; k <= max_k; ++k) counts[k] += counts[k - j];
    const std::size_t shift = large + j;
    for (std::size_t k = max_k; k >= shift && k <= max_k; --k) counts[k] -= counts[k - shift];
  }
  return counts;
}

double BinomialCoefficient(std::size_t total, std::size_t chosen) {
  chosen = std::min(chosen, total - chosen);
  double result = 1.0;
  for (std::size_t i = 1; i <= chosen; ++i) {
    result = result * static_cast<double>(total - chosen + i) / static_cast<double>(i);
  }
  return result;
}

// Standard normal CDF with the branch structure of cephes' ndtr, which scipy's
// norm.sf(z) = ndtr(-z) uses.
double NormalCdf(double a) {
  constexpr double kSqrtHalf = 0.70710678118654752440;
  const double x = a * kSqrtHalf;
  const double z = std::fabs(x);
  if (z < kSqrtHalf) return 0.5 + 0.5 * std::erf(x);
  const double y = 0.5 * std::erfc(z);
  return x > 0 ? 1.0 - y : y;
}

}  // namespace

std::optional<MannWhitneyResult> MannWhitneyU(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return std::nullopt;
  const auto is_nan = [](double value) { return std::isnan(value); };
  if (std::any_of(x.begin(), x.end(), is_nan) || std::any_of(y.begin(), y.end(), is_nan)) return std::nullopt;

  std::vector<double> pooled(x.begin(), x.end());
  pooled.insert(pooled.end(), y.begin(), y.end());
  const Ranking ranking = RankWithTies(pooled);

  const std::size_t n1 = x.size();
  const std::size_t n2 = y.size();
  const auto n1_real = static_cast<double>(n1);
  const auto n2_real = static_cast<double>(n2);
  double rank_sum_x = 0;
  for (std::size_t i = 0; i < n1; ++i) rank_sum_x += ranking.ranks[i];
  const double u1 = rank_sum_x - n1_real * (n1_real + 1) / 2;
  const double u2 = n1_real * n2_real - u1;
  const double u = std::max(u1, u2);

  MannWhitneyResult result;
  result.u_statistic = u1;
  const bool exact = !(n1 > 8 && n2 > 8) && !ranking.has_ties;
  double p_value = 0;
  if (exact) {
    // Without ties U is an integer; P(U >= u) = P(U <= m*n - u) by symmetry.
    result.method = MannWhitneyMethod::kExact;
    const auto lower_k = static_cast<std::size_t>(std::llround(n1_real * n2_real - u));
    const std::vector<double> counts = UCounts(n1, n2, lower_k);
    const double total = BinomialCoefficient(n1 + n2, n1);
    double cumulative = 0;
    for (double count : counts) cumulative += count / total;
    p_value = 2 * cumulative;
  } else {
    // Normal approximation: z = (U - n1 n2 / 2 - 1/2) / sigma, sigma tie-corrected.
    result.method = MannWhitneyMethod::kAsymptotic;
    const double mu = n1_real * n2_real / 2;
    const double n = n1_real + n2_real;
    const double sigma = std::sqrt(n1_real * n2_real / 12 * ((n + 1) - ranking.tie_term / (n * (n - 1))));
    const double numerator = u - mu - 0.5;
    // All values tied: sigma is 0 and the numerator -1/2, so z = -inf and p = 1.
    p_value = sigma > 0 ? 2 * NormalCdf(-(numerator / sigma)) : 1.0;
  }
  result.p_value = std::clamp(p_value, 0.0, 1.0);
  return result;
}

}  // namespace perfgate::stats
