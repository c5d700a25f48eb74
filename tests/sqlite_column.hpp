#pragma once
// For tests that look into a SQLite file behind perfgate's back (what was
// stored, byte for byte) or change it the way an older perfgate left it.

#include <sqlite3.h>

#include <string>
#include <vector>

namespace perfgate::testing {

// Runs one statement on a SQLite file; the first column of each row, as text
// ("" for NULL).
inline std::vector<std::string> SqliteColumn(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  std::vector<std::string> column;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(statement, 0);
    column.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return column;
}

}  // namespace perfgate::testing
