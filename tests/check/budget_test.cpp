#include <catch2/catch.hpp>

#include "perfgate/config/config.hpp"
#include "perfgate/detect/budget_check.hpp"

using namespace perfgate;
using config::BudgetKind;
using config::BudgetLevel;
using detect::BudgetStatus;

namespace {

config::ConfigError ErrorOf(const std::string& text) {
  auto config = config::ParseConfig(text);
  REQUIRE_FALSE(config.has_value());
  return config.error();
}

config::Config ConfigOf(const std::string& text) {
  auto config = config::ParseConfig(text);
  INFO((config ? std::string() : config::ToString(config.error())));
  REQUIRE(config.has_value());
  return *config;
}

model::Benchmark Bench(const std::string& name, const std::string& metric, const std::string& unit,
                       std::vector<double> samples,
                       model::Direction direction = model::Direction::kLowerIsBetter) {
  model::Benchmark benchmark;
  benchmark.name = name;
  benchmark.metrics.push_back(model::Metric{metric, unit, direction, std::move(samples), {}});
  return benchmark;
}

model::Results ReportOf(std::vector<model::Benchmark> benchmarks) {
  model::Results report;
  report.format = "test";
  report.benchmarks = std::move(benchmarks);
  return report;
}

std::vector<double> Around(double center, std::size_t n, double spread = 0.01) {
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    values.push_back(center * (1 + spread * (static_cast<double>(i) / static_cast<double>(n) - 0.5)));
  }
  return values;
}

const detect::BudgetResult& Only(const detect::CheckResult& result) {
  REQUIRE(result.budgets.size() == 1);
  return result.budgets.front();
}

}  // namespace

TEST_CASE("The DESIGN.md example config parses into its budgets", "[check][config]") {
  auto config = ConfigOf(R"({ "project": "meshara", "baseline": { "branch": "main" },
    "defaults": { "metric": "real_time", "threshold": "5%", "alpha": 0.05, "level": "error" },
    "budgets": [
      { "benchmark": "e2e/private_message*", "metric": "p99", "max": "50ms" },
      { "benchmark": "throughput/*", "metric": "bytes_per_second", "min": "100MB/s", "stretch": "1GB/s" },
      { "benchmark": "*", "max_regression": "50%" },
      { "benchmark": "*", "max_cv": "5%", "level": "warn" },
      { "file": "build/libmeshara.so", "max_size": "10MB" },
      { "benchmark": "build/compile_time", "max": "120s" } ] })");
  CHECK(config.project == "meshara");
  CHECK(config.baseline_branch == "main");
  CHECK(config.defaults.threshold == Approx(0.05));
  REQUIRE(config.budgets.size() == 6);
  CHECK(config.budgets[0].limit.value == 5e7);
  CHECK(config.budgets[0].limit.unit == "ns");
  CHECK(config.budgets[1].kind == BudgetKind::kMin);
  CHECK(config.budgets[1].limit.unit == "B/s");
  CHECK(config.budgets[1].stretch->value == 1e9);
  CHECK(config.budgets[2].kind == BudgetKind::kMaxRegression);
  CHECK(config.budgets[2].limit.value == Approx(0.5));
  CHECK(config.budgets[3].kind == BudgetKind::kMaxCv);
  CHECK(config.budgets[3].level == BudgetLevel::kWarn);
  CHECK(config.budgets[4].pattern == "size/libmeshara.so");
  CHECK(config.budgets[4].limit.value == 1e7);
  CHECK(config.budgets[5].limit.value == 120e9);
}

