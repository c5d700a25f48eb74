#pragma once
// Descriptive statistics of one sample. Every function takes the values in any
// order and leaves them untouched. Inputs must not contain NaN (callers drop NaN
// samples first); infinities propagate as IEEE arithmetic makes them.

#include <cstddef>
#include <optional>
#include <span>

namespace perfgate::stats {

// Arithmetic mean. Absent for an empty sample.
std::optional<double> Mean(std::span<const double> values);

// Median: the middle value, or the mean of the two middle values for an even
// count (numpy.median). Absent for an empty sample.
std::optional<double> Median(std::span<const double> values);

// Smallest / largest value. Absent for an empty sample.
std::optional<double> Min(std::span<const double> values);
std::optional<double> Max(std::span<const double> values);

// Sample standard deviation (divisor n - 1, numpy's ddof=1). Absent with fewer
// than 2 values.
std::optional<double> StandardDeviation(std::span<const double> values);

// Coefficient of variation: sample standard deviation / mean, a fraction (0.02
// for 2 %). Absent with fewer than 2 values or a zero mean.
std::optional<double> CoefficientOfVariation(std::span<const double> values);

// Quantile by linear interpolation between order statistics, numpy's default
// ("linear", Hyndman & Fan method 7): virtual index (n - 1) * probability.
// `probability` is in [0, 1] (0.99 for p99). Absent for an empty sample or a
// probability outside [0, 1].
std::optional<double> Quantile(std::span<const double> values, double probability);

// Quantile() of `values`, found by selection (std::nth_element, O(n)) instead
// of a sort; the same value to the bit. Reorders `values`.
std::optional<double> QuantileInPlace(std::span<double> values, double probability);

// Robust relative spread: 1.4826 x the median absolute deviation / |median|
// (the MAD scaled to estimate a normal standard deviation, as a fraction of the
// level). Unlike the CV, one outlier barely moves it. Absent for an empty sample
// or a zero median.
std::optional<double> RelativeMedianAbsoluteDeviation(std::span<const double> values);

// Everything above at once (one sort). Absent fields follow the rules above.
struct Summary {
  std::size_t n = 0;
  std::optional<double> median;
  std::optional<double> mean;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> stddev;
  std::optional<double> cv;
  std::optional<double> p50;
  std::optional<double> p90;
  std::optional<double> p95;
  std::optional<double> p99;
  std::optional<double> p999;
};
Summary Summarize(std::span<const double> values);

}  // namespace perfgate::stats
