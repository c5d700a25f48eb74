#include "metrics.hpp"

#include <cstdio>

#include "http_util.hpp"

namespace perfgate::server {

namespace {

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

void Metrics::RecordRequest(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route}][status];
  Latency& latency = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++latency.buckets[i];
      break;
    }
  }
  ++latency.count;
  latency.sum += seconds;
}

void Metrics::RecordUpload(bool created, std::size_t samples) {
  std::lock_guard lock(mutex_);
  if (created) {
    ++uploads_created_;
    samples_stored_ += samples;
  } else {
    ++uploads_duplicate_;
  }
}

std::string Metrics::Render(std::int64_t database_bytes) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP perfgate_http_requests_total HTTP requests answered, by method, route and status.\n";
  out += "# TYPE perfgate_http_requests_total counter\n";
  for (const auto& [key, statuses] : requests_) {
    for (const auto& [status, count] : statuses) {
      out += "perfgate_http_requests_total{method=\"" + EscapeLabel(key.first) + "\",route=\"" +
             EscapeLabel(key.second) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
    }
  }
  out += "# HELP perfgate_http_request_duration_seconds Time from routing to the response, by route.\n";
  out += "# TYPE perfgate_http_request_duration_seconds histogram\n";
  for (const auto& [route, latency] : latency_) {
    std::string label = "route=\"" + EscapeLabel(route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += latency.buckets[i];
      out += "perfgate_http_request_duration_seconds_bucket{" + label + ",le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "perfgate_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(latency.count) + "\n";
    out += "perfgate_http_request_duration_seconds_sum{" + label + "} " + Number(latency.sum) + "\n";
    out += "perfgate_http_request_duration_seconds_count{" + label + "} " + std::to_string(latency.count) + "\n";
  }
  out += "# HELP perfgate_uploads_total Result uploads that reached the store, by outcome.\n";
  out += "# TYPE perfgate_uploads_total counter\n";
  out += "perfgate_uploads_total{outcome=\"created\"} " + std::to_string(uploads_created_) + "\n";
  out += "perfgate_uploads_total{outcome=\"already_stored\"} " + std::to_string(uploads_duplicate_) + "\n";
  out += "# HELP perfgate_samples_stored_total Samples written by uploads since start.\n";
  out += "# TYPE perfgate_samples_stored_total counter\n";
  out += "perfgate_samples_stored_total " + std::to_string(samples_stored_) + "\n";
  out += "# HELP perfgate_database_size_bytes Size of the SQLite database file and its WAL.\n";
  out += "# TYPE perfgate_database_size_bytes gauge\n";
  out += "perfgate_database_size_bytes " + std::to_string(database_bytes) + "\n";
  return out;
}

}  // namespace perfgate::server
