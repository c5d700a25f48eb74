#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseJmhJson;
using perfgate::testing::ReadFixture;

TEST_CASE("JMH throughput scores are ops per second, higher is better, one sample per iteration", "[parse][jmh]") {
  std::string text = ReadFixture("jmh/jmh.json");
  auto report = ParseJmhJson(text);
  REQUIRE(report);
  CHECK(report->format == "jmh");
  auto document = nlohmann::json::parse(text);
  const auto& run = document[0];
  const auto* encode = report->FindBenchmark("org.perfgate.StreamBench.encode/size=1024");
  REQUIRE(encode);
  const auto* ops = encode->FindMetric("ops");
  REQUIRE(ops);
  CHECK(ops->unit == "/s");
  CHECK(ops->direction == Direction::kHigherIsBetter);
  REQUIRE(run["primaryMetric"]["scoreUnit"] == "ops/ms");
  std::vector<double> expected;
  for (const auto& fork : run["primaryMetric"]["rawData"]) {
    for (const auto& value : fork) expected.push_back(value.get<double>() * 1e3);
  }
  REQUIRE(ops->samples.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(ops->samples[i] == Approx(expected[i]));
  CHECK(ops->aggregates.at("mean") == Approx(run["primaryMetric"]["score"].get<double>() * 1e3));
  CHECK(ops->aggregates.at("error") == Approx(run["primaryMetric"]["scoreError"].get<double>() * 1e3));
  CHECK(ops->aggregates.at("mean_lower_bound") == Approx(run["primaryMetric"]["scoreConfidence"][0].get<double>() * 1e3));
  CHECK(ops->aggregates.at("median") == Approx(run["primaryMetric"]["scorePercentiles"]["50.0"].get<double>() * 1e3));
  // The score is the mean of the raw data, as JMH computes it.
  CHECK(std::accumulate(expected.begin(), expected.end(), 0.0) / static_cast<double>(expected.size()) == Approx(ops->aggregates.at("mean")));
  // -prof gc's normalised allocation: bytes per operation, lower is better.
  const auto* allocated = encode->FindMetric("gc.alloc.rate.norm");
  REQUIRE(allocated);
  CHECK(allocated->unit == "B");
  CHECK(allocated->direction == Direction::kLowerIsBetter);
  CHECK(allocated->samples.size() == 6);
  CHECK(report->FindBenchmark("org.perfgate.StreamBench.encode/size=65536"));
  CHECK(report->context.at("jmh_version") == "1.37");
}

TEST_CASE("JMH average and sample time are ns per operation, lower is better", "[parse][jmh]") {
  std::string text = ReadFixture("jmh/jmh.json");
  auto report = ParseJmhJson(text);
  REQUIRE(report);
  auto document = nlohmann::json::parse(text);
  const auto* open = report->FindBenchmark("org.perfgate.StreamBench.openStream");
  REQUIRE(open);
  const auto* real_time = open->FindMetric("real_time");
  REQUIRE(real_time);
  CHECK(real_time->unit == "ns");
  CHECK(real_time->direction == Direction::kLowerIsBetter);
  REQUIRE(document[2]["primaryMetric"]["scoreUnit"] == "us/op");
  REQUIRE(real_time->samples.size() == document[2]["primaryMetric"]["rawData"][0].size());
  CHECK(real_time->samples[0] == Approx(document[2]["primaryMetric"]["rawData"][0][0].get<double>() * 1e3));
  // Sample mode: each [value, count] of the histogram is count samples.
  const auto* ping = report->FindBenchmark("org.perfgate.StreamBench.pingPong");
  REQUIRE(ping);
  const auto* sampled = ping->FindMetric("sample_time");
  REQUIRE(sampled);
  std::size_t calls = 0;
  double total = 0;
  for (const auto& iteration : document[3]["primaryMetric"]["rawDataHistogram"][0]) {
    for (const auto& pair : iteration) {
      calls += pair[1].get<std::size_t>();
      total += pair[0].get<double>() * pair[1].get<double>();
    }
  }
  REQUIRE(sampled->samples.size() == calls);
  CHECK(std::accumulate(sampled->samples.begin(), sampled->samples.end(), 0.0) == Approx(total));
  CHECK(sampled->aggregates.at("p99") == Approx(document[3]["primaryMetric"]["scorePercentiles"]["99.0"].get<double>()));
}

TEST_CASE("Malformed JMH JSON names the run and field", "[parse][jmh]") {
  auto document = nlohmann::json::parse(ReadFixture("jmh/jmh.json"));
  SECTION("an unknown mode") {
    document[1]["mode"] = "fast";
    auto report = ParseJmhJson(document.dump(4));
    REQUIRE_FALSE(report);
    CHECK_THAT(report.error().where, Catch::Contains("[1].mode"));
    CHECK_THAT(report.error().where, Catch::StartsWith("line "));
  }
  SECTION("a raw value that is not a number") {
    document[2]["primaryMetric"]["rawData"][0][1] = "x";
    auto report = ParseJmhJson(document.dump(4));
    REQUIRE_FALSE(report);
    CHECK_THAT(report.error().where, Catch::Contains("[2].primaryMetric.rawData[0][1]"));
  }
  SECTION("a missing score") {
    document[0]["primaryMetric"].erase("score");
    auto report = ParseJmhJson(document.dump(4));
    REQUIRE_FALSE(report);
    CHECK_THAT(report.error().Message(), Catch::Contains("score"));
  }
}
