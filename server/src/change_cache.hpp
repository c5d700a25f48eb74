#pragma once
// Change points per series, remembered between requests: detection costs far
// more than loading a series, and a series mostly only grows. A repeated request
// reuses the answer; a series with points appended continues the detection
// incrementally (detect::UpdateChangePoints); anything else recomputes.

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "perfgate/detect/change_points.hpp"
#include "perfgate/detect/series_changes.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::server {

class ChangePointCache {
 public:
  explicit ChangePointCache(std::size_t capacity = 4096) : capacity_(capacity) {}

  // The change points of `series`, located on its points (non-finite points
  // are skipped by detection and indices mapped back). `key` identifies the
  // series (project, benchmark, metric, testbed, branch). Thread-safe; a
  // gate::ChangesOf for gate::SeriesWithChanges and gate::FindAlerts.
  std::vector<detect::SeriesChange> ChangesOf(const std::string& key, const store::Series& series);

 private:
  struct Entry {
    std::vector<double> values;
    detect::ChangePointState state;
  };
  std::size_t capacity_;
  std::mutex mutex_;
  std::list<std::string> recency_;  // most recent first
  std::unordered_map<std::string, std::pair<Entry, std::list<std::string>::iterator>> entries_;
};

}  // namespace perfgate::server
