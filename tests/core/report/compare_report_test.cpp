#include "perfgate/report/compare_report.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using perfgate::detect::Comparison;
using perfgate::detect::CompareOptions;
using perfgate::detect::CompareReports;
namespace model = perfgate::model;
namespace report = perfgate::report;

namespace {

void AddMetric(model::Results& report, const std::string& benchmark, const std::string& metric,
               std::vector<double> samples, model::Direction direction = model::Direction::kLowerIsBetter,
               const std::string& unit = "ns") {
  model::MetricNamed(report.BenchmarkNamed(benchmark), metric, unit, direction).samples = std::move(samples);
}

// Fixed samples (no generator) so that the golden files pin the whole pipeline.
Comparison MixedComparison() {
  model::Results base;
  model::Results head;
  base.format = head.format = "gbench";
  const auto higher = model::Direction::kHigherIsBetter;
  AddMetric(base, "BM_Sort/1024", "real_time", {1510, 1520, 1530, 1525, 1515, 1535, 1528, 1512, 1522});
  AddMetric(head, "BM_Sort/1024", "real_time", {1700, 1690, 1710, 1705, 1695, 1702, 1698, 1708, 1693});
  AddMetric(base, "BM_Parse<|>", "real_time", {980, 990, 1000, 1010, 1020, 995, 1005, 985, 1015});
  AddMetric(head, "BM_Parse<|>", "real_time", {800, 805, 810, 795, 790, 802, 798, 807, 793});
  AddMetric(base, "BM_Copy", "bytes_per_second", {2.0e9, 2.01e9, 1.99e9, 2.02e9, 1.98e9, 2.0e9, 2.01e9, 1.99e9, 2.0e9},
            higher, "B/s");
  AddMetric(head, "BM_Copy", "bytes_per_second", {2.0e9, 2.005e9, 1.995e9, 2.01e9, 1.99e9, 2.0e9, 2.0e9, 1.998e9, 2.0e9},
            higher, "B/s");
  AddMetric(base, "BM_Few", "real_time", {100, 101, 99});
  AddMetric(head, "BM_Few", "real_time", {103, 108, 99});
  AddMetric(base, "BM_Removed", "real_time", {5, 5, 5});
  AddMetric(head, "BM_Added", "real_time", {7, 7, 7});
  Comparison comparison = CompareReports(base, head);
  comparison.base.label = "base.json";
  comparison.head.label = "head.json";
  return comparison;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares with tests/fixtures/report/NAME; PERFGATE_UPDATE_GOLDEN=1 rewrites it.
void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(PERFGATE_SOURCE_DIR) + "/tests/fixtures/report/" + name;
  if (std::getenv("PERFGATE_UPDATE_GOLDEN") != nullptr) std::ofstream(path) << actual;
  CHECK(actual == ReadFile(path));
}

}  // namespace

TEST_CASE("Markdown comparison matches the golden file", "[report][compare]") {
  CheckGolden("compare_mixed.md", report::CompareMarkdown(MixedComparison()));
}

TEST_CASE("Markdown of an empty comparison is a heading and an empty table", "[report][compare]") {
  CheckGolden("compare_empty.md", report::CompareMarkdown(CompareReports(model::Results{}, model::Results{})));
}

