// SQLite's results layout (migrations/0003_results_per_benchmark.sql): a store
// written by schema 2 migrates with everything kept, catalogs grow correctly
// across connections, a run keeps its file's order, and a read-only connection
// refuses a store it would have to migrate.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "../../sqlite_column.hpp"
#include "../../test_support.hpp"
#include "perfgate/store/sqlite_store.hpp"

using namespace perfgate;
using store::CommitInfo;
using store::RunInput;

namespace {

std::string ReadSql(const std::string& name) {
  std::ifstream file(std::string(PERFGATE_SOURCE_DIR) + "/core/store/migrations/" + name);
  std::stringstream text;
  text << file.rdbuf();
  REQUIRE(!text.str().empty());
  return text.str();
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  int status = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  REQUIRE(status == SQLITE_OK);
}

std::string DoublesBlob(std::initializer_list<double> values) {
  std::string hex = "x'";
  for (double value : values) {
    unsigned char bytes[sizeof(double)];
    std::memcpy(bytes, &value, sizeof value);
    for (unsigned char byte : bytes) {
      char pair[3];
      std::snprintf(pair, sizeof pair, "%02x", byte);
      hex += pair;
    }
  }
  return hex + "'";
}

RunInput Run(const std::string& sha, std::int64_t time, model::Results report) {
  return RunInput{.project = "demo",
                  .commit = CommitInfo{.sha = sha, .branch = "main", .time = time},
                  .testbed = "default",
                  .report = std::move(report),
                  .received_at = time};
}

model::Results Report(std::initializer_list<std::pair<std::string, std::string>> benchmark_metric, double value) {
  model::Results report{.format = "gbench"};
  for (const auto& [benchmark, metric] : benchmark_metric) {
    model::MetricNamed(report.BenchmarkNamed(benchmark), metric, "ns", model::Direction::kLowerIsBetter)
        .samples.push_back(value);
  }
  return report;
}

}  // namespace

