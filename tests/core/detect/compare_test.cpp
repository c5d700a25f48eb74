#include "perfgate/detect/compare.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "perfgate/stats/random.hpp"

using perfgate::detect::CompareOptions;
using perfgate::detect::CompareReports;
using perfgate::detect::Verdict;
namespace model = perfgate::model;

namespace {

std::vector<double> Noisy(double level, double cv, int count, std::uint64_t seed) {
  perfgate::stats::Xoshiro256 generator(seed);
  std::vector<double> values;
  for (int i = 0; i < count; ++i) values.push_back(level * (1 + cv * generator.Normal()));
  return values;
}

void AddMetric(model::Report& report, const std::string& benchmark, const std::string& metric,
               std::vector<double> samples, model::Direction direction = model::Direction::kLowerIsBetter,
               const std::string& unit = "ns") {
  model::Metric& added = model::MetricNamed(report.BenchmarkNamed(benchmark), metric, unit, direction);
  added.samples = std::move(samples);
}

const perfgate::detect::BenchmarkComparison& Row(const perfgate::detect::Comparison& comparison,
                                                 const std::string& name) {
  for (const auto& row : comparison.benchmarks) {
    if (row.name == name) return row;
  }
  FAIL("no row " << name);
  return comparison.benchmarks.front();
}

}  // namespace

TEST_CASE("A clear slowdown with 9 repetitions is a regression", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Sort", "real_time", Noisy(1000, 0.01, 9, 1));
  AddMetric(head, "BM_Sort", "real_time", Noisy(1200, 0.01, 9, 2));
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Sort");
  CHECK(row.verdict == Verdict::kRegressed);
  REQUIRE(row.p_value.has_value());
  CHECK(*row.p_value < 0.001);
  CHECK(*row.ci_low > 1.05);
  CHECK(*row.ratio == Approx(1.2).epsilon(0.02));
  CHECK(*row.change == Approx(*row.ratio - 1));
  CHECK(comparison.HasRegression());
  CHECK(comparison.summary.regressed == 1);
  CHECK(*comparison.summary.geomean_ratio == Approx(*row.ratio));
}

TEST_CASE("Direction decides: more throughput is an improvement, less a regression", "[detect][compare]") {
  model::Report base;
  model::Report head;
  const auto higher = model::Direction::kHigherIsBetter;
  AddMetric(base, "BM_Faster", "bytes_per_second", Noisy(1e9, 0.01, 9, 3), higher, "B/s");
  AddMetric(head, "BM_Faster", "bytes_per_second", Noisy(1.3e9, 0.01, 9, 4), higher, "B/s");
  AddMetric(base, "BM_Slower", "bytes_per_second", Noisy(1e9, 0.01, 9, 5), higher, "B/s");
  AddMetric(head, "BM_Slower", "bytes_per_second", Noisy(0.7e9, 0.01, 9, 6), higher, "B/s");
  AddMetric(base, "BM_Quicker", "real_time", Noisy(100, 0.01, 9, 7));
  AddMetric(head, "BM_Quicker", "real_time", Noisy(70, 0.01, 9, 8));
  const auto comparison = CompareReports(base, head);
  CHECK(Row(comparison, "BM_Faster").verdict == Verdict::kImproved);
  CHECK(Row(comparison, "BM_Slower").verdict == Verdict::kRegressed);
  CHECK(Row(comparison, "BM_Quicker").verdict == Verdict::kImproved);
  CHECK(comparison.summary.improved == 2);
  CHECK(comparison.summary.regressed == 1);
}

TEST_CASE("Noise within the threshold is unchanged", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Same", "real_time", Noisy(1000, 0.005, 20, 9));
  AddMetric(head, "BM_Same", "real_time", Noisy(1000, 0.005, 20, 10));
  const auto comparison = CompareReports(base, head);
  CHECK(Row(comparison, "BM_Same").verdict == Verdict::kUnchanged);
  CHECK_FALSE(comparison.HasRegression());
}

