// Change-point detection over a series' history: a full scan of 1,000 to 10,000
// points (with a complexity fit), and the incremental update when one commit is
// appended to a 10,000-point history. Also the compare decision over a
// 50-benchmark file pair at 5 and 15 repetitions (bootstrap, rank test and the
// minimum-effect t-test).

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "perfgate/detect/change_points.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/stats/random.hpp"

namespace {

// Gaussian noise at 1 % CV with a level shift every 250 points and a spike
// every 97.
std::vector<double> History(std::size_t length) {
  perfgate::stats::Xoshiro256 generator(11);
  std::vector<double> values;
  double level = 1000;
  for (std::size_t i = 0; i < length; ++i) {
    if (i > 0 && i % 250 == 0) level *= (i / 250) % 2 == 0 ? 1.1 : 0.92;
    double value = level * (1 + 0.01 * generator.Normal());
    if (i % 97 == 50) value *= 1.3;
    values.push_back(value);
  }
  return values;
}

void BM_DetectChangePoints(benchmark::State& state) {
  const std::vector<double> series = History(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(perfgate::detect::DetectChangePoints(series));
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DetectChangePoints)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(5000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

void BM_UpdateChangePointsAppendOne(benchmark::State& state) {
  const auto length = static_cast<std::size_t>(state.range(0));
  const std::vector<double> series = History(length + 1);
  const perfgate::detect::ChangePointState previous =
      perfgate::detect::DetectChangePoints(std::span<const double>(series).first(length));
  for (auto _ : state) {
    benchmark::DoNotOptimize(perfgate::detect::UpdateChangePoints(previous, series));
  }
}
BENCHMARK(BM_UpdateChangePointsAppendOne)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_CompareFiftyBenchmarks(benchmark::State& state) {
  const auto repetitions = static_cast<std::size_t>(state.range(0));
  perfgate::stats::Xoshiro256 generator(12);
  perfgate::model::Results base;
  perfgate::model::Results head;
  for (int b = 0; b < 50; ++b) {
    const std::string name = "BM_" + std::to_string(b);
    for (perfgate::model::Results* report : {&base, &head}) {
      perfgate::model::Metric& metric = perfgate::model::MetricNamed(report->BenchmarkNamed(name), "real_time", "ns",
                                                                     perfgate::model::Direction::kLowerIsBetter);
      const double level = report == &head && b == 0 ? 1300 : 1000;
      for (std::size_t i = 0; i < repetitions; ++i) metric.samples.push_back(level * (1 + 0.02 * generator.Normal()));
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(perfgate::detect::CompareReports(base, head));
}
BENCHMARK(BM_CompareFiftyBenchmarks)->Arg(5)->Arg(15)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
