#pragma once
// Answers of the GET routes that depend only on stored data, computed once per
// (store data version, route, normalised query, what the token may read) and
// served from memory: the body kept as is and gzip-compressed once (when first
// asked for), a strong
// ETag per answer. Bounded in bytes (least recently used out first); entries of
// an older data version are dropped as soon as a newer version is stored, since
// versions only grow. Thread-safe; concurrent misses of one key compute once.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "body_file.hpp"

namespace perfgate::server {

struct CachedAnswer {
  int status = 200;
  std::string content_type;
  std::map<std::string, std::string> headers;
  std::string body;
  bool compressible = false;  // text of at least 1 KiB: has a gzip form
  std::string etag;           // "\"<hash>\"", of the body; the gzip form's is "\"<hash>-gz\""
  std::string gzip_etag;

  // The gzip form, compressed on the first request that accepts it (most
  // answers of a busy store are replaced before anyone asks for gzip); "" when
  // not compressible. Thread-safe.
  const std::string& GzipBody() const;
  // True once GzipBody() has compressed (or when there is nothing to compress):
  // the I/O threads serve only what needs no compressing.
  bool GzipReady() const { return !compressible || gzip_ready_.load(std::memory_order_acquire); }

  // The body (or its gzip form, once GzipBody() has made it) copied into the
  // body file on first use, for sendfile(2); null when it is too short for
  // that (body_file.hpp). Thread-safe.
  std::shared_ptr<const FileSlice> File(bool gzip) const;

 private:
  mutable std::once_flag gzip_once_;
  mutable std::atomic<bool> gzip_ready_{false};
  mutable std::string gzip_body_;
  mutable std::once_flag file_once_[2];
  mutable std::shared_ptr<const FileSlice> file_[2];  // of the body, of the gzip form
};

// Builds the answer of a computed response and its ETags.
std::shared_ptr<const CachedAnswer> MakeCachedAnswer(int status, std::string content_type,
                                                     std::map<std::string, std::string> headers, std::string body);

class ResponseCache {
 public:
  // At most `max_bytes` of keys and bodies; 0 disables the cache (every
  // request computes, concurrent ones still compute once).
  explicit ResponseCache(std::size_t max_bytes);

  // The stored answer of `key` at `version`; null when there is none.
  std::shared_ptr<const CachedAnswer> Find(const std::string& key, std::int64_t version);

  // The answer of `key` at `version`: the stored one, or the one `compute`
  // returns. While one thread computes a key, other callers of the same key
  // and version wait for its answer instead of computing it again. Only 200
  // answers are stored. An exception of `compute` reaches every waiting caller.
  std::shared_ptr<const CachedAnswer> FindOrCompute(const std::string& key, std::int64_t version,
                                                    const std::function<std::shared_ptr<const CachedAnswer>()>& compute);

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;  // computed
    std::size_t bytes = 0;
    std::size_t entries = 0;
  };
  Stats Snapshot() const;

 private:
  struct Entry {
    std::string key;
    std::int64_t version;
    std::shared_ptr<const CachedAnswer> answer;
    std::size_t bytes;
  };
  struct Flight;
  std::shared_ptr<const CachedAnswer> FindLocked(const std::string& key, std::int64_t version);
  void StoreLocked(const std::string& key, std::int64_t version, std::shared_ptr<const CachedAnswer> answer);
  void EraseLocked(std::list<Entry>::iterator entry);

  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> entries_;
  std::map<std::pair<std::string, std::int64_t>, std::shared_ptr<Flight>> flights_;
  std::int64_t newest_version_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace perfgate::server
