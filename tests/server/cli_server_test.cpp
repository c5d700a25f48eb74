// The `perfgate` binary against a real server: ingest and history through
// --server, and `perfgate serve` itself stopped by SIGTERM mid-request.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <tuple>

#include "../process.hpp"
#include "server_test_support.hpp"

extern char** environ;

using namespace perfgate::server::testing;
using nlohmann::json;
using perfgate::testing::RunPerfgate;

namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Starts the perfgate binary with `args`, stdout and stderr to files in `dir`.
pid_t Spawn(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  std::vector<std::string> argv_strings = {PERFGATE_CLI};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string out = (dir / "stdout.txt").string();
  std::string err = (dir / "stderr.txt").string();
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int spawned = posix_spawn(&pid, PERFGATE_CLI, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : -1;
}

// Waits at most `seconds` for the child; kills it when it overstays.
int Wait(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

}  // namespace

TEST_CASE("perfgate ingest --server stores results and history --server reads them back", "[server][cli]") {
  TestServer server("cli");
  std::string token = server.CreateToken("cli project", "pgt_cli_token_123456");
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::filesystem::path results = server.dir() / "results.json";
  std::ofstream(results) << GbenchJson({{"BM_Cli/64", {10, 11, 12}}});

  std::vector<std::string> ingest = {"ingest", results.string(), "--server", url, "--token", token,
                                     "--project", "cli project", "--commit", std::string(40, 'a'),
                                     "--branch", "main", "--time", "2024-01-05T10:00:00Z"};
  auto first = RunPerfgate(ingest);
  INFO(first.out << first.err);
  CHECK(first.exit_code == 0);
  CHECK(first.out.find("stored as run") != std::string::npos);
  auto again = RunPerfgate(ingest);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already stored") != std::string::npos);

  std::vector<std::string> bad_token = ingest;
  bad_token[5] = "pgt_wrong";
  CHECK(RunPerfgate(bad_token).exit_code == 2);

  auto history = RunPerfgate({"history", "--server", url, "--project", "cli project", "--benchmark", "BM_Cli/64",
                             "--format", "json"});
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  json body = json::parse(history.out);
  REQUIRE(body["points"].size() == 1);
  CHECK(body["points"][0]["value"] == 11.0);
  CHECK(body["points"][0]["commit"] == std::string(40, 'a'));

  auto missing = RunPerfgate({"history", "--server", url, "--project", "cli project", "--benchmark", "BM_Nope"});
  CHECK(missing.exit_code == 2);
}

TEST_CASE("perfgate check and compare --server decide on stored commits", "[server][cli][check]") {
  TestServer server("cli-check");
  std::string token = server.CreateToken("gate", "pgt_cli_check_token_1");
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::filesystem::path base = server.dir() / "base.json";
  std::filesystem::path head = server.dir() / "head.json";
  std::ofstream(base) << GbenchJson({{"BM_Gate/64", {10, 11, 12}}});
  // Noisy enough that three repetitions a side cannot settle the change (a
  // tight +180 % is regressed at n = 3 since issue 10).
  std::ofstream(head) << GbenchJson({{"BM_Gate/64", {14, 31, 52}}});
  std::string base_sha(40, 'b'), head_sha(40, 'c');
  REQUIRE(RunPerfgate({"ingest", base.string(), "--server", url, "--token", token, "--project", "gate", "--commit",
                       base_sha, "--branch", "main", "--time", "2024-01-05T10:00:00Z"}).exit_code == 0);
  REQUIRE(RunPerfgate({"ingest", head.string(), "--server", url, "--token", token, "--project", "gate", "--commit",
                       head_sha, "--parent", base_sha, "--branch", "feature", "--time", "2024-01-06T10:00:00Z"}).exit_code == 0);

  auto write_config = [&](const std::string& limit) {
    std::filesystem::path config = server.dir() / ("perfgate-" + limit.substr(0, limit.size() - 1) + ".json");
    std::ofstream(config) << R"({"project":"gate","baseline":{"branch":"main"},"budgets":[{"benchmark":"BM_*","max_regression":")"
                          << limit << R"("}]})";
    return config.string();
  };
  std::filesystem::path json_out = server.dir() / "check.json";
  auto failed = RunPerfgate({"check", "--config", write_config("20%"), "--server", url, "--head", head_sha,
                            "--json", json_out.string()});
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK(failed.out.find("<!-- perfgate:comment project=gate -->") != std::string::npos);
  CHECK(failed.out.find("BM_Gate/64") != std::string::npos);
  CHECK(json::parse(ReadAll(json_out))["passed"] == false);

  auto passed = RunPerfgate({"check", "--config", write_config("500%"), "--server", url, "--head", head_sha});
  CHECK(passed.exit_code == 0);

  auto file_head = RunPerfgate({"check", "--config", write_config("20%"), "--server", url, head.string()});
  CHECK(file_head.exit_code == 2);

  auto compare = RunPerfgate({"compare", base_sha.substr(0, 8), "feature", "--server", url, "--project", "gate",
                             "--format", "json"});
  INFO(compare.err);
  REQUIRE(compare.exit_code == 0);  // three repetitions a side cannot reach significance
  json body = json::parse(compare.out);
  CHECK(body["benchmarks"][0]["ratio"].get<double>() == Approx(31.0 / 11.0));
}

