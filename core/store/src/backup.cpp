#include "perfgate/store/backup.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "perfgate/store/store.hpp"

namespace perfgate::store {

namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

Database Open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int result = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Database owned(db);
  if (result != SQLITE_OK) {
    throw StoreError("cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(db, 5000);
  return owned;
}

}  // namespace

BackupOutcome BackupDatabase(const std::string& source, const std::string& destination) {
  if (!std::filesystem::exists(source)) throw StoreError("cannot open database " + source + ": no such file");
  Database from = Open(source, SQLITE_OPEN_READONLY);
  std::string temporary = destination + ".tmp";
  std::filesystem::remove(temporary);
  BackupOutcome outcome;
  {
    Database to = Open(temporary, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
    if (!backup) throw StoreError("cannot back up to " + temporary + ": " + sqlite3_errmsg(to.get()));
    // One read transaction on the source for the whole copy: the copy is of one
    // snapshot. Without it every step starts a new read, sees the server's latest
    // upload, and the backup starts over: under steady uploads it never ends (it
    // spun for 300 s in CI). In WAL mode the open read does not hold writers off.
    // A busy or locked source is retried after a pause.
    int result = sqlite3_exec(from.get(), "BEGIN; SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if (result != SQLITE_OK) {
      sqlite3_backup_finish(backup);
      throw StoreError("cannot read database " + source + ": " + sqlite3_errmsg(from.get()));
    }
    for (int busy_steps = 0; busy_steps < 5000;) {
      result = sqlite3_backup_step(backup, 256);
      if (result == SQLITE_DONE) break;
      if (result == SQLITE_BUSY || result == SQLITE_LOCKED) {
        ++busy_steps;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      if (result != SQLITE_OK) break;
    }
    outcome.pages = sqlite3_backup_pagecount(backup);
    sqlite3_backup_finish(backup);
    sqlite3_exec(from.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (result != SQLITE_DONE) {
      to.reset();
      std::filesystem::remove(temporary);
      throw StoreError("backup of " + source + " failed: " + sqlite3_errstr(result));
    }
    // The copy inherits WAL mode from the source; make it one self-contained file.
    sqlite3_exec(to.get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    sqlite3_stmt* check = nullptr;
    bool ok = sqlite3_prepare_v2(to.get(), "PRAGMA quick_check", -1, &check, nullptr) == SQLITE_OK &&
              sqlite3_step(check) == SQLITE_ROW &&
              std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok";
    sqlite3_finalize(check);
    if (!ok) {
      to.reset();
      std::filesystem::remove(temporary);
      throw StoreError("backup of " + source + " failed its integrity check");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, destination, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw StoreError("cannot move the backup into place at " + destination + ": " + error.message());
  }
  outcome.bytes = static_cast<long long>(std::filesystem::file_size(destination));
  return outcome;
}

}  // namespace perfgate::store
