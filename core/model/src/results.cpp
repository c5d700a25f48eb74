#include "perfgate/model/results.hpp"

#include <algorithm>

#include "perfgate/model/names.hpp"

namespace perfgate::model {

std::string_view ToString(Direction direction) {
  return direction == Direction::kHigherIsBetter ? "higher_is_better" : "lower_is_better";
}

std::optional<Direction> ParseDirection(std::string_view text) {
  if (text == "lower_is_better" || text == "lower") return Direction::kLowerIsBetter;
  if (text == "higher_is_better" || text == "higher") return Direction::kHigherIsBetter;
  return std::nullopt;
}

namespace {
template <typename Container, typename Name>
auto FindByName(Container& items, Name name) -> decltype(&*items.begin()) {
  auto it = std::find_if(items.begin(), items.end(), [&](const auto& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Metric* Benchmark::FindMetric(std::string_view metric_name) const {
  return FindByName(metrics, metric_name);
}
Metric* Benchmark::FindMetric(std::string_view metric_name) { return FindByName(metrics, metric_name); }

const Benchmark* Results::FindBenchmark(std::string_view benchmark_name) const {
  return FindByName(benchmarks, benchmark_name);
}
Benchmark* Results::FindBenchmark(std::string_view benchmark_name) {
  return FindByName(benchmarks, benchmark_name);
}

Benchmark& Results::BenchmarkNamed(std::string_view benchmark_name) {
  if (Benchmark* found = FindBenchmark(benchmark_name)) return *found;
  benchmarks.push_back(Benchmark{.name = std::string(benchmark_name)});
  return benchmarks.back();
}

std::size_t Results::SampleCount() const {
  std::size_t count = 0;
  for (const Benchmark& benchmark : benchmarks) {
    for (const Metric& metric : benchmark.metrics) count += metric.samples.size();
  }
  return count;
}

Metric& MetricNamed(Benchmark& benchmark, std::string_view metric_name, std::string_view unit,
                    Direction direction) {
  if (Metric* found = benchmark.FindMetric(metric_name)) return *found;
  benchmark.metrics.push_back(
      Metric{.name = std::string(metric_name), .unit = std::string(unit), .direction = direction});
  return benchmark.metrics.back();
}

const Metric* DefaultMetric(const Benchmark& benchmark) {
  if (const Metric* real_time = benchmark.FindMetric("real_time")) return real_time;
  if (benchmark.metrics.size() == 1) return &benchmark.metrics.front();
  return nullptr;
}

namespace {

void RepairText(std::string& text) { ReplaceInvalidUtf8(text); }
void RepairText(double) {}

// A map's keys and (text) values made valid UTF-8; rebuilt only when a key needs it.
template <typename Value>
void RepairKeysAndValues(std::map<std::string, Value>& map) {
  bool keys_valid = true;
  for (auto& [key, value] : map) {
    RepairText(value);
    keys_valid = keys_valid && IsValidUtf8(key);
  }
  if (keys_valid) return;
  std::map<std::string, Value> repaired;
  for (auto& [key, value] : map) {
    std::string text = key;
    ReplaceInvalidUtf8(text);
    repaired.emplace(std::move(text), std::move(value));
  }
  map = std::move(repaired);
}

}  // namespace

void RepairFreeText(Results& results) {
  for (Benchmark& benchmark : results.benchmarks) {
    ReplaceInvalidUtf8(benchmark.label);
    if (benchmark.error) ReplaceInvalidUtf8(*benchmark.error);
    for (ComplexityFit& fit : benchmark.fits) {
      ReplaceInvalidUtf8(fit.metric);
      ReplaceInvalidUtf8(fit.complexity);
      ReplaceInvalidUtf8(fit.unit);
    }
    for (Metric& metric : benchmark.metrics) {
      ReplaceInvalidUtf8(metric.unit);
      RepairKeysAndValues(metric.aggregates);
    }
  }
  RepairKeysAndValues(results.context);
}

}  // namespace perfgate::model
