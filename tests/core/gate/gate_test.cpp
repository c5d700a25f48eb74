// The use cases over a real (in-memory) SQLite store.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "perfgate/gate/alerts.hpp"
#include "perfgate/gate/baseline.hpp"
#include "perfgate/gate/check.hpp"
#include "perfgate/gate/compare.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/gate/noise.hpp"
#include "perfgate/gate/overview.hpp"
#include "perfgate/gate/refs.hpp"
#include "perfgate/gate/series.hpp"
#include "perfgate/store/sqlite_store.hpp"

using namespace perfgate;

namespace {

std::string Sha(char c) { return std::string(40, c); }

model::Results Results(const std::string& benchmark, const std::vector<double>& values, const std::string& metric = "real_time") {
  model::Results report{.format = "gbench", .context = {}, .benchmarks = {}};
  model::Benchmark& row = report.BenchmarkNamed(benchmark);
  model::MetricNamed(row, metric, "ns", model::Direction::kLowerIsBetter).samples = values;
  return report;
}

void Store(store::Store& db, const std::string& sha, const std::string& parent, const std::string& branch, std::int64_t time,
           const model::Results& results, const std::string& testbed = "default") {
  db.Ingest(store::RunInput{.project = "p",
                            .commit = {.sha = sha, .parent = parent, .branch = branch, .time = time, .pull_request = {}},
                            .testbed = testbed, .report = results, .received_at = time});
}

gate::CompareRequest Refs(const std::string& base, const std::string& head) {
  gate::CompareRequest request;
  request.project = "p";
  request.base.ref = base;
  request.head.ref = head;
  return request;
}

}  // namespace

TEST_CASE("A metric that no benchmark has is refused, naming the metrics that exist", "[gate][compare]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_A", {1, 2, 3}));
  Store(*db, Sha('b'), Sha('a'), "main", 2, Results("BM_A", {1, 2, 3}));
  gate::CompareRequest request = Refs(Sha('a'), Sha('b'));
  request.options.metric = "cpu_tme";
  auto outcome = gate::CompareSides(db.get(), request);
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == gate::ErrorKind::kInvalidInput);
  CHECK(outcome.error().where == "metric");
  CHECK_THAT(outcome.error().message, Catch::Contains("cpu_tme") && Catch::Contains("real_time"));
}

TEST_CASE("A testbed without results is refused, naming the testbeds the commit has", "[gate][testbed]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_A", {1, 2, 3}), "go");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_A", {1, 2, 3}), "rust");
  gate::CompareRequest request = Refs(Sha('a'), Sha('a'));
  request.testbed = "zig";
  auto outcome = gate::CompareSides(db.get(), request);
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == gate::ErrorKind::kNotFound);
  CHECK_THAT(outcome.error().message, Catch::Contains("zig") && Catch::Contains("go, rust"));

  // Without one, a testbed both sides ran on; "default" is not invented.
  auto chosen = gate::ChooseTestbed(*db, "p", "testbed", "", {*db->FindCommit("p", Sha('a'))});
  REQUIRE(chosen);
  CHECK(*chosen == "go");
}

TEST_CASE("Two implementations on one commit compare through a name mapping", "[gate][compare][testbed]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_Stream", {100, 101, 102, 100, 101}), "go");
  Store(*db, Sha('a'), "", "main", 1, Results("bench_stream", {150, 151, 152, 150, 151}), "rust");
  gate::CompareRequest request = Refs(Sha('a'), Sha('a'));
  request.base.testbed = "go";
  request.head.testbed = "rust";
  request.name_map = {{"BM_Stream", "bench_stream"}};
  auto outcome = gate::CompareSides(db.get(), request);
  REQUIRE(outcome);
  REQUIRE(outcome->comparison.benchmarks.size() == 1);
  const detect::BenchmarkComparison& row = outcome->comparison.benchmarks[0];
  CHECK(row.name == "BM_Stream");
  REQUIRE(row.ratio);
  CHECK(*row.ratio == Approx(151.0 / 101.0));
  CHECK(outcome->base->testbed == "go");
  CHECK(outcome->head->testbed == "rust");

  request.name_map = {{"BM_Stream", "bench_strem"}};
  auto typo = gate::CompareSides(db.get(), request);
  REQUIRE_FALSE(typo);
  CHECK_THAT(typo.error().message, Catch::Contains("bench_stream"));
}

