#pragma once
// The statistics a budget (or a comparison) may name: one enum, one list of
// names, read by the schema and by detect's value of a metric alike.

#include <optional>
#include <string_view>

namespace perfgate::config {

enum class Statistic { kMedian, kMean, kMin, kMax, kP50, kP90, kP95, kP99, kP999, kStddev, kCv };

// "median", "mean", "min", "max", "p50", "p90", "p95", "p99", "p99.9", "stddev", "cv".
std::string_view ToString(Statistic statistic);
// Inverse of ToString; also accepts "p999" for p99.9. Absent for anything else.
std::optional<Statistic> ParseStatistic(std::string_view name);
// The percentiles p50..p99.9 (median is a percentile too, but is named apart).
bool IsPercentile(Statistic statistic);

}  // namespace perfgate::config
