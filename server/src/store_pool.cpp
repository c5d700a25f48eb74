#include "store_pool.hpp"

#include "perfgate/store/open.hpp"

#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::server {

StorePool::StorePool(std::string path)
    : path_(std::move(path)), writer_(store::OpenStore(path_, store::SqliteOptions{.read_only = false})) {}

StorePool::Lease::~Lease() {
  if (reader_ && pool_) pool_->Return(std::move(reader_));
}

StorePool::Lease StorePool::Read() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      Reader reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Lease(*this, std::move(reader));
    }
  }
  return Lease(*this, store::OpenStore(path_, store::SqliteOptions{.read_only = true}));
}

void StorePool::Return(Reader reader) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(reader));
}

}  // namespace perfgate::server
