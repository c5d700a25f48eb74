#include "response_cache.hpp"

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <utility>

#include "compression.hpp"

namespace perfgate::server {

namespace {

// FNV-1a, 64 bits: an ETag tells two bodies apart, it is not a defence.
std::uint64_t Fnv1a(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Key, body, room for the gzip form (never larger than the text it
// compresses, for the text it is used on), their copies in the body file and
// the entry's bookkeeping.
std::size_t CostOf(const std::string& key, const CachedAnswer& answer) {
  std::size_t copies = answer.body.size() >= kMinFileBody ? 2 : 1;
  return key.size() * 2 + answer.body.size() * (answer.compressible ? 2 : 1) * copies + answer.content_type.size() +
         256;
}

}  // namespace

std::shared_ptr<const CachedAnswer> MakeCachedAnswer(int status, std::string content_type,
                                                     std::map<std::string, std::string> headers, std::string body) {
  auto answer = std::make_shared<CachedAnswer>();
  answer->status = status;
  answer->content_type = std::move(content_type);
  answer->headers = std::move(headers);
  answer->body = std::move(body);
  std::string hash = Hex(Fnv1a(answer->body)) + Hex(answer->body.size());
  answer->etag = "\"" + hash + "\"";
  answer->compressible = ShouldCompress(answer->content_type, answer->body.size());
  if (answer->compressible) answer->gzip_etag = "\"" + hash + "-gz\"";
  return answer;
}

const std::string& CachedAnswer::GzipBody() const {
  std::call_once(gzip_once_, [this] {
    if (!compressible) return;
    if (auto compressed = Gzip(body)) gzip_body_ = std::move(*compressed);
    gzip_ready_.store(true, std::memory_order_release);
  });
  return gzip_body_;
}

std::shared_ptr<const FileSlice> CachedAnswer::File(bool gzip) const {
  int form = gzip ? 1 : 0;
  std::call_once(file_once_[form], [&] { file_[form] = CopyToBodyFile(gzip ? GzipBody() : body); });
  return file_[form];
}

struct ResponseCache::Flight {
  std::condition_variable done_signal;
  bool done = false;
  std::shared_ptr<const CachedAnswer> answer;
  std::exception_ptr error;
};

ResponseCache::ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::shared_ptr<const CachedAnswer> ResponseCache::Find(const std::string& key, std::int64_t version) {
  std::lock_guard lock(mutex_);
  return FindLocked(key, version);
}

std::shared_ptr<const CachedAnswer> ResponseCache::FindLocked(const std::string& key, std::int64_t version) {
  auto found = entries_.find(key);
  if (found == entries_.end() || found->second->version != version) return nullptr;
  lru_.splice(lru_.begin(), lru_, found->second);
  ++hits_;
  return found->second->answer;
}

std::shared_ptr<const CachedAnswer> ResponseCache::FindOrCompute(
    const std::string& key, std::int64_t version, const std::function<std::shared_ptr<const CachedAnswer>()>& compute) {
  std::shared_ptr<Flight> flight;
  {
    std::unique_lock lock(mutex_);
    if (auto answer = FindLocked(key, version)) return answer;
    auto& slot = flights_[{key, version}];
    if (slot) {
      // Another thread computes this answer: wait for it.
      std::shared_ptr<Flight> running = slot;
      running->done_signal.wait(lock, [&] { return running->done; });
      ++hits_;
      if (running->error) std::rethrow_exception(running->error);
      return running->answer;
    }
    slot = flight = std::make_shared<Flight>();
    ++misses_;
  }
  std::shared_ptr<const CachedAnswer> answer;
  std::exception_ptr error;
  try {
    answer = compute();
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    flights_.erase({key, version});
    flight->done = true;
    flight->answer = answer;
    flight->error = error;
    if (answer && answer->status == 200) StoreLocked(key, version, answer);
  }
  flight->done_signal.notify_all();
  if (error) std::rethrow_exception(error);
  return answer;
}

void ResponseCache::StoreLocked(const std::string& key, std::int64_t version,
                                std::shared_ptr<const CachedAnswer> answer) {
  if (version < newest_version_) return;  // computed while a newer version was stored: nobody asks for it again
  if (version > newest_version_) {
    newest_version_ = version;
    for (auto entry = lru_.begin(); entry != lru_.end();) {
      auto next = std::next(entry);
      if (entry->version < version) EraseLocked(entry);
      entry = next;
    }
  }
  std::size_t cost = CostOf(key, *answer);
  if (cost > max_bytes_) return;
  if (auto found = entries_.find(key); found != entries_.end()) EraseLocked(found->second);
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) EraseLocked(std::prev(lru_.end()));
  lru_.push_front(Entry{key, version, std::move(answer), cost});
  entries_[key] = lru_.begin();
  bytes_ += cost;
}

void ResponseCache::EraseLocked(std::list<Entry>::iterator entry) {
  bytes_ -= entry->bytes;
  entries_.erase(entry->key);
  lru_.erase(entry);
}

ResponseCache::Stats ResponseCache::Snapshot() const {
  std::lock_guard lock(mutex_);
  return Stats{.hits = hits_, .misses = misses_, .bytes = bytes_, .entries = entries_.size()};
}

}  // namespace perfgate::server