TEST_CASE("Text comparison flags fewer than 9 repetitions like compare.py", "[report][compare]") {
  const std::string text = report::CompareText(MixedComparison());
  CHECK(text.find("Comparing base.json (gbench) to head.json (gbench)") == 0);
  CHECK(text.find("WARNING: Results unreliable! 9+ repetitions recommended. (repetitions: 3 vs 3)") !=
        std::string::npos);
  CHECK(text.find("BM_Sort/1024") != std::string::npos);
  CHECK(text.find("regressed") != std::string::npos);
  CHECK(text.find("1 regressed, 1 improved, 1 unchanged, 1 inconclusive, 1 new, 1 missing") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("JSON comparison has exactly the DESIGN.md shape, plus two documented fields", "[report][compare]") {
  const nlohmann::json json = report::CompareJson(MixedComparison());
  CHECK(json["base"]["label"] == "base.json");
  CHECK(json["head"]["format"] == "gbench");
  REQUIRE(json["benchmarks"].size() == 6);
  const nlohmann::json& sort = json["benchmarks"][0];
  std::vector<std::string> keys;
  for (const auto& item : sort.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"base", "change", "ci_high", "ci_low", "direction", "effect_p_value",
                                         "effect_p_value_adjusted", "head", "metric", "name", "p_value",
                                         "p_value_adjusted", "ratio", "repetitions_needed", "unit", "verdict"});
  std::vector<std::string> stats_keys;
  for (const auto& item : sort["base"].items()) stats_keys.push_back(item.key());
  CHECK(stats_keys == std::vector<std::string>{"cv", "max", "mean", "median", "min", "n", "p50", "p95", "p99", "stddev"});
  CHECK(sort["verdict"] == "regressed");
  CHECK(sort["direction"] == "lower_is_better");
  CHECK(sort["base"]["n"] == 9);
  CHECK(sort["ratio"].get<double>() == Approx(1700.0 / 1522.0));
  const nlohmann::json& copy = json["benchmarks"][2];
  CHECK(copy["direction"] == "higher_is_better");
  CHECK(copy["unit"] == "B/s");
  const nlohmann::json& added = json["benchmarks"][5];
  CHECK(added["verdict"] == "new");
  CHECK(added["base"].is_null());
  CHECK(added["p_value"].is_null());
  CHECK(added["ratio"].is_null());
  std::vector<std::string> summary_keys;
  for (const auto& item : json["summary"].items()) summary_keys.push_back(item.key());
  CHECK(summary_keys == std::vector<std::string>{"geomean_ratio", "improved", "inconclusive", "regressed", "unchanged"});
  CHECK(json["summary"]["regressed"] == 1);
}

TEST_CASE("A benchmark name with a pipe or a line break stays one table row", "[report][compare]") {
  perfgate::model::Results base{.format = "gbench"};
  perfgate::model::Results head{.format = "gbench"};
  for (auto* report : {&base, &head}) {
    auto& benchmark = report->BenchmarkNamed("BM_a|b\nc");
    perfgate::model::MetricNamed(benchmark, "real_time", "ns", perfgate::model::Direction::kLowerIsBetter).samples = {
        1, 2, 3};
  }
  std::string markdown = perfgate::report::CompareMarkdown(CompareReports(base, head));
  CHECK_THAT(markdown, Catch::Contains("BM_a\\|b c"));
  CHECK(markdown.find("\nc") == std::string::npos);
}

TEST_CASE("A comparison too small to decide says so once, at the top", "[report][compare]") {
  model::Results base;
  model::Results head;
  for (int i = 0; i < 3; ++i) {
    AddMetric(base, "BM_" + std::to_string(i), "real_time", {100.0 + i});
    AddMetric(head, "BM_" + std::to_string(i), "real_time", {150.0 + i});
  }
  const Comparison comparison = CompareReports(base, head);
  REQUIRE(comparison.sample_size_notice.has_value());
  const std::string& message = comparison.sample_size_notice->message;
  const std::string text = report::CompareText(comparison);
  CHECK(text.find(message) != std::string::npos);
  CHECK(text.find(message) < text.find("Benchmark"));
  CHECK(text.find(message, text.find(message) + 1) == std::string::npos);
  const std::string markdown = report::CompareMarkdown(comparison);
  CHECK(markdown.find(message) < markdown.find("| Benchmark"));
  CHECK(report::CompareJson(comparison)["notice"] == message);
  // Decidable comparisons carry a null notice.
  CHECK(report::CompareJson(MixedComparison())["notice"].is_null());
}