TEST_CASE("A baseline is never newer than the head it judges", "[gate][baseline]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 100, Results("BM_A", {1}));
  Store(*db, Sha('c'), Sha('a'), "main", 300, Results("BM_A", {1}));
  // Stored without --parent, between the two main commits.
  Store(*db, Sha('h'), "", "feature", 200, Results("BM_A", {1}));
  auto baseline = gate::FindBaseline(*db, gate::BaselineQuery{.project = "p", .testbed = "default",
                                                              .head = db->FindCommit("p", Sha('h')), .branch = "main",
                                                              .event_base_sha = ""});
  REQUIRE(baseline);
  CHECK(baseline->commit.sha == Sha('a'));

  // Older than every main commit: nothing qualifies.
  Store(*db, Sha('e'), "", "feature", 50, Results("BM_A", {1}));
  CHECK_FALSE(gate::FindBaseline(*db, gate::BaselineQuery{.project = "p", .testbed = "default",
                                                          .head = db->FindCommit("p", Sha('e')), .branch = "main",
                                                          .event_base_sha = Sha('c')}));
}

TEST_CASE("The merge-base on the baseline branch is the baseline, not the newest main commit", "[gate][baseline]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_A", {1}));
  Store(*db, Sha('b'), Sha('a'), "main", 2, Results("BM_A", {1}));
  Store(*db, Sha('f'), Sha('a'), "feature", 3, Results("BM_A", {1}));
  auto baseline = gate::FindBaseline(*db, gate::BaselineQuery{.project = "p", .testbed = "default",
                                                              .head = db->FindCommit("p", Sha('f')), .branch = "",
                                                              .event_base_sha = ""});
  REQUIRE(baseline);
  CHECK(baseline->commit.sha == Sha('a'));  // "" = the mainline, main
  CHECK(baseline->reason == "ancestor on main");
}

TEST_CASE("History noise is the scaled MAD over the median of the newest commits", "[gate][noise]") {
  auto db = store::OpenSqliteStore(":memory:");
  std::vector<double> values = {100, 101, 99, 100, 102, 100, 160};  // one outlier barely moves it
  for (std::size_t i = 0; i < values.size(); ++i) {
    Store(*db, Sha(static_cast<char>('a' + i)), "", "main", static_cast<std::int64_t>(i + 1), Results("BM_A", {values[i]}));
  }
  auto noise = gate::HistoryNoise(*db, "p", "main", "default")("BM_A", "real_time");
  REQUIRE(noise);
  // median 100; absolute deviations {0,1,1,0,2,0,60} -> median 1; 1.4826 * 1 / 100.
  CHECK(*noise == Approx(0.014826).epsilon(1e-3));
  CHECK_FALSE(gate::HistoryNoise(*db, "p", "feature", "default")("BM_A", "real_time"));
}

TEST_CASE("Thresholds, alphas and name mappings are parsed once for both doors", "[gate][input]") {
  CHECK(*gate::ParseThreshold("threshold", "5%") == Approx(0.05));
  CHECK(*gate::ParseThreshold("threshold", "0.1") == Approx(0.1));
  CHECK_FALSE(gate::ParseThreshold("threshold", "lots"));
  CHECK_THAT(gate::ParseThreshold("--threshold", "-1%").error().message, Catch::StartsWith("--threshold"));
  CHECK_FALSE(gate::ParseAlpha("alpha", "1"));
  CHECK(*gate::ParseAlpha("alpha", "0.01") == Approx(0.01));
  auto mapping = gate::ParseNameMapping("map", "a=b=c");
  REQUIRE(mapping);
  CHECK(mapping->first == "a");
  CHECK(mapping->second == "b=c");
  CHECK_FALSE(gate::ParseNameMapping("map", "=b"));
}

