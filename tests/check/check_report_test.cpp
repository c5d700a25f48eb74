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

// Compares the whole Markdown, byte for byte, with tests/fixtures/check/NAME.
// After an intended change of the report, regenerate the files and review the diff:
//   PERFGATE_UPDATE_GOLDEN=1 build/ci/tests/check/check_tests "[report][check]" && git diff tests/fixtures/check
void CheckGolden(const std::string& name, const std::string& actual) {
  auto path = testing::FixturePath("check/" + name);
  if (std::getenv("PERFGATE_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
  CHECK(actual == testing::ReadFile(path));
}

// Stored commits on one testbed: what gate::Check gives the doors for --head.
model::ResultsOrigin Origin(char letter, const std::string& branch) {
  return model::ResultsOrigin{.commit = std::string(40, letter), .branch = branch, .time = 1704103200, .testbed = "linux-x86_64"};
}

report::CheckReportOptions Public(const std::string& url = "https://perf.example.com") {
  return {.dashboard_url = url, .max_length = report::kGithubCommentLimit, .base = Origin('a', "main"), .head = Origin('b', "feature")};
}

// One value per side and no history: every change is inconclusive, so two
// benchmarks 37 % and 31 % slower pass inside a 50 % budget (the issue's case),
// beside a dozen unchanged ones.
detect::CheckResult PassWithBigChanges() {
  auto config = config::ParseConfig(R"({"project": "demo", "budgets": [{"benchmark": "*", "max_regression": "50%"}]})");
  REQUIRE(config);
  model::Results base, head;
  base.format = head.format = "test";
  base.benchmarks = {Bench("BM_VectorMicros", "real_time", "ns", {1000}), Bench("BM_X", "real_time", "ns", {2000}),
                     Bench("BM_Faster", "real_time", "ns", {500})};
  head.benchmarks = {Bench("BM_VectorMicros", "real_time", "ns", {1370}), Bench("BM_X", "real_time", "ns", {2620}),
                     Bench("BM_Faster", "real_time", "ns", {400})};
  for (int i = 0; i < 10; ++i) {
    base.benchmarks.push_back(Bench("BM_Steady/" + std::to_string(i), "real_time", "ns", {100.0 + i}));
    head.benchmarks.push_back(Bench("BM_Steady/" + std::to_string(i), "real_time", "ns", {100.5 + i}));
  }
  auto result = detect::EvaluateCheck(*config, base, head,
                                      {.base_label = "main @ aaaaaaa", .head_label = "feature @ bbbbbbb", .history_noise = {}});
  REQUIRE(result);
  return *result;
}

// Repetitions on both sides: BM_Parse/4096 20 % slower is a regression beyond the
// 5 % threshold although inside its 50 % budget; BM_Parse/64 is unchanged.
detect::CheckResult Regression() {
  auto config = config::ParseConfig(R"({"project": "demo", "baseline": {"branch": "main"},
    "budgets": [{"benchmark": "*", "max_regression": "50%"}, {"benchmark": "build/compile_time", "max": "2min"}]})");
  REQUIRE(config);
  model::Results base, head;
  base.format = head.format = "test";
  base.benchmarks = {Bench("BM_Parse/4096", "real_time", "ns", Ramp(9900, 10100, 9)),
                     Bench("BM_Parse/64", "real_time", "ns", Ramp(198, 202, 9))};
  head.benchmarks = {Bench("BM_Parse/4096", "real_time", "ns", Ramp(11880, 12120, 9)),
                     Bench("BM_Parse/64", "real_time", "ns", Ramp(198, 202.2, 9))};
  auto result = detect::EvaluateCheck(*config, base, head,
                                      {.base_label = "main @ aaaaaaa", .head_label = "feature @ bbbbbbb", .history_noise = {}});
  REQUIRE(result);
  return *result;
}

}  // namespace

TEST_CASE("Markdown check report matches the golden file", "[report][check]") {
  // Budget breaches and a regression, with trend pictures and the compare link.
  CheckGolden("check_mixed.md", report::CheckMarkdown(MixedCheck(), Public()));
}

TEST_CASE("A pass headline names the biggest changes inside their budgets", "[report][check]") {
  auto check = PassWithBigChanges();
  REQUIRE(check.passed);
  auto markdown = report::CheckMarkdown(check, Public());
  CHECK_THAT(markdown, Catch::Contains("### ✅ perfgate: pass — +37 % `BM_VectorMicros`, +31 % `BM_X`, inside their 50 % budgets (demo)\n"));
  CheckGolden("check_pass_big_changes.md", markdown);
}

TEST_CASE("A regression leads the report with its trend picture", "[report][check]") {
  auto check = Regression();
  REQUIRE_FALSE(check.passed);
  auto markdown = report::CheckMarkdown(check, Public("https://perf.example.com/"));
  CHECK(markdown.starts_with("<!-- perfgate:comment project=demo -->\n### ❌ perfgate: fail — 1 regression; +20 % `BM_Parse/4096`, inside its 50 % budget (demo)\n"));
  CHECK_THAT(markdown, Catch::Contains("![trend of BM_Parse/4096](https://perf.example.com/api/v1/projects/demo/series.svg?"
                                       "benchmark=BM_Parse%2F4096&metric=real_time&branch=main&testbed=linux-x86_64&head=" +
                                       std::string(40, 'b') + ")"));
  CHECK_THAT(markdown, Catch::Contains("[Compare in the dashboard](https://perf.example.com/projects/demo/compare?base=" +
                                       std::string(40, 'a') + "&head=" + std::string(40, 'b') + "&testbed=linux-x86_64)"));
  CheckGolden("check_regression.md", markdown);
}

