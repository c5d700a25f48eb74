#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "perfgate/detect/series_changes.hpp"

using namespace perfgate;

namespace {

// 30 commits at 100 with small deterministic noise, then 130 from index 20 on;
// one NaN point in the first segment, which detection must skip and map around.
model::Series SteppedSeries() {
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

}  // namespace

TEST_CASE("A step is placed on the first point at the new level, past skipped NaN points", "[detect][series]") {
  model::Series series = SteppedSeries();
  detect::SeriesValues values = detect::DetectableValues(series);
  CHECK(values.values.size() == 29);
  CHECK(values.positions[5] == 6);  // the NaN at 5 is skipped
  auto changes = detect::DetectSeriesChanges(series);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].index == 20);
  CHECK(changes[0].change == Approx(0.30).margin(0.01));
  CHECK(changes[0].after / changes[0].before - 1 == Approx(changes[0].change));
}
