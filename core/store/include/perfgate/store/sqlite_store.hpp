#pragma once
// The SQLite implementation of Store: WAL mode, numbered migrations applied in
// one transaction each, prepared statements, BEGIN IMMEDIATE for writes.

#include <memory>
#include <string>

#include "perfgate/store/store.hpp"

namespace perfgate::store {

struct SqliteOptions {
  bool read_only = false;      // a reader connection (the server pools several)
  bool create = true;          // create the file when missing (ignored when read_only)
  int busy_timeout_ms = 10000;  // how long a writer waits for another process's lock
  // synchronous = FULL: a committed write (an acknowledged upload) survives a
  // power cut. false = NORMAL (survives a crashed process only); for benchmarks
  // that measure what durability costs.
  bool durable = true;
};

// Opens (and migrates) the database at `path`; ":memory:" for a private in-memory
// one. Throws StoreError when it cannot be opened or its schema is newer than ours.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path, const SqliteOptions& options = {});

// The schema version this build migrates to.
int LatestSchemaVersion();

}  // namespace perfgate::store
