#pragma once
// "The value of a metric", computed in one place: which statistics exist, the
// values a metric contributes, and its statistics from raw samples or, for a
// metric that carries only the harness's summary, from that summary.

#include <optional>
#include <string_view>
#include <vector>

#include "perfgate/config/statistic.hpp"
#include "perfgate/model/results.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::detect {

// The statistics are the schema's (config/statistic.hpp).
using config::IsPercentile;
using config::ParseStatistic;
using config::Statistic;
using config::ToString;

// The raw samples of a metric without NaN; empty for a summary-only metric.
std::vector<double> SampleValues(const model::Metric& metric);

// The metric's statistics: stats::Summarize of its samples; for a metric with
// only the harness's summary, that summary with n = 0 (median falls back to p50,
// then mean; cv to stddev / mean). Absent when it has neither.
std::optional<stats::Summary> SummarizeMetric(const model::Metric& metric);

// One statistic of a Summary.
std::optional<double> StatisticOf(const stats::Summary& summary, Statistic statistic);

// One statistic of a metric, from SummarizeMetric. In the metric's unit, cv as
// a fraction. Absent when not computable (stddev/cv of one value).
std::optional<double> MetricStatistic(const model::Metric& metric, Statistic statistic);

}  // namespace perfgate::detect
