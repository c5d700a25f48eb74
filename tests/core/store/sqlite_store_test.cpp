#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>
#include <tuple>

#include "../../test_support.hpp"
#include "perfgate/store/copy.hpp"
#include "perfgate/store/open.hpp"
#include "perfgate/store/sqlite_store.hpp"
#include "store_backend.hpp"

using namespace perfgate;
using store::CommitInfo;
using store::RunInput;

namespace {

// The store under test: SQLite in memory, or a fresh database on the test
// PostgreSQL cluster in the store_postgres_tests build of this file. Tests
// tagged [sqlite] are about SQLite's own file and run only there.
std::unique_ptr<store::Store> OpenTestStore() { return store::OpenStore(testing::FreshStoreLocation()); }

model::Results MakeReport(std::vector<double> samples, const std::string& name = "BM_Sort/64") {
  model::Results report{.format = "gbench"};
  model::Benchmark& benchmark = report.BenchmarkNamed(name);
  model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter).samples = std::move(samples);
  model::MetricNamed(benchmark, "items_per_second", "/s", model::Direction::kHigherIsBetter).samples = {1e6};
  return report;
}

RunInput MakeRun(const std::string& sha, std::int64_t time, model::Results report, const std::string& branch = "main",
                 const std::string& parent = "") {
  return RunInput{.project = "demo",
                  .commit = CommitInfo{.sha = sha, .parent = parent, .branch = branch, .time = time},
                  .testbed = "default",
                  .report = std::move(report),
                  .received_at = time};
}

std::string Sha(int i) {
  char buffer[41];
  std::snprintf(buffer, sizeof buffer, "%040x", i * 2654435761u);
  return buffer;
}

}  // namespace

TEST_CASE("A stored run comes back with its samples, aggregates, errors and fits", "[store]") {
  auto db = OpenTestStore();
  model::Results report = MakeReport({10, 12, 11});
  report.benchmarks[0].label = "lbl";
  report.benchmarks[0].metrics[0].aggregates = {{"mean", 11.0}, {"cv", 0.05}};
  report.benchmarks[0].metrics[0].samples.push_back(std::nan(""));
  model::Benchmark& failed = report.BenchmarkNamed("BM_Broken");
  failed.error = "could not open";
  failed.skipped = true;
  report.BenchmarkNamed("BM_Sort").fits.push_back({.metric = "real_time", .complexity = "NlgN", .coefficient = 2.5, .unit = "ns", .rms = 0.1});

  auto outcome = db->Ingest(MakeRun(Sha(1), 1000, report));
  CHECK(outcome.created);
  CHECK(outcome.benchmarks == 3);
  CHECK(outcome.samples == 5);

  auto loaded = db->LoadCommitResults("demo", Sha(1), "");
  REQUIRE(loaded);
  const auto* sort = loaded->FindBenchmark("BM_Sort/64");
  REQUIRE(sort);
  CHECK(sort->label == "lbl");
  const auto* real_time = sort->FindMetric("real_time");
  REQUIRE(real_time->samples.size() == 4);
  CHECK(real_time->samples[0] == 10);
  CHECK(std::isnan(real_time->samples[3]));
  CHECK(real_time->aggregates.at("cv") == 0.05);
  CHECK(sort->FindMetric("items_per_second")->direction == model::Direction::kHigherIsBetter);
  CHECK(loaded->FindBenchmark("BM_Broken")->error == "could not open");
  CHECK(loaded->FindBenchmark("BM_Broken")->skipped);
  CHECK(loaded->FindBenchmark("BM_Sort")->fits.at(0).rms == 0.1);
}

TEST_CASE("Re-ingesting the same content is idempotent", "[store]") {
  auto db = OpenTestStore();
  auto first = db->Ingest(MakeRun(Sha(1), 1000, MakeReport({10, 12, 11})));
  auto second = db->Ingest(MakeRun(Sha(1), 1000, MakeReport({10, 12, 11})));
  CHECK(first.created);
  CHECK_FALSE(second.created);
  CHECK(second.run_id == first.run_id);
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64"});
  REQUIRE(series);
  REQUIRE(series->points.size() == 1);
  CHECK(series->points[0].n == 3);
}

