#pragma once
// The server's database connections: one writer behind a mutex and a pool of
// read-only connections, so a long upload never blocks a read (SQLite WAL lets
// readers see the last committed state while the writer works). A Store is not
// thread-safe, so each connection is used by one thread at a time.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "perfgate/store/store.hpp"

namespace perfgate::server {

class StorePool {
 public:
  // Opens the writer (creating and migrating the file). Throws store::StoreError.
  explicit StorePool(std::string path);

  // A reader connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store) : pool_(&pool), store_(std::move(store)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };

  // An idle reader, or a new one. Throws store::StoreError when it cannot open.
  Lease Reader();

  // Runs `work(store)` on the writer connection, holding the writer mutex.
  template <typename Work>
  auto Write(Work&& work) {
    std::lock_guard lock(writer_mutex_);
    return work(*writer_);
  }

 private:
  void Return(std::unique_ptr<store::Store> store);

  std::string path_;
  std::mutex writer_mutex_;
  std::unique_ptr<store::Store> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_readers_;
};

}  // namespace perfgate::server
