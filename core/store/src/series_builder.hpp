#pragma once
// Turns the rows of a series query into points, for every backend: rows come
// newest first, one or more measurements per commit (a commit's runs pool), and
// a commit without raw samples is plotted from the harness's median or mean.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "perfgate/stats/descriptive.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::store {

class SeriesBuilder {
 public:
  SeriesBuilder(Series& series, std::size_t limit) : series_(series), limit_(limit) {}

  // Enters the row's commit. False when that would be point `limit + 1`: stop reading.
  bool Row(std::int64_t commit_id, std::string_view sha, std::int64_t time) {
    if (commit_id == current_commit_) return true;
    Flush();
    if (series_.points.size() >= limit_) {
      reached_limit_ = true;
      return false;
    }
    current_commit_ = commit_id;
    series_.points.push_back(SeriesPoint{.commit = std::string(sha), .time = time});
    return true;
  }

  // One measurement's samples: little-endian doubles (PostgreSQL's samples
  // bytea; on SQLite, a metric's part of a results BLOB, sqlite_layout.hpp).
  void AddSamples(std::span<const std::byte> blob) { AppendSamples(blob, pooled_); }
  bool NeedsAggregate() const { return !aggregate_; }
  void SetAggregate(std::optional<double> value) { aggregate_ = value; }

  // Completes the last commit and puts the points oldest first.
  void Finish() {
    if (!reached_limit_) Flush();
    std::reverse(series_.points.begin(), series_.points.end());
  }

  // Appends the little-endian doubles of a samples BLOB to `out`.
  static void AppendSamples(std::span<const std::byte> blob, std::vector<double>& out) {
    std::size_t count = blob.size() / sizeof(double);
    std::size_t first = out.size();
    out.resize(first + count);
    if (count > 0) std::memcpy(out.data() + first, blob.data(), count * sizeof(double));
  }

 private:
  void Flush() {
    if (current_commit_ < 0) return;
    SeriesPoint& point = series_.points.back();
    std::vector<double> finite;
    for (double value : pooled_) {
      if (!std::isnan(value)) finite.push_back(value);
    }
    point.n = finite.size();
    if (!finite.empty()) {
      point.value = *stats::Median(finite);
      point.min = *std::min_element(finite.begin(), finite.end());
      point.max = *std::max_element(finite.begin(), finite.end());
    } else if (aggregate_) {
      point.value = point.min = point.max = *aggregate_;
      point.from_aggregates = true;
    } else {
      series_.points.pop_back();  // nothing usable for this commit (all NaN)
    }
    pooled_.clear();
    aggregate_.reset();
  }

  Series& series_;
  std::size_t limit_;
  std::int64_t current_commit_ = -1;
  std::vector<double> pooled_;
  std::optional<double> aggregate_;
  bool reached_limit_ = false;
};

}  // namespace perfgate::store