TEST_CASE("A min_ratio budget holds one testbed to a ratio of another on the same commit", "[gate][check][testbed]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("stream", {100, 100, 100}), "go");
  Store(*db, Sha('a'), "", "main", 1, Results("stream", {103, 103, 103}), "rust");
  Store(*db, Sha('b'), "", "main", 2, Results("stream", {110, 110, 110}), "rust");
  auto config = config::ParseConfig(
      R"({"budgets": [{"benchmark": "stream", "min_ratio": "95%", "of_testbed": "go"}]})");
  REQUIRE(config);
  auto check = [&](const std::string& head) {
    gate::CheckRequest request;
    request.project = "p";
    request.head.ref = head;
    request.testbed = "rust";
    return gate::Check(db.get(), *config, request);
  };
  auto near = check(Sha('a'));
  REQUIRE(near);
  REQUIRE(near->result.budgets.size() == 1);
  const detect::BudgetResult& met = near->result.budgets[0];
  CHECK(met.status == detect::BudgetStatus::kMet);
  CHECK(*met.actual == Approx(100.0 / 103.0));  // a time: go / rust, at least 95 %
  CHECK(*met.change == Approx(103.0 / 100.0 - 1));

  // A commit that never ran on go has nothing to be held against: pending, not passed.
  auto alone = check(Sha('b'));
  REQUIRE(alone);
  CHECK(alone->result.budgets[0].status == detect::BudgetStatus::kPending);
  CHECK_THAT(alone->result.budgets[0].note, Catch::Contains("testbed go"));

  Store(*db, Sha('b'), "", "main", 2, Results("stream", {100, 100, 100}), "go");
  auto slower = check(Sha('b'));
  REQUIRE(slower);
  CHECK(slower->result.budgets[0].status == detect::BudgetStatus::kBroken);
  CHECK_FALSE(slower->result.passed);

  CHECK_FALSE(config::ParseConfig(R"({"budgets": [{"benchmark": "stream", "min_ratio": "95%"}]})"));
}

TEST_CASE("Alerts call a shift worse by its metric's direction and skip the small ones", "[gate][alerts]") {
  auto db = store::OpenSqliteStore(":memory:");
  model::Results first = Results("BM_A", {100});
  model::MetricNamed(first.benchmarks[0], "items_per_second", "/s", model::Direction::kHigherIsBetter).samples = {50};
  Store(*db, Sha('a'), "", "main", 1, first);
  Store(*db, Sha('b'), Sha('a'), "main", 2, first);
  // Every series shifts by +10 % at its second point; a 1 % one is below min_change.
  auto changes_of = [](const store::Series& series) {
    std::vector<gate::SeriesShift> shifts{{1, 100, 110, 0.10, 0.001}};
    if (series.metric.name == "real_time") shifts.push_back({1, 100, 101, 0.01, 0.001});
    return shifts;
  };
  gate::AlertsAnswer answer = gate::FindAlerts(*db, gate::AlertsQuery{.project = "p"}, changes_of);
  CHECK(answer.branch == "main");  // the mainline
  REQUIRE(answer.alerts.size() == 2);
  for (const gate::Alert& alert : answer.alerts) {
    CHECK(alert.commit == Sha('b'));
    CHECK(alert.base == Sha('a'));
    CHECK(alert.regression == (alert.metric.name == "real_time"));  // a faster rate is better
  }
  CHECK(gate::FindAlerts(*db, gate::AlertsQuery{.project = "p", .metric = "items_per_second"}, changes_of).alerts.size() == 1);
  CHECK(gate::FindAlerts(*db, gate::AlertsQuery{.project = "p", .limit = 1}, changes_of).alerts.size() == 1);
}

TEST_CASE("A series comes with its change points, by the caller's strategy or detected afresh", "[gate][series]") {
  auto db = store::OpenSqliteStore(":memory:");
  for (int i = 0; i < 30; ++i) {
    double value = (i < 20 ? 100.0 : 130.0) * (1 + ((i * 37) % 11 - 5) * 0.002);
    Store(*db, Sha(static_cast<char>('A' + i)), i ? Sha(static_cast<char>('A' + i - 1)) : "", "main", 100 + i,
          Results("BM_Step", {value}));
  }
  gate::SeriesRequest request{.project = "p", .benchmark = "BM_Step"};
  auto detected = gate::SeriesWithChanges(*db, request);
  REQUIRE(detected);
  CHECK(detected->series.points.size() == 30);
  REQUIRE(detected->changes.size() == 1);
  CHECK(detected->changes[0].index == 20);

  std::size_t calls = 0;
  auto strategy = [&](const store::Series& series) {
    ++calls;
    return std::vector<detect::SeriesChange>{{series.points.size() - 1, 1, 2, 1, 0.5}};
  };
  auto cached = gate::SeriesWithChanges(*db, request, strategy);
  REQUIRE(cached);
  CHECK(calls == 1);
  REQUIRE(cached->changes.size() == 1);
  CHECK(cached->changes[0].index == 29);
}

