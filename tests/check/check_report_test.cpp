#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "../test_support.hpp"
#include "perfgate/report/check_report.hpp"

using namespace perfgate;

namespace {

model::Benchmark Bench(const std::string& name, const std::string& metric, const std::string& unit,
                       std::vector<double> samples, model::Direction direction = model::Direction::kLowerIsBetter) {
  model::Benchmark benchmark;
  benchmark.name = name;
  benchmark.metrics.push_back(model::Metric{metric, unit, direction, std::move(samples), {}});
  return benchmark;
}

std::vector<double> Ramp(double low, double high, std::size_t n) {
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    values.push_back(low + (high - low) * static_cast<double>(i) / static_cast<double>(n - 1));
  }
  return values;
}

detect::CheckResult MixedCheck() {
  auto config = config::ParseConfig(R"({ "project": "meshara", "baseline": {"branch": "main"},
    "budgets": [
      { "benchmark": "e2e/private_message", "metric": "p99", "max": "50ms", "description": "private message p99" },
      { "benchmark": "throughput/*", "metric": "bytes_per_second", "min": "100MB/s", "stretch": "1GB/s" },
      { "benchmark": "*", "max_regression": "50%" },
      { "benchmark": "e2e/*", "max_cv": "30%", "level": "warn" },
      { "file": "build/libmeshara.so", "max_size": "10MB" },
      { "benchmark": "build/compile_time", "max": "120s" } ] })");
  REQUIRE(config);
  model::Results base, head;
  base.format = head.format = "test";
  base.benchmarks = {Bench("e2e/private_message", "real_time", "ns", Ramp(10e6, 40e6, 20)),
                     Bench("e2e/group_message", "real_time", "ns", Ramp(20e6, 22e6, 20)),
                     Bench("throughput/single", "bytes_per_second", "B/s", Ramp(1.9e9, 2.1e9, 10),
                           model::Direction::kHigherIsBetter),
                     Bench("parse/header", "real_time", "ns", Ramp(900, 1100, 10))};
  head.benchmarks = {Bench("e2e/private_message", "real_time", "ns", Ramp(20e6, 80e6, 20)),
                     Bench("e2e/group_message", "real_time", "ns", Ramp(20e6, 22e6, 20)),
                     Bench("throughput/single", "bytes_per_second", "B/s", Ramp(1.9e9, 2.1e9, 10),
                           model::Direction::kHigherIsBetter),
                     Bench("parse/header", "real_time", "ns", Ramp(450, 550, 10)),
                     Bench("size/libmeshara.so", "value", "B", {4.2e6})};
  auto result = detect::EvaluateCheck(*config, base, head, {.base_label = "main @ 1a2b3c4", .head_label = "feature @ 5d6e7f8", .history_noise = {}});
  REQUIRE(result);
  return *result;
}

// Compares with tests/fixtures/check/NAME; PERFGATE_UPDATE_GOLDEN=1 rewrites it.
void CheckGolden(const std::string& name, const std::string& actual) {
  auto path = testing::FixturePath("check/" + name);
  if (std::getenv("PERFGATE_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
  CHECK(actual == testing::ReadFile(path));
}

}  // namespace

TEST_CASE("Markdown check report matches the golden file", "[report][check]") {
  CheckGolden("check_mixed.md",
              report::CheckMarkdown(MixedCheck(), {.dashboard_url = "https://perf.example.com/meshara", .max_length = report::kGithubCommentLimit}));
}

TEST_CASE("Markdown report without a baseline matches the golden file", "[report][check]") {
  auto config = config::ParseConfig(R"({"project": "demo", "budgets": [{"benchmark": "*", "max_regression": "10%"},
                                                                      {"benchmark": "build/compile_time", "max": "2min"}]})");
  REQUIRE(config);
  model::Results head;
  head.benchmarks = {Bench("BM_Sort/64", "real_time", "ns", {219, 220, 221})};
  auto result = detect::EvaluateCheck(*config, std::nullopt, head, {.base_label = "", .head_label = "bench.json", .history_noise = {}});
  REQUIRE(result);
  CheckGolden("check_no_baseline.md", report::CheckMarkdown(*result));
}

TEST_CASE("The report leads with the verdict and carries the comment marker", "[report][check]") {
  auto check = MixedCheck();
  auto markdown = report::CheckMarkdown(check);
  CHECK(markdown.starts_with("<!-- perfgate:comment project=meshara -->\n### ❌ perfgate: fail"));
  CHECK(markdown.find("⏳ pending") != std::string::npos);
  CHECK(markdown.find("🎯 stretch met") != std::string::npos);
  CHECK(markdown.find("<details>") != std::string::npos);
  CHECK(markdown.find("Dashboard") == std::string::npos);
  auto json = report::CheckJson(check);
  CHECK(json["verdict"] == "fail");
  CHECK(json["summary"]["pending"] == 1);
  CHECK(json["comparison"]["benchmarks"].size() == 5);
}

TEST_CASE("A huge check stays under GitHub's comment limit and says what was omitted", "[report][check][truncation]") {
  auto config = config::ParseConfig(R"({"project": "big", "budgets": [{"benchmark": "*", "max_regression": "1%"},
                                                                     {"benchmark": "*", "metric": "p99", "max": "1ms"}]})");
  REQUIRE(config);
  model::Results base, head;
  for (int i = 0; i < 3000; ++i) {
    std::string name = "family/a_rather_long_benchmark_name_to_fill_the_comment/" + std::to_string(i);
    base.benchmarks.push_back(Bench(name, "real_time", "ns", Ramp(100, 110, 10)));
    head.benchmarks.push_back(Bench(name, "real_time", "ns", Ramp(200, 220, 10)));
  }
  auto result = detect::EvaluateCheck(*config, base, head);
  REQUIRE(result);
  auto markdown = report::CheckMarkdown(*result);
  CHECK(markdown.size() <= report::kGithubCommentLimit);
  CHECK(markdown.starts_with("<!-- perfgate:comment project=big -->\n### ❌ perfgate: fail — 3000 regressions"));
  CHECK(markdown.find("more rows omitted") != std::string::npos);
  CHECK(markdown.find("All results omitted") != std::string::npos);

  auto tiny = report::CheckMarkdown(*result, {.dashboard_url = "", .max_length = 300});
  CHECK(tiny.size() <= 300);
  CHECK(tiny.starts_with("<!-- perfgate:comment project=big -->"));
}
