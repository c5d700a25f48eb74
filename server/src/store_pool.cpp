#include "store_pool.hpp"

#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::server {

StorePool::StorePool(std::string path, std::chrono::steady_clock::duration max_reader_age)
    : path_(std::move(path)),
      max_reader_age_(max_reader_age),
      writer_(store::OpenSqliteStore(path_, store::SqliteOptions{.read_only = false})) {}

StorePool::Lease::~Lease() {
  if (reader_.store && pool_) pool_->Return(std::move(reader_));
}

bool StorePool::Reusable(const Reader& reader) const {
  return reader.generation == generation_.load() && std::chrono::steady_clock::now() - reader.opened < max_reader_age_;
}

StorePool::Lease StorePool::Read(bool fresh) {
  if (!fresh) {
    std::lock_guard lock(readers_mutex_);
    while (!idle_readers_.empty()) {
      Reader reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      if (Reusable(reader)) return Lease(*this, std::move(reader));
    }
  }
  // The generation is taken before opening: a write that lands meanwhile makes
  // this reader one-use, never stale.
  std::uint64_t generation = generation_.load();
  auto opened = std::chrono::steady_clock::now();
  return Lease(*this, Reader{store::OpenSqliteStore(path_, store::SqliteOptions{.read_only = true}), generation, opened});
}

void StorePool::Return(Reader reader) {
  if (!Reusable(reader)) return;  // closed here, outside the pool's lock
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(reader));
}

}  // namespace perfgate::server
