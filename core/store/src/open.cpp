#include "perfgate/store/open.hpp"

#include "perfgate/store/postgres_store.hpp"

namespace perfgate::store {

std::unique_ptr<Store> OpenStore(const std::string& location, const SqliteOptions& sqlite) {
  if (IsPostgresUrl(location)) return OpenPostgresStore(location);
  return OpenSqliteStore(location, sqlite);
}

}  // namespace perfgate::store
