#include "perfgate/detect/series_changes.hpp"

#include <cmath>

namespace perfgate::detect {

SeriesValues DetectableValues(const model::Series& series) {
  SeriesValues detectable;
  detectable.values.reserve(series.points.size());
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    if (!std::isfinite(series.points[i].value)) continue;
    detectable.values.push_back(series.points[i].value);
    detectable.positions.push_back(i);
  }
  return detectable;
}

std::vector<SeriesChange> PlaceChanges(const ChangePointState& state, const SeriesValues& values) {
  std::vector<SeriesChange> changes;
  for (const ChangePoint& point : state.change_points) {
    if (point.index >= values.positions.size()) continue;
    double change = point.before_median != 0 ? point.after_median / point.before_median - 1 : 0;
    changes.push_back(SeriesChange{.index = values.positions[point.index], .before = point.before_median,
                                   .after = point.after_median, .change = change, .p_value = point.p_value});
  }
  return changes;
}

std::vector<SeriesChange> DetectSeriesChanges(const model::Series& series, const ChangePointOptions& options) {
  SeriesValues values = DetectableValues(series);
  return PlaceChanges(DetectChangePoints(values.values, options), values);
}

}  // namespace perfgate::detect
