#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseBenchmarkDotNetJson;
using perfgate::testing::ReadFixture;

TEST_CASE("BenchmarkDotNet's Result iterations become real_time samples in ns per operation", "[parse][benchmarkdotnet]") {
  std::string text = ReadFixture("benchmarkdotnet/benchmarkdotnet.json");
  auto report = ParseBenchmarkDotNetJson(text);
  REQUIRE(report);
  CHECK(report->format == "benchmarkdotnet");
  auto document = nlohmann::json::parse(text);
  REQUIRE(report->benchmarks.size() == document["Benchmarks"].size());
  for (const auto& entry : document["Benchmarks"]) {
    std::string name = entry["Namespace"].get<std::string>() + "." + entry["Type"].get<std::string>() + "." +
                       entry["Method"].get<std::string>() + "/" + entry["Parameters"].get<std::string>();
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    std::vector<double> expected;
    for (const auto& measurement : entry["Measurements"]) {
      if (measurement["IterationMode"] == "Workload" && measurement["IterationStage"] == "Result") {
        expected.push_back(measurement["Nanoseconds"].get<double>() / measurement["Operations"].get<double>());
      }
    }
    REQUIRE(real_time->samples.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(real_time->samples[i] == Approx(expected[i]));
    CHECK(real_time->aggregates.at("mean") == Approx(entry["Statistics"]["Mean"].get<double>()));
    CHECK(real_time->aggregates.at("median") == Approx(entry["Statistics"]["Median"].get<double>()));
    CHECK(real_time->aggregates.at("p95") == Approx(entry["Statistics"]["Percentiles"]["P95"].get<double>()));
    const auto* allocated = benchmark->FindMetric("allocated_bytes_per_op");
    REQUIRE(allocated);
    CHECK(allocated->unit == "B");
    CHECK(allocated->direction == Direction::kLowerIsBetter);
    CHECK(allocated->aggregates.at("mean") == entry["Memory"]["BytesAllocatedPerOperation"].get<double>());
  }
  CHECK(report->context.at("BenchmarkDotNetVersion") == "0.13.12");
}

TEST_CASE("A brief BenchmarkDotNet export falls back to OriginalValues; null Statistics is an error", "[parse][benchmarkdotnet]") {
  auto document = nlohmann::json::parse(ReadFixture("benchmarkdotnet/benchmarkdotnet.json"));
  for (auto& entry : document["Benchmarks"]) entry.erase("Measurements");
  document["Benchmarks"][1]["Statistics"] = nullptr;
  auto report = ParseBenchmarkDotNetJson(document.dump(2));
  REQUIRE(report);
  const auto& first = report->benchmarks[0];
  REQUIRE(first.FindMetric("real_time"));
  CHECK(first.FindMetric("real_time")->samples.size() == document["Benchmarks"][0]["Statistics"]["OriginalValues"].size());
  CHECK(first.FindMetric("real_time")->samples[3] ==
        Approx(document["Benchmarks"][0]["Statistics"]["OriginalValues"][3].get<double>()));
  const auto& failed = report->benchmarks[1];
  CHECK(failed.error.has_value());
  CHECK(failed.metrics.empty());
}

TEST_CASE("Malformed BenchmarkDotNet JSON names the entry and field", "[parse][benchmarkdotnet]") {
  auto document = nlohmann::json::parse(ReadFixture("benchmarkdotnet/benchmarkdotnet.json"));
  document["Benchmarks"][2]["Statistics"]["Mean"] = "fast";
  auto report = ParseBenchmarkDotNetJson(document.dump(2));
  REQUIRE_FALSE(report);
  CHECK_THAT(report.error().where, Catch::Contains("Benchmarks[2].Statistics.Mean"));
  CHECK_THAT(report.error().where, Catch::StartsWith("line "));
}
