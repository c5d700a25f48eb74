#pragma once
// The server's database connections: one writer behind a mutex and a pool of
// read-only connections, so a long upload never blocks a read (SQLite WAL lets
// readers see the last committed state while the writer works). A Store is not
// thread-safe, so each connection is used by one thread at a time.
//
// Freshness: the SQLite store resets a cached statement only when it next uses
// it, so a connection that answered a request may keep its read snapshot. A
// pooled reader is therefore reused only while nothing was written through this
// server since it was opened and for at most `max_reader_age`: uploads to this
// server are visible to the next request, writes by other processes (`perfgate
// token create`, `perfgate ingest --db`) within that age. Token checks always
// use a fresh reader, so a revoked token is refused at once.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "perfgate/store/store.hpp"

namespace perfgate::server {

class StorePool {
 public:
  // Opens the writer (creating and migrating the file). Throws store::StoreError.
  explicit StorePool(std::string path,
                     std::chrono::steady_clock::duration max_reader_age = std::chrono::milliseconds(1000));

  struct Reader {
    std::unique_ptr<store::Store> store;
    std::uint64_t generation = 0;  // writes through this pool when it was opened
    std::chrono::steady_clock::time_point opened;
  };

  // A reader connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(StorePool& pool, Reader reader) : pool_(&pool), reader_(std::move(reader)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() const { return *reader_.store; }
    store::Store* operator->() const { return reader_.store.get(); }

   private:
    StorePool* pool_;
    Reader reader_;
  };

  // An idle reader still fresh enough, or a new one; `fresh` always opens a new
  // one (for token checks). Throws store::StoreError when it cannot open.
  Lease Read(bool fresh = false);

  // Runs `work(store)` on the writer connection, holding the writer mutex;
  // readers opened before it are not reused afterwards.
  template <typename Work>
  auto Write(Work&& work) {
    std::lock_guard lock(writer_mutex_);
    struct Bump {
      std::atomic<std::uint64_t>& generation;
      ~Bump() { ++generation; }
    } bump{generation_};
    return work(*writer_);
  }

 private:
  void Return(Reader reader);
  bool Reusable(const Reader& reader) const;

  std::string path_;
  std::chrono::steady_clock::duration max_reader_age_;
  std::atomic<std::uint64_t> generation_{0};
  std::mutex writer_mutex_;
  std::unique_ptr<store::Store> writer_;
  std::mutex readers_mutex_;
  std::vector<Reader> idle_readers_;
};

}  // namespace perfgate::server