TEST_CASE("Config errors name the key path", "[check][config]") {
  CHECK(ErrorOf("{").where == "");
  CHECK(ErrorOf("[]").reason.find("object") != std::string::npos);
  CHECK(ErrorOf(R"({"projekt": "x"})").where == "projekt");
  CHECK(ErrorOf(R"({"defaults": {"treshold": "5%"}})").where == "defaults.treshold");
  CHECK(ErrorOf(R"({"defaults": {"threshold": "5ms"}})").where == "defaults.threshold");
  CHECK(ErrorOf(R"({"defaults": {"alpha": 2}})").where == "defaults.alpha");
  CHECK(ErrorOf(R"({"defaults": {"level": "fatal"}})").where == "defaults.level");
  CHECK(ErrorOf(R"({"baseline": {"branch": 3}})").where == "baseline.branch");
  CHECK(ErrorOf(R"({"budgets": {}})").where == "budgets");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max": "1ms"}, {"benchmark": "b", "max": "5parsecs"}]})").where ==
        "budgets[1].max");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max": true}]})").where == "budgets[0].max");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "maximum": "1ms"}]})").where == "budgets[0].maximum");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a[", "max": "1ms"}]})").where == "budgets[0].benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": 7, "max": "1ms"}]})").where == "budgets[0].benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a"}]})").where == "budgets[0]");
  CHECK(ErrorOf(R"({"budgets": [{"max": "1ms"}]})").where == "budgets[0]");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "file": "b", "max": "1ms"}]})").where == "budgets[0]");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max": "1ms", "level": "loud"}]})").where == "budgets[0].level");
  CHECK(ErrorOf(R"({"budgets": [{"file": "a.so", "max_size": "10ms"}]})").where == "budgets[0].max_size");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max_size": "10MB"}]})").where == "budgets[0].max_size");
  CHECK(ErrorOf(R"({"budgets": [{"file": "a.so", "max": "10MB"}]})").where == "budgets[0].max");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max_cv": "5ms"}]})").where == "budgets[0].max_cv");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "statistic": "p42", "max": "1ms"}]})").where ==
        "budgets[0].statistic");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "stretch": "1ms"}]})").where == "budgets[0].stretch");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max_regression": "5%", "stretch": "1ms"}]})").where ==
        "budgets[0].stretch");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "min": "1GB/s", "stretch": "1MB/s"}]})").where ==
        "budgets[0].stretch");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "max": "10ms", "stretch": "1GB/s"}]})").where ==
        "budgets[0].stretch");
  CHECK(config::ToString(ErrorOf(R"({"budgets": [{"benchmark": "a", "max": "5parsecs"}]})"))
            .starts_with("budgets[0].max: "));
}

TEST_CASE("Globs match star, question mark and classes; bad globs are reported", "[check][glob]") {
  CHECK(config::GlobMatch("*", "anything/at/all"));
  CHECK(config::GlobMatch("e2e/private_message*", "e2e/private_message/1KiB"));
  CHECK_FALSE(config::GlobMatch("e2e/private_message*", "e2e/group_message"));
  CHECK(config::GlobMatch("BM_Sort/?4", "BM_Sort/64"));
  CHECK_FALSE(config::GlobMatch("BM_Sort/?4", "BM_Sort/1024"));
  CHECK(config::GlobMatch("size/[a-c]*.so", "size/b.so"));
  CHECK_FALSE(config::GlobMatch("size/[!a-c]*.so", "size/b.so"));
  CHECK(config::GlobMatch("x\\*y", "x*y"));
  CHECK_FALSE(config::GlobMatch("x\\*y", "xzy"));
  CHECK(config::GlobMatch("*/*/threads:2", "BM/a/threads:2"));
  // fnmatch(3) without flags: a leading dot is not special, "]" first in a class is literal, "^" negates.
  CHECK(config::GlobMatch("*", ".hidden/x"));
  CHECK(config::GlobMatch("[]x]", "]"));
  CHECK_FALSE(config::GlobMatch("[^a]", "a"));
  CHECK(config::GlobError("[abc"));
  CHECK(config::GlobError("[]"));
  CHECK(config::GlobError("a]"));
  CHECK(config::GlobError("trailing\\"));
  CHECK_FALSE(config::GlobError("a[]b]c"));
  CHECK_FALSE(config::GlobMatch("[abc", "[abc"));
}

TEST_CASE("A budget with no data is pending and never passes", "[check][pending]") {
  auto config = ConfigOf(R"({"budgets": [{"benchmark": "build/compile_time", "max": "120s"},
                                          {"benchmark": "net/*", "metric": "p99", "max": "5ms"}]})");
  auto head = ReportOf({Bench("BM_A", "real_time", "ns", {1, 2, 3})});
  auto result = detect::EvaluateCheck(config, std::nullopt, head);
  REQUIRE(result);
  REQUIRE(result->budgets.size() == 2);
  for (const auto& budget : result->budgets) {
    CHECK(budget.status == BudgetStatus::kPending);
    CHECK_FALSE(budget.actual);
  }
  CHECK(result->summary.pending == 2);
  CHECK(result->summary.met == 0);
  CHECK(result->passed);  // pending does not fail, but is not met either
}

