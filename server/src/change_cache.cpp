#include "change_cache.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace perfgate::server {

std::vector<report::SeriesChange> ChangePointCache::ChangesOf(const std::string& key, const store::Series& series) {
  std::vector<double> values;
  std::vector<std::size_t> positions;
  values.reserve(series.points.size());
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    if (!std::isfinite(series.points[i].value)) continue;
    values.push_back(series.points[i].value);
    positions.push_back(i);
  }

  std::optional<detect::ChangePointState> previous;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      const Entry& entry = it->second.first;
      bool prefix = entry.values.size() <= values.size() &&
                    std::equal(entry.values.begin(), entry.values.end(), values.begin());
      if (prefix) previous = entry.state;
      recency_.splice(recency_.begin(), recency_, it->second.second);
    }
  }
  // Detection runs outside the lock; two threads may compute the same series
  // once each, which is harmless.
  detect::ChangePointState state = previous ? (previous->length == values.size()
                                                   ? std::move(*previous)
                                                   : detect::UpdateChangePoints(*previous, values))
                                            : detect::DetectChangePoints(values);

  std::vector<report::SeriesChange> changes;
  for (const detect::ChangePoint& point : state.change_points) {
    if (point.index >= positions.size()) continue;
    double change = point.before_median != 0 ? point.after_median / point.before_median - 1 : 0;
    changes.push_back(report::SeriesChange{.index = positions[point.index], .before = point.before_median,
                                           .after = point.after_median, .change = change,
                                           .p_value = point.p_value});
  }

  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.first = Entry{std::move(values), std::move(state)};
  } else {
    recency_.push_front(key);
    entries_.emplace(key, std::make_pair(Entry{std::move(values), std::move(state)}, recency_.begin()));
    while (entries_.size() > capacity_) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
  }
  return changes;
}

}  // namespace perfgate::server