TEST_CASE("Three repetitions cannot prove a slowdown and ask for more", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Few", "real_time", {100, 101, 99});
  AddMetric(head, "BM_Few", "real_time", {130, 131, 129});
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Few");
  CHECK(*row.p_value == Approx(0.1));
  CHECK(row.verdict == Verdict::kInconclusive);
  REQUIRE(row.repetitions_needed.has_value());
  CHECK(*row.repetitions_needed >= 4);
  CHECK(*row.repetitions_needed <= 10);
}

TEST_CASE("A wide interval straddling the threshold is inconclusive with a repetition estimate",
          "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Noisy", "real_time", Noisy(1000, 0.08, 9, 11));
  AddMetric(head, "BM_Noisy", "real_time", Noisy(1130, 0.08, 9, 12));
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Noisy");
  INFO("ratio " << *row.ratio << " [" << *row.ci_low << ", " << *row.ci_high << "] p " << *row.p_value);
  CHECK(row.verdict == Verdict::kInconclusive);
  REQUIRE(row.repetitions_needed.has_value());
  CHECK(*row.repetitions_needed > 9);
}

TEST_CASE("Benchmarks on one side only are new or missing", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Gone", "real_time", {1, 2, 3});
  AddMetric(head, "BM_Added", "real_time", {1, 2, 3});
  AddMetric(base, "BM_Broken", "real_time", {1, 2, 3});
  head.BenchmarkNamed("BM_Broken").error = "out of memory";
  const auto comparison = CompareReports(base, head);
  CHECK(Row(comparison, "BM_Gone").verdict == Verdict::kMissing);
  CHECK(Row(comparison, "BM_Added").verdict == Verdict::kNew);
  CHECK(Row(comparison, "BM_Broken").verdict == Verdict::kMissing);
  CHECK_FALSE(Row(comparison, "BM_Added").base.has_value());
  CHECK_FALSE(Row(comparison, "BM_Added").ratio.has_value());
  CHECK(comparison.summary.added == 1);
  CHECK(comparison.summary.missing == 2);
  CHECK_FALSE(comparison.summary.geomean_ratio.has_value());
  // Base order first, then head-only benchmarks.
  CHECK(comparison.benchmarks.back().name == "BM_Added");
}

TEST_CASE("A single value per side is inconclusive without history noise", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Once", "real_time", {100});
  AddMetric(head, "BM_Once", "real_time", {150});
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Once");
  CHECK_FALSE(row.p_value.has_value());
  CHECK_FALSE(row.ci_low.has_value());
  CHECK(row.verdict == Verdict::kInconclusive);
  CHECK(*row.ratio == 1.5);
}

TEST_CASE("A single point alerts only when it lies beyond the history noise", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Once", "real_time", {100});
  AddMetric(head, "BM_Once", "real_time", {120});
  CompareOptions quiet;
  quiet.history_noise = [](std::string_view, std::string_view) { return std::optional<double>(0.01); };
  const auto comparison = CompareReports(base, head, quiet);
  const auto& quiet_row = Row(comparison, "BM_Once");
  CHECK(quiet_row.verdict == Verdict::kRegressed);
  CHECK(quiet_row.history_noise_used);
  CompareOptions noisy;
  noisy.history_noise = [](std::string_view, std::string_view) { return std::optional<double>(0.08); };
  CHECK(Row(CompareReports(base, head, noisy), "BM_Once").verdict == Verdict::kInconclusive);
  CompareOptions unknown;
  unknown.history_noise = [](std::string_view, std::string_view) { return std::optional<double>(); };
  CHECK(Row(CompareReports(base, head, unknown), "BM_Once").verdict == Verdict::kInconclusive);
}

