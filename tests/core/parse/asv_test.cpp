#include <catch2/catch.hpp>

#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseAsvResults;
using perfgate::testing::ReadFixture;

namespace {

const char* kFixture = "asv/results/ci-runner/4f2c9d1e-virtualenv-py3.11.json";

}  // namespace

TEST_CASE("An asv timing becomes real_time in ns with its median, interval, quartiles and samples", "[parse][asv]") {
  auto report = ParseAsvResults(ReadFixture(kFixture));
  REQUIRE(report);
  CHECK(report->format == "asv");
  CHECK(report->context.at("commit_hash") == "4f2c9d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d");
  CHECK(report->context.at("env_name") == "virtualenv-py3.11");
  CHECK(report->context.at("machine") == "ci-runner");
  const auto* sort = report->FindBenchmark("benchmarks.TimeSuite.time_sort");
  REQUIRE(sort);
  const auto* real_time = sort->FindMetric("real_time");
  REQUIRE(real_time);
  CHECK(real_time->unit == "ns");
  CHECK(real_time->direction == Direction::kLowerIsBetter);
  CHECK(real_time->aggregates.at("median") == Approx(12345));
  CHECK(real_time->aggregates.at("median_lower_bound") == Approx(12101));
  CHECK(real_time->aggregates.at("median_upper_bound") == Approx(12622));
  CHECK(real_time->aggregates.at("q1") == Approx(12254));
  CHECK(real_time->aggregates.at("q3") == Approx(12488));
  REQUIRE(real_time->samples.size() == 10);
  CHECK(real_time->samples.front() == Approx(12433));
  CHECK(real_time->samples.back() == Approx(12412));
}

TEST_CASE("asv parameter combinations are benchmarks named as asv prints them, last parameter fastest", "[parse][asv]") {
  auto report = ParseAsvResults(ReadFixture(kFixture));
  REQUIRE(report);
  const auto* small = report->FindBenchmark("benchmarks.TimeSuite.time_range(10)");
  const auto* large = report->FindBenchmark("benchmarks.TimeSuite.time_range(1000)");
  const auto* failed = report->FindBenchmark("benchmarks.TimeSuite.time_range(100000)");
  REQUIRE(small);
  REQUIRE(large);
  REQUIRE(failed);
  CHECK(small->FindMetric("real_time")->aggregates.at("median") == Approx(210.34));
  CHECK(large->FindMetric("real_time")->aggregates.at("q3") == Approx(18502));
  CHECK_FALSE(small->FindMetric("real_time")->HasSamples());
  REQUIRE(failed->error);
  CHECK(failed->metrics.empty());
  // Two parameters: ('a', 'bc') x (1, 2), the second varying fastest.
  CHECK(report->FindBenchmark("benchmarks.TimeSuite.time_join('a', 1)")->FindMetric("real_time")->aggregates.at("median") ==
        Approx(3401.2));
  CHECK(report->FindBenchmark("benchmarks.TimeSuite.time_join('a', 2)")->FindMetric("real_time")->aggregates.at("median") ==
        Approx(4110.7));
  CHECK(report->FindBenchmark("benchmarks.TimeSuite.time_join('bc', 1)")->FindMetric("real_time")->aggregates.at("median") ==
        Approx(6720.3));
  CHECK(report->FindBenchmark("benchmarks.TimeSuite.time_join('bc', 2)")->FindMetric("real_time")->aggregates.at("median") ==
        Approx(8011.4));
}

TEST_CASE("asv mem_, peakmem_ and track_ results are one sample each; NaN is skipped, null failed", "[parse][asv]") {
  auto report = ParseAsvResults(ReadFixture(kFixture));
  REQUIRE(report);
  CHECK(report->benchmarks.size() == 13);
  const auto* memory = report->FindBenchmark("benchmarks.MemSuite.mem_list")->FindMetric("memory");
  REQUIRE(memory);
  CHECK(memory->unit == "B");
  CHECK(memory->samples == std::vector<double>{8056});
  const auto* peak = report->FindBenchmark("benchmarks.peakmem_build_index")->FindMetric("peak_memory");
  REQUIRE(peak);
  CHECK(peak->samples == std::vector<double>{24576000});
  const auto* track = report->FindBenchmark("benchmarks.track_cache_misses")->FindMetric("value");
  REQUIRE(track);
  CHECK(track->direction == Direction::kLowerIsBetter);
  CHECK(track->samples == std::vector<double>{42});
  const auto* skipped = report->FindBenchmark("benchmarks.TimeSuite.time_windows_only");
  REQUIRE(skipped);
  CHECK(skipped->skipped);
  CHECK(skipped->metrics.empty());
  const auto* failed = report->FindBenchmark("benchmarks.time_import");
  REQUIRE(failed);
  CHECK(failed->error);
}

TEST_CASE("Malformed asv results name the benchmark and the line", "[parse][asv]") {
  std::string text = ReadFixture(kFixture);
  SECTION("a result list shorter than the parameter combinations") {
    auto at = text.find("[2.1034e-07, 1.8321e-05, null]");
    REQUIRE(at != std::string::npos);
    text.replace(at, 30, "[2.1034e-07, 1.8321e-05]");
    auto report = ParseAsvResults(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("results.benchmarks.TimeSuite.time_range") != std::string::npos);
    CHECK(report.error().where.find("line ") == 0);
    CHECK(report.error().reason.find("2 values for 3") != std::string::npos);
  }
  SECTION("an older results format") {
    auto at = text.find("\"version\": 2");
    REQUIRE(at != std::string::npos);
    text.replace(at, 12, "\"version\": 1");
    auto report = ParseAsvResults(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("version 2") != std::string::npos);
  }
  SECTION("a string where a result belongs") {
    auto at = text.find("[42.0]");
    REQUIRE(at != std::string::npos);
    text.replace(at, 6, "[\"42\"]");
    auto report = ParseAsvResults(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("track_cache_misses") != std::string::npos);
  }
}

TEST_CASE("asv's benchmarks.json and machine.json are not results files", "[parse][asv]") {
  CHECK_FALSE(perfgate::parse::LooksLikeAsvResults(
      R"({"benchmarks.time_x": {"code": "def time_x(): pass", "name": "benchmarks.time_x", "params": [], "param_names": [], "type": "time", "unit": "seconds", "version": "1"}, "version": 2})"));
  CHECK_FALSE(perfgate::parse::LooksLikeAsvResults(
      R"({"arch": "x86_64", "cpu": "AMD EPYC", "machine": "ci-runner", "num_cpu": "2", "os": "Linux", "ram": "8127508", "version": 1})"));
}
