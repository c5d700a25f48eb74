// Bad input exits 2, says where, and names what exists instead: the same rule
// through every command.

#include <catch2/catch.hpp>

#include <fstream>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

TEST_CASE("compare --metric that no benchmark has exits 2 naming the metrics", "[cli][compare][input]") {
  auto fixture = FixturePath("gbench/repeated.json").string();
  auto typo = RunPerfgate({"compare", fixture, fixture, "--metric", "cpu_tme"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.out.empty());
  CHECK_THAT(typo.err, Catch::Contains("cpu_tme") && Catch::Contains("cpu_time") && Catch::Contains("real_time"));
  CHECK(RunPerfgate({"compare", fixture, fixture, "--metric", "cpu_time"}).exit_code == 0);
}

TEST_CASE("compare --testbed without results exits 2 naming the testbeds the commit has", "[cli][compare][input]") {
  auto dir = ScratchDirectory("bad-input-testbed");
  std::string db = (dir / "perfgate.db").string();
  std::string sha(40, 'a');
  auto ingest = RunPerfgate({"ingest", FixturePath("gbench/repeated.json").string(), "--db", db, "--project", "p",
                             "--commit", sha, "--branch", "main", "--testbed", "ci-runner"});
  REQUIRE(ingest.exit_code == 0);
  auto missing = RunPerfgate({"compare", sha, sha, "--db", db, "--project", "p", "--testbed", "laptop"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("laptop") && Catch::Contains("ci-runner"));
  // Without --testbed, the one the commit ran on: nothing is assumed to be "default".
  CHECK(RunPerfgate({"compare", sha, sha, "--db", db, "--project", "p"}).exit_code == 0);

  auto unknown = RunPerfgate({"compare", "main", "nosuchbranch", "--db", db, "--project", "p"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("nosuchbranch"));
}

TEST_CASE("A name the server would refuse is refused by the CLI first", "[cli][ingest][input]") {
  auto dir = ScratchDirectory("bad-input-names");
  std::string db = (dir / "perfgate.db").string();
  auto ingest = [&](const std::string& metric, const std::string& project = "p") {
    return RunPerfgate({"ingest", "--db", db, "--project", project, "--commit", std::string(40, 'a'), "--metric", metric});
  };
  CHECK(ingest(std::string(512, 'n') + "=1s").exit_code == 0);
  auto long_name = ingest(std::string(513, 'n') + "=1s");
  CHECK(long_name.exit_code == 2);
  CHECK_THAT(long_name.err, Catch::Contains("longer than 512 bytes"));
  auto not_utf8 = ingest("a", "bad\xC3");
  CHECK(not_utf8.exit_code == 2);
  CHECK_THAT(not_utf8.err, Catch::Contains("not valid UTF-8"));
}