TEST_CASE("The default metric is real_time; another can be named or all compared", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Two", "real_time", Noisy(100, 0.01, 9, 13));
  AddMetric(base, "BM_Two", "cpu_time", Noisy(100, 0.01, 9, 14));
  AddMetric(head, "BM_Two", "real_time", Noisy(100, 0.01, 9, 15));
  AddMetric(head, "BM_Two", "cpu_time", Noisy(150, 0.01, 9, 16));
  const auto by_default = CompareReports(base, head);
  REQUIRE(by_default.benchmarks.size() == 1);
  CHECK(by_default.benchmarks[0].metric == "real_time");
  CompareOptions cpu;
  cpu.metric = "cpu_time";
  const auto named = CompareReports(base, head, cpu);
  REQUIRE(named.benchmarks.size() == 1);
  CHECK(named.benchmarks[0].verdict == Verdict::kRegressed);
  CompareOptions all;
  all.all_metrics = true;
  CHECK(CompareReports(base, head, all).benchmarks.size() == 2);
}

TEST_CASE("A metric carried only as aggregates keeps the harness's summary with n = 0", "[detect][compare]") {
  model::Report base;
  model::Report head;
  model::MetricNamed(base.BenchmarkNamed("BM_Agg"), "real_time", "ns", model::Direction::kLowerIsBetter)
      .aggregates = {{"mean", 10.0}, {"median", 9.0}};
  model::MetricNamed(head.BenchmarkNamed("BM_Agg"), "real_time", "ns", model::Direction::kLowerIsBetter)
      .aggregates = {{"mean", 12.0}};
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Agg");
  CHECK(row.base->n == 0);  // no raw sample stands behind it
  CHECK(*row.base->median == 9.0);
  CHECK(*row.base->mean == 10.0);  // the harness's mean, not the median again
  CHECK_FALSE(row.base->min);      // the harness gave none
  CHECK(*row.head->median == 12.0);  // median falls back to the mean
  CHECK(row.verdict == Verdict::kInconclusive);
}

TEST_CASE("Benjamini-Hochberg keeps a marginal p-value among many from alerting", "[detect][compare]") {
  model::Report base;
  model::Report head;
  // One benchmark with a borderline shift among 30 unchanged ones.
  AddMetric(base, "BM_Edge", "real_time", {100, 101, 102, 103, 104, 105});
  AddMetric(head, "BM_Edge", "real_time", {103.5, 106, 107, 108, 109, 110});
  for (int i = 0; i < 30; ++i) {
    AddMetric(base, "BM_" + std::to_string(i), "real_time", Noisy(100, 0.01, 6, 100 + i));
    AddMetric(head, "BM_" + std::to_string(i), "real_time", Noisy(100, 0.01, 6, 200 + i));
  }
  CompareOptions options;
  options.threshold = 0.01;
  const auto comparison = CompareReports(base, head, options);
  const auto& row = Row(comparison, "BM_Edge");
  CHECK(*row.p_value < 0.05);
  CHECK(*row.p_value_adjusted > *row.p_value);
  CHECK(row.verdict != Verdict::kRegressed);
}

TEST_CASE("Comparing is deterministic", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_A", "real_time", Noisy(100, 0.03, 9, 17));
  AddMetric(head, "BM_A", "real_time", Noisy(104, 0.03, 9, 18));
  const auto first = CompareReports(base, head);
  const auto second = CompareReports(base, head);
  CHECK(*first.benchmarks[0].ci_low == *second.benchmarks[0].ci_low);
  CHECK(*first.benchmarks[0].ci_high == *second.benchmarks[0].ci_high);
}

TEST_CASE("A zero base median gives no ratio and no verdict", "[detect][compare]") {
  model::Report base;
  model::Report head;
  AddMetric(base, "BM_Zero", "real_time", {0, 0, 0});
  AddMetric(head, "BM_Zero", "real_time", {1, 1, 1});
  const auto comparison = CompareReports(base, head);
  const auto& row = Row(comparison, "BM_Zero");
  CHECK_FALSE(row.ratio.has_value());
  CHECK(row.verdict == Verdict::kInconclusive);
}
