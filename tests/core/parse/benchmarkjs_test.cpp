#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseBenchmarkJs;
using perfgate::testing::ReadFixture;

TEST_CASE("benchmark.js lines become ops/s with their margin of error", "[parse][benchmarkjs]") {
  std::string text = ReadFixture("benchmarkjs/benchmarkjs.txt");
  auto report = ParseBenchmarkJs(text);
  REQUIRE(report);
  CHECK(report->format == "benchmarkjs");
  std::regex pattern(R"(^(.+) x ([0-9,.]+) ops/sec \xC2\xB1([0-9.]+)% \((\d+) runs sampled\))");
  std::istringstream in(text);
  std::size_t seen = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, pattern)) continue;
    ++seen;
    std::string ops = match[2];
    std::erase(ops, ',');
    INFO(match[1]);
    const auto* benchmark = report->FindBenchmark(match[1].str());
    REQUIRE(benchmark);
    const auto* metric = benchmark->FindMetric("ops");
    REQUIRE(metric);
    CHECK(metric->unit == "/s");
    CHECK(metric->direction == Direction::kHigherIsBetter);
    CHECK(metric->aggregates.at("mean") == Approx(std::stod(ops)));
    CHECK(metric->aggregates.at("rme") == Approx(std::stod(match[3]) / 100));
  }
  CHECK(seen == 3);
  CHECK(report->benchmarks.size() == seen);
  CHECK(report->FindBenchmark("sort/1000 ünïcode"));
}

TEST_CASE("benchmark.js names may contain ' x ' and rates may be fractional", "[parse][benchmarkjs]") {
  auto report = ParseBenchmarkJs("a x b x 0.52 ops/sec \xC2\xB1" "12.10% (5 runs sampled)\n1 run: x 3 ops/sec \xC2\xB1" "1% (1 run sampled)\n");
  REQUIRE(report);
  REQUIRE(report->FindBenchmark("a x b"));
  CHECK(report->FindBenchmark("a x b")->metrics[0].aggregates.at("mean") == Approx(0.52));
  CHECK(report->FindBenchmark("1 run:"));
}

TEST_CASE("Malformed benchmark.js lines name their line", "[parse][benchmarkjs]") {
  auto report = ParseBenchmarkJs("Fastest is a\nfoo x 1,234 ops/sec \xC2\xB1" "zz% (9 runs sampled)\n");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "line 2");
  auto truncated = ParseBenchmarkJs("foo x 1,234 ops/sec");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().where == "line 1");
  auto empty = ParseBenchmarkJs("Fastest is nothing\n");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().reason.find("no benchmark results") != std::string::npos);
}
