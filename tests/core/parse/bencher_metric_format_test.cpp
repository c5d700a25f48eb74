#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseBencherMetricFormat;
using perfgate::testing::ReadFixture;

TEST_CASE("Each BMF measure is a metric with its value and bounds", "[parse][bmf]") {
  std::string text = ReadFixture("bmf/bmf.json");
  auto report = ParseBencherMetricFormat(text);
  REQUIRE(report);
  CHECK(report->format == "bmf");
  auto document = nlohmann::json::parse(text);
  REQUIRE(report->benchmarks.size() == document.size());
  const auto& open = document["stream/open"]["latency"];
  const auto* latency = report->FindBenchmark("stream/open")->FindMetric("latency");
  REQUIRE(latency);
  CHECK(latency->unit == "ns");
  CHECK(latency->direction == Direction::kLowerIsBetter);
  CHECK_FALSE(latency->HasSamples());
  CHECK(latency->aggregates.at("mean") == open["value"].get<double>());
  CHECK(latency->aggregates.at("mean_lower_bound") == open["lower_value"].get<double>());
  CHECK(latency->aggregates.at("mean_upper_bound") == open["upper_value"].get<double>());
  const auto* throughput = report->FindBenchmark("stream/throughput/1k")->FindMetric("throughput");
  REQUIRE(throughput);
  CHECK(throughput->unit == "/s");
  CHECK(throughput->direction == Direction::kHigherIsBetter);
  const auto* size = report->FindBenchmark("binary/libmeshara.so")->FindMetric("file-size");
  REQUIRE(size);
  CHECK(size->unit == "B");
  const auto* build = report->FindBenchmark("build/release")->FindMetric("build-time");
  REQUIRE(build);
  CHECK(build->unit == "ns");
  CHECK(build->aggregates.at("mean") == Approx(document["build/release"]["build-time"]["value"].get<double>() * 1e9));
  CHECK(report->FindBenchmark("cache/hit-ratio")->FindMetric("cache-hits"));
}

TEST_CASE("Malformed BMF names the benchmark and measure", "[parse][bmf]") {
  auto report = ParseBencherMetricFormat("{\n  \"a\": {\"latency\": {\"value\": 1}},\n  \"b\": {\"latency\": {\"value\": \"x\"}}\n}");
  REQUIRE_FALSE(report);
  CHECK_THAT(report.error().where, Catch::Contains("b.latency.value"));
  CHECK_FALSE(ParseBencherMetricFormat("{\"a\": {\"latency\": 5}}"));
  CHECK_FALSE(ParseBencherMetricFormat("{}"));
}
