#pragma once
// Opens the results store a `--db` value names: a PostgreSQL connection URI
// (postgres://... or postgresql://...) or the path of a SQLite file.

#include <memory>
#include <string>

#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::store {

// `sqlite` applies to a SQLite path only. Throws StoreError as either backend does.
std::unique_ptr<Store> OpenStore(const std::string& location, const SqliteOptions& sqlite = {});

}  // namespace perfgate::store
