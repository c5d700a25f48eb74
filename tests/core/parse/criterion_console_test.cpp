#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseCriterion;
using perfgate::parse::ParseCriterionDirectory;
using perfgate::parse::SourceFile;
using perfgate::testing::FixturePath;
using perfgate::testing::ReadFile;
using perfgate::testing::ReadFixture;

namespace {

double Scale(const std::string& unit) {
  static const std::map<std::string, double> kScale{{"ps", 1e-3}, {"ns", 1}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  return kScale.at(unit);
}

// name -> the three values of its "time:" line (ns), read with a regex; the
// name is on the same line or, when long, on the line before.
std::map<std::string, std::vector<double>> TimesOf(const std::string& text) {
  std::map<std::string, std::vector<double>> times;
  std::regex time(R"(^(.*?)\s*time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]$)");
  std::istringstream in(text);
  std::string previous;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_match(line, match, time) && line.find('%') == std::string::npos) {
      std::string name = match[1].str().empty() ? previous : match[1].str();
      times[name] = {std::stod(match[2]) * Scale(match[3]), std::stod(match[4]) * Scale(match[5]),
                     std::stod(match[6]) * Scale(match[7])};
    }
    previous = line;
  }
  return times;
}

std::vector<SourceFile> DirectoryFiles(const std::filesystem::path& root) {
  std::vector<SourceFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    files.push_back(SourceFile{std::filesystem::relative(entry.path(), root).generic_string(), ReadFile(entry.path())});
  }
  return files;
}

}  // namespace

TEST_CASE("criterion's console output gives each benchmark's time estimate and bounds in ns", "[parse][criterion]") {
  for (const char* fixture : {"criterion/cargo_bench.txt", "criterion/cargo_bench_first.txt"}) {
    INFO(fixture);
    std::string text = ReadFixture(fixture);
    auto report = ParseCriterion(text);
    REQUIRE(report);
    CHECK(report->format == "criterion");
    auto expected = TimesOf(text);
    REQUIRE(expected.size() == 5);
    REQUIRE(report->benchmarks.size() == expected.size());
    for (const auto& [name, values] : expected) {
      INFO(name);
      const auto* benchmark = report->FindBenchmark(name);
      REQUIRE(benchmark);
      const auto* real_time = benchmark->FindMetric("real_time");
      REQUIRE(real_time);
      CHECK(real_time->unit == "ns");
      CHECK_FALSE(real_time->HasSamples());
      CHECK(real_time->aggregates.at("mean_lower_bound") == Approx(values[0]));
      CHECK(real_time->aggregates.at("mean") == Approx(values[1]));
      CHECK(real_time->aggregates.at("mean_upper_bound") == Approx(values[2]));
    }
    // A name longer than 23 characters is printed on its own line.
    CHECK(report->FindBenchmark("a benchmark name long enough to wrap onto its own line"));
  }
}

TEST_CASE("criterion's thrpt line gives bytes or items per second, higher is better", "[parse][criterion]") {
  std::string text = ReadFixture("criterion/cargo_bench.txt");
  auto report = ParseCriterion(text);
  REQUIRE(report);
  std::smatch match;
  REQUIRE(std::regex_search(text, match, std::regex(R"(copy/4096\s+time:.*\n\s+thrpt:\s+\[\S+ \S+ (\S+) GiB/s)")));
  const auto* copy = report->FindBenchmark("copy/4096");
  REQUIRE(copy);
  const auto* bytes = copy->FindMetric("bytes_per_second");
  REQUIRE(bytes);
  CHECK(bytes->unit == "B/s");
  CHECK(bytes->direction == Direction::kHigherIsBetter);
  CHECK(bytes->aggregates.at("mean") == Approx(std::stod(match[1]) * 1024 * 1024 * 1024));
  REQUIRE(std::regex_search(text, match, std::regex(R"(sum/u64 x1000\s+time:.*\n\s+thrpt:\s+\[\S+ \S+ (\S+) Gelem/s)")));
  const auto* items = report->FindBenchmark("sum/u64 x1000")->FindMetric("items_per_second");
  REQUIRE(items);
  CHECK(items->unit == "/s");
  CHECK(items->aggregates.at("mean") == Approx(std::stod(match[1]) * 1e9));
  // The change block's percentages are not read as a time or a rate.
  CHECK(report->FindBenchmark("fib 10")->metrics.size() == 1);
}

