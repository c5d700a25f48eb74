// Comparison statistics at the scale of a large suite: two results files of
// 2,000 benchmarks x 9 repetitions, and the per-row pieces on their own.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "perfgate/detect/compare.hpp"
#include "perfgate/stats/bootstrap.hpp"
#include "perfgate/stats/mann_whitney.hpp"
#include "perfgate/stats/random.hpp"

namespace {

namespace model = perfgate::model;

std::vector<double> Noisy(double level, double cv, std::size_t count, perfgate::stats::Xoshiro256& generator) {
  std::vector<double> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(level * (1 + cv * generator.Normal()));
  return values;
}

// `benchmarks` benchmarks x `repetitions` real_time samples; head has 5 % of its
// benchmarks 10 % slower.
std::pair<model::Results, model::Results> SuitePair(std::size_t benchmarks, std::size_t repetitions) {
  perfgate::stats::Xoshiro256 generator(1);
  model::Results base;
  model::Results head;
  for (std::size_t i = 0; i < benchmarks; ++i) {
    const std::string name = "BM_Case/" + std::to_string(i);
    const double level = 100.0 + static_cast<double>(i);
    model::MetricNamed(base.BenchmarkNamed(name), "real_time", "ns", model::Direction::kLowerIsBetter).samples =
        Noisy(level, 0.01, repetitions, generator);
    model::MetricNamed(head.BenchmarkNamed(name), "real_time", "ns", model::Direction::kLowerIsBetter).samples =
        Noisy(i % 20 == 0 ? level * 1.1 : level, 0.01, repetitions, generator);
  }
  return {std::move(base), std::move(head)};
}

void BM_CompareReports(benchmark::State& state) {
  const auto [base, head] = SuitePair(static_cast<std::size_t>(state.range(0)), 9);
  for (auto _ : state) {
    perfgate::detect::Comparison comparison = perfgate::detect::CompareReports(base, head);
    benchmark::DoNotOptimize(comparison);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompareReports)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Growth of the comparison with the suite (a straight line: no quadratic step),
// on one thread so that the fit reads the work, not the machine's cores.
void BM_CompareReportsOneThread(benchmark::State& state) {
  const auto [base, head] = SuitePair(static_cast<std::size_t>(state.range(0)), 9);
  perfgate::detect::CompareOptions options;
  options.threads = 1;
  for (auto _ : state) {
    perfgate::detect::Comparison comparison = perfgate::detect::CompareReports(base, head, options);
    benchmark::DoNotOptimize(comparison);
  }
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompareReportsOneThread)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

void BM_MannWhitneyU(benchmark::State& state) {
  perfgate::stats::Xoshiro256 generator(2);
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::vector<double> x = Noisy(100, 0.01, count, generator);
  const std::vector<double> y = Noisy(101, 0.01, count, generator);
  for (auto _ : state) benchmark::DoNotOptimize(perfgate::stats::MannWhitneyU(x, y));
}
BENCHMARK(BM_MannWhitneyU)->Arg(5)->Arg(9)->Arg(100)->Arg(1000);

void BM_BootstrapRatioOfMedians(benchmark::State& state) {
  perfgate::stats::Xoshiro256 generator(3);
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::vector<double> base = Noisy(100, 0.01, count, generator);
  const std::vector<double> head = Noisy(101, 0.01, count, generator);
  for (auto _ : state) benchmark::DoNotOptimize(perfgate::stats::BootstrapRatioOfMedians(base, head));
}
BENCHMARK(BM_BootstrapRatioOfMedians)->Arg(9)->Arg(100)->Unit(benchmark::kMicrosecond);

// The machine's speed, in code perfgate does not own: std::sort of 32,768
// doubles from std::mt19937_64. benches/perfgate.json holds the CPU-bound paths
// to a ratio of it ("min_ratio" ... "of_benchmark"), so a slower or busier
// machine, which slows both, does not break them, while a 2x slower path does.
void BM_YardstickSort(benchmark::State& state) {
  std::mt19937_64 generator(42);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> values(static_cast<std::size_t>(state.range(0)));
  for (double& value : values) value = uniform(generator);
  std::vector<double> sorted;
  for (auto _ : state) {
    sorted = values;
    std::sort(sorted.begin(), sorted.end());
    benchmark::DoNotOptimize(sorted.data());
  }
}
BENCHMARK(BM_YardstickSort)->Arg(32768)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
