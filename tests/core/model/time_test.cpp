#include <catch2/catch.hpp>

#include "perfgate/model/time.hpp"

using perfgate::model::FormatIsoTime;
using perfgate::model::ParseIsoTime;

TEST_CASE("ISO 8601 times with zones, fractions and plain dates", "[model][time]") {
  CHECK(ParseIsoTime("2024-01-05T10:00:00Z") == 1704448800);
  CHECK(ParseIsoTime("2024-01-05T12:00:00+02:00") == 1704448800);
  CHECK(ParseIsoTime("2024-01-05T10:00:00.123Z") == 1704448800);
  CHECK(ParseIsoTime("2024-01-05") == 1704412800);
  CHECK(ParseIsoTime("1970-01-01T00:00:00Z") == 0);
  CHECK(!ParseIsoTime("2024-02-30"));
  CHECK(!ParseIsoTime("2024-01-05T25:00:00Z"));
  CHECK(!ParseIsoTime("yesterday"));
  CHECK(!ParseIsoTime("2024-01-05T10:00:00Zjunk"));
}

TEST_CASE("Formatted times parse back to the same second", "[model][time]") {
  CHECK(FormatIsoTime(1704448800) == "2024-01-05T10:00:00Z");
  CHECK(FormatIsoTime(0) == "1970-01-01T00:00:00Z");
  for (std::int64_t seconds : {0LL, 951782400LL, 1704448800LL, 4102444799LL}) {
    CHECK(ParseIsoTime(FormatIsoTime(seconds)) == seconds);
  }
}
