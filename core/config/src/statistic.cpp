#include "perfgate/config/statistic.hpp"

#include <utility>

namespace perfgate::config {

namespace {

constexpr std::pair<Statistic, std::string_view> kNames[] = {
    {Statistic::kMedian, "median"}, {Statistic::kMean, "mean"}, {Statistic::kMin, "min"},
    {Statistic::kMax, "max"},       {Statistic::kP50, "p50"},   {Statistic::kP90, "p90"},
    {Statistic::kP95, "p95"},       {Statistic::kP99, "p99"},   {Statistic::kP999, "p99.9"},
    {Statistic::kStddev, "stddev"}, {Statistic::kCv, "cv"}};

}  // namespace

std::string_view ToString(Statistic statistic) {
  for (const auto& [value, name] : kNames) {
    if (value == statistic) return name;
  }
  return "median";
}

std::optional<Statistic> ParseStatistic(std::string_view name) {
  if (name == "p999") return Statistic::kP999;
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool IsPercentile(Statistic statistic) {
  return statistic == Statistic::kP50 || statistic == Statistic::kP90 || statistic == Statistic::kP95 ||
         statistic == Statistic::kP99 || statistic == Statistic::kP999;
}

}  // namespace perfgate::config
