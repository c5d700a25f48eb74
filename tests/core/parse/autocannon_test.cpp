#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseAutocannonJson;
using perfgate::testing::ReadFixture;

TEST_CASE("autocannon gives latency percentiles, request rate, throughput and failure counts", "[parse][autocannon]") {
  std::string text = ReadFixture("autocannon/autocannon.json");
  auto report = ParseAutocannonJson(text);
  REQUIRE(report);
  CHECK(report->format == "autocannon");
  auto document = nlohmann::json::parse(text);
  REQUIRE(report->benchmarks.size() == 1);
  const auto& benchmark = report->benchmarks[0];
  CHECK(benchmark.name == document["url"].get<std::string>());

  const auto* latency = benchmark.FindMetric("latency");
  REQUIRE(latency);
  CHECK(latency->unit == "ns");
  CHECK(latency->direction == Direction::kLowerIsBetter);
  for (auto [key, aggregate] : {std::pair{"p50", "p50"}, std::pair{"p90", "p90"}, std::pair{"p97_5", "p97.5"},
                                std::pair{"p99", "p99"}, std::pair{"mean", "mean"}, std::pair{"max", "max"}}) {
    INFO(key);
    CHECK(latency->aggregates.at(aggregate) == Approx(document["latency"][key].get<double>() * 1e6));
  }
  const auto* requests = benchmark.FindMetric("requests_per_second");
  REQUIRE(requests);
  CHECK(requests->unit == "/s");
  CHECK(requests->direction == Direction::kHigherIsBetter);
  CHECK(requests->aggregates.at("mean") == Approx(document["requests"]["mean"].get<double>()));
  CHECK(requests->aggregates.count("total") == 0);
  const auto* throughput = benchmark.FindMetric("throughput");
  REQUIRE(throughput);
  CHECK(throughput->unit == "B/s");
  CHECK(throughput->direction == Direction::kHigherIsBetter);
  for (const char* count : {"errors", "timeouts", "non2xx"}) {
    INFO(count);
    const auto* metric = benchmark.FindMetric(count);
    REQUIRE(metric);
    CHECK(metric->direction == Direction::kLowerIsBetter);
    CHECK(metric->samples == std::vector<double>{document[count].get<double>()});
  }
  CHECK(benchmark.FindMetric("non2xx")->samples[0] > 0);
}

TEST_CASE("An autocannon run is named by its title when it has one", "[parse][autocannon]") {
  auto report = ParseAutocannonJson(ReadFixture("autocannon/titled.json"));
  REQUIRE(report);
  CHECK(report->benchmarks.at(0).name == "home page ünïcode");
}

TEST_CASE("Malformed autocannon JSON names the field", "[parse][autocannon]") {
  SECTION("a latency percentile that is a string") {
    auto report = ParseAutocannonJson(
        R"({"url": "http://x/", "latency": {"p99": "slow"}, "requests": {"mean": 1}, "throughput": {"mean": 1}})");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("latency.p99") != std::string::npos);
  }
  SECTION("requests missing") {
    auto report = ParseAutocannonJson(R"({"url": "http://x/", "latency": {"mean": 1}, "throughput": {"mean": 1}})");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("requests") != std::string::npos);
  }
  SECTION("truncated") {
    std::string text = ReadFixture("autocannon/autocannon.json");
    auto report = ParseAutocannonJson(text.substr(0, text.size() - 40));
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("line 1") == 0);
  }
}
