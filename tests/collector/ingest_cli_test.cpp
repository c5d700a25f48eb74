#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::ReadFile;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

namespace {

std::string Fixture(const std::string& name) { return FixturePath(name).string(); }

// Every byte of the database files, to prove a failed command wrote nothing.
std::string DatabaseBytes(const std::filesystem::path& db) {
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    auto path = db.string() + suffix;
    if (std::filesystem::exists(path)) bytes += ReadFile(path);
  }
  return bytes;
}

std::filesystem::path WriteFile(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("ingest stores a run and history shows it", "[cli][ingest]") {
  auto dir = ScratchDirectory("cli-ingest");
  auto db = (dir / "results.db").string();
  auto first = RunPerfgate({"ingest", Fixture("gbench/repeated.json"), "--db", db, "--project", "demo", "--commit",
                            "1111111aaaa", "--branch", "main", "--time", "2026-01-01T00:00:00Z"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("stored as run 1"));

  auto again = RunPerfgate({"ingest", Fixture("gbench/repeated.json"), "--db", db, "--project", "demo", "--commit",
                            "1111111aaaa", "--branch", "main"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("already stored as run 1"));

  auto history = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "BM_Sort/256", "--format", "json"});
  REQUIRE(history.exit_code == 0);
  auto series = nlohmann::json::parse(history.out);
  REQUIRE(series["points"].size() == 1);
  CHECK(series["points"][0]["n"] == 3);
  CHECK(series["points"][0]["commit"] == "1111111aaaa");
  CHECK(series["points"][0]["time"] == "2026-01-01T00:00:00Z");
  CHECK(series["unit"] == "ns");

  auto text = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "BM_Sort/256"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("1111111aaaa"));
}

TEST_CASE("ingest reads standard input and custom metrics", "[cli][ingest]") {
  auto dir = ScratchDirectory("cli-custom");
  auto db = (dir / "results.db").string();
  auto binary = WriteFile(dir, "libmeshara.so", std::string(12345, 'x'));
  auto result = RunPerfgate({"ingest", "-", "--db", db, "--project", "demo", "--commit", "2222222bbbb", "--metric",
                             "build/compile_time=95s", "--metric", "tests/time=12.5s", "--file-size", binary.string()},
                            {}, ReadFile(FixturePath("gbench/plain.json")));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto compile = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "build/compile_time", "--format", "json"});
  REQUIRE(compile.exit_code == 0);
  CHECK(nlohmann::json::parse(compile.out)["points"][0]["value"] == 95e9);
  auto size = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "size/libmeshara.so", "--format", "json"});
  REQUIRE(size.exit_code == 0);
  CHECK(nlohmann::json::parse(size.out)["points"][0]["value"] == 12345);
  CHECK(nlohmann::json::parse(size.out)["unit"] == "B");
}

TEST_CASE("ingest takes commit, branch and PR from GitHub Actions", "[cli][ingest][github]") {
  auto dir = ScratchDirectory("cli-github");
  auto db = (dir / "results.db").string();
  auto event = WriteFile(dir, "event.json", R"({"pull_request":{"number":42,
      "head":{"sha":"headsha1234567","ref":"feature/x"},"base":{"sha":"basesha1234567","ref":"main"}}})");
  auto result = RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", db, "--project", "demo"},
                            {"GITHUB_ACTIONS=true", "GITHUB_SHA=mergesha000000", "GITHUB_REF_NAME=42/merge",
                             "GITHUB_HEAD_REF=feature/x", "GITHUB_EVENT_PATH=" + event.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto history = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "BM_Sort/64", "--branch",
                              "feature/x", "--format", "json"});
  REQUIRE(history.exit_code == 0);
  CHECK(nlohmann::json::parse(history.out)["points"][0]["commit"] == "headsha1234567");
}

TEST_CASE("Invalid input exits 2 naming the file and field, leaving the database untouched", "[cli][ingest]") {
  auto dir = ScratchDirectory("cli-invalid");
  auto db = dir / "results.db";
  REQUIRE(RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", db.string(), "--project", "demo", "--commit",
                       "3333333cccc"}).exit_code == 0);
  std::string before = DatabaseBytes(db);
  std::string plain = ReadFile(FixturePath("gbench/plain.json"));

  struct Case {
    std::string name;
    std::string content;
    std::string expected_message;
  };
  std::vector<Case> cases = {
      {"truncated.json", plain.substr(0, plain.size() / 3), "truncated.json: line "},
      {"wrong_type.json", R"({"benchmarks":[{"name":"a","real_time":"fast","cpu_time":1}]})",
       "wrong_type.json: line 1, benchmarks[0].real_time: expected a number"},
      {"unit.json", R"({"benchmarks":[{"name":"a","real_time":1,"cpu_time":1,"time_unit":"jiffies"}]})",
       "benchmarks[0].time_unit: unknown time unit \"jiffies\""},
      {"empty.json", "", "empty.json: the file is empty"},
  };
  for (const Case& bad : cases) {
    INFO(bad.name);
    auto file = WriteFile(dir, bad.name, bad.content);
    // A good file first and the bad one second: nothing of either may be stored.
    auto result = RunPerfgate({"ingest", Fixture("gbench/repeated.json"), file.string(), "--db", db.string(),
                               "--project", "demo", "--commit", "4444444dddd", "--format", "gbench"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(bad.expected_message));
    CHECK(DatabaseBytes(db) == before);
  }

  SECTION("a missing commit") {
    auto result = RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", db.string(), "--project", "demo"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--commit"));
    CHECK(DatabaseBytes(db) == before);
  }
  SECTION("a file that does not exist") {
    auto result = RunPerfgate({"ingest", "no/such/file.json", "--db", db.string(), "--project", "demo", "--commit", "x"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("no/such/file.json"));
  }
  SECTION("a bad custom metric") {
    auto result = RunPerfgate({"ingest", "--metric", "build/time=12 parsecs", "--db", db.string(), "--project", "demo",
                               "--commit", "x"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--metric build/time=12 parsecs"));
    CHECK(DatabaseBytes(db) == before);
  }
  SECTION("a bad time") {
    auto result = RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", db.string(), "--project", "demo",
                               "--commit", "x", "--time", "yesterday"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--time yesterday"));
  }
  SECTION("an unknown option") {
    CHECK(RunPerfgate({"ingest", "--frobnicate"}).exit_code == 2);
  }
}

TEST_CASE("Invalid input never creates a database", "[cli][ingest]") {
  auto dir = ScratchDirectory("cli-no-db");
  auto db = dir / "results.db";
  auto file = WriteFile(dir, "bad.json", "{\"benchmarks\": [");
  auto result = RunPerfgate({"ingest", file.string(), "--db", db.string(), "--project", "demo", "--commit", "x"});
  CHECK(result.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("An unusable database path exits 3", "[cli][ingest]") {
  auto result = RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", "/proc/no/such/dir/results.db",
                             "--project", "demo", "--commit", "x"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("cannot open database"));
}
