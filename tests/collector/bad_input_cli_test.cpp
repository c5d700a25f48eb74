// Bad input exits 2, says where, and names what exists instead: the same rule
// through every command.

#include <catch2/catch.hpp>


#include <filesystem>
#include <fstream>

#include "../process.hpp"
#include "../sqlite_column.hpp"

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

namespace {

std::string WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// The stored failure messages of a SQLite store, in benchmark order.
std::vector<std::string> StoredErrors(const std::string& db) {
  return perfgate::testing::SqliteColumn(db, "SELECT message FROM errors ORDER BY benchmark_id");
}

}  // namespace

TEST_CASE("Free text that is not UTF-8 is stored with U+FFFD, and a name that is not refuses every file", "[cli][ingest][input]") {
  auto dir = ScratchDirectory("bad-input-free-text");
  std::string db = (dir / "perfgate.db").string();
  // A go benchmark's failure message in ISO-8859-1, as a test's log can print it.
  std::string latin1 = WriteText(dir / "latin1.txt",
                                 "goos: linux\npkg: example.com/m\nBenchmarkOk  \t1000\t  27.5 ns/op\n"
                                 "--- FAIL: BenchmarkFails\n    edge_test.go:12: caf\xE9\nFAIL\n");
  std::string bad_name = WriteText(dir / "bad-name.txt", "BenchmarkBad\xFF  \t1000\t  27.5 ns/op\n");
  auto ingest = [&](std::vector<std::string> files) {
    std::vector<std::string> args{"ingest"};
    args.insert(args.end(), files.begin(), files.end());
    std::vector<std::string> options{"--format", "gotest", "--db", db, "--project", "p", "--commit", std::string(40, 'a')};
    args.insert(args.end(), options.begin(), options.end());
    return RunPerfgate(args);
  };

  // Two files, the second with a name that is not UTF-8: neither is stored.
  auto refused = ingest({latin1, bad_name});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("bad-name.txt") && Catch::Contains("benchmark 1 name: not valid UTF-8"));
  CHECK_FALSE(std::filesystem::exists(db));

  auto stored = ingest({latin1});
  REQUIRE(stored.exit_code == 0);
  CHECK(StoredErrors(db) == std::vector<std::string>{"edge_test.go:12: caf\xEF\xBF\xBD"});
}