TEST_CASE("Re-ingesting a large file is idempotent, and one changed sample makes it a new run", "[store]") {
  // 1,000 benchmarks: the digest is computed on a second thread beside the
  // benchmarks' inserts, and the check for an identical run comes after them.
  auto large = [](double last) {
    model::Results report = MakeReport({10, 12, 11});
    for (int i = 0; i < 1000; ++i) {
      model::Benchmark& benchmark = report.BenchmarkNamed("BM_Large/" + std::to_string(i));
      model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter).samples = {100.0 + i};
    }
    report.benchmarks.back().metrics[0].samples = {last};
    return report;
  };
  auto db = OpenTestStore();
  auto first = db->Ingest(MakeRun(Sha(1), 1000, large(5)));
  auto again = db->Ingest(MakeRun(Sha(1), 1000, large(5)));
  CHECK(first.created);
  CHECK_FALSE(again.created);
  CHECK(again.run_id == first.run_id);
  auto changed = db->Ingest(MakeRun(Sha(1), 1000, large(6)));
  CHECK(changed.created);
  CHECK(changed.run_id != first.run_id);
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Large/999"});
  REQUIRE(series);
  REQUIRE(series->points.size() == 1);
  CHECK(series->points[0].n == 2);  // 5 and 6: the identical upload added nothing
  CHECK(db->LoadSeries({.project = "demo", .benchmark = "BM_Large/0"})->points[0].n == 2);
}

TEST_CASE("Several runs of one commit pool their samples", "[store]") {
  auto db = OpenTestStore();
  db->Ingest(MakeRun(Sha(1), 1000, MakeReport({10, 12, 11})));
  auto other = db->Ingest(MakeRun(Sha(1), 1000, MakeReport({20, 30})));
  CHECK(other.created);
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64"});
  REQUIRE(series->points.size() == 1);
  CHECK(series->points[0].n == 5);
  CHECK(series->points[0].value == 12);  // median of 10 11 12 20 30
  CHECK(series->points[0].min == 10);
  CHECK(series->points[0].max == 30);
  CHECK(db->LoadCommitResults("demo", Sha(1), "default")->FindBenchmark("BM_Sort/64")->FindMetric("real_time")->samples.size() == 5);
}

TEST_CASE("A series is oldest first, limited to the newest commits, per branch and testbed", "[store]") {
  auto db = OpenTestStore();
  for (int i = 0; i < 30; ++i) db->Ingest(MakeRun(Sha(i), 1000 + i, MakeReport({100.0 + i}), "main"));
  db->Ingest(MakeRun(Sha(100), 1015, MakeReport({5}), "feature"));
  auto other_testbed = MakeRun(Sha(5), 1005, MakeReport({7}));
  other_testbed.testbed = "arm64";
  db->Ingest(other_testbed);

  auto main = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .branch = "main", .limit = 10});
  REQUIRE(main);
  CHECK(main->metric.name == "real_time");
  CHECK(main->testbed == "default");
  REQUIRE(main->points.size() == 10);
  CHECK(main->points.front().commit == Sha(20));
  CHECK(main->points.back().commit == Sha(29));
  CHECK(main->points.back().value == 129);

  auto everything = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64"});
  CHECK(everything->points.size() == 31);
  auto arm = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .testbed = "arm64"});
  REQUIRE(arm->points.size() == 1);
  CHECK(arm->points[0].value == 7);
  auto throughput = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .metric = "items_per_second"});
  CHECK(throughput->metric.direction == model::Direction::kHigherIsBetter);

  CHECK_FALSE(db->LoadSeries({.project = "demo", .benchmark = "BM_Nope"}));
  CHECK_FALSE(db->LoadSeries({.project = "nope", .benchmark = "BM_Sort/64"}));
  CHECK_FALSE(db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .metric = "nope"}));
  CHECK_FALSE(db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .testbed = "nope"}));
}

