#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "perfgate/report/series_report.hpp"
#include "../stepped_series.hpp"

using namespace perfgate;

using testing::SteppedSeries;

TEST_CASE("Series JSON names each change point's commit and writes NaN as null", "[report][series]") {
  model::Series series = SteppedSeries();
  auto json = report::SeriesJson(series, detect::DetectSeriesChanges(series));
  REQUIRE(json["points"].size() == 30);
  CHECK(json["points"][5]["value"].is_null());
  CHECK(json["points"][0]["time"] == "2023-11-14T22:13:20Z");
  REQUIRE(json["change_points"].size() == 1);
  CHECK(json["change_points"][0]["commit"] == "c120");
  CHECK(json["change_points"][0]["index"] == 20);
  CHECK(json["direction"] == "lower_is_better");

  // A change placed beyond the points (a stale cache) is left out, not read past the end.
  auto stale = report::SeriesJson(series, {detect::SeriesChange{.index = 99, .before = 1, .after = 2, .change = 1, .p_value = 0}});
  CHECK(stale["change_points"].empty());
}

TEST_CASE("Series text marks the change point's line", "[report][series]") {
  model::Series series = SteppedSeries();
  std::string text = report::SeriesText(series, detect::DetectSeriesChanges(series));
  auto marked = text.find("change point +");
  REQUIRE(marked != std::string::npos);
  auto line_start = text.rfind('\n', marked) + 1;
  CHECK(text.substr(line_start, 4) == "c120");
  model::Series empty;
  CHECK_THAT(report::SeriesText(empty, {}), Catch::Contains("(no points)"));
}
