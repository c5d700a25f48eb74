#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseVitestBenchJson;
using perfgate::testing::ReadFixture;

TEST_CASE("vitest bench statistics become real_time aggregates in ns and hz becomes ops", "[parse][vitest]") {
  std::string text = ReadFixture("vitest/vitest.json");
  auto report = ParseVitestBenchJson(text);
  REQUIRE(report);
  CHECK(report->format == "vitest");
  auto document = nlohmann::json::parse(text);
  std::size_t count = 0;
  for (const auto& file : document["files"]) {
    for (const auto& group : file["groups"]) {
      for (const auto& entry : group["benchmarks"]) {
        ++count;
        std::string name = group["fullName"].get<std::string>() + " > " + entry["name"].get<std::string>();
        INFO(name);
        const auto* benchmark = report->FindBenchmark(name);
        REQUIRE(benchmark);
        const auto* real_time = benchmark->FindMetric("real_time");
        REQUIRE(real_time);
        CHECK(real_time->unit == "ns");
        CHECK(real_time->aggregates.at("mean") == Approx(entry["mean"].get<double>() * 1e6));
        CHECK(real_time->aggregates.at("p99") == Approx(entry["p99"].get<double>() * 1e6));
        CHECK(real_time->aggregates.at("p99.9") == Approx(entry["p999"].get<double>() * 1e6));
        CHECK(real_time->aggregates.at("stddev") == Approx(entry["sd"].get<double>() * 1e6));
        CHECK(real_time->samples.size() == entry["samples"].size());
        const auto* ops = benchmark->FindMetric("ops");
        REQUIRE(ops);
        CHECK(ops->direction == Direction::kHigherIsBetter);
        CHECK(ops->aggregates.at("mean") == Approx(entry["hz"].get<double>()));
      }
    }
  }
  CHECK(count == 3);
  CHECK(report->benchmarks.size() == count);
  CHECK(report->FindBenchmark("sort.bench.js > sort > strings ünïcode"));
  CHECK(report->FindBenchmark("sort.bench.js > sort > numbers/100"));
}

TEST_CASE("vitest samples, when kept, are raw real_time samples", "[parse][vitest]") {
  auto report = ParseVitestBenchJson(
      R"({"files":[{"filepath":"a","groups":[{"fullName":"a.bench.ts","benchmarks":[{"name":"x","mean":0.5,"hz":2000,"samples":[0.25,0.75]}]}]}]})");
  REQUIRE(report);
  CHECK(report->benchmarks.at(0).FindMetric("real_time")->samples == std::vector<double>{250000, 750000});
}

TEST_CASE("Malformed vitest JSON names the field and line", "[parse][vitest]") {
  std::string text = ReadFixture("vitest/vitest.json");
  SECTION("a mean that is a string") {
    auto at = text.find("\"mean\": ") + 8;
    text.insert(at, "\"fast\", \"was\": ");
    auto report = ParseVitestBenchJson(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("files[0].groups[0].benchmarks[0].mean") != std::string::npos);
    CHECK(report.error().where.find("line 20") == 0);
  }
  SECTION("no benchmarks") {
    auto report = ParseVitestBenchJson(R"({"files": [{"filepath": "a", "groups": []}]})");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
  }
  SECTION("groups of the wrong type") {
    auto report = ParseVitestBenchJson(R"({"files": [{"filepath": "a", "groups": 3}]})");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("files[0].groups") != std::string::npos);
  }
}