TEST_CASE("An aggregates-only run is plotted from the harness median", "[store]") {
  auto db = OpenTestStore();
  model::Results report = MakeReport({});
  report.benchmarks[0].metrics[0].aggregates = {{"mean", 40.0}, {"median", 42.0}};
  db->Ingest(MakeRun(Sha(1), 1000, report));
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64"});
  REQUIRE(series->points.size() == 1);
  CHECK(series->points[0].from_aggregates);
  CHECK(series->points[0].n == 0);
  CHECK(series->points[0].value == 42);
}

TEST_CASE("Commits resolve by full SHA, unique prefix or branch name", "[store]") {
  auto db = OpenTestStore();
  db->Ingest(MakeRun("abcdef1234567890", 1000, MakeReport({1}), "main"));
  db->Ingest(MakeRun("abcdef9999999999", 1001, MakeReport({2}), "main", "abcdef1234567890"));
  db->Ingest(MakeRun("1234567aaaaaaaaa", 1002, MakeReport({3}), "release-1.2", "abcdef1234567890"));
  CHECK(db->ResolveCommit("demo", "abcdef1234567890")->sha == "abcdef1234567890");
  CHECK(db->ResolveCommit("demo", "1234567")->sha == "1234567aaaaaaaaa");
  CHECK_FALSE(db->ResolveCommit("demo", "abcdef"));   // shorter than 7
  CHECK(db->ResolveCommit("demo", "abcdef1")->sha == "abcdef1234567890");
  db->Ingest(MakeRun("abcdef1299999999", 1003, MakeReport({4}), "other"));
  CHECK_FALSE(db->ResolveCommit("demo", "abcdef12"));  // ambiguous
  CHECK(db->ResolveCommit("demo", "main")->sha == "abcdef9999999999");
  CHECK(db->ResolveCommit("demo", "release-1.2")->sha == "1234567aaaaaaaaa");
  CHECK_FALSE(db->ResolveCommit("demo", "abcdef*"));
  CHECK(db->Branches("demo") == std::vector<std::string>{"other", "release-1.2", "main"});
  CHECK(db->Branches("nope").empty());
  auto chain = db->Ancestors("demo", "abcdef9999999999", 10);
  REQUIRE(chain.size() == 2);
  CHECK(chain[1].sha == "abcdef1234567890");
}

TEST_CASE("Tokens are stored hashed, verified and revoked", "[store]") {
  auto db = OpenTestStore();
  std::string hash = store::HashToken("pg_secret");
  CHECK(hash.size() == 64);
  CHECK(hash != store::HashToken("pg_secret2"));
  auto token = db->CreateToken("demo", "ci", hash, "pg_sec", 1000);
  CHECK(db->VerifyToken("demo", hash));
  CHECK_FALSE(db->VerifyToken("other", hash));
  CHECK(db->ListTokens("demo").size() == 1);
  CHECK(db->RevokeToken("demo", token.id));
  CHECK_FALSE(db->VerifyToken("demo", hash));
  CHECK(db->ListTokens("demo").at(0).revoked);
  CHECK_FALSE(db->RevokeToken("demo", 9999));
}

TEST_CASE("A token is found by its hash with its name, and not once revoked", "[store]") {
  auto db = OpenTestStore();
  std::string hash = store::HashToken("pg_secret");
  auto token = db->CreateToken("demo", "nightly", hash, "pg_sec", 1000);
  auto found = db->FindToken("demo", hash);
  REQUIRE(found);
  CHECK(found->name == "nightly");
  CHECK(found->id == token.id);
  CHECK_FALSE(db->FindToken("other", hash));
  db->RevokeToken("demo", token.id);
  CHECK_FALSE(db->FindToken("demo", hash));
}