TEST_CASE("A series the store does not have is not found, naming what was asked for", "[gate][series]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "main", 1, Results("BM_A", {100}));
  auto missing = gate::SeriesWithChanges(*db, gate::SeriesRequest{.project = "p", .benchmark = "BM_B", .metric = "cpu_time"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == gate::ErrorKind::kNotFound);
  CHECK(missing.error().code == "series_not_found");
  CHECK(missing.error().message == "no series for benchmark BM_B, metric cpu_time in project p");
}

namespace {

model::Results Suite(double slow, double fast, double same, bool with_new = false) {
  model::Results report{.format = "gbench", .context = {}, .benchmarks = {}};
  auto add = [&](const std::string& name, double level) {
    model::Benchmark& row = report.BenchmarkNamed(name);
    model::MetricNamed(row, "real_time", "ns", model::Direction::kLowerIsBetter).samples = {
        level * 1.000, level * 1.004, level * 0.996, level * 1.002, level * 0.998, level * 1.001, level * 0.999};
  };
  add("BM_Parse/64", slow);
  add("BM_Sort/64", fast);
  add("BM_Hash/64", same);
  if (with_new) add("BM_New/1", 10);
  return report;
}

// Eight mainline commits on testbed "x86"; the newest makes BM_Parse 30 % slower
// and BM_Sort 30 % faster; a feature branch forks from the sixth.
std::unique_ptr<store::Store> OverviewStore() {
  auto db = store::OpenSqliteStore(":memory:");
  std::string parent;
  for (int i = 0; i < 8; ++i) {
    std::string sha = Sha(static_cast<char>('a' + i));
    bool last = i == 7;
    Store(*db, sha, parent, "main", 100 + i, Suite(last ? 130 : 100, last ? 70 : 100, 100, last), "x86");
    parent = sha;
  }
  Store(*db, Sha('z'), Sha('f'), "feature", 200, Suite(100, 100, 150), "x86");
  return db;
}

}  // namespace

TEST_CASE("The overview leads with regressions, decided as check decides, on the mainline's head", "[gate][overview]") {
  auto db = OverviewStore();
  auto overview = gate::ProjectOverview(*db, gate::OverviewQuery{.project = "p"});
  REQUIRE(overview);
  CHECK(overview->branch == "main");
  CHECK(overview->baseline_branch == "main");
  CHECK(overview->testbed == "x86");  // the testbed the project has, not a made-up "default"
  CHECK(overview->head.sha == Sha('h'));
  REQUIRE(overview->base);
  CHECK(overview->base->sha == Sha('g'));  // the previous mainline commit with results
  CHECK(overview->metric == "real_time");
  REQUIRE(overview->benchmarks.size() == 4);
  CHECK(overview->benchmarks[0].benchmark == "BM_Parse/64");
  CHECK(overview->benchmarks[0].status == gate::OverviewStatus::kRegressed);
  CHECK(overview->benchmarks[0].family == "BM_Parse");
  CHECK(overview->benchmarks[0].change.value() == Approx(0.30));
  CHECK(overview->benchmarks[0].latest.sha == Sha('h'));
  CHECK(overview->benchmarks[0].baseline->sha == Sha('g'));
  CHECK(overview->benchmarks[0].sparkline.size() == 8);
  CHECK(overview->benchmarks[1].benchmark == "BM_Sort/64");
  CHECK(overview->benchmarks[1].status == gate::OverviewStatus::kImproved);
  CHECK(overview->counts.regressed == 1);
  CHECK(overview->counts.improved == 1);
  CHECK(overview->counts.unchanged == 1);
  CHECK(overview->counts.no_baseline == 1);
  CHECK(overview->benchmarks.back().benchmark == "BM_New/1");
  CHECK(overview->benchmarks.back().status == gate::OverviewStatus::kNoBaseline);

  // The same head and baseline through the check the CLI runs give the same verdicts.
  gate::CheckRequest request{.project = "p", .head = {}, .base = std::nullopt, .testbed = "", .event_base_sha = ""};
  request.head.ref = "main";
  auto checked = gate::Check(db.get(), config::Config{}, request);
  REQUIRE(checked);
  CHECK(checked->result.summary.regressions == overview->counts.regressed);
  CHECK(checked->result.summary.improvements == overview->counts.improved);
}

TEST_CASE("A feature branch's overview is judged against the mainline at its merge base", "[gate][overview]") {
  auto db = OverviewStore();
  auto overview = gate::ProjectOverview(*db, gate::OverviewQuery{.project = "p", .branch = "feature"});
  REQUIRE(overview);
  CHECK(overview->baseline_branch == "main");
  REQUIRE(overview->base);
  CHECK(overview->base->sha == Sha('f'));
  CHECK(overview->benchmarks[0].benchmark == "BM_Hash/64");
  CHECK(overview->benchmarks[0].status == gate::OverviewStatus::kRegressed);
  CHECK(overview->benchmarks[0].sparkline.size() == 1);  // the branch's own series
}

TEST_CASE("A broken budget of the stored config comes before every regression", "[gate][overview]") {
  auto db = OverviewStore();
  auto config = config::ParseConfig(R"({"budgets":[{"benchmark":"BM_Hash/*","max":"50ns"}]})");
  REQUIRE(config);
  auto overview = gate::ProjectOverview(*db, gate::OverviewQuery{.project = "p", .config = *config});
  REQUIRE(overview);
  CHECK(overview->benchmarks[0].benchmark == "BM_Hash/64");
  CHECK(overview->benchmarks[0].status == gate::OverviewStatus::kBudgetBroken);
  CHECK(overview->counts.budget_broken == 1);
  CHECK(overview->counts.unchanged == 0);
}

TEST_CASE("Overview defaults: the config's baseline branch, else the mainline, else the most active branch", "[gate][overview]") {
  auto db = store::OpenSqliteStore(":memory:");
  Store(*db, Sha('a'), "", "develop", 1, Results("BM_A", {1, 2, 3}), "arm");
  Store(*db, Sha('b'), Sha('a'), "release", 2, Results("BM_A", {1, 2, 3}), "arm");
  CHECK(gate::DefaultBranch(*db, "p", "") == "release");
  CHECK(gate::DefaultBranch(*db, "p", "develop") == "develop");
  CHECK(gate::DefaultBranch(*db, "p", "gone") == "release");
  Store(*db, Sha('c'), "", "master", 0, Results("BM_A", {1, 2, 3}), "arm");
  CHECK(gate::DefaultBranch(*db, "p", "") == "master");

  auto unknown = gate::ProjectOverview(*db, gate::OverviewQuery{.project = "p", .branch = "nope"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == gate::ErrorKind::kNotFound);
  CHECK(unknown.error().where == "branch");
  CHECK_THAT(unknown.error().message, Catch::Contains("develop"));
  auto missing = gate::ProjectOverview(*db, gate::OverviewQuery{.project = "q"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "project_not_found");
}

TEST_CASE("Results are readied for storing: bad names refused, free text made valid UTF-8", "[gate][ingest]") {
  const std::string fffd = "\xEF\xBF\xBD";
  model::Results results{.format = "gotest"};
  results.context["pkg"] = "example.com/caf\xE9";
  results.context["c\xFF"] = "key";
  model::Benchmark& failed = results.BenchmarkNamed("BenchmarkFails");
  failed.error = "edge_test.go:12: got \xFF\xFE";
  model::Benchmark& labelled = results.BenchmarkNamed("BenchmarkLabel");
  labelled.label = "ok \xC3";
  model::MetricNamed(labelled, "real_time", "ns", model::Direction::kLowerIsBetter).samples = {1.0};
  REQUIRE_FALSE(gate::PrepareResults(results));
  CHECK(results.context.at("pkg") == "example.com/caf" + fffd);
  CHECK(results.context.at("c" + fffd) == "key");
  CHECK(*results.benchmarks[0].error == "edge_test.go:12: got " + fffd + fffd);
  CHECK(results.benchmarks[1].label == "ok " + fffd);
  CHECK(results.benchmarks[1].metrics[0].samples == std::vector<double>{1.0});

  model::Results named{.format = "gotest"};
  named.BenchmarkNamed("BenchmarkOk").label = "caf\xE9";
  named.BenchmarkNamed("Benchmark\xFF");
  auto problem = gate::PrepareResults(named);
  REQUIRE(problem);
  CHECK(problem->where == "benchmark 2");
  CHECK(problem->message == "benchmark 2 name: not valid UTF-8");
  CHECK(named.benchmarks[0].label == "caf\xE9");  // refused: nothing was changed
}
