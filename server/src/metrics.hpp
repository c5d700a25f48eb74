#pragma once
// The counters behind /metrics, rendered in the Prometheus text exposition
// format (version 0.0.4). Thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace perfgate::server {

class Metrics {
 public:
  // One answered request: `route` is the route template ("/api/v1/projects/{project}/series"),
  // never the raw path, so names cannot blow up the label space.
  void RecordRequest(const std::string& method, const std::string& route, int status, double seconds);
  // One upload that reached the store: created or already stored, with its samples.
  void RecordUpload(bool created, std::size_t samples);

  // The exposition text; `database_bytes` is sampled by the caller.
  std::string Render(std::int64_t database_bytes) const;

  // Upper bounds of the latency histogram, seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::map<int, std::uint64_t>> requests_;  // (method, route) -> status -> n
  std::map<std::string, Latency> latency_;  // route -> histogram
  std::uint64_t uploads_created_ = 0;
  std::uint64_t uploads_duplicate_ = 0;
  std::uint64_t samples_stored_ = 0;
};

}  // namespace perfgate::server