TEST_CASE("Alert triage and the project config are stored, replaced, and move the data version", "[store][triage]") {
  auto db = OpenTestStore();
  store::AlertTriage triage{.group = Sha(1), .status = "acknowledged", .note = "on purpose",
                            .updated_by = "ci", .updated_at = 1700000000};
  store::ProjectConfig config{.text = R"({"baseline":{"branch":"main"}})", .updated_by = "ci", .updated_at = 5};
  CHECK_FALSE(db->SetAlertTriage("demo", triage));  // no such project yet
  CHECK_FALSE(db->SetProjectConfig("demo", config));
  CHECK_FALSE(db->LoadProjectConfig("demo"));
  db->Ingest(MakeRun(Sha(1), 100, MakeReport({1, 2, 3})));
  std::int64_t version = db->DataVersion();

  REQUIRE(db->SetAlertTriage("demo", triage));
  std::int64_t after_triage = db->DataVersion();
  CHECK(after_triage > version);
  triage.status = "invalid";
  triage.note = "a noisy machine";
  REQUIRE(db->SetAlertTriage("demo", triage));
  auto triages = db->AlertTriages("demo");
  REQUIRE(triages.size() == 1);
  CHECK(triages[0].group == Sha(1));
  CHECK(triages[0].status == "invalid");
  CHECK(triages[0].note == "a noisy machine");
  CHECK(triages[0].updated_by == "ci");
  CHECK(triages[0].updated_at == 1700000000);
  CHECK(db->AlertTriages("other").empty());

  REQUIRE(db->SetProjectConfig("demo", config));
  CHECK(db->DataVersion() > after_triage);
  config.text = "{}";
  REQUIRE(db->SetProjectConfig("demo", config));
  auto loaded = db->LoadProjectConfig("demo");
  REQUIRE(loaded);
  CHECK(loaded->text == "{}");
  CHECK(loaded->updated_at == 5);

  // And an upload after them moves it on too.
  std::int64_t before_upload = db->DataVersion();
  db->Ingest(MakeRun(Sha(2), 200, MakeReport({1, 2, 3})));
  CHECK(db->DataVersion() > before_upload);
}

TEST_CASE("Names with quotes, unicode and SQL fragments are stored intact", "[store]") {
  auto db = OpenTestStore();
  std::string name = "BM_'; DROP TABLE runs; --/\"ünï\"/🚀";
  db->Ingest(MakeRun(Sha(1), 1000, MakeReport({1}, name)));
  auto benchmarks = db->Benchmarks("demo", "DROP");
  REQUIRE(benchmarks.size() == 1);
  CHECK(benchmarks[0].name == name);
  CHECK(db->LoadSeries({.project = "demo", .benchmark = name})->points.size() == 1);
}

// Runs of 256 or more benchmarks take the store's bulk path: one scan of the
// project's ids instead of a lookup per row. Two connections stand for two
// processes: ids the other one made since must be found, never duplicated.
TEST_CASE("Large runs reuse the ids of benchmarks and metrics stored by any connection", "[store][bulk]") {
  std::string location = testing::SharedStoreLocation("store-bulk");
  auto first = store::OpenStore(location);
  auto second = store::OpenStore(location);
  auto large = [](int from, int count, double value) {
    model::Results report{.format = "gbench"};
    for (int i = from; i < from + count; ++i) {
      model::Benchmark& benchmark = report.BenchmarkNamed("BM_Bulk/" + std::to_string(i));
      model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter).samples = {value};
      model::MetricNamed(benchmark, "bytes_per_second", "B/s", model::Direction::kHigherIsBetter).samples = {value};
    }
    return report;
  };
  REQUIRE(first->Ingest(MakeRun(Sha(1), 100, large(0, 300, 1.0))).created);
  // The other connection adds benchmarks 300..599 and a new metric on 0..299.
  model::Results more = large(300, 300, 2.0);
  model::Results extended = large(0, 300, 2.0);
  for (auto& benchmark : extended.benchmarks) {
    model::MetricNamed(benchmark, "cpu_time", "ns", model::Direction::kLowerIsBetter).samples = {3.0};
    more.benchmarks.push_back(benchmark);
  }
  REQUIRE(second->Ingest(MakeRun(Sha(2), 200, std::move(more))).created);
  // A small run takes the per-row path, which must not trust the first
  // connection's earlier scan (the other connection wrote since).
  REQUIRE(first->Ingest(MakeRun(Sha(4), 250, large(300, 10, 3.0))).created);
  // The first connection, whose id cache knows only 0..299, now stores all 600.
  REQUIRE(first->Ingest(MakeRun(Sha(3), 300, large(0, 600, 4.0))).created);

  auto benchmarks = first->Benchmarks("demo", "BM_Bulk/");
  CHECK(benchmarks.size() == 600);
  auto series = first->LoadSeries({.project = "demo", .benchmark = "BM_Bulk/7", .metric = "real_time"});
  REQUIRE(series);
  REQUIRE(series->points.size() == 3);
  CHECK(series->points[2].value == 4.0);
  auto later = first->LoadSeries({.project = "demo", .benchmark = "BM_Bulk/450", .metric = "bytes_per_second"});
  REQUIRE(later);
  CHECK(later->points.size() == 2);
  auto small = first->LoadSeries({.project = "demo", .benchmark = "BM_Bulk/305", .metric = "real_time"});
  REQUIRE(small);
  CHECK(small->points.size() == 3);
  auto cpu = first->LoadSeries({.project = "demo", .benchmark = "BM_Bulk/5", .metric = "cpu_time"});
  REQUIRE(cpu);
  CHECK(cpu->points.size() == 1);
  // Re-ingesting a large run is still a no-op.
  CHECK_FALSE(second->Ingest(MakeRun(Sha(3), 300, large(0, 600, 4.0))).created);
}

