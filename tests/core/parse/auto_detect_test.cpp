#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::parse::ParseAuto;
using perfgate::testing::ReadFixture;

TEST_CASE("Auto-detection picks the right adapter for every real fixture", "[parse][auto]") {
  auto [fixture, format] = GENERATE(table<const char*, const char*>({
      {"gbench/plain.json", "gbench"},
      {"gbench/repeated.json", "gbench"},
      {"gbench/aggregates_only.json", "gbench"},
      {"catch2/bench.xml", "catch2"},
      {"catch2/failing.xml", "catch2"},
      {"catch2/console.txt", "catch2"},
      {"catch2/failing_console.txt", "catch2"},
      {"criterion/criterion.json", "criterion"},
      {"criterion/bencher.txt", "libtest"},
      {"criterion/cargo_bench.txt", "criterion"},
      {"criterion/cargo_bench_first.txt", "criterion"},
      {"gotest/multi.txt", "gotest"},
      {"libtest/libtest.txt", "libtest"},
      {"hyperfine/hyperfine.json", "hyperfine"},
      {"hyperfine/param.json", "hyperfine"},
      {"hyperfine/one.json", "hyperfine"},
      {"hyperfine/fail.json", "hyperfine"},
      {"gotest/gotest.txt", "gotest"},
      {"gotest/edge.txt", "gotest"},
      {"pytest-benchmark/rawdata.json", "pytest-benchmark"},
      {"pytest-benchmark/aggregates.json", "pytest-benchmark"},
      {"vitest/vitest.json", "vitest"},
      {"benchmarkjs/benchmarkjs.txt", "benchmarkjs"},
      {"autocannon/autocannon.json", "autocannon"},
      {"autocannon/titled.json", "autocannon"},
      {"jmh/jmh.json", "jmh"},
      {"benchmarkdotnet/benchmarkdotnet.json", "benchmarkdotnet"},
      {"bmf/bmf.json", "bmf"},
      {"asv/results/ci-runner/4f2c9d1e-virtualenv-py3.11.json", "asv"},
      {"custom/custom.json", "custom"},
      {"custom/array.json", "custom"},
  }));
  INFO(fixture);
  auto report = ParseAuto(ReadFixture(fixture));
  REQUIRE(report);
  CHECK(report->format == format);
  CHECK_FALSE(report->benchmarks.empty());
}

TEST_CASE("Every fixture is claimed by exactly its own format's sniffer, never another's", "[parse][auto]") {
  // Every results fixture below tests/fixtures, whatever its adapter: a new
  // fixture is covered without being listed.
  const std::map<std::string, std::string> kExpected{
      {"criterion/bencher.txt", "libtest"},  // bencher lines are libtest's format
      {"github-action-benchmark/custom_bigger.json", "custom"},  // the action's custom input is custom JSON
  };
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(perfgate::testing::FixturePath(""))) {
    auto extension = entry.path().extension();
    if (!entry.is_regular_file() || (extension != ".json" && extension != ".txt" && extension != ".xml")) continue;
    std::string relative = std::filesystem::relative(entry.path(), perfgate::testing::FixturePath("")).generic_string();
    std::string directory = relative.substr(0, relative.find('/'));
    // Not harness output: reports, check goldens, stats references, criterion's single files.
    if (directory == "check" || directory == "report" || directory == "stats" ||
        relative.find("criterion/directory/") == 0 ||
        // asv's results directory also holds its suite's and machine's descriptions.
        relative == "asv/results/benchmarks.json" || entry.path().filename() == "machine.json") {
      continue;
    }
    std::string expected = kExpected.count(relative) ? kExpected.at(relative) : directory;
    if (expected == "pytest-benchmark" || expected == "gbench" || expected == "custom" || perfgate::parse::FindFormat(expected)) {
      INFO(relative);
      std::string text = ReadFixture(relative);
      std::vector<std::string> claimed;
      for (const auto& format : perfgate::parse::Formats()) {
        if (format.sniff(text)) claimed.emplace_back(format.name);
      }
      CHECK(claimed == std::vector<std::string>{expected});
      ++checked;
    }
  }
  CHECK(checked >= 30);
}

TEST_CASE("Auto-detection of an unknown file names every format it tried", "[parse][auto]") {
  auto report = ParseAuto("hello, world\n");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "format");
  for (const char* name : {"gbench", "catch2", "criterion", "libtest", "hyperfine", "gotest", "pytest-benchmark",
                           "vitest", "benchmarkjs", "autocannon", "jmh", "benchmarkdotnet", "bmf", "asv", "custom"}) {
    INFO(name);
    CHECK(report.error().reason.find(name) != std::string::npos);
  }
}

