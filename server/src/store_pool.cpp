#include "store_pool.hpp"

#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::server {

namespace {
constexpr bool kReuseReaders = false;
}  // namespace

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
  // The SQLite store resets a cached statement only when it is next prepared, so
  // a connection that answered a request may still hold a read transaction open:
  // reused, it would see that old snapshot (missing newer uploads) and pin the
  // WAL against checkpoints. Until the store ends its reads itself, every
  // request gets a fresh reader (opening one costs tens of microseconds).
  if (!kReuseReaders) return;
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(store));
}

}  // namespace perfgate::server