TEST_CASE("perfgate serve announces its URL and finishes the request in flight on SIGTERM", "[server][cli][lifecycle]") {
  auto dir = FreshDirectory("serve-sigterm");
  std::string db = (dir / "serve.db").string();
  {
    auto store = perfgate::store::OpenSqliteStore(db);
    store->CreateToken("proj", "ci", perfgate::store::HashToken("pgt_sigterm_token"), "pgt_sigt", 1700000000);
  }
  pid_t pid = Spawn({"serve", "--db", db, "--port", "0", "--web-root", (dir / "none").string()}, dir);
  REQUIRE(pid > 0);
  int port = 0;
  for (int i = 0; i < 1000 && port == 0; ++i) {  // at most 10 s
    std::string out = ReadAll(dir / "stdout.txt");
    auto at = out.find("perfgate serving http://127.0.0.1:");
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port = std::stoi(out.substr(at + std::string("perfgate serving http://127.0.0.1:").size()));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (port == 0) kill(pid, SIGKILL);
  REQUIRE(port > 0);

  // A large upload, then SIGTERM while it is being processed.
  std::string body = "{\"benchmarks\": [";
  for (int b = 0; b < 20000; ++b) {
    body += std::string(b ? "," : "") + "{\"name\": \"BM_Sig/" + std::to_string(b) +
            "\", \"metric\": \"real_time\", \"unit\": \"ns\", \"samples\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}";
  }
  body += "]}";
  auto upload = std::async(std::launch::async, [&] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60);
    auto result = client.Post("/api/v1/projects/proj/runs?commit=" + std::string(40, 'b'),
                              {{"Authorization", "Bearer pgt_sigterm_token"}}, body, "application/json");
    return result ? result->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(upload.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready);  // still in flight
  kill(pid, SIGTERM);
  CHECK(Wait(pid, 60) == 0);
  REQUIRE(upload.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  CHECK(upload.get() == 201);
  CHECK(ReadAll(dir / "stderr.txt").find("SIGTERM") != std::string::npos);
}

TEST_CASE("compare --server forwards every flag, prints the format asked for and maps refusals to exit 2",
          "[server][cli][compare]") {
  TestServer server("cli-compare-flags");
  std::string token = server.CreateToken("flags", "pgt_cli_flags_token_1");
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::filesystem::path base = server.dir() / "base.json";
  std::filesystem::path head = server.dir() / "head.json";
  std::ofstream(base) << GbenchJson({{"BM_Flags/64", {100, 101, 102, 100, 101}}});
  std::ofstream(head) << GbenchJson({{"BM_Flags/64", {103, 104, 105, 103, 104}}});
  std::string base_sha(40, 'b'), head_sha(40, 'c');
  for (auto [file, sha, testbed] : {std::tuple{base.string(), base_sha, "go"}, std::tuple{head.string(), head_sha, "go"}}) {
    REQUIRE(RunPerfgate({"ingest", file, "--server", url, "--token", token, "--project", "flags", "--commit", sha,
                         "--branch", "main", "--testbed", testbed}).exit_code == 0);
  }
  std::vector<std::string> compare = {"compare", base_sha, head_sha, "--server", url, "--project", "flags"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> command = compare;
    command.insert(command.end(), extra.begin(), extra.end());
    return RunPerfgate(command);
  };

  // +3 %: a regression only when the threshold says 3 % is too much.
  auto loose = with({"--format", "json", "--threshold", "10%"});
  INFO(loose.err);
  REQUIRE(loose.exit_code == 0);
  CHECK(json::parse(loose.out)["benchmarks"][0]["verdict"] == "unchanged");
  auto strict = with({"--format", "json", "--threshold", "1%", "--alpha", "0.2"});
  CHECK(strict.exit_code == 1);
  CHECK(json::parse(strict.out)["benchmarks"][0]["verdict"] == "regressed");
  CHECK(json::parse(strict.out)["head"]["testbed"] == "go");

  auto text = with({"--format", "text"});
  CHECK_THAT(text.out, Catch::Contains("Comparing") && !Catch::Contains("| Benchmark |"));
  auto markdown = with({"--format", "markdown"});
  CHECK_THAT(markdown.out, Catch::Contains("| Benchmark |"));

  auto typo = with({"--metric", "cpu_tme"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("cpu_time"));
  auto testbed = with({"--testbed", "rust"});
  CHECK(testbed.exit_code == 2);
  CHECK_THAT(testbed.err, Catch::Contains("HTTP 404") && Catch::Contains("go"));
  CHECK(RunPerfgate({"compare", base_sha, "nosuchref", "--server", url, "--project", "flags"}).exit_code == 2);
  // Nothing listens there: the environment, exit 3.
  CHECK(RunPerfgate({"compare", base_sha, head_sha, "--server", "http://127.0.0.1:1", "--project", "flags"}).exit_code == 3);
}
