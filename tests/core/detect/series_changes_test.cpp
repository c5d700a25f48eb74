#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "perfgate/detect/series_changes.hpp"
#include "../stepped_series.hpp"

using namespace perfgate;

using testing::SteppedSeries;

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