TEST_CASE("Absolute limits on sample statistics are met, broken or warned", "[check][budget]") {
  std::vector<double> latencies;
  for (int i = 1; i <= 100; ++i) latencies.push_back(i * 1e6);  // 1..100 ms
  auto head = ReportOf({Bench("e2e/private_message", "real_time", "ns", latencies)});
  auto broken = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "e2e/*", "metric": "p99", "max": "50ms"}]})"), std::nullopt, head);
  REQUIRE(broken);
  CHECK(Only(*broken).status == BudgetStatus::kBroken);
  CHECK(Only(*broken).actual == Approx(99.01e6));
  CHECK(Only(*broken).statistic == "p99");
  CHECK_FALSE(broken->passed);

  auto met = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "e2e/*", "metric": "p50", "max": "60ms"}]})"), std::nullopt, head);
  CHECK(Only(*met).status == BudgetStatus::kMet);
  CHECK(met->passed);

  auto warned = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "e2e/*", "metric": "p99.9", "max": "50ms", "level": "warn"}]})"),
      std::nullopt, head);
  CHECK(Only(*warned).status == BudgetStatus::kWarning);
  CHECK(warned->passed);

  auto off = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "e2e/*", "metric": "max", "max": "1ms", "level": "off"}]})"),
      std::nullopt, head);
  CHECK(off->budgets.empty());
  CHECK(off->passed);

  auto statistic_key = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "e2e/*", "metric": "real_time", "statistic": "p95", "max": "96ms"}]})"),
      std::nullopt, head);
  CHECK(Only(*statistic_key).status == BudgetStatus::kMet);
}

TEST_CASE("A min_ratio of_benchmark budget holds a benchmark to a yardstick of the same run", "[check][budget][ratio]") {
  // A machine twice as slow doubles both: the ratio, not the time, is what is held.
  for (double machine : {1.0, 2.0}) {
    INFO("machine " << machine);
    auto head = ReportOf({Bench("BM_Parse", "cpu_time", "ns", {4e5 * machine, 5e5 * machine, 6e5 * machine}),
                          Bench("BM_Yardstick", "cpu_time", "ns", {1e6 * machine, 1.1e6 * machine})});
    auto config = ConfigOf(R"({"budgets": [{"benchmark": "BM_Parse", "metric": "cpu_time", "statistic": "min",
                               "min_ratio": "200%", "of_benchmark": "BM_Yardstick"}]})");
    auto met = detect::EvaluateCheck(config, std::nullopt, head);
    REQUIRE(met);
    CHECK(Only(*met).status == BudgetStatus::kMet);
    CHECK(*Only(*met).actual == Approx(1e6 / 4e5));  // a time: yardstick / head, min of each
    CHECK(*Only(*met).base_value == Approx(1e6 * machine));
    CHECK(met->passed);

    // The same path twice as slow on the same machine breaks it.
    head.benchmarks[0] = Bench("BM_Parse", "cpu_time", "ns", {8e5 * machine, 1e6 * machine});
    auto slower = detect::EvaluateCheck(config, std::nullopt, head);
    REQUIRE(slower);
    CHECK(Only(*slower).status == BudgetStatus::kBroken);
    CHECK(*Only(*slower).actual == Approx(1.25));
    CHECK_FALSE(slower->passed);
  }

  // A rate is held the other way round: head / yardstick.
  auto rates = ReportOf({Bench("ingest", "items_per_second", "/s", {700}, model::Direction::kHigherIsBetter),
                         Bench("floor", "items_per_second", "/s", {1000}, model::Direction::kHigherIsBetter)});
  auto rate = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "ingest", "metric": "items_per_second", "min_ratio": "50%", "of_benchmark": "floor"}]})"),
      std::nullopt, rates);
  REQUIRE(rate);
  CHECK(Only(*rate).status == BudgetStatus::kMet);
  CHECK(*Only(*rate).actual == Approx(0.7));

  // No yardstick in the run: pending, never passed; the note names it.
  auto alone = ReportOf({Bench("BM_Parse", "cpu_time", "ns", {4e5})});
  auto pending = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "BM_Parse", "metric": "cpu_time", "min_ratio": "50%", "of_benchmark": "BM_Yardstick"}]})"),
      std::nullopt, alone);
  REQUIRE(pending);
  CHECK(Only(*pending).status == BudgetStatus::kPending);
  CHECK_THAT(Only(*pending).note, Catch::Contains("BM_Yardstick"));

  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "of_benchmark": "b"}]})").where == "budgets[0].of_benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "min_ratio": "50%", "of_benchmark": ""}]})").where ==
        "budgets[0].of_benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "min_ratio": "50%", "of_benchmark": 3}]})").where ==
        "budgets[0].of_benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "min_ratio": "50%", "of_benchmark": "b", "of_testbed": "go"}]})")
            .where == "budgets[0].of_benchmark");
  CHECK(ErrorOf(R"({"budgets": [{"benchmark": "a", "min_ratio": "50%"}]})").where == "budgets[0].min_ratio");
}