TEST_CASE("Without a public URL the report has no pictures and no links", "[report][check]") {
  auto options = Public("");
  auto markdown = report::CheckMarkdown(Regression(), options);
  CHECK(markdown.find("](") == std::string::npos);
  CHECK(markdown.find("Trend") == std::string::npos);
  CheckGolden("check_regression_no_url.md", markdown);

  // A results file as the head: the dashboard's project page, no pictures.
  auto file_head = Public();
  file_head.head.reset();
  auto linked = report::CheckMarkdown(Regression(), file_head);
  CHECK_THAT(linked, Catch::Contains("[Dashboard](https://perf.example.com/projects/demo)"));
  CHECK(linked.find("series.svg") == std::string::npos);
}

TEST_CASE("Met and pending budgets are folded, breaches are not", "[report][check]") {
  auto markdown = report::CheckMarkdown(MixedCheck());
  auto targets = markdown.find("#### Targets vs Actual");
  REQUIRE(targets != std::string::npos);
  auto broken = markdown.find("❌ broken |", targets);
  auto folded = markdown.find("<details><summary>5 ✅ met, 1 🎯 stretch met, 1 ⏳ pending</summary>", targets);
  auto met = markdown.find("✅ met |", targets);
  REQUIRE(broken != std::string::npos);
  REQUIRE(folded != std::string::npos);
  CHECK(broken < folded);
  CHECK(folded < met);
  CHECK(markdown.find("#### Regressions and budget breaches") < targets);
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

TEST_CASE("A ratio to a yardstick reads as a percentage, or as a factor from ten up", "[report][check][ratio]") {
  auto config = config::ParseConfig(R"({"budgets": [
      {"benchmark": "BM_Tiny", "metric": "cpu_time", "min_ratio": 4470, "of_benchmark": "BM_YardstickSort"},
      {"benchmark": "BM_Big", "metric": "cpu_time", "min_ratio": "40%", "of_benchmark": "BM_YardstickSort"}]})");
  REQUIRE(config);
  model::Results head;
  head.benchmarks = {Bench("BM_Tiny", "cpu_time", "ns", {200}), Bench("BM_Big", "cpu_time", "ns", {2e6}),
                     Bench("BM_YardstickSort", "cpu_time", "ns", {1.5e6})};
  auto result = detect::EvaluateCheck(*config, std::nullopt, head);
  REQUIRE(result);
  auto markdown = report::CheckMarkdown(*result);
  CHECK_THAT(markdown, Catch::Contains("| ≥ 4470× of BM_YardstickSort | 7500× | ✅ met |"));
  CHECK_THAT(markdown, Catch::Contains("| ≥ 40.00% of BM_YardstickSort | 75.00% | ✅ met |"));
}

TEST_CASE("The report leads with the verdict and carries the comment marker", "[report][check]") {
  auto check = MixedCheck();
  auto markdown = report::CheckMarkdown(check);
  CHECK(markdown.starts_with("<!-- perfgate:comment project=meshara -->\n### ❌ perfgate: fail"));
  CHECK(markdown.find("⏳ pending") != std::string::npos);
  CHECK(markdown.find("🎯 stretch met") != std::string::npos);
  CHECK(markdown.find("<details>") != std::string::npos);
  CHECK(markdown.find("dashboard") == std::string::npos);
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

  // Trend pictures make each row longer; the comment still fits, breaches kept to the last.
  auto pictured = report::CheckMarkdown(*result, Public());
  CHECK(pictured.size() <= report::kGithubCommentLimit);
  CHECK_THAT(pictured, Catch::Contains("/series.svg?benchmark=family%2Fa_rather_long_benchmark_name_to_fill_the_comment%2F0&"));
  CHECK_THAT(pictured, Catch::Contains("more rows omitted"));

  auto tiny = report::CheckMarkdown(*result, {.dashboard_url = "", .max_length = 300});
  CHECK(tiny.size() <= 300);
  CHECK(tiny.starts_with("<!-- perfgate:comment project=big -->"));
}

TEST_CASE("Loopback server URLs are told from public ones", "[report][check]") {
  for (const char* url : {"http://127.0.0.1:8080", "http://localhost:8080/", "https://LOCALHOST", "http://[::1]:80/x",
                          "http://0.0.0.0:8080", "http://127.10.0.3", "http://user@localhost", "http://api.localhost"}) {
    INFO(url);
    CHECK(report::IsLoopbackUrl(url));
  }
  for (const char* url : {"https://perf.example.com", "http://10.0.0.5:8080", "http://127.example.com",
                          "http://[2001:db8::1]:8080", "https://perf.example.com/localhost"}) {
    INFO(url);
    CHECK_FALSE(report::IsLoopbackUrl(url));
  }
}

TEST_CASE("A dashboard URL that would break the Markdown is refused", "[report][check]") {
  CHECK_FALSE(report::DashboardUrlProblem("https://perf.example.com"));
  CHECK_FALSE(report::DashboardUrlProblem("http://10.0.0.5:8080/perfgate"));
  CHECK(report::DashboardUrlProblem("perf.example.com"));
  CHECK(report::DashboardUrlProblem("https://"));
  CHECK(report::DashboardUrlProblem("ftp://perf.example.com"));
  CHECK(report::DashboardUrlProblem("https://perf.example.com/a b"));
  CHECK(report::DashboardUrlProblem("https://perf.example.com/x)![y](z"));
}
