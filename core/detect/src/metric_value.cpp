#include "perfgate/detect/metric_value.hpp"

#include <cmath>
#include <string>

namespace perfgate::detect {

namespace {

std::optional<double> Aggregate(const model::Metric& metric, std::string_view key) {
  auto found = metric.aggregates.find(std::string(key));
  if (found == metric.aggregates.end() || !std::isfinite(found->second)) return std::nullopt;
  return found->second;
}

template <typename... Keys>
std::optional<double> FirstAggregate(const model::Metric& metric, Keys... keys) {
  std::optional<double> value;
  ((value = value ? value : Aggregate(metric, keys)), ...);
  return value;
}

}  // namespace

std::vector<double> SampleValues(const model::Metric& metric) {
  std::vector<double> values;
  for (double sample : metric.samples) {
    if (!std::isnan(sample)) values.push_back(sample);
  }
  return values;
}

std::optional<stats::Summary> SummarizeMetric(const model::Metric& metric) {
  if (std::vector<double> values = SampleValues(metric); !values.empty()) return stats::Summarize(values);
  if (metric.HasSamples()) return std::nullopt;  // every sample NaN
  // The harness's own summary, under the names the adapters use; n = 0 says no
  // raw sample stands behind it.
  stats::Summary summary;
  summary.n = 0;
  summary.median = FirstAggregate(metric, "median", "p50", "mean");
  if (!summary.median) return std::nullopt;
  summary.mean = Aggregate(metric, "mean");
  summary.min = Aggregate(metric, "min");
  summary.max = Aggregate(metric, "max");
  summary.stddev = Aggregate(metric, "stddev");
  summary.cv = Aggregate(metric, "cv");
  if (!summary.cv && summary.stddev && summary.mean && *summary.mean != 0) summary.cv = *summary.stddev / *summary.mean;
  summary.p50 = FirstAggregate(metric, "p50", "median");
  summary.p90 = Aggregate(metric, "p90");
  summary.p95 = Aggregate(metric, "p95");
  summary.p99 = Aggregate(metric, "p99");
  summary.p999 = FirstAggregate(metric, "p99.9", "p999");
  return summary;
}

std::optional<double> StatisticOf(const stats::Summary& summary, Statistic statistic) {
  switch (statistic) {
    case Statistic::kMedian: return summary.median;
    case Statistic::kMean: return summary.mean;
    case Statistic::kMin: return summary.min;
    case Statistic::kMax: return summary.max;
    case Statistic::kP50: return summary.p50;
    case Statistic::kP90: return summary.p90;
    case Statistic::kP95: return summary.p95;
    case Statistic::kP99: return summary.p99;
    case Statistic::kP999: return summary.p999;
    case Statistic::kStddev: return summary.stddev;
    case Statistic::kCv: return summary.cv;
  }
  return std::nullopt;
}

std::optional<double> MetricStatistic(const model::Metric& metric, Statistic statistic) {
  std::optional<stats::Summary> summary = SummarizeMetric(metric);
  if (!summary) return std::nullopt;
  return StatisticOf(*summary, statistic);
}

}  // namespace perfgate::detect
