#pragma once
// Token buckets by key (a token's hash, a client address): each key may spend
// `per_minute` units a minute with bursts of up to `burst`. Thread-safe. The
// table holds at most `max_keys` keys; when full, buckets that have refilled
// completely (they carry no information) are dropped first, then the oldest.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace perfgate::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // per_minute == 0 disables the limiter: Take() always succeeds, Exhausted() never.
  RateLimiter(double per_minute, double burst, std::size_t max_keys = 100000);

  // Spends one unit of `key`; false when its bucket is empty (nothing spent).
  bool Take(const std::string& key, Clock::time_point now = Clock::now());
  // Whether `key` has less than one unit left, without spending any.
  bool Exhausted(const std::string& key, Clock::time_point now = Clock::now());
  // Whole seconds until `key` has one unit again (>= 1).
  int RetryAfterSeconds(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double units;
    Clock::time_point updated;
  };
  Bucket& Refill(const std::string& key, Clock::time_point now);

  const double per_second_;
  const double burst_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace perfgate::server
