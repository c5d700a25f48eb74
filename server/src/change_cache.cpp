#include "change_cache.hpp"

#include <algorithm>
#include <optional>

namespace perfgate::server {

std::vector<detect::SeriesChange> ChangePointCache::ChangesOf(const std::string& key, const store::Series& series) {
  detect::SeriesValues detectable = detect::DetectableValues(series);
  std::vector<double>& values = detectable.values;

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

  std::vector<detect::SeriesChange> changes = detect::PlaceChanges(state, detectable);

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