// Two servers over one database: the same upload reaching both at the same
// moment is stored once, and overlapping uploads of different commits all land.
TEST_CASE("Connections storing at the same moment store each run exactly once", "[store][concurrent]") {
  std::string location = testing::SharedStoreLocation("store-concurrent");
  auto report = [](int commit) {
    model::Results made{.format = "gbench"};
    for (int b = 0; b < 300; ++b) {
      model::MetricNamed(made.BenchmarkNamed("BM_Shared/" + std::to_string(b)), "real_time", "ns",
                         model::Direction::kLowerIsBetter).samples = {1.0 * commit, 2.0, 3.0};
    }
    return made;
  };
  store::OpenStore(location);  // migrate once before the race
  constexpr int kConnections = 4;
  constexpr int kCommits = 6;
  std::vector<std::thread> threads;
  std::vector<int> created(kConnections, 0);
  std::vector<std::string> failures(kConnections);
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&, c] {
      try {
        auto db = store::OpenStore(location);
        // Every connection uploads the same commits, in a different order.
        for (int i = 0; i < kCommits; ++i) {
          int commit = (i + c) % kCommits;
          if (db->Ingest(MakeRun(Sha(commit), 1000 + commit, report(commit))).created) ++created[c];
        }
      } catch (const std::exception& error) {
        failures[c] = error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) CHECK(failure.empty());
  int total = 0;
  for (int count : created) total += count;
  CHECK(total == kCommits);
  auto db = store::OpenStore(location);
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Shared/42"});
  REQUIRE(series);
  REQUIRE(series->points.size() == kCommits);
  for (const auto& point : series->points) CHECK(point.n == 3);
  CHECK(db->Benchmarks("demo", "BM_Shared/").size() == 300);
}