TEST_CASE("Unknown JSON is not mistaken for any format", "[parse][auto]") {
  auto report = ParseAuto(R"({"name": "x", "items": [1, 2, 3]})");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "format");
}

TEST_CASE("Every adapter rejects every truncation of every fixture without throwing", "[parse][auto]") {
  auto fixture = GENERATE(as<std::string>{}, "catch2/bench.xml", "catch2/console.txt", "criterion/criterion.json",
                          "libtest/libtest.txt", "hyperfine/hyperfine.json", "gotest/gotest.txt",
                          "pytest-benchmark/rawdata.json", "vitest/vitest.json", "benchmarkjs/benchmarkjs.txt",
                          "autocannon/autocannon.json", "custom/custom.json", "jmh/jmh.json",
                          "benchmarkdotnet/benchmarkdotnet.json", "bmf/bmf.json", "criterion/cargo_bench.txt",
                          "gotest/multi.txt");
  INFO(fixture);
  std::string text = ReadFixture(fixture);
  std::size_t step = std::max<std::size_t>(1, text.size() / 97);
  for (const auto& format : perfgate::parse::Formats()) {
    if (format.name == "gbench") continue;  // owned and tested in gbench_test.cpp
    INFO(format.name);
    for (std::size_t length = 0; length < text.size(); length += step) {
      std::string cut = text.substr(0, length);
      CHECK_NOTHROW(format.sniff(cut));
      CHECK_NOTHROW(format.parse(cut));
    }
  }
}

// custom JSON and BMF decide from the start of a file where they can (a large
// Google Benchmark file is ruled out by its first key), else from all of it.
TEST_CASE("Custom JSON is told from the start of a file where that decides", "[parse][auto]") {
  using perfgate::parse::LooksLikeCustomJson;
  CHECK_FALSE(LooksLikeCustomJson("[]"));
  CHECK_FALSE(LooksLikeCustomJson(R"([{"name": "x", "real_time": 1, "value": 1}, {"name": "y", "value": 1}])"));
  CHECK_FALSE(LooksLikeCustomJson(R"([7, {"name": "y", "value": 1}])"));
  CHECK(LooksLikeCustomJson(R"( [ {"name": "x", "value": 1}, 7])"));  // the first entry decides
  CHECK_FALSE(LooksLikeCustomJson(R"({"context": {}, "benchmarks": [{"name": "x", "value": 1}]})"));
  CHECK_FALSE(LooksLikeCustomJson(R"({"metadata": {}, "other": 1, "benchmarks": [{"name": "x", "value": 1}]})"));
  // Past a metadata object holding brackets and quotes in strings, to the entries.
  CHECK(LooksLikeCustomJson(
      R"({"metadata": {"a": [1, {"b": "]}\"["}], "c": "{"}, "benchmarks": [{"name": "x", "value": 1}]})"));
  // A key written with escapes is left to the whole parse, which decodes it.
  CHECK(LooksLikeCustomJson(R"({"b\u0065nchmarks": [{"name": "x", "value": 1}]})"));
  CHECK(LooksLikeCustomJson(std::string("\xEF\xBB\xBF") + R"([{"name": "x", "samples": [1, 2]}])"));
}

TEST_CASE("BMF is told from the start of a file where that decides", "[parse][auto]") {
  using perfgate::parse::LooksLikeBencherMetricFormat;
  CHECK(LooksLikeBencherMetricFormat(R"({"bench": {"latency": {"value": 1}}})"));
  CHECK_FALSE(LooksLikeBencherMetricFormat(R"({"context": {"date": "x", "value": 1}, "benchmarks": []})"));
  CHECK_FALSE(LooksLikeBencherMetricFormat(R"({"benchmarks": [{"value": 1}]})"));
  // The first benchmark as written, not as sorted, decides: a file whose first
  // benchmark is not an object of measures is refused by the parser anyway.
  std::string unsorted = R"({"b": {"latency": 1}, "a": {"latency": {"value": 1}}})";
  CHECK_FALSE(LooksLikeBencherMetricFormat(unsorted));
  CHECK_FALSE(perfgate::parse::ParseBencherMetricFormat(unsorted));
}
