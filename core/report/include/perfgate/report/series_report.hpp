#pragma once
// Renderings of one stored series: the JSON object of the series route of the
// HTTP API (also `perfgate history --format json`) and a plain-text table.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "perfgate/detect/change_points.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::report {

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
SeriesValues DetectableValues(const store::Series& series);

// Detected change points placed back on the series' points: index mapped
// through `positions`; before/after are the segments' medians and change is
// their ratio - 1.
std::vector<SeriesChange> PlaceChanges(const detect::ChangePointState& state, const SeriesValues& values);

// Both of the above around detect::DetectChangePoints, for one-off callers.
std::vector<SeriesChange> DetectSeriesChanges(const store::Series& series,
                                              const detect::ChangePointOptions& options = {});

// {"benchmark","metric","unit","direction","testbed","branch",
//  "points":[{"commit","time","value","min","max","n"}],
//  "change_points":[{"commit","index","before","after","change","p_value"}]}
// Times are ISO 8601 UTC. Non-finite values are written as null.
nlohmann::json SeriesJson(const store::Series& series, const std::vector<SeriesChange>& changes);

// One line per commit (short SHA, date, value, min–max, n) with change points marked.
std::string SeriesText(const store::Series& series, const std::vector<SeriesChange>& changes);

}  // namespace perfgate::report