// perfgate migrate's core: SQLite into this suite's backend and back again,
// every run, sample, aggregate, error, label, fit and token as it was.
TEST_CASE("A store copies into another and back, and copying again changes nothing", "[store][copy]") {
  auto source = store::OpenSqliteStore((testing::ScratchDirectory("store-copy") / "source.db").string());
  model::Results first = MakeReport({10, 12, 11});
  first.context["host_name"] = "ci-1";
  first.benchmarks[0].label = "lbl";
  first.benchmarks[0].metrics[0].aggregates = {{"mean", 11.0}, {"cv", 0.05}};
  model::Benchmark& failed = first.BenchmarkNamed("BM_Broken");
  failed.error = "could not open";
  failed.skipped = true;
  first.BenchmarkNamed("BM_Sort").fits.push_back(
      {.metric = "real_time", .complexity = "NlgN", .coefficient = 2.5, .unit = "ns", .rms = 0.1});
  source->Ingest(MakeRun(Sha(1), 1000, first));
  source->Ingest(MakeRun(Sha(1), 1000, MakeReport({13, 14})));  // a second run of the same commit
  source->Ingest(MakeRun(Sha(2), 2000, MakeReport({20}), "topic", Sha(1)));
  source->Ingest(store::RunInput{.project = "other", .commit = {.sha = Sha(3), .time = 3000}, .testbed = "arm64",
                                 .report = MakeReport({30})});
  source->CreateToken("demo", "ci", store::HashToken("secret-token"), "pg_secre", 500);
  store::AlertTriage triage{.group = Sha(2), .status = "acknowledged", .note = "known", .updated_by = "ci",
                            .updated_at = 600};
  REQUIRE(source->SetAlertTriage("demo", triage));
  REQUIRE(source->SetProjectConfig("demo", {.text = R"({"version": 1})", .updated_by = "ci", .updated_at = 700}));

  auto target = OpenTestStore();
  std::vector<store::CopyProgress> steps;
  auto copied = store::CopyStore(*source, *target, 2, [&](const store::CopyProgress& step) { steps.push_back(step); });
  INFO(copied.mismatch);
  CHECK(copied.verified);
  CHECK(copied.runs_copied == 4);
  CHECK(copied.tokens_copied == 1);
  CHECK(copied.triages_copied == 1);
  CHECK(copied.configs_copied == 1);
  CHECK(copied.target == copied.source);
  REQUIRE(steps.size() >= 3);  // the start, then one step per batch of two runs
  CHECK(steps.back().runs_done == 4);

  for (const auto& [project, sha, testbed] : {std::tuple{"demo", Sha(1), ""}, std::tuple{"demo", Sha(2), ""},
                                              std::tuple{"other", Sha(3), "arm64"}}) {
    auto expected = source->LoadCommitResults(project, sha, testbed);
    auto actual = target->LoadCommitResults(project, sha, testbed);
    REQUIRE(expected);
    REQUIRE(actual);
    CHECK(store::ContentDigest(*actual) == store::ContentDigest(*expected));
    CHECK(actual->context == expected->context);
  }
  CHECK(target->FindCommit("demo", Sha(2))->parent == Sha(1));
  CHECK(target->FindCommit("demo", Sha(2))->branch == "topic");
  CHECK(target->VerifyToken("demo", store::HashToken("secret-token")));
  auto triages = target->AlertTriages("demo");
  REQUIRE(triages.size() == 1);
  CHECK(triages[0].group == Sha(2));
  CHECK(triages[0].status == "acknowledged");
  CHECK(triages[0].note == "known");
  CHECK(triages[0].updated_at == 600);
  CHECK(target->LoadProjectConfig("demo")->text == R"({"version": 1})");
  auto series = target->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64"});
  REQUIRE(series);
  CHECK(series->points.size() == 2);
  CHECK(series->points[0].n == 5);

  auto again = store::CopyStore(*source, *target, 100, nullptr);
  CHECK(again.verified);
  CHECK(again.runs_copied == 0);
  CHECK(again.runs_present == 4);
  CHECK(again.tokens_copied == 0);
  CHECK(again.triages_copied == 0);
  CHECK(again.configs_copied == 0);
  CHECK(again.target == copied.target);

  auto back = store::OpenSqliteStore(":memory:");
  auto returned = store::CopyStore(*target, *back, 3, nullptr);
  CHECK(returned.verified);
  CHECK(returned.target == copied.source);
  CHECK(store::ContentDigest(*back->LoadCommitResults("demo", Sha(1), "")) ==
        store::ContentDigest(*source->LoadCommitResults("demo", Sha(1), "")));
}

TEST_CASE("A database with a newer schema is refused", "[store][sqlite]") {
  auto dir = perfgate::testing::ScratchDirectory("store-newer-schema");
  auto path = (dir / "results.db").string();
  store::OpenSqliteStore(path);
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  CHECK_THROWS_AS(store::OpenSqliteStore(path), store::StoreError);
}

