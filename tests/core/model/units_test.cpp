#include <catch2/catch.hpp>

#include "perfgate/model/units.hpp"

using perfgate::model::Direction;
using perfgate::model::ParseQuantity;

TEST_CASE("Times, sizes and rates parse into canonical units", "[model][units]") {
  CHECK(ParseQuantity("50ms")->value == Approx(50e6));
  CHECK(ParseQuantity("50ms")->unit == "ns");
  CHECK(ParseQuantity("1.5 µs")->value == Approx(1500));
  CHECK(ParseQuantity("120s")->value == Approx(120e9));
  CHECK(ParseQuantity("10MB")->value == Approx(10e6));
  CHECK(ParseQuantity("10MB")->unit == "B");
  CHECK(ParseQuantity("2GiB")->value == Approx(2.0 * 1024 * 1024 * 1024));
  CHECK(ParseQuantity("100MB/s")->unit == "B/s");
  CHECK(ParseQuantity("100MB/s")->value == Approx(100e6));
  CHECK(ParseQuantity("10k/s")->unit == "/s");
  CHECK(ParseQuantity("10k/s")->value == Approx(1e4));
  CHECK(ParseQuantity("5%")->unit == "%");
  CHECK(ParseQuantity("5%")->value == Approx(5));
  CHECK(ParseQuantity("42")->unit.empty());
}

TEST_CASE("Unknown units and non-numbers are rejected", "[model][units]") {
  CHECK_FALSE(ParseQuantity("5 parsecs"));
  CHECK_FALSE(ParseQuantity("fast"));
  CHECK_FALSE(ParseQuantity(""));
  CHECK_FALSE(ParseQuantity("nan ms"));
}

TEST_CASE("Rates are higher-is-better and times lower-is-better by default", "[model][units]") {
  CHECK(perfgate::model::DefaultDirection("bytes_per_second", "B/s") == Direction::kHigherIsBetter);
  CHECK(perfgate::model::DefaultDirection("requests", "/s") == Direction::kHigherIsBetter);
  CHECK(perfgate::model::DefaultDirection("real_time", "ns") == Direction::kLowerIsBetter);
  CHECK(perfgate::model::DefaultDirection("max_bytes_used", "B") == Direction::kLowerIsBetter);
}

TEST_CASE("Quantities format in the largest readable unit", "[model][units]") {
  CHECK(perfgate::model::FormatQuantity(1532.0, "ns") == "1.53 us");
  CHECK(perfgate::model::FormatQuantity(2.5e9, "B/s") == "2.5 GB/s");
  CHECK(perfgate::model::FormatQuantity(12.0, "ns") == "12 ns");
}
