#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseHyperfineJson;
using perfgate::testing::ReadFixture;

TEST_CASE("Every hyperfine run is one real_time sample in ns", "[parse][hyperfine]") {
  for (const char* fixture : {"hyperfine/hyperfine.json", "hyperfine/param.json"}) {
    INFO(fixture);
    std::string text = ReadFixture(fixture);
    auto report = ParseHyperfineJson(text);
    REQUIRE(report);
    CHECK(report->format == "hyperfine");
    auto document = nlohmann::json::parse(text);
    REQUIRE(report->benchmarks.size() == document["results"].size());
    for (const auto& result : document["results"]) {
      const auto* benchmark = report->FindBenchmark(result["command"].get<std::string>());
      REQUIRE(benchmark);
      const auto* real_time = benchmark->FindMetric("real_time");
      REQUIRE(real_time);
      CHECK(real_time->unit == "ns");
      CHECK(real_time->direction == Direction::kLowerIsBetter);
      REQUIRE(real_time->samples.size() == result["times"].size());
      for (std::size_t i = 0; i < real_time->samples.size(); ++i) {
        CHECK(real_time->samples[i] == Approx(result["times"][i].get<double>() * 1e9));
      }
      CHECK(real_time->aggregates.at("mean") == Approx(result["mean"].get<double>() * 1e9));
      CHECK(real_time->aggregates.at("median") == Approx(result["median"].get<double>() * 1e9));
      CHECK(benchmark->FindMetric("user_time")->aggregates.at("mean") ==
            Approx(result["user"].get<double>() * 1e9));
      CHECK(benchmark->label.empty());
    }
  }
}

TEST_CASE("A single hyperfine run has a null stddev, which is left out", "[parse][hyperfine]") {
  auto report = ParseHyperfineJson(ReadFixture("hyperfine/one.json"));
  REQUIRE(report);
  const auto& real_time = report->benchmarks.at(0).metrics.at(0);
  CHECK(real_time.samples.size() == 1);
  CHECK(real_time.aggregates.count("stddev") == 0);
}

TEST_CASE("hyperfine runs that exited non-zero are timed and labelled", "[parse][hyperfine]") {
  auto report = ParseHyperfineJson(ReadFixture("hyperfine/fail.json"));
  REQUIRE(report);
  CHECK(report->benchmarks.at(0).label == "2 of 2 runs exited non-zero");
}

TEST_CASE("Malformed hyperfine JSON names the field and line", "[parse][hyperfine]") {
  std::string text = ReadFixture("hyperfine/hyperfine.json");
  SECTION("a run time that is a string") {
    auto at = text.find("0.015398216000000001");
    text.replace(at, 20, "\"fast\"");
    auto report = ParseHyperfineJson(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("results[0].times[0]") != std::string::npos);
    CHECK(report.error().where.find("line 13") == 0);
  }
  SECTION("a truncated file") {
    auto report = ParseHyperfineJson(text.substr(0, text.size() / 2));
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("line ") == 0);
  }
  SECTION("a command that is a number") {
    auto report = ParseHyperfineJson(R"({"results": [{"command": 5, "mean": 1}]})");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("results[0].command") != std::string::npos);
  }
  SECTION("a number too large for a double is an error, not an exception") {
    auto report = ParseHyperfineJson("{\"results\": [\n{\"command\": \"x\", \"times\": [1e400]}]}");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 2");
    CHECK(report.error().reason.find("1e400") != std::string::npos);
  }
}

TEST_CASE("hyperfine JSON with no results says so", "[parse][hyperfine]") {
  auto report = ParseHyperfineJson(R"({"results": []})");
  REQUIRE_FALSE(report);
  CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
}
