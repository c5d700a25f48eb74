#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::ReadFile;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;
using perfgate::testing::SourcePath;

namespace {

std::string Fixture(const std::string& name) { return FixturePath(name).string(); }
std::string Example(const std::string& user) { return SourcePath("examples/" + user + "/perfgate.json").string(); }

std::filesystem::path WriteFile(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

void Ingest(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "ingest");
  auto result = RunPerfgate(arguments);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
}

}  // namespace

TEST_CASE("check exits 0 on pass, 1 on a breach, 2 on a bad config naming the key", "[cli][check]") {
  auto dir = ScratchDirectory("check-exit");
  auto pass = WriteFile(dir, "pass.json", R"({"budgets": [{"benchmark": "BM_Sort/*", "metric": "p99", "max": "1ms"}]})");
  auto fail = WriteFile(dir, "fail.json", R"({"budgets": [{"benchmark": "BM_Sort/*", "metric": "p99", "max": "10ns"}]})");
  auto bad = WriteFile(dir, "bad.json", R"({"budgets": [{"benchmark": "a", "max": "1ms"}, {"benchmark": "b", "max": "3 furlongs"}]})");
  auto unfit = WriteFile(dir, "unfit.json", R"({"budgets": [{"benchmark": "BM_Sort/*", "max": "1GB/s"}]})");
  auto comment = (dir / "comment.md").string(), json = (dir / "check.json").string();

  auto ok = RunPerfgate({"check", "--config", pass.string(), Fixture("gbench/repeated.json"), "--base-file",
                         Fixture("gbench/repeated.json"), "--comment", comment, "--json", json});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.starts_with("<!-- perfgate:comment project= -->\n### ✅ perfgate: pass"));
  CHECK(ReadFile(comment) == ok.out);
  CHECK(nlohmann::json::parse(ReadFile(json))["verdict"] == "pass");

  auto broken = RunPerfgate({"check", "--config", fail.string(), Fixture("gbench/repeated.json")});
  CHECK(broken.exit_code == 1);
  CHECK_THAT(broken.out, Catch::Contains("❌ broken"));

  std::filesystem::remove(comment);
  auto invalid = RunPerfgate({"check", "--config", bad.string(), Fixture("gbench/repeated.json"), "--comment", comment});
  CHECK(invalid.exit_code == 2);
  CHECK_THAT(invalid.err, Catch::Contains("budgets[1].max"));
  CHECK_FALSE(std::filesystem::exists(comment));

  auto mismatch = RunPerfgate({"check", "--config", unfit.string(), Fixture("gbench/repeated.json")});
  CHECK(mismatch.exit_code == 2);
  CHECK_THAT(mismatch.err, Catch::Contains("budgets[0].max"));

  CHECK(RunPerfgate({"check", "--config", pass.string()}).exit_code == 2);  // no head
  CHECK(RunPerfgate({"check", "--config", (dir / "missing.json").string(), Fixture("gbench/repeated.json")}).exit_code == 2);
}

TEST_CASE("check finds the merge-base on the baseline branch through parent links", "[cli][check][baseline]") {
  auto dir = ScratchDirectory("check-merge-base");
  auto db = (dir / "results.db").string();
  auto config = WriteFile(dir, "perfgate.json",
                          R"({"project": "demo", "baseline": {"branch": "main"},
                              "budgets": [{"benchmark": "build/compile_time", "max_regression": "20%"}]})");
  // main: m1 (100 s) <- m2 (no results); feature: f1 (500 s, an earlier push) <- f2 (110 s).
  Ingest({"--db", db, "--project", "demo", "--commit", "m1000000", "--branch", "main", "--metric", "build/compile_time=100s"});
  Ingest({"--db", db, "--project", "demo", "--commit", "f1000000", "--branch", "feature", "--parent", "m1000000",
          "--metric", "build/compile_time=500s"});
  Ingest({"--db", db, "--project", "demo", "--commit", "f2000000", "--branch", "feature", "--parent", "f1000000",
          "--metric", "build/compile_time=110s"});
  auto result = RunPerfgate({"check", "--config", config.string(), "--db", db, "--head", "f2000000", "--json",
                             (dir / "check.json").string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);  // +10 % against m1 on main, not -78 % against f1
  CHECK_THAT(result.err, Catch::Contains("m1000000"));
  auto json = nlohmann::json::parse(ReadFile(dir / "check.json"));
  CHECK(json["budgets"][0]["base"] == 100e9);

  auto against_feature = RunPerfgate({"check", "--config", config.string(), "--db", db, "--head", "f1000000"});
  CHECK(against_feature.exit_code == 1);  // 500 s against m1: +400 %
  CHECK(against_feature.out.find("series.svg") == std::string::npos);  // no public URL, no pictures

  // With the server's public URL: the compare view of the commits gate::Check chose and the breach's trend.
  auto pictured = RunPerfgate({"check", "--config", config.string(), "--db", db, "--head", "f1000000", "--dashboard-url",
                               "https://perf.example.com/"});
  CHECK(pictured.exit_code == 1);
  CHECK_THAT(pictured.out, Catch::Contains("[Compare in the dashboard](https://perf.example.com/projects/demo/compare"
                                           "?base=m1000000&head=f1000000&testbed=default)"));
  CHECK_THAT(pictured.out, Catch::Contains("](https://perf.example.com/api/v1/projects/demo/series.svg?benchmark="
                                           "build%2Fcompile_time&metric=value&branch=main&testbed=default&head=f1000000)"));
  auto bad_url = RunPerfgate({"check", "--config", config.string(), "--db", db, "--head", "f1000000", "--dashboard-url",
                              "perf.example.com"});
  CHECK(bad_url.exit_code == 2);
  CHECK_THAT(bad_url.err, Catch::Contains("--dashboard-url: expected an http:// or https:// URL"));

  auto github = RunPerfgate({"check", "--config", config.string(), "--db", db, "--head", "f2000000"},
                            {"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + (dir / "summary.md").string()});
  CHECK(github.exit_code == 0);
  CHECK(ReadFile(dir / "summary.md").starts_with("<!-- perfgate:comment project=demo -->"));
}

TEST_CASE("Example: stream multiplexer on criterion and go test output", "[cli][check][examples]") {
  auto criterion = RunPerfgate({"check", "--config", Example("stream-multiplexer"), Fixture("criterion/criterion.json"),
                                "--base-file", Fixture("criterion/criterion.json")});
  INFO(criterion.err);
  CHECK(criterion.exit_code == 0);
  CHECK_THAT(criterion.out, Catch::Contains("✅ met"));
  auto go = RunPerfgate({"check", "--config", Example("stream-multiplexer"), Fixture("gotest/gotest.txt")});
  CHECK(go.exit_code == 0);
  CHECK_THAT(go.out, Catch::Contains("`BenchmarkCopy/size=64`"));
}

TEST_CASE("Example: record-replay proxy shows targets without data as pending", "[cli][check][examples]") {
  auto result = RunPerfgate({"check", "--config", Example("record-replay-proxy"), Fixture("criterion/criterion.json")});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Targets vs Actual"));
  CHECK_THAT(result.out, Catch::Contains("| replay 100 interactions | `replay/100` |"));
  CHECK_THAT(result.out, Catch::Contains("⏳ pending"));
  CHECK_THAT(result.out, Catch::Contains("| small body copy | `copy/64` | real_time | ≤ 1 us |"));
}

TEST_CASE("Example: P2P messaging budgets enforced on ingested custom metrics", "[cli][check][examples]") {
  auto dir = ScratchDirectory("check-meshara");
  auto db = (dir / "results.db").string();
  auto library = WriteFile(dir, "libmeshara.so", std::string(123456, 'x'));
  std::vector<std::string> common = {"--db", db, "--project", "meshara", "--file-size", library.string(),
                                     "--metric", "process/cpu=35%", "--metric", "process/fds=120",
                                     "--metric", "tests/time=12.5s"};
  auto ingest = [&](const std::string& commit, const std::string& branch, const std::string& parent,
                    const std::string& compile) {
    std::vector<std::string> arguments = {Fixture("custom/custom.json"), "--commit", commit, "--branch", branch,
                                          "--metric", "build/compile_time=" + compile};
    if (!parent.empty()) arguments.insert(arguments.end(), {"--parent", parent});
    arguments.insert(arguments.end(), common.begin(), common.end());
    Ingest(arguments);
  };
  ingest("aaaaaaa1", "main", "", "95s");
  ingest("bbbbbbb1", "feature", "aaaaaaa1", "100s");
  ingest("ccccccc1", "feature", "bbbbbbb1", "150s");

  auto pass = RunPerfgate({"check", "--config", Example("p2p-messaging"), "--db", db, "--head", "bbbbbbb1"});
  INFO(pass.out << pass.err);
  CHECK(pass.exit_code == 0);
  CHECK_THAT(pass.out, Catch::Contains("| binary size < 10 MB | `size/libmeshara.so` | value | ≤ 10 MB | 123 KB | ✅ met |"));
  CHECK_THAT(pass.out, Catch::Contains("🎯 stretch met") || Catch::Contains("| throughput (stretch 1 GB/s) |"));
  CHECK_THAT(pass.out, Catch::Contains("| latency p95 | `e2e/private_message*` |"));  // no data yet: pending
  CHECK_THAT(pass.out, Catch::Contains("| compile < 2 min | `build/compile_time` | value | ≤ 120 s | 100 s | ✅ met |"));

  auto fail = RunPerfgate({"check", "--config", Example("p2p-messaging"), "--db", db, "--head", "ccccccc1"});
  CHECK(fail.exit_code == 1);  // compile time 150 s > 120 s, and +58 % over the merge-base
  CHECK_THAT(fail.out, Catch::Contains("❌ broken"));
}

TEST_CASE("Example: web terminal checks p95 against a named baseline", "[cli][check][examples]") {
  auto dir = ScratchDirectory("check-web-terminal");
  auto db = (dir / "results.db").string();
  Ingest({Fixture("criterion/criterion.json"), "--db", db, "--project", "web-terminal", "--commit", "1111111a",
          "--branch", "main"});
  Ingest({Fixture("criterion/criterion.json"), "--db", db, "--project", "web-terminal", "--commit", "2222222b",
          "--branch", "feature"});
  auto result = RunPerfgate({"check", "--config", Example("web-terminal"), "--db", db, "--head", "2222222b", "--base", "main"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("main @ 1111111"));
  CHECK_THAT(result.out, Catch::Contains("p95 of real_time"));
}

TEST_CASE("Example: Node runtime on vitest, benchmark.js and autocannon output", "[cli][check][examples]") {
  auto dir = ScratchDirectory("check-node");
  auto db = (dir / "results.db").string();
  for (const char* commit : {"1111111a", "2222222b"}) {
    Ingest({Fixture("vitest/vitest.json"), Fixture("benchmarkjs/benchmarkjs.txt"), Fixture("autocannon/autocannon.json"),
            "--db", db, "--project", "node-runtime", "--commit", commit, "--branch",
            std::string(commit) == "1111111a" ? "main" : "feature", "--parent",
            std::string(commit) == "1111111a" ? "" : "1111111a"});
  }
  auto result = RunPerfgate({"check", "--config", Example("node-runtime"), "--db", db, "--head", "2222222b"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("| router match | `RegExp#test` | ops | ≥ 1 M/s | 84 M/s | ✅ met |"));
  CHECK_THAT(result.out, Catch::Contains("| Component | Current | Baseline | Change |"));
  CHECK_THAT(result.out, Catch::Contains("| Scenario | P50 | P95 | P99 | Target |"));
  CHECK_THAT(result.out, Catch::Contains("🎯 stretch met"));
}
