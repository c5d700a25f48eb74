#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "../../test_support.hpp"
#include "perfgate/store/backup.hpp"
#include "perfgate/store/store.hpp"

using namespace perfgate;

namespace {

void Exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  if (result != SQLITE_OK) FAIL(sql << ": " << text);
}

long long CountRows(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &count, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(count) == SQLITE_ROW);
  long long rows = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  return rows;
}

}  // namespace

// The server commits uploads from another connection while `perfgate backup`
// runs. A copy made in small steps that each begin a new read restarts whenever
// a commit lands between two steps, so under steady writes it never ends.
TEST_CASE("A backup ends, with one snapshot, while another connection commits without pause", "[sqlite]") {
  std::filesystem::path dir = testing::ScratchDirectory("backup");
  std::string source = (dir / "live.db").string();
  std::string destination = (dir / "copy.db").string();
  sqlite3* writer = nullptr;
  REQUIRE(sqlite3_open(source.c_str(), &writer) == SQLITE_OK);
  Exec(writer, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  // About 16 MB: some 4,000 pages, so the copy takes many steps.
  Exec(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
               "INSERT INTO t (v) SELECT randomblob(4000) FROM n");
  long long before = CountRows(source);

  std::atomic<bool> stop{false};
  std::atomic<long long> commits{0};
  std::thread writes([&] {
    while (!stop) {
      sqlite3_exec(writer, "INSERT INTO t (v) VALUES (randomblob(100))", nullptr, nullptr, nullptr);
      ++commits;
    }
  });
  auto backup = std::async(std::launch::async, [&] { return store::BackupDatabase(source, destination); });
  // Generous: the copy itself takes well under a second. If it does not end,
  // the writer stops so the backup can finish and the test report the failure.
  bool ended = backup.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  long long during = commits.load();
  stop = true;
  writes.join();
  store::BackupOutcome outcome = backup.get();
  sqlite3_close(writer);

  CHECK(ended);
  CHECK(during > 0);
  CHECK(outcome.pages > 256);
  long long copied = CountRows(destination);
  CHECK(copied >= before);
  CHECK(copied < CountRows(source));  // later commits are not in the copy
  CHECK_FALSE(std::filesystem::exists(destination + "-wal"));
}

TEST_CASE("A backup of a missing database names it and writes nothing", "[sqlite]") {
  std::filesystem::path dir = testing::ScratchDirectory("backup-missing");
  std::string destination = (dir / "copy.db").string();
  REQUIRE_THROWS_WITH(store::BackupDatabase((dir / "missing.db").string(), destination),
                      Catch::Contains("missing.db"));
  CHECK_FALSE(std::filesystem::exists(destination));
  CHECK_FALSE(std::filesystem::exists(destination + ".tmp"));
}
