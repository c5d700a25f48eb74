#pragma once
// A series with one known step, shared by the change-point placement tests
// (detect) and the series rendering tests (report).

#include <cmath>
#include <limits>
#include <string>

#include "perfgate/model/series.hpp"

namespace perfgate::testing {

// 30 commits at 100 with small deterministic noise, then 130 from index 20 on;
// one NaN point in the first segment, which detection must skip and map around.
inline model::Series SteppedSeries() {
  model::Series series;
  series.benchmark = "BM_Step";
  series.metric = {"real_time", "ns", model::Direction::kLowerIsBetter};
  series.testbed = "default";
  series.branch = "main";
  for (int i = 0; i < 30; ++i) {
    double noise = ((i * 37) % 11 - 5) * 0.002;
    double value = (i < 20 ? 100.0 : 130.0) * (1 + noise);
    if (i == 5) value = std::numeric_limits<double>::quiet_NaN();
    series.points.push_back(model::SeriesPoint{.commit = "c" + std::to_string(100 + i), .time = 1700000000 + i * 60,
                                               .value = value, .min = value, .max = value, .n = 1,
                                               .from_aggregates = false});
  }
  return series;
}

}  // namespace perfgate::testing
