#include <catch2/catch.hpp>

#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseCustomJson;
using perfgate::testing::ReadFixture;

TEST_CASE("Custom JSON values are converted to canonical units with directions", "[parse][custom]") {
  auto report = ParseCustomJson(ReadFixture("custom/custom.json"));
  REQUIRE(report);
  CHECK(report->format == "custom");
  CHECK(report->context.at("host") == "ci-runner-3");
  const auto* message = report->FindBenchmark("e2e/private_message");
  REQUIRE(message);
  const auto* p99 = message->FindMetric("p99");
  REQUIRE(p99);
  CHECK(p99->unit == "ns");
  CHECK(p99->samples == std::vector<double>{42.5e6});
  const auto* latency = message->FindMetric("latency");
  REQUIRE(latency);
  CHECK(latency->samples.size() == 4);
  CHECK(latency->samples[0] == Approx(812.5e3));

  const auto* throughput = report->FindBenchmark("throughput/1kb")->FindMetric("bytes_per_second");
  CHECK(throughput->unit == "B/s");
  CHECK(throughput->direction == Direction::kHigherIsBetter);
  CHECK(throughput->samples[1] == Approx(118.5e6));

  const auto* rss = report->FindBenchmark("memory/rss")->FindMetric("value");
  CHECK(rss->unit == "B");
  CHECK(rss->samples[0] == Approx(12.5 * 1048576));

  const auto* requests = report->FindBenchmark("load/checkout")->FindMetric("requests");
  CHECK(requests->unit == "/s");
  CHECK(requests->direction == Direction::kHigherIsBetter);
  CHECK_FALSE(requests->HasSamples());
  CHECK(requests->aggregates.at("p95") == 1400);

  CHECK(report->FindBenchmark("quality/cache_hit_ratio")->FindMetric("value")->direction ==
        Direction::kHigherIsBetter);
  const auto* unicode = report->FindBenchmark("größe/ünïcode");
  REQUIRE(unicode);
  CHECK(unicode->FindMetric("value")->samples[0] == Approx(3e9));
}

TEST_CASE("Custom JSON may be a bare array of entries", "[parse][custom]") {
  auto report = ParseCustomJson(ReadFixture("custom/array.json"));
  REQUIRE(report);
  CHECK(report->FindBenchmark("build/compile_time")->FindMetric("value")->samples[0] == Approx(95e9));
  CHECK(report->FindBenchmark("size/libmeshara.so")->FindMetric("value")->unit == "B");
}

TEST_CASE("An unknown custom unit is kept as written", "[parse][custom]") {
  auto report = ParseCustomJson(R"([{"name": "frames", "value": 60, "unit": "fps", "direction": "higher"}])");
  REQUIRE(report);
  const auto& metric = report->benchmarks.at(0).metrics.at(0);
  CHECK(metric.unit == "fps");
  CHECK(metric.samples[0] == 60);
}

TEST_CASE("Malformed custom JSON names the field and line", "[parse][custom]") {
  SECTION("a sample that is a string") {
    auto report = ParseCustomJson("{\"benchmarks\": [\n  {\"name\": \"a\", \"samples\": [1,\n \"two\"]}\n]}");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 3, benchmarks[0].samples[1]");
  }
  SECTION("value and samples together") {
    auto report = ParseCustomJson(R"([{"name": "a", "value": 1, "samples": [1]}])");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("not both") != std::string::npos);
  }
  SECTION("an unknown direction") {
    auto report = ParseCustomJson(R"([{"name": "a", "value": 1, "direction": "up"}])");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("[0].direction") != std::string::npos);
  }
  SECTION("no value at all") {
    auto report = ParseCustomJson(R"([{"name": "a", "unit": "ms"}])");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no \"value\"") != std::string::npos);
  }
  SECTION("the same metric twice") {
    auto report = ParseCustomJson(R"([{"name": "a", "value": 1}, {"name": "a", "value": 2}])");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("twice") != std::string::npos);
  }
  SECTION("empty") {
    auto report = ParseCustomJson(R"({"benchmarks": []})");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
  }
}
