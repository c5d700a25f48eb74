#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseCriterion;
using perfgate::testing::ReadFixture;

namespace {

// The fixture's JSON values, read one after another from a stream (nlohmann's
// operator>> stops at the end of each value).
std::vector<nlohmann::json> ValuesOf(const std::string& text) {
  std::vector<nlohmann::json> values;
  std::istringstream in(text);
  while ((in >> std::ws).peek() != std::char_traits<char>::eof()) {
    nlohmann::json value;
    in >> value;
    values.push_back(value);
  }
  return values;
}

}  // namespace

TEST_CASE("criterion's sample.json gives one real_time sample per measurement", "[parse][criterion]") {
  std::string text = ReadFixture("criterion/criterion.json");
  auto report = ParseCriterion(text);
  REQUIRE(report);
  CHECK(report->format == "criterion");
  std::string name;
  double bytes = 0;
  std::size_t benchmarks = 0;
  for (const auto& value : ValuesOf(text)) {
    if (value.contains("full_id")) {
      name = value["full_id"];
      bytes = value["throughput"].is_object() ? value["throughput"].value("Bytes", 0.0) : 0.0;
      ++benchmarks;
      continue;
    }
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    CHECK(real_time->direction == Direction::kLowerIsBetter);
    if (value.contains("iters")) {
      REQUIRE(real_time->samples.size() == value["iters"].size());
      for (std::size_t i = 0; i < value["iters"].size(); ++i) {
        double expected = value["times"][i].get<double>() / value["iters"][i].get<double>();
        CHECK(real_time->samples[i] == Approx(expected));
        if (bytes > 0) {
          const auto* rate = benchmark->FindMetric("bytes_per_second");
          REQUIRE(rate);
          CHECK(rate->direction == Direction::kHigherIsBetter);
          CHECK(rate->samples.at(i) == Approx(bytes * 1e9 / expected));
        }
      }
    } else if (value.contains("mean")) {
      CHECK(real_time->aggregates.at("mean") == Approx(value["mean"]["point_estimate"].get<double>()));
      CHECK(real_time->aggregates.at("median") == Approx(value["median"]["point_estimate"].get<double>()));
      CHECK(real_time->aggregates.at("stddev") == Approx(value["std_dev"]["point_estimate"].get<double>()));
      CHECK(real_time->aggregates.at("slope_lower_bound") ==
            Approx(value["slope"]["confidence_interval"]["lower_bound"].get<double>()));
    }
  }
  CHECK(benchmarks == 3);
  CHECK(report->benchmarks.size() == benchmarks);
  CHECK(report->FindBenchmark("copy/64"));
  CHECK(report->FindBenchmark("fib 10")->FindMetric("bytes_per_second") == nullptr);
}

TEST_CASE("criterion files must start with benchmark.json", "[parse][criterion]") {
  auto report = ParseCriterion(R"({"sampling_mode":"Linear","iters":[1.0],"times":[5.0]})");
  REQUIRE_FALSE(report);
  CHECK(report.error().reason.find("benchmark.json") != std::string::npos);
}

TEST_CASE("criterion Elements throughput becomes items_per_second; a flat slope is optional", "[parse][criterion]") {
  auto report = ParseCriterion(
      "{\"group_id\":\"parse\",\"function_id\":null,\"value_str\":\"1k\",\"throughput\":{\"Elements\":1000},"
      "\"full_id\":\"parse/1k\"}\n"
      "{\"mean\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":1.0,\"upper_bound\":3.0},"
      "\"point_estimate\":2.0,\"standard_error\":0.1},\"slope\":null}\n"
      "{\"sampling_mode\":\"Flat\",\"iters\":[10.0,10.0],\"times\":[20.0,40.0]}\n");
  REQUIRE(report);
  const auto& benchmark = report->benchmarks.at(0);
  CHECK(benchmark.FindMetric("real_time")->samples == std::vector<double>{2.0, 4.0});
  CHECK(benchmark.FindMetric("real_time")->aggregates.count("slope") == 0);
  const auto* items = benchmark.FindMetric("items_per_second");
  REQUIRE(items);
  CHECK(items->unit == "/s");
  CHECK(items->samples.at(0) == Approx(1000 * 1e9 / 2.0));
}

TEST_CASE("Malformed criterion input names the line and field", "[parse][criterion]") {
  SECTION("iters and times of different lengths") {
    auto report = ParseCriterion("{\"full_id\":\"a\"}\n{\"iters\":[1.0,2.0],\"times\":[1.0]}");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 2, file 2.times");
  }
  SECTION("a zero iteration count") {
    auto report = ParseCriterion("{\"full_id\":\"a\"}{\"iters\":[0.0],\"times\":[1.0]}");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 1, file 2.iters[0]");
  }
  SECTION("a truncated file") {
    std::string text = ReadFixture("criterion/criterion.json");
    auto report = ParseCriterion(text.substr(0, text.size() / 2));
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("line ") == 0);
  }
  SECTION("the same benchmark twice (base/ and new/ both globbed)") {
    auto report = ParseCriterion("{\"full_id\":\"a\"}{\"iters\":[1.0],\"times\":[1.0]}\n{\"full_id\":\"a\"}");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("appears twice") != std::string::npos);
  }
  SECTION("a benchmark.json alone") {
    auto report = ParseCriterion("{\"full_id\":\"a\"}");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no sample.json") != std::string::npos);
  }
  SECTION("an unrelated object") {
    auto report = ParseCriterion("{\"full_id\":\"a\"}{\"hello\":1}");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("not one of criterion's") != std::string::npos);
  }
}
