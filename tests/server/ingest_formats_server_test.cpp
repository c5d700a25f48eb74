// Files that need the collector's help before upload, through `perfgate ingest
// --server` against a real loopback server: criterion's target/criterion
// directory (the collector selects and joins its files) and a
// github-action-benchmark custom file with --direction (the collector writes the
// direction into the body). The server's answers must be the ones `--db` gives.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../process.hpp"
#include "server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;
using perfgate::testing::FixturePath;
using perfgate::testing::RunPerfgate;

namespace {

// `perfgate ingest FILE ...` into the server and into a SQLite file, with the same commit.
void IngestBoth(const std::string& file, std::vector<std::string> extra, const std::string& url,
                const std::string& token, const std::string& db) {
  std::vector<std::string> common{"--project", "formats", "--commit", std::string(40, 'c'), "--branch", "main",
                                  "--time", "2024-03-01T12:00:00Z"};
  common.insert(common.end(), extra.begin(), extra.end());
  std::vector<std::string> remote{"ingest", file, "--server", url, "--token", token};
  remote.insert(remote.end(), common.begin(), common.end());
  std::vector<std::string> local{"ingest", file, "--db", db};
  local.insert(local.end(), common.begin(), common.end());
  auto uploaded = RunPerfgate(remote);
  INFO(uploaded.out << uploaded.err);
  REQUIRE(uploaded.exit_code == 0);
  CHECK(uploaded.out.find("stored as run") != std::string::npos);
  auto stored = RunPerfgate(local);
  INFO(stored.out << stored.err);
  REQUIRE(stored.exit_code == 0);
}

json History(const std::vector<std::string>& where, const std::string& benchmark, const std::string& metric) {
  std::vector<std::string> arguments{"history", "--project", "formats", "--benchmark", benchmark, "--format", "json"};
  if (!metric.empty()) arguments.insert(arguments.end(), {"--metric", metric});
  arguments.insert(arguments.end(), where.begin(), where.end());
  auto history = RunPerfgate(arguments);
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  return json::parse(history.out);
}

}  // namespace

TEST_CASE("A criterion directory and a --direction file uploaded with --server read back as --db stores them",
          "[server][cli][ingest]") {
  TestServer server("ingest-formats");
  std::string token = server.CreateToken("formats", "pgt_formats_token_12345");
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::string db = (server.dir() / "local.db").string();

  IngestBoth(FixturePath("criterion/directory/criterion").string(), {}, url, token, db);
  IngestBoth(FixturePath("github-action-benchmark/custom_bigger.json").string(), {"--direction", "bigger"}, url, token,
             db);

  struct Series {
    std::string benchmark;
    std::string metric;
  };
  for (const Series& series : {Series{"fib 10", "real_time"}, Series{"copy/4096", "bytes_per_second"},
                               Series{"handshakes per second", ""}, Series{"messages per second", ""}}) {
    INFO(series.benchmark << " " << series.metric);
    json remote = History({"--server", url}, series.benchmark, series.metric);
    json local = History({"--db", db}, series.benchmark, series.metric);
    REQUIRE(remote["points"].size() == 1);
    CHECK(remote == local);
  }
  // criterion's raw samples crossed the wire whole; the direction came across.
  json fib = History({"--server", url}, "fib 10", "real_time");
  auto sample = json::parse(perfgate::testing::ReadFile(FixturePath("criterion/directory/criterion/fib 10/new/sample.json")));
  CHECK(fib["points"][0]["n"] == sample["times"].size());
  CHECK(History({"--server", url}, "handshakes per second", "")["direction"] == "higher_is_better");
}
