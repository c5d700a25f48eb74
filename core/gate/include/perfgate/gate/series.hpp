#pragma once
// "Series with change points": one benchmark's metric over commits, loaded from
// the store, with its change points placed on its points.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "perfgate/detect/series_changes.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// The change points of a loaded series; the caller decides how (the server
// keeps them between requests and continues detection as a series grows).
using ChangesOf = std::function<std::vector<detect::SeriesChange>(const store::Series& series)>;

// What to load: the store's own series query (its defaults are the rules).
using SeriesRequest = store::SeriesQuery;

struct SeriesAnswer {
  store::Series series;
  std::vector<detect::SeriesChange> changes;  // located on series.points
};

// The series and its change points, by `changes_of` (empty: detected afresh,
// detect::DetectSeriesChanges). A series the store does not have is kNotFound
// (where "benchmark", code "series_not_found"), naming what was asked for.
// Throws store::StoreError.
Result<SeriesAnswer> SeriesWithChanges(store::Store& store, const SeriesRequest& request,
                                       const ChangesOf& changes_of = {});

}  // namespace perfgate::gate
