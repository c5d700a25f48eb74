#pragma once
// The PostgreSQL implementation of Store, for several `perfgate serve`
// instances over one database: the same behaviour as the SQLite store (its
// test suite runs against both), numbered migrations of its own applied under
// an advisory lock, and writes that two instances can make at the same moment
// (unique keys and upserts, never a read-then-write race).

#include <memory>
#include <string>
#include <string_view>

#include "perfgate/store/store.hpp"

namespace perfgate::store {

// True for a libpq connection URI ("postgres://..." or "postgresql://...").
bool IsPostgresUrl(std::string_view location);

// Connects to (and migrates) the database at `url`. Throws StoreError when it
// cannot connect or its schema is newer than this perfgate's.
std::unique_ptr<Store> OpenPostgresStore(const std::string& url);

// The schema version this build migrates PostgreSQL to.
int LatestPostgresSchemaVersion();

}  // namespace perfgate::store
