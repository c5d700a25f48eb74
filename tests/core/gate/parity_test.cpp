// The CLI with --db and the CLI with --server (through a real loopback server
// over the same SQLite file) answer the same question identically: both doors
// are gate. Table-driven over the situations a user meets.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "../../process.hpp"
#include "../../server/server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;
using perfgate::testing::ReadFile;
using perfgate::testing::RunPerfgate;

namespace {

struct Upload {
  std::string commit;
  std::string parent;
  std::string branch;
  std::string testbed;
  int day;  // of January 2024: the commit time
  std::vector<std::pair<std::string, std::vector<double>>> benchmarks;
};

struct Scenario {
  std::string name;
  std::vector<Upload> uploads;
  std::vector<std::vector<std::string>> compares;  // arguments after "compare"
  std::vector<std::vector<std::string>> checks;    // arguments after "check --config C"
  std::string config;                              // perfgate.json
  std::vector<int> check_exits;                    // when given: each check's exit code, through both doors
};

std::string Sha(char c) { return std::string(40, c); }

// A history of `days` single values on main (a, b, c, ... as SHAs), each the parent of the next.
std::vector<Upload> History(const std::string& benchmark, const std::vector<double>& values, const std::string& testbed = "default") {
  std::vector<Upload> uploads;
  for (std::size_t i = 0; i < values.size(); ++i) {
    uploads.push_back(Upload{Sha(static_cast<char>('a' + i)), i == 0 ? "" : Sha(static_cast<char>('a' + i - 1)), "main",
                             testbed, static_cast<int>(i + 1), {{benchmark, {values[i]}}}});
  }
  return uploads;
}

std::vector<Scenario> Scenarios() {
  const std::string budgets =
      R"({"project":"parity","baseline":{"branch":"main"},"budgets":[{"benchmark":"*","max_regression":"10%"},)"
      R"({"benchmark":"BM_*","metric":"p95","max":"1ms"}]})";
  std::vector<Scenario> scenarios;

  {  // Single values on each side, judged against the history's noise.
    Scenario s{"single values", History("BM_One", {100, 101, 99, 100, 102, 100, 101}), {}, {}, budgets};
    s.uploads.push_back(Upload{"f1" + std::string(38, '0'), Sha('g'), "feature", "default", 9, {{"BM_One", {140}}}});
    s.compares = {{"main", "f1" + std::string(38, '0')}, {Sha('b'), Sha('g'), "--threshold", "1%"}};
    // The second with a public dashboard URL: the same compare link and trend picture from both doors.
    s.checks = {{"--head", "f1" + std::string(38, '0')},
                {"--head", "f1" + std::string(38, '0'), "--dashboard-url", "https://perf.example.com"}};
    scenarios.push_back(s);
  }
  {  // Repetitions on both sides: Mann-Whitney and the bootstrap interval.
    Scenario s{"repetitions", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "main", "default", 1, {{"BM_Rep", {10, 11, 12, 10.5, 11.5}}, {"BM_Flat", {5, 5.1, 4.9, 5, 5.05}}}});
    s.uploads.push_back(Upload{Sha('b'), Sha('a'), "feature", "default", 2, {{"BM_Rep", {13, 14, 15, 13.5, 14.5}}, {"BM_Flat", {5, 5.1, 4.9, 5.02, 5}}}});
    s.compares = {{Sha('a'), Sha('b')}, {"main", "feature", "--alpha", "0.01", "--metric", "cpu_time"}};
    s.checks = {{"--head", Sha('b')}, {"--head", Sha('b'), "--base", "main"}};
    scenarios.push_back(s);
  }
  {  // Named baselines: branches as refs.
    Scenario s{"named baselines", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "release-1.2", "default", 1, {{"BM_Named", {20, 21, 22}}}});
    s.uploads.push_back(Upload{Sha('b'), "", "main", "default", 2, {{"BM_Named", {20, 20.5, 21}}}});
    s.compares = {{"release-1.2", "main"}, {"release-1.2", Sha('b').substr(0, 9)}};
    s.checks = {{"--head", "main", "--base", "release-1.2"}};
    scenarios.push_back(s);
  }
  {  // A pull request off main, with main moving on after the fork: the merge-base is the baseline.
    Scenario s{"merge-base", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "main", "default", 1, {{"BM_Merge", {100, 101, 102}}}});
    s.uploads.push_back(Upload{Sha('b'), Sha('a'), "main", "default", 2, {{"BM_Merge", {50, 51, 52}}}});
    s.uploads.push_back(Upload{Sha('c'), Sha('a'), "feature", "default", 3, {{"BM_Merge", {104, 105, 106}}}});
    s.uploads.push_back(Upload{Sha('d'), Sha('b'), "main", "default", 4, {{"BM_Merge", {10, 11, 12}}}});
    s.compares = {{"main", "feature"}};
    s.checks = {{"--head", Sha('c')}, {"--head", "feature"}};
    scenarios.push_back(s);
  }
  {  // Two implementations on one commit, and a testbed chosen per side.
    Scenario s{"several testbeds", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "main", "go", 1, {{"BM_Stream", {100, 101, 102}}}});
    s.uploads.push_back(Upload{Sha('a'), "", "main", "rust", 1, {{"bench_stream", {90, 91, 92}}}});
    s.uploads.push_back(Upload{Sha('b'), Sha('a'), "main", "rust", 2, {{"bench_stream", {95, 96, 97}}}});
    s.compares = {{Sha('a'), Sha('a'), "--base-testbed", "go", "--head-testbed", "rust", "--map", "BM_Stream=bench_stream"},
                  {Sha('a'), Sha('b'), "--testbed", "rust"},
                  {Sha('a'), Sha('b')}};
    s.checks = {{"--head", Sha('b'), "--testbed", "rust"}, {"--head", Sha('b')}, {"--head", Sha('a'), "--testbed", "rust"}};
    s.config = R"({"project":"parity","budgets":[{"benchmark":"*","max_regression":"10%"},)"
               R"({"benchmark":"bench_stream","min_ratio":"95%","of_testbed":"go"}]})";
    scenarios.push_back(s);
  }
  {  // A benchmark held to a yardstick of the same run: met on one commit, broken on the next.
    Scenario s{"yardstick", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "main", "default", 1, {{"BM_Yardstick", {10, 10.2, 9.9}}, {"BM_Path", {40, 41, 39}}}});
    s.uploads.push_back(Upload{Sha('b'), Sha('a'), "main", "default", 2, {{"BM_Yardstick", {10, 10.1, 9.8}}, {"BM_Path", {80, 82, 79}}}});
    s.uploads.push_back(Upload{Sha('c'), Sha('b'), "main", "default", 3, {{"BM_Path", {40, 41, 39}}}});
    s.compares = {{Sha('a'), Sha('b')}};
    // Met (ratio 0.25), broken (0.125), pending (no yardstick in the run).
    s.checks = {{"--head", Sha('a')}, {"--head", Sha('b')}, {"--head", Sha('c')}};
    s.check_exits = {0, 1, 0};
    s.config = R"({"project":"parity","budgets":[{"benchmark":"BM_Path","min_ratio":0.2,)"
               R"("of_benchmark":"BM_Yardstick","statistic":"min"}]})";
    scenarios.push_back(s);
  }
  {  // A head without a stored parent: no baseline, relative budgets pending.
    Scenario s{"missing baseline", {}, {}, {}, budgets};
    s.uploads.push_back(Upload{Sha('a'), "", "feature", "default", 1, {{"BM_Alone", {7, 8, 9}}}});
    s.checks = {{"--head", Sha('a')}};
    scenarios.push_back(s);
  }
  return scenarios;
}

