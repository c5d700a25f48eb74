#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "../../test_support.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseGithubActionBenchmarkData;
using perfgate::testing::ReadFixture;

namespace {

nlohmann::json DataOf(const std::string& text) {
  return nlohmann::json::parse(text.substr(text.find('{'), text.rfind('}') - text.find('{') + 1));
}

}  // namespace

TEST_CASE("github-action-benchmark's data.js gives every run with its commit, time and values", "[parse][github-action-benchmark]") {
  std::string text = ReadFixture("github-action-benchmark/data.js");
  auto history = ParseGithubActionBenchmarkData(text);
  REQUIRE(history);
  auto data = DataOf(text);
  std::size_t runs = 0;
  for (const auto& [suite, entries] : data["entries"].items()) runs += entries.size();
  REQUIRE(history->size() == runs);
  for (std::size_t i = 1; i < history->size(); ++i) CHECK((*history)[i - 1].time <= (*history)[i].time);
  for (const auto& [suite, entries] : data["entries"].items()) {
    for (const auto& entry : entries) {
      std::string sha = entry["commit"]["id"];
      INFO(suite << " " << sha);
      const perfgate::parse::HistoryEntry* found = nullptr;
      for (const auto& run : *history) {
        if (run.commit == sha && run.suite == suite) found = &run;
      }
      REQUIRE(found);
      CHECK(found->time == *perfgate::model::ParseIsoTime(entry["commit"]["timestamp"].get<std::string>()));
      CHECK(found->message == entry["commit"]["message"]);
      CHECK(found->report.format == "github-action-benchmark");
      for (const auto& bench : entry["benches"]) {
        // Two suites: names are qualified by the suite.
        const auto* benchmark = found->report.FindBenchmark(suite + "/" + bench["name"].get<std::string>());
        REQUIRE(benchmark);
        REQUIRE(benchmark->metrics.size() == 1);
        const auto& metric = benchmark->metrics.front();
        REQUIRE(metric.samples.size() == 1);
        CHECK(metric.samples[0] == Approx(bench["value"].get<double>()));
        if (bench["unit"] == "ns/iter") {
          CHECK(metric.name == "real_time");
          CHECK(metric.unit == "ns");
          CHECK(metric.direction == Direction::kLowerIsBetter);
        } else {
          // customBiggerIsBetter: the tool says the direction.
          CHECK(entry["tool"] == "customBiggerIsBetter");
          CHECK(metric.direction == Direction::kHigherIsBetter);
          CHECK(metric.unit == bench["unit"]);
        }
      }
    }
  }
}

TEST_CASE("A malformed data.js names the line and run", "[parse][github-action-benchmark]") {
  std::string text = ReadFixture("github-action-benchmark/data.js");
  auto at = text.find("\"value\": 39876");
  REQUIRE(at != std::string::npos);
  std::string broken = text;
  broken.replace(at, 14, "\"value\": \"x\"");
  auto history = ParseGithubActionBenchmarkData(broken);
  REQUIRE_FALSE(history);
  CHECK_THAT(history.error().where, Catch::Contains("entries.Rust Benchmark[1].benches[1].value"));
  std::size_t line = 1 + static_cast<std::size_t>(std::count(broken.begin(), broken.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  CHECK_THAT(history.error().where, Catch::StartsWith("line " + std::to_string(line)));
  CHECK_FALSE(ParseGithubActionBenchmarkData("var x = 3;"));
  CHECK_FALSE(ParseGithubActionBenchmarkData("window.BENCHMARK_DATA = {\"entries\": {}}"));
}

TEST_CASE("Direction names include github-action-benchmark's tools", "[parse][github-action-benchmark]") {
  using perfgate::parse::ParseDirectionName;
  CHECK(ParseDirectionName("bigger") == Direction::kHigherIsBetter);
  CHECK(ParseDirectionName("customBiggerIsBetter") == Direction::kHigherIsBetter);
  CHECK(ParseDirectionName("smaller") == Direction::kLowerIsBetter);
  CHECK(ParseDirectionName("lower") == Direction::kLowerIsBetter);
  CHECK_FALSE(ParseDirectionName("sideways"));
}
