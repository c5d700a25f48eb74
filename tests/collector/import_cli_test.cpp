// CLI tests for the ways into perfgate from other harnesses' files: criterion's
// target/criterion directory, github-action-benchmark's files and data.js history.
#include <catch2/catch.hpp>

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
