#pragma once
// The server's database connections: one writer behind a mutex and a pool of
// read-only connections, so a long upload never blocks a read (SQLite WAL lets
// readers see the last committed state while the writer works). A Store is not
// thread-safe, so each connection is used by one thread at a time.
//
// Freshness: the store ends every call with no statement mid-step, so a pooled
// reader starts each call on the latest committed state: uploads through this
// server, writes by other processes (`perfgate ingest --db`, `perfgate token
// revoke`) and revocations are all visible to the next request.

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

  using Reader = std::unique_ptr<store::Store>;

  // A reader connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(StorePool& pool, Reader reader) : pool_(&pool), reader_(std::move(reader)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() const { return *reader_; }
    store::Store* operator->() const { return reader_.get(); }

   private:
    StorePool* pool_;
    Reader reader_;
  };

  // An idle reader, or a new one. Throws store::StoreError when it cannot open.
  Lease Read();

  // Runs `work(store)` on the writer connection, holding the writer mutex.
  template <typename Work>
  auto Write(Work&& work) {
    std::lock_guard lock(writer_mutex_);
    return work(*writer_);
  }

 private:
  void Return(Reader reader);

  std::string path_;
  std::mutex writer_mutex_;
  std::unique_ptr<store::Store> writer_;
  std::mutex readers_mutex_;
  std::vector<Reader> idle_readers_;
};

}  // namespace perfgate::server