TEST_CASE("A schema 2 store migrates to one row per benchmark with every sample, aggregate and order kept",
          "[store][sqlite][migrate]") {
  auto dir = testing::ScratchDirectory("layout-migrate");
  auto path = (dir / "old.db").string();
  {
    // The store as perfgate 0.2 wrote it: its own migrations, then rows.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    Exec(raw, ReadSql("0001_init.sql"));
    Exec(raw, ReadSql("0002_triage_config.sql"));
    Exec(raw,
         "INSERT INTO projects (id, name) VALUES (1, 'demo');"
         "INSERT INTO testbeds (id, project_id, name) VALUES (1, 1, 'default');"
         "INSERT INTO commits (id, project_id, sha, branch, time) VALUES (1, 1, 'aaaaaaa', 'main', 100), "
         "  (2, 1, 'bbbbbbb', 'main', 200);"
         "INSERT INTO runs (id, commit_id, testbed_id, content_digest, format, received_at) VALUES "
         "  (1, 1, 1, 'd1', 'gbench', 100), (2, 2, 1, 'd2', 'gbench', 200);"
         // BM_Zeta is the file's first benchmark; BM_Alpha's items_per_second came later.
         "INSERT INTO benchmarks (id, project_id, name) VALUES (1, 1, 'BM_Zeta'), (2, 1, 'BM_Alpha');"
         "INSERT INTO metrics (id, benchmark_id, name, unit, direction) VALUES "
         "  (1, 1, 'real_time', 'ns', 'lower_is_better'), (2, 2, 'real_time', 'us', 'lower_is_better'), "
         "  (3, 2, 'items_per_second', '/s', 'higher_is_better');");
    Exec(raw, "INSERT INTO measurements (id, run_id, metric_id, testbed_id, branch, commit_id, time, sample_count, samples) "
              "VALUES (1, 1, 1, 1, 'main', 1, 100, 3, " + DoublesBlob({10, 12, 11}) + "), "
              "(2, 1, 2, 1, 'main', 1, 100, 0, x''), "
              "(3, 2, 1, 1, 'main', 2, 200, 2, " + DoublesBlob({20, std::nan("")}) + "), "
              "(4, 2, 3, 1, 'main', 2, 200, 1, " + DoublesBlob({5e6}) + "), "
              "(5, 2, 2, 1, 'main', 2, 200, 1, " + DoublesBlob({7}) + ");"
              "INSERT INTO aggregates (measurement_id, name, value) VALUES (2, 'median', 4.5), (2, 'mean', 4.0), "
              "  (2, 'stddev', NULL), (3, 'cv', 0.05);"
              "INSERT INTO errors (run_id, benchmark_id, message, skipped) VALUES (2, 1, 'flaky', 0);"
              "PRAGMA user_version = 2;");
    sqlite3_close(raw);
  }

  auto db = store::OpenSqliteStore(path);

  auto first = db->LoadCommitResults("demo", "aaaaaaa", "");
  REQUIRE(first);
  REQUIRE(first->benchmarks.size() == 2);
  CHECK(first->benchmarks[0].name == "BM_Zeta");
  CHECK(first->benchmarks[0].FindMetric("real_time")->samples == std::vector<double>{10, 12, 11});
  const model::Metric* aggregated = first->benchmarks[1].FindMetric("real_time");
  REQUIRE(aggregated);
  CHECK(aggregated->unit == "us");
  CHECK(aggregated->samples.empty());
  CHECK(aggregated->aggregates.at("median") == 4.5);
  CHECK(aggregated->aggregates.at("mean") == 4.0);
  CHECK(std::isnan(aggregated->aggregates.at("stddev")));

  auto second = db->LoadCommitResults("demo", "bbbbbbb", "");
  REQUIRE(second);
  REQUIRE(second->benchmarks.size() == 2);
  CHECK(second->benchmarks[0].name == "BM_Zeta");
  CHECK(second->benchmarks[0].error == std::optional<std::string>("flaky"));
  const model::Metric* zeta = second->benchmarks[0].FindMetric("real_time");
  REQUIRE(zeta->samples.size() == 2);
  CHECK(zeta->samples[0] == 20);
  CHECK(std::isnan(zeta->samples[1]));
  CHECK(zeta->aggregates.at("cv") == 0.05);
  const model::Metric* items = second->benchmarks[1].FindMetric("items_per_second");
  REQUIRE(items);
  CHECK(items->direction == model::Direction::kHigherIsBetter);
  CHECK(items->samples == std::vector<double>{5e6});

  // The aggregates-only point is plotted from its median, as before.
  auto series = db->LoadSeries({.project = "demo", .benchmark = "BM_Alpha", .metric = "real_time"});
  REQUIRE(series);
  REQUIRE(series->points.size() == 2);
  CHECK(series->points[0].value == 4.5);
  CHECK(series->points[0].from_aggregates);
  CHECK(series->points[1].value == 7);

  auto benchmarks = db->Benchmarks("demo", "");
  REQUIRE(benchmarks.size() == 2);
  CHECK(benchmarks[0].name == "BM_Alpha");
  REQUIRE(benchmarks[0].metrics.size() == 2);
  CHECK(benchmarks[0].metrics[0].name == "items_per_second");
  CHECK(benchmarks[0].metrics[1].name == "real_time");

  store::StoreTotals totals = db->Totals();
  CHECK(totals.measurements == 5);
  CHECK(totals.samples == 7);

  // The old tables are gone; the next ingest of a known benchmark adds to its catalog.
  CHECK(testing::SqliteColumn(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('metrics', 'measurements', "
                                    "'aggregates')") == std::vector<std::string>{"0"});
  db->Ingest(Run("ccccccc", 300, Report({{"BM_Zeta", "cpu_time"}, {"BM_Zeta", "real_time"}}, 30)));
  auto zeta_metrics = db->Benchmarks("demo", "Zeta").at(0).metrics;
  REQUIRE(zeta_metrics.size() == 2);
  CHECK(zeta_metrics[0].name == "cpu_time");
  CHECK(db->LoadSeries({.project = "demo", .benchmark = "BM_Zeta"})->points.size() == 3);
}

TEST_CASE("A catalog grown by another connection is read again before this one adds to it", "[store][sqlite]") {
  auto dir = testing::ScratchDirectory("layout-catalog");
  auto path = (dir / "results.db").string();
  auto one = store::OpenSqliteStore(path);
  auto two = store::OpenSqliteStore(path);
  one->Ingest(Run("a000001", 1, Report({{"BM_Shared", "m1"}}, 1)));
  two->Ingest(Run("a000002", 2, Report({{"BM_Shared", "m2"}}, 2)));
  // `one` knows BM_Shared with [m1] only; m2 is at position 1 now, m3 must go after it.
  one->Ingest(Run("a000003", 3, Report({{"BM_Shared", "m3"}, {"BM_Shared", "m2"}}, 3)));
  auto metrics = two->Benchmarks("demo", "").at(0).metrics;
  REQUIRE(metrics.size() == 3);
  for (const char* name : {"m1", "m2", "m3"}) {
    INFO(name);
    auto series = two->LoadSeries({.project = "demo", .benchmark = "BM_Shared", .metric = name});
    REQUIRE(series);
    std::vector<double> values;
    for (const auto& point : series->points) values.push_back(point.value);
    CHECK(values == (std::string(name) == "m1"   ? std::vector<double>{1}
                     : std::string(name) == "m2" ? std::vector<double>{2, 3}
                                                 : std::vector<double>{3}));
  }
}

TEST_CASE("A run keeps its file's order, and a name given twice pools into one result", "[store][sqlite]") {
  auto db = store::OpenSqliteStore(":memory:");
  model::Results report{.format = "custom"};
  for (const char* name : {"BM_Zulu", "BM_Alpha", "BM_Mike"}) {
    model::MetricNamed(report.BenchmarkNamed(name), "value", "ms", model::Direction::kLowerIsBetter).samples = {1, 2};
  }
  report.benchmarks.push_back(report.benchmarks[0]);  // BM_Zulu again, as some files repeat a name
  report.benchmarks.back().metrics[0].samples = {3};
  db->Ingest(Run("b000001", 1, report));
  auto back = db->LoadCommitResults("demo", "b000001", "");
  REQUIRE(back);
  std::vector<std::string> names;
  for (const auto& benchmark : back->benchmarks) names.push_back(benchmark.name);
  CHECK(names == std::vector<std::string>{"BM_Zulu", "BM_Alpha", "BM_Mike"});
  CHECK(back->benchmarks[0].metrics.at(0).samples == std::vector<double>{1, 2, 3});
  CHECK(db->Totals().measurements == 4);
}

TEST_CASE("A read-only connection refuses a store of an older schema, saying how to migrate it", "[store][sqlite]") {
  auto dir = testing::ScratchDirectory("layout-read-only");
  auto path = (dir / "old.db").string();
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  Exec(raw, ReadSql("0001_init.sql"));
  Exec(raw, "PRAGMA user_version = 1;");
  sqlite3_close(raw);
  CHECK_THROWS_WITH(store::OpenSqliteStore(path, store::SqliteOptions{.read_only = true}),
                    Catch::Contains("schema version 1, older than this perfgate") && Catch::Contains("to migrate it"));
  store::OpenSqliteStore(path);  // migrates
  CHECK_NOTHROW(store::OpenSqliteStore(path, store::SqliteOptions{.read_only = true}));
}