TEST_CASE("A killed ingest leaves the whole run or none of it", "[store][kill][sqlite]") {
  auto dir = perfgate::testing::ScratchDirectory("store-kill");
  auto path = (dir / "results.db").string();
  store::OpenSqliteStore(path);  // create and migrate before forking
  constexpr std::size_t kBenchmarks = 2000;
  constexpr std::size_t kSamplesEach = 20;
  int killed_mid_run = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) try {
      auto db = store::OpenSqliteStore(path);
      for (int run = 0;; ++run) {
        model::Results report{.format = "gbench"};
        for (std::size_t b = 0; b < kBenchmarks; ++b) {
          auto& benchmark = report.BenchmarkNamed("BM_" + std::to_string(b));
          auto& metric = model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);
          for (std::size_t s = 0; s < kSamplesEach; ++s) metric.samples.push_back(double(attempt * 1000 + run));
        }
        db->Ingest(MakeRun(Sha(attempt * 1000 + run), attempt * 1000 + run, std::move(report)));
      }
    } catch (...) {
      _exit(3);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 97 * attempt));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));

    // Every run that exists is complete: all benchmarks, all samples.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* check = nullptr;
    sqlite3_prepare_v2(raw,
                       "SELECT r.id, (SELECT sum(s.metric_count) FROM results s WHERE s.run_id = r.id), "
                       "(SELECT sum(s.sample_count) FROM results s WHERE s.run_id = r.id) "
                       "FROM runs r",
                       -1, &check, nullptr);
    int runs = 0;
    while (sqlite3_step(check) == SQLITE_ROW) {
      ++runs;
      CHECK(sqlite3_column_int64(check, 1) == kBenchmarks);
      CHECK(sqlite3_column_int64(check, 2) == kBenchmarks * kSamplesEach);
    }
    sqlite3_finalize(check);
    sqlite3_stmt* orphans = nullptr;
    sqlite3_prepare_v2(raw, "SELECT count(*) FROM results WHERE run_id NOT IN (SELECT id FROM runs)", -1, &orphans, nullptr);
    sqlite3_step(orphans);
    CHECK(sqlite3_column_int64(orphans, 0) == 0);
    sqlite3_finalize(orphans);
    sqlite3_stmt* integrity = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &integrity, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(integrity) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(integrity, 0))) == "ok");
    sqlite3_finalize(integrity);
    sqlite3_close(raw);
    if (runs > 0) ++killed_mid_run;
  }
  // The child must have been killed while writing at least once for this to mean anything.
  CHECK(killed_mid_run > 0);
}

// The same guarantee checked through the Store interface, so that it holds on
// every backend: a process killed mid-ingest leaves whole runs only.
TEST_CASE("On every backend a killed ingest leaves whole runs only", "[store][kill]") {
  std::string location = testing::SharedStoreLocation("store-kill-any");
  store::OpenStore(location);  // create and migrate before forking
  constexpr std::size_t kBenchmarks = 1000;
  constexpr std::size_t kSamplesEach = 10;
  std::int64_t seen_runs = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) try {
      auto db = store::OpenStore(location);
      for (int run = 0;; ++run) {
        model::Results report{.format = "gbench"};
        for (std::size_t b = 0; b < kBenchmarks; ++b) {
          auto& metric = model::MetricNamed(report.BenchmarkNamed("BM_" + std::to_string(b)), "real_time", "ns",
                                            model::Direction::kLowerIsBetter);
          metric.samples.assign(kSamplesEach, double(attempt * 1000 + run));
        }
        db->Ingest(MakeRun(Sha(attempt * 1000 + run), attempt * 1000 + run, std::move(report)));
      }
    } catch (...) {
      _exit(3);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 170 * attempt));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    auto db = store::OpenStore(location);
    auto runs = db->RunsAfter(0, 100000);
    for (const auto& run : runs) {
      CHECK(run.input.report.benchmarks.size() == kBenchmarks);
      CHECK(run.input.report.SampleCount() == kBenchmarks * kSamplesEach);
    }
    auto totals = db->Totals();
    CHECK(totals.measurements == static_cast<std::int64_t>(runs.size() * kBenchmarks));
    seen_runs = static_cast<std::int64_t>(runs.size());
  }
  CHECK(seen_runs > 0);  // the child was writing when it was killed, at least once
}

