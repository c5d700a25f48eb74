// The store's paths: parsing Google Benchmark JSON and storing it in SQLite
// (a file of 100,000 benchmark rows, reported as samples per second, beside
// the bare SQLite loop), ingest against store size, a series against history
// length, and the project overview against benchmark count.

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "perfgate/gate/overview.hpp"
#include "perfgate/parse/parse.hpp"
#include "perfgate/store/sqlite_store.hpp"

namespace {

// A results file as the library writes it: `rows` iteration rows with real_time,
// cpu_time and items_per_second, in families of 10 parameters.
std::string MakeGoogleBenchmarkJson(int rows) {
  std::string text = R"({"context":{"date":"2026-01-01T00:00:00+00:00","host_name":"bench","num_cpus":2},"benchmarks":[)";
  char row[512];
  for (int i = 0; i < rows; ++i) {
    std::snprintf(row, sizeof row,
                  R"(%s{"name":"BM_Family%d/%d","family_index":%d,"per_family_instance_index":%d,"run_name":"BM_Family%d/%d",)"
                  R"("run_type":"iteration","repetitions":1,"repetition_index":0,"threads":1,"iterations":1000,)"
                  R"("real_time":%.6e,"cpu_time":%.6e,"time_unit":"ns","items_per_second":%.6e})",
                  i == 0 ? "" : ",", i / 10, i % 10, i / 10, i % 10, i / 10, i % 10, 100.0 + i, 99.0 + i, 1e9 / (100.0 + i));
    text += row;
  }
  return text + "]}";
}

std::string TempDatabase() {
  auto path = std::filesystem::temp_directory_path() / "perfgate_ingest_bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

void BM_ParseGoogleBenchmarkJson(benchmark::State& state) {
  std::string text = MakeGoogleBenchmarkJson(static_cast<int>(state.range(0)));
  std::size_t samples = 0;
  for (auto _ : state) {
    auto report = perfgate::parse::ParseGoogleBenchmarkJson(text);
    if (!report) state.SkipWithError(report.error().Message().c_str());
    samples = report->SampleCount();
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(samples * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseGoogleBenchmarkJson)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Parse + store into a fresh SQLite file (WAL, one transaction), end to end.
void BM_IngestGoogleBenchmarkJson(benchmark::State& state) {
  std::string text = MakeGoogleBenchmarkJson(static_cast<int>(state.range(0)));
  std::size_t samples = 0;
  int commit = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = TempDatabase();
    auto store = perfgate::store::OpenSqliteStore(path);
    state.ResumeTiming();
    auto report = perfgate::parse::ParseGoogleBenchmarkJson(text);
    samples = report->SampleCount();
    store->Ingest({.project = "bench", .commit = {.sha = std::to_string(++commit), .branch = "main", .time = commit},
                   .report = std::move(*report)});
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(samples * state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rows"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_IngestGoogleBenchmarkJson)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The physical floor beside it: a minimal loop inserting one indexed row per
// sample (run, metric, value) into a fresh WAL database in one transaction,
// with one prepared statement — what any store of these samples must at least
// pay. perfgate's ingest rate divided by this one is the ratio docs and issues
// quote. Raw SQL here measures SQLite, not perfgate; the product keeps its SQL
// in core/store.
void BM_SqliteInsertFloor(benchmark::State& state) {
  const auto rows = static_cast<std::int64_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = TempDatabase();
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "CREATE TABLE samples (id INTEGER PRIMARY KEY, run_id INTEGER, metric_id INTEGER, value REAL);"
                     "CREATE INDEX samples_metric ON samples(metric_id, run_id);",
                 nullptr, nullptr, nullptr);
    state.ResumeTiming();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO samples (run_id, metric_id, value) VALUES (1, ?1, ?2)", -1, &insert, nullptr);
    for (std::int64_t row = 0; row < rows; ++row) {
      sqlite3_bind_int64(insert, 1, row);
      sqlite3_bind_double(insert, 2, 100.0 + static_cast<double>(row));
      if (sqlite3_step(insert) != SQLITE_DONE) state.SkipWithError(sqlite3_errmsg(db));
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(rows * state.iterations()), benchmark::Counter::kIsRate);
}
// 3,000 and 300,000 rows: the samples of the 1,000- and 100,000-row files above.
BENCHMARK(BM_SqliteInsertFloor)->Arg(3000)->Arg(300000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One series over the newest 1,000 of 5,000 commits: the dashboard's hot read.
void BM_LoadSeries(benchmark::State& state) {
  std::string path = TempDatabase();
  auto store = perfgate::store::OpenSqliteStore(path);
  for (int commit = 0; commit < 5000; ++commit) {
    perfgate::model::Results report{.format = "gbench"};
    for (int b = 0; b < 20; ++b) {
      auto& benchmark = report.BenchmarkNamed("BM_Series/" + std::to_string(b));
      perfgate::model::MetricNamed(benchmark, "real_time", "ns", perfgate::model::Direction::kLowerIsBetter).samples = {
          100.0 + commit % 7, 101.0, 99.5, 100.2, 100.9};
    }
    store->Ingest({.project = "bench", .commit = {.sha = std::to_string(commit), .branch = "main", .time = commit},
                   .report = std::move(report)});
  }
  for (auto _ : state) {
    auto series = store->LoadSeries({.project = "bench", .benchmark = "BM_Series/7", .branch = "main", .limit = 1000});
    benchmark::DoNotOptimize(series);
  }
}
BENCHMARK(BM_LoadSeries)->Unit(benchmark::kMillisecond);

// What durability costs: one small upload (50 benchmarks) per transaction into
// a growing file, synchronous = FULL (durable:1, what the server uses) against
// NORMAL (durable:0). Reported as uploads per second.
void BM_IngestSmallUpload(benchmark::State& state) {
  std::string text = MakeGoogleBenchmarkJson(50);
  std::string path = TempDatabase();
  auto store = perfgate::store::OpenSqliteStore(path, {.durable = state.range(0) != 0});
  int commit = 0;
  for (auto _ : state) {
    auto report = perfgate::parse::ParseGoogleBenchmarkJson(text);
    store->Ingest({.project = "bench", .commit = {.sha = std::to_string(++commit), .branch = "main", .time = commit},
                   .report = std::move(*report)});
  }
  state.counters["uploads_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IngestSmallUpload)->ArgName("durable")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// How the cost grows. Arguments of 100,000 and more are left out of
// scripts/bench-gate.sh's brief run by its filter; BENCH_FULL=1 runs them.

// A store file named `name` in the temporary directory, filled by `fill` the
// first time it is asked for in this process: Google Benchmark calls a
// benchmark several times per run, and a large store takes minutes to fill.
std::string PreparedStore(const std::string& name, const std::function<void(perfgate::store::Store&)>& fill) {
  static std::map<std::string, std::string> prepared;
  if (auto found = prepared.find(name); found != prepared.end()) return found->second;
  auto path = std::filesystem::temp_directory_path() / ("perfgate_" + name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  fill(*perfgate::store::OpenSqliteStore(path.string(), {.durable = false}));
  prepared.emplace(name, path.string());
  return path.string();
}

// Samples already stored: commits of 10,000 rows (30,000 samples) until
// `samples` are stored.
void FillWithSamples(perfgate::store::Store& store, std::int64_t samples) {
  const std::int64_t rows_per_commit = std::min<std::int64_t>(10000, std::max<std::int64_t>(1, samples / 3));
  const std::string text = MakeGoogleBenchmarkJson(static_cast<int>(rows_per_commit));
  for (std::int64_t stored = 0, commit = 0; stored < samples; stored += 3 * rows_per_commit) {
    auto report = perfgate::parse::ParseGoogleBenchmarkJson(text);
    store.Ingest({.project = "bench", .commit = {.sha = "seed" + std::to_string(++commit), .branch = "main",
                                                 .time = commit},
                  .report = std::move(*report)});
  }
}

// Ingest rate of a 1,000-row file (3,000 samples) into a store that already
// holds range(0) samples of the same benchmarks: index depth, not file size.
void BM_IngestIntoStoreOf(benchmark::State& state) {
  const std::int64_t stored = state.range(0);
  const std::string path = PreparedStore("growth_" + std::to_string(stored),
                                         [&](perfgate::store::Store& store) { FillWithSamples(store, stored); });
  auto store = perfgate::store::OpenSqliteStore(path, {.durable = false});
  const std::string text = MakeGoogleBenchmarkJson(1000);
  std::size_t samples = 0;
  // Across calls too: a commit stored again would be an idempotent no-op.
  static int commit = 0;
  for (auto _ : state) {
    auto report = perfgate::parse::ParseGoogleBenchmarkJson(text);
    samples = report->SampleCount();
    store->Ingest({.project = "bench", .commit = {.sha = "grow" + std::to_string(++commit), .branch = "main",
                                                  .time = 1000000 + commit},
                   .report = std::move(*report)});
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(samples * state.iterations()), benchmark::Counter::kIsRate);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_IngestIntoStoreOf)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Arg(10000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Complexity(benchmark::oLogN);

// One series over `commits` commits, 3 samples each.
void FillWithHistory(perfgate::store::Store& store, std::size_t commits) {
  for (std::size_t commit = 0; commit < commits; ++commit) {
    perfgate::model::Results report{.format = "gbench"};
    auto& benchmark = report.BenchmarkNamed("BM_Series");
    perfgate::model::MetricNamed(benchmark, "real_time", "ns", perfgate::model::Direction::kLowerIsBetter).samples = {
        100.0 + static_cast<double>(commit % 7), 101.0, 99.5};
    store.Ingest({.project = "bench",
                  .commit = {.sha = std::to_string(commit), .branch = "main", .time = static_cast<std::int64_t>(commit)},
                  .report = std::move(report)});
  }
}

// One series of range(0) commits read whole (limit = its length): the series
// route's store cost against history length.
void BM_LoadSeriesOfLength(benchmark::State& state) {
  const auto commits = static_cast<std::size_t>(state.range(0));
  auto store = perfgate::store::OpenSqliteStore(
      PreparedStore("history_" + std::to_string(commits),
                    [&](perfgate::store::Store& prepared) { FillWithHistory(prepared, commits); }),
      {.durable = false});
  for (auto _ : state) {
    auto series = store->LoadSeries({.project = "bench", .benchmark = "BM_Series", .branch = "main", .limit = commits});
    benchmark::DoNotOptimize(series);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_LoadSeriesOfLength)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

// A project of `benchmarks` benchmarks over 12 commits of main, 3 samples
// each; one benchmark in ten is 30 % slower from the last commit on.
void FillWithProject(perfgate::store::Store& store, std::size_t benchmarks) {
  constexpr std::int64_t kCommits = 12;
  for (std::int64_t commit = 1; commit <= kCommits; ++commit) {
    perfgate::model::Results report{.format = "gbench"};
    report.benchmarks.reserve(benchmarks);
    for (std::size_t i = 0; i < benchmarks; ++i) {
      auto& benchmark = report.BenchmarkNamed("BM_Family" + std::to_string(i / 10) + "/" + std::to_string(i % 10));
      double value = 100.0 + static_cast<double>(i % 97) + static_cast<double>(commit % 3) * 0.2;
      if (i % 10 == 3 && commit == kCommits) value *= 1.3;
      perfgate::model::MetricNamed(benchmark, "real_time", "ns", perfgate::model::Direction::kLowerIsBetter).samples = {
          value, value * 1.004, value * 0.997};
    }
    store.Ingest({.project = "bench",
                  .commit = {.sha = "c" + std::to_string(commit), .branch = "main", .time = commit},
                  .report = std::move(report)});
  }
}

// The overview of a project of range(0) benchmarks, computed afresh (the
// server caches it per data version; this is the cost of a miss): every
// benchmark's check against its baseline, change points and sparkline.
void BM_ProjectOverview(benchmark::State& state) {
  const auto benchmarks = static_cast<std::size_t>(state.range(0));
  auto store = perfgate::store::OpenSqliteStore(
      PreparedStore("overview_" + std::to_string(benchmarks),
                    [&](perfgate::store::Store& prepared) { FillWithProject(prepared, benchmarks); }),
      {.durable = false});
  for (auto _ : state) {
    auto overview = perfgate::gate::ProjectOverview(*store, {.project = "bench"});
    if (!overview || overview->benchmarks.size() != benchmarks) state.SkipWithError("the overview failed");
    benchmark::DoNotOptimize(overview);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ProjectOverview)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

}  // namespace

BENCHMARK_MAIN();
