#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace perfgate::server {

RateLimiter::RateLimiter(double per_minute, double burst, std::size_t max_keys)
    : per_second_(per_minute / 60.0), burst_(std::max(burst, 1.0)), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

RateLimiter::Bucket& RateLimiter::Refill(const std::string& key, Clock::time_point now) {
  auto found = buckets_.find(key);
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      std::erase_if(buckets_, [&](const auto& entry) {
        double seconds = std::chrono::duration<double>(now - entry.second.updated).count();
        return entry.second.units + seconds * per_second_ >= burst_;
      });
      if (buckets_.size() >= max_keys_) {
        auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
          return a.second.updated < b.second.updated;
        });
        buckets_.erase(oldest);
      }
    }
    return buckets_.emplace(key, Bucket{burst_, now}).first->second;
  }
  Bucket& bucket = found->second;
  double seconds = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.units = std::min(burst_, bucket.units + std::max(seconds, 0.0) * per_second_);
  bucket.updated = now;
  return bucket;
}

bool RateLimiter::Take(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard lock(mutex_);
  Bucket& bucket = Refill(key, now);
  if (bucket.units < 1.0) return false;
  bucket.units -= 1.0;
  return true;
}

bool RateLimiter::Exhausted(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return false;
  std::lock_guard lock(mutex_);
  if (!buckets_.contains(key)) return false;  // never charged: full, and not worth a slot
  return Refill(key, now).units < 1.0;
}

int RateLimiter::RetryAfterSeconds(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return 1;
  std::lock_guard lock(mutex_);
  double missing = 1.0 - Refill(key, now).units;
  return std::max(1, static_cast<int>(std::ceil(missing / per_second_)));
}

}  // namespace perfgate::server