TEST_CASE("criterion console with terminal colours is read like the plain text", "[parse][criterion]") {
  std::string text = ReadFixture("criterion/cargo_bench.txt");
  std::string coloured = std::regex_replace(text, std::regex(R"(\[(\S+ \S+) (\S+ \S+) (\S+ \S+)\])"),
                                            "[\x1b[2m$1\x1b[0m \x1b[1m$2\x1b[0m \x1b[2m$3\x1b[0m]");
  REQUIRE(coloured != text);
  auto plain = ParseCriterion(text);
  auto report = ParseCriterion(coloured);
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == plain->benchmarks.size());
  for (std::size_t i = 0; i < plain->benchmarks.size(); ++i) {
    CHECK(report->benchmarks[i].name == plain->benchmarks[i].name);
    CHECK(report->benchmarks[i].metrics.front().aggregates == plain->benchmarks[i].metrics.front().aggregates);
  }
}

TEST_CASE("A malformed criterion time line names its line", "[parse][criterion]") {
  auto report = ParseCriterion("fib 10                  time:   [1.0 ns 2.0 ns 3.0 ns]\n"
                               "fib 20                  time:   [1.0 ns 2.0 fortnights 3.0 ns]\n");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "line 2");
  CHECK(report.error().reason.find("fortnights") != std::string::npos);
}

TEST_CASE("criterion's directory is read from each benchmark's new/ run, with raw samples", "[parse][criterion]") {
  auto files = DirectoryFiles(FixturePath("criterion/directory/criterion"));
  auto report = ParseCriterionDirectory(files, "new");
  REQUIRE(report);
  CHECK(report->format == "criterion");
  CHECK(report->context.at("criterion.baseline") == "new");
  REQUIRE(report->benchmarks.size() == 5);
  for (const SourceFile& file : files) {
    if (file.path.size() < 16 || file.path.substr(file.path.size() - 16) != "/new/sample.json") continue;
    std::string directory = file.path.substr(0, file.path.size() - 12);
    auto benchmark_json = nlohmann::json::parse(ReadFixture("criterion/directory/criterion/" + directory + "/benchmark.json"));
    auto sample = nlohmann::json::parse(file.text);
    std::string name = benchmark_json["full_id"];
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    REQUIRE(real_time->samples.size() == sample["times"].size());
    for (std::size_t i = 0; i < real_time->samples.size(); ++i) {
      CHECK(real_time->samples[i] == Approx(sample["times"][i].get<double>() / sample["iters"][i].get<double>()));
    }
  }
}

TEST_CASE("A criterion baseline saved with --save-baseline is read by name", "[parse][criterion]") {
  auto files = DirectoryFiles(FixturePath("criterion/directory/criterion"));
  auto main = ParseCriterionDirectory(files, "main");
  auto latest = ParseCriterionDirectory(files, "new");
  auto base = ParseCriterionDirectory(files, "base");
  REQUIRE(main);
  REQUIRE(latest);
  REQUIRE(base);
  const auto* fib_base = base->FindBenchmark("fib 10")->FindMetric("real_time");
  auto sample = nlohmann::json::parse(ReadFixture("criterion/directory/criterion/fib 10/base/sample.json"));
  REQUIRE(fib_base->samples.size() == sample["times"].size());
  CHECK(fib_base->samples[0] == Approx(sample["times"][0].get<double>() / sample["iters"][0].get<double>()));
  CHECK(fib_base->samples != latest->FindBenchmark("fib 10")->FindMetric("real_time")->samples);
  auto missing = ParseCriterionDirectory(files, "release-1.2");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().reason.find("'release-1.2'") != std::string::npos);
  CHECK(missing.error().reason.find("base, main, new") != std::string::npos);
}

TEST_CASE("A broken file in criterion's directory is named in the error", "[parse][criterion]") {
  auto files = DirectoryFiles(FixturePath("criterion/directory/criterion"));
  auto sample = std::find_if(files.begin(), files.end(), [](const SourceFile& file) { return file.path == "fib 10/new/sample.json"; });
  REQUIRE(sample != files.end());
  sample->text = R"({"sampling_mode":"Linear","iters":[1.0,2.0],"times":[1.0]})";
  auto report = ParseCriterionDirectory(files, "new");
  REQUIRE_FALSE(report);
  CHECK(report.error().where == "fib 10/new/sample.json: times");
}
