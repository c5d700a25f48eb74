#include "perfgate/stats/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace perfgate::stats {

namespace {

std::vector<double> Sorted(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// numpy's _lerp: interpolate from the nearer end so that t = 1 gives b exactly.
double Lerp(double a, double b, double t) {
  const double difference = b - a;
  if (t >= 0.5) return b - difference * (1 - t);
  return a + difference * t;
}

std::optional<double> QuantileOfSorted(const std::vector<double>& sorted, double probability) {
  if (sorted.empty() || !(probability >= 0.0 && probability <= 1.0)) return std::nullopt;
  const std::size_t count = sorted.size();
  const double virtual_index = static_cast<double>(count - 1) * probability;
  if (virtual_index >= static_cast<double>(count - 1)) return sorted.back();
  const double previous = std::floor(virtual_index);
  const auto index = static_cast<std::size_t>(previous);
  return Lerp(sorted[index], sorted[index + 1], virtual_index - previous);
}

std::optional<double> MedianOfSorted(const std::vector<double>& sorted) {
  if (sorted.empty()) return std::nullopt;
  const std::size_t middle = sorted.size() / 2;
  if (sorted.size() % 2 == 1) return sorted[middle];
  return (sorted[middle - 1] + sorted[middle]) / 2.0;
}

}  // namespace

std::optional<double> Mean(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

std::optional<double> Median(std::span<const double> values) { return MedianOfSorted(Sorted(values)); }

std::optional<double> QuantileInPlace(std::span<double> values, double probability) {
  if (values.empty() || !(probability >= 0.0 && probability <= 1.0)) return std::nullopt;
  const std::size_t count = values.size();
  const double virtual_index = static_cast<double>(count - 1) * probability;
  if (virtual_index >= static_cast<double>(count - 1)) return *std::max_element(values.begin(), values.end());
  const double previous = std::floor(virtual_index);
  const auto index = static_cast<std::size_t>(previous);
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(index);
  std::nth_element(values.begin(), at, values.end());
  // After nth_element everything right of `at` is >= it: the next order
  // statistic is their minimum.
  const double next = *std::min_element(at + 1, values.end());
  return Lerp(*at, next, virtual_index - previous);
}

std::optional<double> Min(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  return *std::min_element(values.begin(), values.end());
}

std::optional<double> Max(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  return *std::max_element(values.begin(), values.end());
}

std::optional<double> StandardDeviation(std::span<const double> values) {
  if (values.size() < 2) return std::nullopt;
  // Two passes: the mean first, then squared deviations, which stays accurate
  // when the spread is tiny relative to the level (benchmark times usually are).
  const double mean = *Mean(values);
  double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

std::optional<double> CoefficientOfVariation(std::span<const double> values) {
  const std::optional<double> stddev = StandardDeviation(values);
  if (!stddev) return std::nullopt;
  const double mean = *Mean(values);
  if (mean == 0) return std::nullopt;
  return *stddev / mean;
}

std::optional<double> RelativeMedianAbsoluteDeviation(std::span<const double> values) {
  const std::optional<double> median = Median(values);
  if (!median || *median == 0) return std::nullopt;
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double value : values) deviations.push_back(std::fabs(value - *median));
  constexpr double kNormalConsistency = 1.482602218505602;  // 1 / Phi^-1(3/4), scipy scale="normal"
  return kNormalConsistency * *Median(deviations) / std::fabs(*median);
}

std::optional<double> Quantile(std::span<const double> values, double probability) {
  return QuantileOfSorted(Sorted(values), probability);
}

Summary Summarize(std::span<const double> values) {
  const std::vector<double> sorted = Sorted(values);
  Summary summary;
  summary.n = values.size();
  summary.median = MedianOfSorted(sorted);
  summary.mean = Mean(values);
  if (!sorted.empty()) {
    summary.min = sorted.front();
    summary.max = sorted.back();
  }
  summary.stddev = StandardDeviation(values);
  summary.cv = CoefficientOfVariation(values);
  summary.p50 = QuantileOfSorted(sorted, 0.50);
  summary.p90 = QuantileOfSorted(sorted, 0.90);
  summary.p95 = QuantileOfSorted(sorted, 0.95);
  summary.p99 = QuantileOfSorted(sorted, 0.99);
  summary.p999 = QuantileOfSorted(sorted, 0.999);
  return summary;
}

}  // namespace perfgate::stats
