#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParsePytestBenchmarkJson;
using perfgate::testing::ReadFixture;

TEST_CASE("pytest-benchmark raw data become real_time samples in ns", "[parse][pytest-benchmark]") {
  std::string text = ReadFixture("pytest-benchmark/rawdata.json");
  auto report = ParsePytestBenchmarkJson(text);
  REQUIRE(report);
  CHECK(report->format == "pytest-benchmark");
  auto document = nlohmann::json::parse(text);
  REQUIRE(report->benchmarks.size() == document["benchmarks"].size());
  for (const auto& entry : document["benchmarks"]) {
    std::string name = entry["fullname"];
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    const auto& data = entry["stats"]["data"];
    REQUIRE(real_time->samples.size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) CHECK(real_time->samples[i] == Approx(data[i].get<double>() * 1e9));
    CHECK(real_time->aggregates.at("median") == Approx(entry["stats"]["median"].get<double>() * 1e9));
    const auto* ops = benchmark->FindMetric("ops");
    REQUIRE(ops);
    CHECK(ops->direction == Direction::kHigherIsBetter);
    CHECK(ops->aggregates.at("mean") == Approx(entry["stats"]["ops"].get<double>()));
  }
  // Parameterised tests keep their parameter in the name.
  CHECK(report->FindBenchmark("test_bench.py::test_sort[100]"));
}

TEST_CASE("A pytest-benchmark file without raw data keeps only aggregates", "[parse][pytest-benchmark]") {
  std::string text = ReadFixture("pytest-benchmark/aggregates.json");
  auto report = ParsePytestBenchmarkJson(text);
  REQUIRE(report);
  auto document = nlohmann::json::parse(text);
  REQUIRE(report->benchmarks.size() == document["benchmarks"].size());
  for (const auto& benchmark : report->benchmarks) {
    const auto* real_time = benchmark.FindMetric("real_time");
    REQUIRE(real_time);
    CHECK_FALSE(real_time->HasSamples());
    CHECK(real_time->aggregates.count("mean") == 1);
    CHECK(real_time->aggregates.count("stddev") == 1);
  }
  CHECK(report->context.count("machine_info.python_version") == 1);
}

TEST_CASE("Malformed pytest-benchmark JSON names the field and line", "[parse][pytest-benchmark]") {
  std::string text = ReadFixture("pytest-benchmark/aggregates.json");
  SECTION("a mean that is a string") {
    auto at = text.find("\"mean\": ") + 8;
    text.insert(at, "\"slow\", \"was\": ");
    auto report = ParsePytestBenchmarkJson(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("benchmarks[0].stats.mean") != std::string::npos);
    CHECK(report.error().where.find("line ") == 0);
  }
  SECTION("stats missing") {
    auto report = ParsePytestBenchmarkJson(R"({"machine_info": {}, "benchmarks": [{"name": "t", "fullname": "a::t"}]})");
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("benchmarks[0].stats") != std::string::npos);
  }
  SECTION("no benchmarks") {
    auto report = ParsePytestBenchmarkJson(R"({"machine_info": {}, "benchmarks": []})");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
  }
  SECTION("truncated") {
    auto report = ParsePytestBenchmarkJson(text.substr(0, 300));
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("truncated") != std::string::npos);
  }
}

TEST_CASE("A shortened, null or broken stats.data falls back to the stats block", "[parse][pytest-benchmark]") {
  auto document = nlohmann::json::parse(ReadFixture("pytest-benchmark/rawdata.json"));
  REQUIRE(document["benchmarks"].size() >= 3);
  auto& first = document["benchmarks"][0]["stats"];
  auto& second = document["benchmarks"][1]["stats"];
  auto& third = document["benchmarks"][2]["stats"];
  REQUIRE(first["data"].size() >= 2);
  first["data"].erase(first["data"].begin());  // one round fewer than stats.rounds
  second["data"] = nullptr;
  third["data"][0] = "n/a";
  auto report = ParsePytestBenchmarkJson(document.dump(2));
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == document["benchmarks"].size());
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& stats = document["benchmarks"][i]["stats"];
    INFO(document["benchmarks"][i]["fullname"]);
    const auto* real_time = report->benchmarks[i].FindMetric("real_time");
    REQUIRE(real_time);
    CHECK_FALSE(real_time->HasSamples());
    CHECK(real_time->aggregates.at("mean") == Approx(stats["mean"].get<double>() * 1e9));
    CHECK(real_time->aggregates.at("median") == Approx(stats["median"].get<double>() * 1e9));
  }
}

TEST_CASE("A real file whose stats.data was shortened by a plugin is read from its stats block", "[parse][pytest-benchmark]") {
  // shortened.json: pytest-benchmark's pytest_benchmark_update_json hook kept 3 of
  // 5 rounds of raw data (shorten_data.py); the statistics describe all 5.
  std::string text = ReadFixture("pytest-benchmark/shortened.json");
  auto document = nlohmann::json::parse(text);
  auto report = ParsePytestBenchmarkJson(text);
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == 3);
  for (const auto& bench : document["benchmarks"]) {
    const auto& stats = bench["stats"];
    INFO(bench["fullname"]);
    REQUIRE(stats["data"].size() < stats["rounds"].get<std::size_t>());
    const auto* benchmark = report->FindBenchmark(bench["fullname"].get<std::string>());
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK_FALSE(real_time->HasSamples());
    CHECK(real_time->aggregates.at("mean") == Approx(stats["mean"].get<double>() * 1e9));
    CHECK(real_time->aggregates.at("min") == Approx(stats["min"].get<double>() * 1e9));
    CHECK(benchmark->FindMetric("ops")->aggregates.at("mean") == Approx(stats["ops"].get<double>()));
  }
}
