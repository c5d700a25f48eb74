#pragma once
// Change points placed on a series' points: detection (change_points.hpp)
// reads only finite values; these map its answer back onto the series.

#include <cstddef>
#include <vector>

#include "perfgate/detect/change_points.hpp"
#include "perfgate/model/series.hpp"

namespace perfgate::detect {

// A detected change in a series, already located: `index` is the first point
// at the new level; `before`/`after` are the levels (medians) either side.
struct SeriesChange {
  std::size_t index = 0;
  double before = 0;
  double after = 0;
  double change = 0;  // after / before - 1
  double p_value = 1;
};

// The values change-point detection reads from a series: its finite point
// values, oldest first, and for each the index of its point in the series.
struct SeriesValues {
  std::vector<double> values;
  std::vector<std::size_t> positions;
};
SeriesValues DetectableValues(const model::Series& series);

// Detected change points placed back on the series' points: index mapped
// through `positions`; before/after are the segments' medians and change is
// their ratio - 1 (0 when the level before is 0).
std::vector<SeriesChange> PlaceChanges(const ChangePointState& state, const SeriesValues& values);

// Both of the above around DetectChangePoints, for one-off callers. An empty
// series has no change points.
std::vector<SeriesChange> DetectSeriesChanges(const model::Series& series, const ChangePointOptions& options = {});

}  // namespace perfgate::detect
