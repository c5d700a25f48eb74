#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/store/store_backend.hpp"
#include "../process.hpp"
#include "../sqlite_column.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::FreshPostgresDatabase;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

namespace {

// Two commits of real Google Benchmark output and a token, in a SQLite file.
std::string FilledSqlite(const std::filesystem::path& dir) {
  auto db = (dir / "results.db").string();
  auto fixture = FixturePath("gbench/repeated.json").string();
  auto nine = FixturePath("gbench/repeated9.json").string();
  for (auto [file, commit, parent, time] : {std::tuple{fixture, "aaaaaaa1111", "", "2026-01-01T00:00:00Z"},
                                            std::tuple{nine, "bbbbbbb2222", "aaaaaaa1111", "2026-01-02T00:00:00Z"}}) {
    auto ingested = RunPerfgate({"ingest", file, "--db", db, "--project", "demo", "--commit", commit, "--parent", parent,
                                 "--branch", "main", "--time", time});
    INFO(ingested.err);
    REQUIRE(ingested.exit_code == 0);
  }
  REQUIRE(RunPerfgate({"token", "create", "--db", db, "--project", "demo"}).exit_code == 0);
  return db;
}

std::string CompareJson(const std::string& db) {
  auto result = RunPerfgate({"compare", "aaaaaaa1111", "bbbbbbb2222", "--db", db, "--project", "demo", "--format", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

}  // namespace

TEST_CASE("migrate copies a SQLite store into PostgreSQL and back, and re-running copies nothing", "[cli][migrate]") {
  auto dir = ScratchDirectory("cli-migrate");
  std::string sqlite = FilledSqlite(dir);
  std::string postgres = FreshPostgresDatabase();

  auto copied = RunPerfgate({"migrate", "--from", sqlite, "--to", postgres});
  INFO(copied.out << copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK_THAT(copied.out, Catch::Contains("2 runs copied, 0 already there, 1 tokens, 0 alert triages and 0 configs copied"));
  CHECK_THAT(copied.err, Catch::Contains("migrate: 2/2 runs"));
  // The same question through both backends gives the same answer.
  CHECK(nlohmann::json::parse(CompareJson(postgres)) == nlohmann::json::parse(CompareJson(sqlite)));
  auto history = RunPerfgate({"history", "--db", postgres, "--project", "demo", "--benchmark", "BM_Sort/64",
                              "--format", "json"});
  auto sqlite_history = RunPerfgate({"history", "--db", sqlite, "--project", "demo", "--benchmark", "BM_Sort/64",
                                     "--format", "json"});
  REQUIRE(history.exit_code == 0);
  CHECK(history.out == sqlite_history.out);

  auto again = RunPerfgate({"migrate", "--from", sqlite, "--to", postgres});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("0 runs copied, 2 already there, 0 tokens, 0 alert triages and 0 configs copied"));

  auto back = (dir / "back.db").string();
  auto returned = RunPerfgate({"migrate", "--from", postgres, "--to", back});
  INFO(returned.err);
  REQUIRE(returned.exit_code == 0);
  CHECK(nlohmann::json::parse(CompareJson(back)) == nlohmann::json::parse(CompareJson(sqlite)));
}

TEST_CASE("migrate into PostgreSQL repairs free text an older SQLite store kept as raw bytes", "[cli][migrate]") {
  auto dir = ScratchDirectory("cli-migrate-free-text");
  auto sqlite = (dir / "old.db").string();
  auto go = dir / "go.txt";
  std::ofstream(go) << "goos: linux\nBenchmarkOk  \t1000\t  27.5 ns/op\n--- FAIL: BenchmarkFails\n    x_test.go:1: boom\nFAIL\n";
  REQUIRE(RunPerfgate({"ingest", go.string(), "--format", "gotest", "--db", sqlite, "--project", "demo", "--commit",
                       "aaaaaaa1111"}).exit_code == 0);
  // What ingest stored before it repaired free text: ISO-8859-1 "café".
  perfgate::testing::SqliteColumn(sqlite, "UPDATE errors SET message = CAST(X'636166E9' AS TEXT)");
  std::string postgres = FreshPostgresDatabase();

  auto copied = RunPerfgate({"migrate", "--from", sqlite, "--to", postgres});
  INFO(copied.out << copied.err);
  REQUIRE(copied.exit_code == 0);
  auto again = RunPerfgate({"migrate", "--from", sqlite, "--to", postgres});
  CHECK_THAT(again.out, Catch::Contains("0 runs copied, 1 already there"));
  auto back = (dir / "back.db").string();
  REQUIRE(RunPerfgate({"migrate", "--from", postgres, "--to", back}).exit_code == 0);
  CHECK(perfgate::testing::SqliteColumn(back, "SELECT message FROM errors") == std::vector<std::string>{"caf\xEF\xBF\xBD"});
}

TEST_CASE("migrate refuses bad locations with the right exit code and no password in the message", "[cli][migrate]") {
  auto dir = ScratchDirectory("cli-migrate-bad");
  auto missing = RunPerfgate({"migrate", "--from", (dir / "none.db").string(), "--to", (dir / "to.db").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("none.db"));
  CHECK_FALSE(std::filesystem::exists(dir / "to.db"));

  std::string sqlite = FilledSqlite(dir);
  auto unreachable = RunPerfgate({"migrate", "--from", sqlite, "--to", "postgresql://perfgate:hunter2@127.0.0.1:1/x"});
  CHECK(unreachable.exit_code == 3);
  CHECK_THAT(unreachable.err, Catch::Contains("127.0.0.1:1"));
  CHECK_THAT(unreachable.err, !Catch::Contains("hunter2"));

  auto same = RunPerfgate({"migrate", "--from", sqlite, "--to", sqlite});
  CHECK(same.exit_code == 2);
}
