#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseCriterion;
using perfgate::parse::ParseLibtestBench;
using perfgate::testing::ReadFixture;

namespace {

struct Line {
  std::string name;
  double median = 0;
  double deviation = 0;
};

double WithoutCommas(std::string text) {
  std::erase(text, ',');
  return std::stod(text);
}

// The fixture's bench lines, read with a regex.
std::vector<Line> BenchLinesOf(const std::string& text) {
  std::vector<Line> lines;
  std::regex pattern(R"(^test (.+?)\s+\.\.\. bench:\s+([0-9,.]+) ns/iter \(\+/- ([0-9,.]+)\))");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, pattern)) {
      lines.push_back({match[1], WithoutCommas(match[2]), WithoutCommas(match[3])});
    }
  }
  return lines;
}

void CheckAgainstFile(const perfgate::model::Results& report, const std::string& text) {
  auto lines = BenchLinesOf(text);
  REQUIRE(lines.size() == 3);
  REQUIRE(report.benchmarks.size() == lines.size());
  for (const Line& line : lines) {
    INFO(line.name);
    const auto* benchmark = report.FindBenchmark(line.name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    CHECK(real_time->direction == Direction::kLowerIsBetter);
    CHECK_FALSE(real_time->HasSamples());
    CHECK(real_time->aggregates.at("median") == Approx(line.median));
    CHECK(real_time->aggregates.at("deviation") == Approx(line.deviation));
  }
}

}  // namespace

TEST_CASE("libtest bench lines give the median and deviation of real_time", "[parse][libtest]") {
  std::string text = ReadFixture("libtest/libtest.txt");
  auto report = ParseLibtestBench(text);
  REQUIRE(report);
  CHECK(report->format == "libtest");
  CheckAgainstFile(*report, text);
  // "3,826,588.20 ns/iter": thousands separators and fractions (newer libtest).
  CHECK_FALSE(report->FindBenchmark("ignored"));
}

TEST_CASE("A libtest throughput suffix becomes bytes_per_second, higher is better", "[parse][libtest]") {
  auto report = ParseLibtestBench(ReadFixture("libtest/libtest.txt"));
  REQUIRE(report);
  const auto* copy = report->FindBenchmark("copy_4k");
  REQUIRE(copy);
  const auto* rate = copy->FindMetric("bytes_per_second");
  REQUIRE(rate);
  CHECK(rate->unit == "B/s");
  CHECK(rate->direction == Direction::kHigherIsBetter);
  std::regex pattern(R"(copy_4k .*= ([0-9]+) MB/s)");
  std::smatch match;
  std::string text = ReadFixture("libtest/libtest.txt");
  REQUIRE(std::regex_search(text, match, pattern));
  CHECK(rate->aggregates.at("median") == Approx(std::stod(match[1]) * 1e6));
}

TEST_CASE("criterion's bencher output is read as libtest lines, names with spaces and groups", "[parse][libtest]") {
  std::string text = ReadFixture("criterion/bencher.txt");
  auto report = ParseLibtestBench(text);
  REQUIRE(report);
  CheckAgainstFile(*report, text);
  CHECK(report->FindBenchmark("fib 10"));
  CHECK(report->FindBenchmark("copy/4096"));
  auto as_criterion = ParseCriterion(text);
  REQUIRE(as_criterion);
  CHECK(as_criterion->format == "criterion");
  CHECK(as_criterion->benchmarks.size() == 3);
}

TEST_CASE("Malformed libtest lines name their line", "[parse][libtest]") {
  auto report = ParseLibtestBench("running 1 test\ntest a ... bench:   12 ns/iter (+/- 1)\ntest b ... bench:   1x ns/iter (+/- 1)\n");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "line 3");
  auto truncated = ParseLibtestBench("test a ... bench:   12 ns/it");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().where == "line 1");
  auto huge = ParseLibtestBench("test a ... bench: 1e999 ns/iter (+/- 1)\n");
  REQUIRE_FALSE(huge);
  auto twice = ParseLibtestBench("test a ... bench: 1 ns/iter (+/- 1)\ntest a ... bench: 2 ns/iter (+/- 1)\n");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().where == "line 2");
}

TEST_CASE("libtest output with no bench line says there were no results", "[parse][libtest]") {
  auto report = ParseLibtestBench("running 2 tests\ntest a ... ignored\ntest b ... ok\n\ntest result: ok.\n");
  REQUIRE_FALSE(report);
  CHECK(report.error().reason.find("no benchmark results") != std::string::npos);
}

TEST_CASE("A bench line in us/iter, \u00b5s/iter or ms/iter is scaled to ns, not rejected", "[parse][libtest]") {
  auto report = ParseLibtestBench(
      "test a ... bench:   1.5 \u00b5s/iter (+/- 0.25)\n"
      "test b ... bench:   2 us/iter (+/- 1)\n"
      "test c ... bench:   3.25 ms/iter (+/- 0.5)\n"
      "test d ... bench:   7 ns/iter (+/- 1)\n");
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == 4);
  CHECK(report->FindBenchmark("a")->FindMetric("real_time")->aggregates.at("median") == Approx(1500));
  CHECK(report->FindBenchmark("a")->FindMetric("real_time")->aggregates.at("deviation") == Approx(250));
  CHECK(report->FindBenchmark("b")->FindMetric("real_time")->aggregates.at("median") == Approx(2000));
  CHECK(report->FindBenchmark("c")->FindMetric("real_time")->aggregates.at("median") == Approx(3.25e6));
  CHECK(report->FindBenchmark("d")->FindMetric("real_time")->aggregates.at("median") == Approx(7));
  auto unknown = ParseLibtestBench("test a ... bench:   1 ns/iter (+/- 1)\ntest b ... bench:   1 fortnights/iter (+/- 1)\n");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().where == "line 2");
  CHECK(unknown.error().reason.find("fortnights/iter") != std::string::npos);
}

TEST_CASE("libtest prints slow benchmarks in ns/iter too, and they are read as such", "[parse][libtest]") {
  // Real output of benches/slow.rs (2 ms and 30 ms sleeps): libtest never
  // switches to µs/iter or ms/iter.
  std::string text = ReadFixture("libtest/slow.txt");
  CHECK(text.find("s/iter") != std::string::npos);
  CHECK(text.find("\u00b5s/iter") == std::string::npos);
  CHECK(text.find("ms/iter") == std::string::npos);
  auto report = ParseLibtestBench(text);
  REQUIRE(report);
  CheckAgainstFile(*report, text);
  CHECK(report->FindBenchmark("sleep_30ms")->FindMetric("real_time")->aggregates.at("median") ==
        Approx(32800421.00));
  CHECK(report->FindBenchmark("sleep_2ms")->FindMetric("real_time")->aggregates.at("median") > 2e6);
}