// Either answer, as the test compares them.
struct Answer {
  int exit_code;
  json body;
  std::string text;
  std::string err;
};

}  // namespace

TEST_CASE("compare, check and history give the same JSON through --db and --server", "[gate][parity][cli][server]") {
  for (const Scenario& scenario : Scenarios()) {
    DYNAMIC_SECTION(scenario.name) {
      TestServer server("parity");
      const std::string db = server.options().db_path;
      const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
      for (std::size_t i = 0; i < scenario.uploads.size(); ++i) {
        const Upload& upload = scenario.uploads[i];
        std::filesystem::path file = server.dir() / ("upload-" + std::to_string(i) + ".json");
        std::ofstream(file) << GbenchJson(upload.benchmarks);
        std::vector<std::string> ingest = {"ingest", file.string(), "--db", db, "--project", "parity", "--commit",
                                           upload.commit, "--branch", upload.branch, "--testbed", upload.testbed,
                                           "--time", "2024-01-" + std::string(upload.day < 10 ? "0" : "") +
                                                         std::to_string(upload.day) + "T10:00:00Z"};
        if (!upload.parent.empty()) ingest.insert(ingest.end(), {"--parent", upload.parent});
        auto stored = RunPerfgate(ingest);
        INFO(stored.err);
        REQUIRE(stored.exit_code == 0);
      }

      for (const auto& arguments : scenario.compares) {
        for (const std::string format : {"json", "markdown", "text"}) {
          auto ask = [&](const std::vector<std::string>& door) {
            std::vector<std::string> command = {"compare"};
            command.insert(command.end(), arguments.begin(), arguments.end());
            command.insert(command.end(), {"--project", "parity", "--format", format});
            command.insert(command.end(), door.begin(), door.end());
            auto result = RunPerfgate(command);
            return Answer{result.exit_code, format == std::string("json") ? json::parse(result.out, nullptr, false) : json(),
                          result.out, result.err};
          };
          Answer local = ask({"--db", db});
          Answer remote = ask({"--server", url});
          INFO("compare " << Catch::Detail::stringify(arguments) << " --format " << format);
          INFO(local.err << remote.err);
          REQUIRE((local.exit_code == 0 || local.exit_code == 1));
          CHECK(local.exit_code == remote.exit_code);
          if (format == std::string("json")) {
            REQUIRE(local.body.is_object());
            CHECK(local.body["benchmarks"].size() > 0);
            CHECK(local.body == remote.body);
          } else {
            CHECK(local.text == remote.text);
          }
        }
      }

      // history: the first benchmark's series, both formats.
      const std::string& benchmark = scenario.uploads.front().benchmarks.front().first;
      for (const std::string format : {"json", "text"}) {
        auto ask = [&](const std::vector<std::string>& door) {
          std::vector<std::string> command = {"history", "--project", "parity", "--benchmark", benchmark, "--format", format};
          command.insert(command.end(), door.begin(), door.end());
          return RunPerfgate(command);
        };
        auto local = ask({"--db", db});
        auto remote = ask({"--server", url});
        INFO("history " << benchmark << " --format " << format << "\n" << local.err << remote.err);
        CHECK(local.exit_code == 0);
        CHECK(remote.exit_code == 0);
        CHECK(local.out == remote.out);
      }

      std::filesystem::path config = server.dir() / "perfgate.json";
      std::ofstream(config) << scenario.config;
      for (std::size_t c = 0; c < scenario.checks.size(); ++c) {
        const auto& arguments = scenario.checks[c];
        auto ask = [&](const std::vector<std::string>& door, const std::string& name) {
          std::filesystem::path out = server.dir() / (name + ".json");
          std::vector<std::string> command = {"check", "--config", config.string(), "--json", out.string()};
          command.insert(command.end(), arguments.begin(), arguments.end());
          command.insert(command.end(), door.begin(), door.end());
          auto result = RunPerfgate(command);
          json body = std::filesystem::exists(out) ? json::parse(ReadFile(out), nullptr, false) : json();
          return Answer{result.exit_code, body, result.out, result.err};
        };
        Answer local = ask({"--db", db}, "local");
        Answer remote = ask({"--server", url}, "remote");
        INFO("check " << Catch::Detail::stringify(arguments));
        INFO(local.err << remote.err);
        REQUIRE((local.exit_code == 0 || local.exit_code == 1));
        CHECK(local.exit_code == remote.exit_code);
        if (c < scenario.check_exits.size()) CHECK(local.exit_code == scenario.check_exits[c]);
        REQUIRE(local.body.is_object());
        CHECK(local.body == remote.body);
        CHECK(local.text == remote.text);  // the Markdown report
        if (std::find(arguments.begin(), arguments.end(), "--dashboard-url") != arguments.end()) {
          CHECK_THAT(local.text, Catch::Contains("/series.svg?"));
          CHECK_THAT(local.text, Catch::Contains("[Compare in the dashboard](https://perf.example.com/projects/parity/compare?"));
        }
      }
    }
  }
}
