#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseGoTestBench;
using perfgate::testing::ReadFixture;

namespace {

// name as printed -> ns/op of each -count line, read with a regex.
std::map<std::string, std::vector<double>> NanosecondsPerOpOf(const std::string& text) {
  std::map<std::string, std::vector<double>> values;
  std::regex pattern(R"(^(Benchmark\S+)\s+[0-9]+\s+([0-9.]+) ns/op)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, pattern)) values[match[1]].push_back(std::stod(match[2]));
  }
  return values;
}

}  // namespace

TEST_CASE("Each go test -count line is one sample of every value/unit pair", "[parse][gotest]") {
  std::string text = ReadFixture("gotest/gotest.txt");
  auto report = ParseGoTestBench(text);
  REQUIRE(report);
  CHECK(report->format == "gotest");
  CHECK(report->context.at("goos") == "linux");
  CHECK(report->context.at("pkg") == "example.com/gobench");
  auto expected = NanosecondsPerOpOf(text);
  REQUIRE(expected.size() == 4);
  // Every line ends in "-2": the GOMAXPROCS suffix is dropped from the names.
  CHECK(report->context.at("gomaxprocs") == "2");
  for (const auto& [printed, samples] : expected) {
    std::string name = printed.substr(0, printed.rfind('-'));
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    REQUIRE(real_time->samples.size() == 3);
    for (std::size_t i = 0; i < samples.size(); ++i) CHECK(real_time->samples[i] == Approx(samples[i]));
    const auto* bytes = benchmark->FindMetric("bytes_per_op");
    REQUIRE(bytes);
    CHECK(bytes->unit == "B");
    CHECK(bytes->samples.size() == 3);
    const auto* allocs = benchmark->FindMetric("allocs_per_op");
    REQUIRE(allocs);
    CHECK(allocs->direction == Direction::kLowerIsBetter);
  }
}

TEST_CASE("go MB/s becomes bytes_per_second and custom metrics keep their unit as name", "[parse][gotest]") {
  std::string text = ReadFixture("gotest/gotest.txt");
  auto report = ParseGoTestBench(text);
  REQUIRE(report);
  const auto* copy = report->FindBenchmark("BenchmarkCopy/size=4096");
  REQUIRE(copy);
  const auto* rate = copy->FindMetric("bytes_per_second");
  REQUIRE(rate);
  CHECK(rate->unit == "B/s");
  CHECK(rate->direction == Direction::kHigherIsBetter);
  std::smatch match;
  REQUIRE(std::regex_search(text, match, std::regex(R"(BenchmarkCopy/size=4096-2\s+\d+\s+[0-9.]+ ns/op\s+([0-9.]+) MB/s)")));
  CHECK(rate->samples.at(0) == Approx(std::stod(match[1]) * 1e6));
  const auto* widgets = report->FindBenchmark("BenchmarkCustomMetric")->FindMetric("widgets/op");
  REQUIRE(widgets);
  CHECK(widgets->samples == std::vector<double>{42, 42, 42});
  CHECK(widgets->direction == Direction::kLowerIsBetter);
}

TEST_CASE("go -cpu 1,2 keeps names as printed; FAIL and SKIP are not times", "[parse][gotest]") {
  auto report = ParseGoTestBench(ReadFixture("gotest/edge.txt"));
  REQUIRE(report);
  CHECK(report->context.count("gomaxprocs") == 0);
  CHECK(report->FindBenchmark("BenchmarkLogs"));
  CHECK(report->FindBenchmark("BenchmarkLogs-2"));
  CHECK(report->FindBenchmark("BenchmarkÜnïcode-2"));
  CHECK(report->FindBenchmark("BenchmarkLogs")->FindMetric("real_time")->samples.size() == 1);
  const auto* fails = report->FindBenchmark("BenchmarkFails");
  REQUIRE(fails);
  CHECK(fails->error);
  CHECK(fails->metrics.empty());
  const auto* skips = report->FindBenchmark("BenchmarkSkips");
  REQUIRE(skips);
  CHECK(skips->skipped);
}

TEST_CASE("A go FAIL without -v carries the reason printed under it", "[parse][gotest]") {
  auto report = ParseGoTestBench(
      "BenchmarkOk-4   \t    1000\t  12.5 ns/op\n--- FAIL: BenchmarkBad\n    bad_test.go:12: boom\nFAIL\n");
  REQUIRE(report);
  CHECK(report->context.at("gomaxprocs") == "4");
  REQUIRE(report->FindBenchmark("BenchmarkBad"));
  CHECK(*report->FindBenchmark("BenchmarkBad")->error == "bad_test.go:12: boom");
}

TEST_CASE("Malformed go benchmark lines name their line", "[parse][gotest]") {
  SECTION("a value that is not a number") {
    auto report = ParseGoTestBench("goos: linux\nBenchmarkA-2  100  1.5 ns/op\nBenchmarkB-2  100  x.5 ns/op\n");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 3");
  }
  SECTION("a line cut after its value") {
    auto report = ParseGoTestBench("BenchmarkA-2  100  1.5 ns/op  64");
    REQUIRE_FALSE(report);
    CHECK(report.error().where == "line 1");
  }
  SECTION("no benchmark at all") {
    auto report = ParseGoTestBench("PASS\nok  \texample.com/x\t0.1s\n");
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
  }
}

TEST_CASE("Over several packages each name is qualified by its package", "[parse][gotest]") {
  // go test ./... -bench . over two packages that both define BenchmarkHash.
  std::string text = ReadFixture("gotest/multi.txt");
  auto report = ParseGoTestBench(text);
  REQUIRE(report);
  // Read independently: the ns/op of each line under the pkg: header above it.
  std::map<std::string, std::vector<double>> expected;
  std::regex result(R"(^(Benchmark\S+)-2\s+[0-9]+\s+([0-9.]+) ns/op)");
  std::string package;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (line.rfind("pkg: ", 0) == 0) package = line.substr(5);
    if (std::regex_search(line, match, result)) expected[package + "." + std::string(match[1])].push_back(std::stod(match[2]));
  }
  REQUIRE(expected.size() == 3);
  REQUIRE(expected.count("example.com/multi/fast.BenchmarkHash") == 1);
  REQUIRE(expected.count("example.com/multi/slow.BenchmarkHash") == 1);
  CHECK(report->benchmarks.size() == expected.size());
  CHECK(report->FindBenchmark("BenchmarkHash") == nullptr);
  for (const auto& [name, samples] : expected) {
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    REQUIRE(real_time->samples.size() == samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) CHECK(real_time->samples[i] == Approx(samples[i]));
  }
  CHECK(report->context.at("pkg") == "example.com/multi/fast, example.com/multi/slow");
}

TEST_CASE("One package keeps the names as printed", "[parse][gotest]") {
  auto report = ParseGoTestBench(ReadFixture("gotest/gotest.txt"));
  REQUIRE(report);
  for (const auto& benchmark : report->benchmarks) CHECK(benchmark.name.rfind("Benchmark", 0) == 0);
}
