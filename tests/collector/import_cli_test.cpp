// CLI tests for the ways into perfgate from other harnesses' files: criterion's
// target/criterion directory, github-action-benchmark's files and data.js history.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::ReadFile;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

namespace {

std::string Fixture(const std::string& name) { return FixturePath(name).string(); }

nlohmann::json History(const std::string& db, const std::string& benchmark, const std::string& metric = "") {
  std::vector<std::string> arguments{"history", "--db", db, "--project", "demo", "--benchmark", benchmark, "--format", "json"};
  if (!metric.empty()) arguments.insert(arguments.end(), {"--metric", metric});
  auto history = RunPerfgate(arguments);
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  return nlohmann::json::parse(history.out);
}

}  // namespace

TEST_CASE("ingest reads criterion's target/criterion directory, new/ or a named baseline", "[cli][ingest][criterion]") {
  auto dir = ScratchDirectory("cli-criterion-directory");
  auto db = (dir / "results.db").string();
  auto directory = Fixture("criterion/directory/criterion");
  auto latest = RunPerfgate({"ingest", directory, "--db", db, "--project", "demo", "--commit", "1111111aaaa"});
  INFO(latest.err);
  REQUIRE(latest.exit_code == 0);
  CHECK_THAT(latest.out, Catch::Contains("stored as run 1 (5 benchmarks"));
  auto sample = nlohmann::json::parse(ReadFile(FixturePath("criterion/directory/criterion/fib 10/new/sample.json")));
  auto series = History(db, "fib 10");
  REQUIRE(series["points"].size() == 1);
  CHECK(series["points"][0]["n"] == sample["times"].size());

  auto main = RunPerfgate({"ingest", directory, "--criterion-baseline", "main", "--db", db, "--project", "demo",
                           "--commit", "2222222bbbb"});
  INFO(main.err);
  REQUIRE(main.exit_code == 0);
  CHECK_THAT(main.out, Catch::Contains("stored as run 2"));

  auto missing = RunPerfgate({"ingest", directory, "--criterion-baseline", "nope", "--db", db, "--project", "demo",
                              "--commit", "3333333cccc"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no benchmark has a 'nope' run"));
  auto other = RunPerfgate({"ingest", Fixture("gotest"), "--db", db, "--project", "demo", "--commit", "3333333cccc"});
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("not a target/criterion directory"));
}

TEST_CASE("import github-action-benchmark brings data.js history into the store, once", "[cli][import]") {
  auto dir = ScratchDirectory("cli-import-gab");
  auto db = (dir / "results.db").string();
  auto data = Fixture("github-action-benchmark/data.js");
  auto first = RunPerfgate({"import", "github-action-benchmark", data, "--db", db, "--project", "demo"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("4 runs of 3 commits: 4 stored, 0 already stored"));
  auto again = RunPerfgate({"import", "github-action-benchmark", data, "--db", db, "--project", "demo"});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("0 stored, 4 already stored"));

  auto series = History(db, "Rust Benchmark/stream_open");
  REQUIRE(series["points"].size() == 2);
  CHECK(series["points"][0]["commit"] == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");
  CHECK(series["points"][0]["time"] == "2024-01-03T09:00:00Z");  // +01:00 in the file
  CHECK(series["points"][0]["value"] == 1320);
  CHECK(series["points"][1]["value"] == 1187);
  CHECK(series["unit"] == "ns");
  auto load = History(db, "Load/messages per second");
  CHECK(load["direction"] == "higher_is_better");
  CHECK(load["points"].size() == 2);

  // Bad input: exit 2, naming the field, and nothing written.
  auto broken_path = dir / "broken.js";
  std::string broken = ReadFile(FixturePath("github-action-benchmark/data.js"));
  broken.replace(broken.find("\"id\": \"c3d4"), 11, "\"id\": 42, \"x\": \"");
  std::ofstream(broken_path) << broken;
  auto other = (dir / "other.db").string();
  auto refused = RunPerfgate({"import", "github-action-benchmark", broken_path.string(), "--db", other, "--project", "demo"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("commit.id"));
  CHECK_FALSE(std::filesystem::exists(other));
  auto unknown = RunPerfgate({"import", "asv", data, "--db", other, "--project", "demo"});
  CHECK(unknown.exit_code == 2);

  // A name the rule refuses in the last run (a tab): no run is stored, not even the earlier ones.
  std::string tabbed = ReadFile(FixturePath("github-action-benchmark/data.js"));
  tabbed.replace(tabbed.find("\"messages per second\""), 21, "\"messages\\tper second\"");
  std::ofstream(dir / "tabbed.js") << tabbed;
  auto refused_name = RunPerfgate({"import", "github-action-benchmark", (dir / "tabbed.js").string(), "--db", other,
                                   "--project", "demo"});
  CHECK(refused_name.exit_code == 2);
  CHECK_THAT(refused_name.err, Catch::Contains("tabbed.js, commit ") && Catch::Contains("contains a control character"));
  CHECK_FALSE(std::filesystem::exists(other));
}

TEST_CASE("ingest --direction says which way a github-action-benchmark custom file is better", "[cli][ingest]") {
  auto dir = ScratchDirectory("cli-direction");
  auto db = (dir / "results.db").string();
  auto file = Fixture("github-action-benchmark/custom_bigger.json");
  auto stored = RunPerfgate({"ingest", file, "--direction", "bigger", "--db", db, "--project", "demo", "--commit",
                             "1111111aaaa"});
  INFO(stored.err);
  REQUIRE(stored.exit_code == 0);
  CHECK(History(db, "handshakes per second")["direction"] == "higher_is_better");
  CHECK(History(db, "messages per second")["direction"] == "higher_is_better");
  auto wrong = RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--direction", "higher", "--db", db, "--project",
                            "demo", "--commit", "2222222bbbb"});
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("--direction"));
  auto bad = RunPerfgate({"ingest", file, "--direction", "sideways", "--db", db, "--project", "demo", "--commit",
                          "2222222bbbb"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("import asv brings a results directory's commits into the store, once, on asv's machine", "[cli][import][asv]") {
  auto dir = ScratchDirectory("cli-import-asv");
  auto db = (dir / "results.db").string();
  auto results = Fixture("asv/results");
  auto first = RunPerfgate({"import", "asv", results, "--db", db, "--project", "demo"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("3 runs of 3 commits: 3 stored, 0 already stored"));
  auto again = RunPerfgate({"import", "asv", results, "--db", db, "--project", "demo"});
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("0 stored, 3 already stored"));

  // Oldest commit first, at each commit's date, on the testbed named after asv's machine.
  auto series = History(db, "benchmarks.TimeSuite.time_range(10)");
  REQUIRE(series["points"].size() == 3);
  CHECK(series["points"][0]["commit"] == "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d");
  CHECK(series["points"][0]["time"] == "2024-04-28T10:00:00Z");
  CHECK(series["points"][0]["value"] == Approx(230.12));
  CHECK(series["points"][1]["value"] == Approx(228.76));
  CHECK(series["points"][2]["commit"] == "4f2c9d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d");
  CHECK(series["points"][2]["value"] == Approx(210.34));
  CHECK(History(db, "benchmarks.TimeSuite.time_sort")["points"][2]["n"] == 10);
  auto testbeds = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "benchmarks.MemSuite.mem_list",
                               "--testbed", "ci-runner", "--format", "json"});
  INFO(testbeds.err);
  REQUIRE(testbeds.exit_code == 0);
  CHECK(nlohmann::json::parse(testbeds.out)["points"].size() == 3);

  // A file of the directory that is not asv's: exit 2 naming it, nothing written.
  auto broken = dir / "results" / "ci-runner";
  std::filesystem::create_directories(broken);
  std::filesystem::copy(FixturePath("asv/results/ci-runner/4f2c9d1e-virtualenv-py3.11.json"), broken / "ok.json");
  std::ofstream(broken / "bad.json") << "{\"commit_hash\": \"x\", \"result_columns\": [\"result\"], \"results\": {\"time_x\": 3}}";
  auto other = (dir / "other.db").string();
  auto refused = RunPerfgate({"import", "asv", (dir / "results").string(), "--db", other, "--project", "demo"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("ci-runner/bad.json"));
  CHECK_FALSE(std::filesystem::exists(other));
}
