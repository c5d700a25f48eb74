#include "perfgate/model/results.hpp"

#include <algorithm>

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

}  // namespace perfgate::model
