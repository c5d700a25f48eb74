#include "store_pool.hpp"

#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::server {

StorePool::StorePool(std::string path)
    : path_(std::move(path)), writer_(store::OpenSqliteStore(path_, store::SqliteOptions{.read_only = false})) {}

StorePool::Lease::~Lease() {
  if (store_ && pool_) pool_->Return(std::move(store_));
}

StorePool::Lease StorePool::Reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto store = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Lease(*this, std::move(store));
    }
  }
  // Opened outside the lock: opening reads the schema version and may take a moment.
  return Lease(*this, store::OpenSqliteStore(path_, store::SqliteOptions{.read_only = true}));
}

void StorePool::Return(std::unique_ptr<store::Store> store) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(store));
}

}  // namespace perfgate::server