TEST_CASE("Stretch goals are celebrated only at or beyond the stretch", "[check][stretch]") {
  auto config =
      ConfigOf(R"({"budgets": [{"benchmark": "throughput/*", "metric": "bytes_per_second", "min": "100MB/s", "stretch": "1GB/s"}]})");
  auto rate = [](double value) {
    return ReportOf({Bench("throughput/single", "bytes_per_second", "B/s", Around(value, 5),
                           model::Direction::kHigherIsBetter)});
  };
  CHECK(Only(*detect::EvaluateCheck(config, std::nullopt, rate(2e9))).status == BudgetStatus::kStretchMet);
  CHECK(Only(*detect::EvaluateCheck(config, std::nullopt, rate(5e8))).status == BudgetStatus::kMet);
  CHECK(Only(*detect::EvaluateCheck(config, std::nullopt, rate(5e7))).status == BudgetStatus::kBroken);
}

TEST_CASE("A limit whose unit does not fit the metric is an error naming the budget", "[check][units]") {
  auto config = ConfigOf(R"({"budgets": [{"benchmark": "*", "max": "1ms"},
                                          {"benchmark": "throughput/*", "metric": "bytes_per_second", "max": "1ms"}]})");
  auto head = ReportOf({Bench("throughput/single", "bytes_per_second", "B/s", {1e9, 1.1e9},
                              model::Direction::kHigherIsBetter)});
  auto result = detect::EvaluateCheck(config, std::nullopt, head);
  REQUIRE_FALSE(result);
  CHECK(result.error().where == "budgets[0].max");
  CHECK(result.error().reason.find("B/s") != std::string::npos);

  // Sizes fit sizes, rates of items fit "/s", cv takes a percentage.
  auto ops = ReportOf({Bench("req", "ops", "/s", {1000, 1100}, model::Direction::kHigherIsBetter)});
  CHECK(detect::EvaluateCheck(ConfigOf(R"({"budgets": [{"benchmark": "req", "min": "500/s"}]})"), std::nullopt, ops));
  CHECK_FALSE(detect::EvaluateCheck(ConfigOf(R"({"budgets": [{"benchmark": "req", "min": "500MB/s"}]})"),
                                    std::nullopt, ops));
  auto cv = detect::EvaluateCheck(ConfigOf(R"({"budgets": [{"benchmark": "req", "metric": "cv", "max": "10%"}]})"),
                                  std::nullopt, ops);
  REQUIRE(cv);
  CHECK(Only(*cv).limit == Approx(0.10));
  CHECK(Only(*cv).status == BudgetStatus::kMet);
}

TEST_CASE("Relative budgets read the baseline in the metric's direction", "[check][regression]") {
  auto config = ConfigOf(R"({"defaults": {"level": "warn"}, "budgets": [{"benchmark": "*", "max_regression": "50%", "level": "error"}]})");
  auto base = ReportOf({Bench("lat", "real_time", "ns", Around(100, 10)),
                        Bench("rate", "items_per_second", "/s", Around(1000, 10), model::Direction::kHigherIsBetter)});
  auto head = ReportOf({Bench("lat", "real_time", "ns", Around(160, 10)),
                        Bench("rate", "items_per_second", "/s", Around(400, 10), model::Direction::kHigherIsBetter)});
  auto result = detect::EvaluateCheck(config, base, head);
  REQUIRE(result);
  REQUIRE(result->budgets.size() == 2);
  CHECK(result->budgets[0].status == BudgetStatus::kBroken);
  CHECK(result->budgets[0].actual == Approx(0.6).epsilon(0.01));
  CHECK(result->budgets[1].status == BudgetStatus::kBroken);
  // One definition of change: head / base - 1 = -60 %, a 60 % regression of a rate.
  CHECK(result->budgets[1].actual == Approx(0.6).epsilon(0.01));
  CHECK(result->budgets[1].change == Approx(-0.6).epsilon(0.01));
  CHECK(result->summary.regressions == 2);         // the comparison agrees, in both directions
  CHECK(result->summary.failing_regressions == 0);  // regressions are warn-level here
  CHECK_FALSE(result->passed);                      // but the error-level budget breaks

  auto without_base = detect::EvaluateCheck(config, std::nullopt, head);
  REQUIRE(without_base);
  REQUIRE(without_base->budgets.size() == 1);
  CHECK(without_base->budgets[0].status == BudgetStatus::kPending);
}

TEST_CASE("A star regression budget covers every metric of a benchmark, each in its own direction", "[check][regression]") {
  auto config = ConfigOf(R"({"budgets": [{"benchmark": "*", "max_regression": "10%"}]})");
  auto base = ReportOf({Bench("copy", "real_time", "ns", Around(100, 10))});
  auto head = ReportOf({Bench("copy", "real_time", "ns", Around(100, 10))});
  // The same benchmark's throughput drops by a quarter while its time holds.
  model::MetricNamed(base.benchmarks[0], "bytes_per_second", "B/s", model::Direction::kHigherIsBetter).samples =
      Around(4e9, 10);
  model::MetricNamed(head.benchmarks[0], "bytes_per_second", "B/s", model::Direction::kHigherIsBetter).samples =
      Around(3e9, 10);
  auto result = detect::EvaluateCheck(config, base, head);
  REQUIRE(result);
  REQUIRE(result->budgets.size() == 2);
  CHECK(result->budgets[0].metric == "real_time");
  CHECK(result->budgets[0].status == BudgetStatus::kMet);
  CHECK(result->budgets[1].metric == "bytes_per_second");
  CHECK(result->budgets[1].status == BudgetStatus::kBroken);
  CHECK(result->budgets[1].change == Approx(-0.25).epsilon(0.01));
  CHECK_FALSE(result->passed);

  // Naming a metric narrows it to that one.
  auto named = detect::EvaluateCheck(
      ConfigOf(R"({"budgets": [{"benchmark": "*", "metric": "real_time", "max_regression": "10%"}]})"), base, head);
  REQUIRE(named);
  CHECK(named->budgets.size() == 1);
}

TEST_CASE("Regressions fail the check only at level error", "[check][regression]") {
  auto base = ReportOf({Bench("lat", "real_time", "ns", Around(100, 10))});
  auto head = ReportOf({Bench("lat", "real_time", "ns", Around(130, 10))});
  auto failing = detect::EvaluateCheck(ConfigOf("{}"), base, head);
  CHECK(failing->summary.failing_regressions == 1);
  CHECK_FALSE(failing->passed);
  auto warning = detect::EvaluateCheck(ConfigOf(R"({"defaults": {"level": "warn"}})"), base, head);
  CHECK(warning->summary.regressions == 1);
  CHECK(warning->passed);
  auto within = detect::EvaluateCheck(ConfigOf(R"({"defaults": {"threshold": "50%"}})"), base, head);
  CHECK(within->passed);
}

TEST_CASE("Custom metrics and file sizes are budgeted through their value", "[check][custom]") {
  auto config = ConfigOf(R"({"budgets": [{"benchmark": "build/compile_time", "max": "120s"},
                                          {"file": "out/libmeshara.so", "max_size": "10MB"}]})");
  auto head = ReportOf({Bench("build/compile_time", "value", "ns", {95e9}),
                        Bench("size/libmeshara.so", "value", "B", {12e6})});
  auto result = detect::EvaluateCheck(config, std::nullopt, head);
  REQUIRE(result);
  REQUIRE(result->budgets.size() == 2);
  CHECK(result->budgets[0].status == BudgetStatus::kMet);
  CHECK(result->budgets[1].status == BudgetStatus::kBroken);
  CHECK(result->budgets[1].actual == 12e6);
}

TEST_CASE("Statistics come from samples, else from the harness's aggregates", "[check][statistic]") {
  model::Metric metric{"real_time", "ns", model::Direction::kLowerIsBetter, {}, {{"mean", 10.0}, {"p99", 20.0}}};
  CHECK(detect::MetricStatistic(metric, "median") == 10.0);
  CHECK(detect::MetricStatistic(metric, "p99") == 20.0);
  CHECK_FALSE(detect::MetricStatistic(metric, "p95"));
  model::Metric one{"real_time", "ns", model::Direction::kLowerIsBetter, {5.0}, {}};
  CHECK(detect::MetricStatistic(one, "p99") == 5.0);
  CHECK_FALSE(detect::MetricStatistic(one, "cv"));
}

TEST_CASE("The baseline is the first ancestor on the baseline branch with results", "[check][baseline]") {
  using detect::BaselineCandidate;
  std::vector<BaselineCandidate> ancestors = {
      {"c3", "feature", true},   // an earlier push of the same PR
      {"c2", "main", false},     // the merge-base, not benchmarked
      {"c1", "main", true},      // below it, with results
  };
  CHECK(detect::ChooseBaseline(ancestors, "main") == 2u);
  CHECK(detect::ChooseBaseline(ancestors, "") == 0u);
  ancestors[2].has_results = false;
  CHECK(detect::ChooseBaseline(ancestors, "main") == 0u);  // falls back to the nearest ancestor with results
  ancestors[0].has_results = false;
  CHECK_FALSE(detect::ChooseBaseline(ancestors, "main"));
  CHECK_FALSE(detect::ChooseBaseline({}, "main"));
}