TEST_CASE("A reader connection sees writes made after its earlier lookups", "[store][wal][sqlite]") {
  auto dir = perfgate::testing::ScratchDirectory("store-fresh-reads");
  auto path = (dir / "results.db").string();
  auto writer = store::OpenSqliteStore(path);
  writer->Ingest(MakeRun(Sha(1), 1000, MakeReport({1})));
  auto reader = store::OpenSqliteStore(path, {.read_only = true});
  // A lookup that returns at its first row must not leave a read snapshot open.
  REQUIRE(reader->FindCommit("demo", Sha(1)));
  REQUIRE(reader->ResolveCommit("demo", "main"));
  REQUIRE(reader->LoadSeries({.project = "demo", .benchmark = "BM_Sort/64", .limit = 1}));
  writer->Ingest(MakeRun(Sha(2), 2000, MakeReport({2}, "BM_Later"), "main"));
  auto later = store::RunInput{.project = "later", .commit = {.sha = Sha(3), .time = 3000}, .report = MakeReport({3})};
  writer->Ingest(later);
  CHECK(reader->FindCommit("demo", Sha(2)));
  CHECK(reader->Projects() == std::vector<std::string>{"demo", "later"});
  CHECK(reader->LoadSeries({.project = "demo", .benchmark = "BM_Later"}));
}

TEST_CASE("A series over the newest commits is an index range scan without sorting", "[store][index]") {
  auto db = OpenTestStore();
  for (int i = 0; i < 200; ++i) db->Ingest(MakeRun(Sha(i), 1000 + i, MakeReport({1.0 * i}), i % 2 ? "main" : "topic"));
  // The plan of the query LoadSeries runs, asked of the store itself.
  for (std::string branch : {"", "main"}) {
    auto steps = db->ExplainSeries({.project = "demo", .benchmark = "BM_Sort/64", .branch = branch, .limit = 20});
    std::string plan;
    for (const auto& step : steps) plan += step + "\n";
    INFO(plan);
    REQUIRE_FALSE(steps.empty());
    if (testing::kPostgres) {
      CHECK_THAT(plan, Catch::Contains("Index") && Catch::Contains("measurements_"));
      CHECK_THAT(plan, !Catch::Contains("Seq Scan on measurements"));
      // The only sort allowed picks median over mean among a measurement's aggregates.
      CHECK_THAT(plan, !Catch::Contains("Sort Key: m"));
    } else {
      CHECK_THAT(plan, Catch::Contains("SEARCH r USING INDEX results_series"));
      CHECK_THAT(plan, !Catch::Contains("TEMP B-TREE"));
      CHECK_THAT(plan, !Catch::Contains("SCAN r"));
    }
  }
  CHECK(db->ExplainSeries({.project = "demo", .benchmark = "BM_Missing"}).empty());
}

TEST_CASE("DataVersion moves with every write of another connection or process, and only with them",
          "[store][version]") {
  std::string location = testing::SharedStoreLocation("data-version");
  auto reader = store::OpenStore(location);
  auto writer = store::OpenStore(location);
  writer->Ingest(MakeRun(Sha(1), 100, MakeReport({1, 2, 3})));
  std::int64_t version = reader->DataVersion();
  CHECK(reader->DataVersion() == version);  // no write, no move (SQLite: read from the WAL-index header)
  CHECK(reader->DataVersion() == version);
  for (int i = 2; i <= 16; ++i) {
    INFO("write " << i);
    if (i % 3 == 0) {
      store::AlertTriage triage{.group = Sha(1), .status = i % 2 ? "invalid" : "acknowledged", .note = "",
                                .updated_by = "ci", .updated_at = 1700000000 + i};
      REQUIRE(writer->SetAlertTriage("demo", triage));
    } else if (i % 3 == 1) {
      REQUIRE(writer->SetProjectConfig("demo", {.text = "{}", .updated_by = "ci", .updated_at = i}));
    } else {
      writer->Ingest(MakeRun(Sha(i), 100 + i, MakeReport({1, 2, 3})));
    }
    std::int64_t moved = reader->DataVersion();
    CHECK(moved > version);
    CHECK(reader->DataVersion() == moved);
    version = moved;
  }
  // The reader's own write moves it too.
  reader->Ingest(MakeRun(Sha(40), 400, MakeReport({1, 2, 3})));
  CHECK(reader->DataVersion() > version);
  version = reader->DataVersion();

  // Another process.
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      store::OpenStore(location)->Ingest(MakeRun(Sha(50), 500, MakeReport({4, 5, 6})));
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(reader->DataVersion() > version);
}
