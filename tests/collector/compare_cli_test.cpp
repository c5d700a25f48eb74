#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::ReadFile;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

namespace {

// The real repeated fixture with every iteration row's times scaled by `factor`.
std::filesystem::path ScaledFixture(const std::filesystem::path& dir, double factor,
                                   const std::string& fixture = "gbench/repeated.json") {
  std::string text = ReadFile(FixturePath(fixture));
  for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + 3)) {
      if (at > 0 && (text[at - 1] == '"' || text[at - 1] == '-')) continue;
      text.replace(at, std::strlen(token), "0");
    }
  }
  auto document = nlohmann::json::parse(text);
  for (auto& row : document["benchmarks"]) {
    if (row.value("run_type", "") != "iteration") continue;
    for (const char* key : {"real_time", "cpu_time"}) row[key] = row[key].get<double>() * factor;
  }
  auto path = dir / ("scaled_" + std::to_string(factor) + ".json");
  std::ofstream(path) << document.dump();
  return path;
}

}  // namespace

TEST_CASE("compare of identical files finds nothing and exits 0", "[cli][compare]") {
  auto fixture = FixturePath("gbench/repeated.json").string();
  auto result = RunPerfgate({"compare", fixture, fixture, "--format", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["summary"]["regressed"] == 0);
  REQUIRE(json["benchmarks"].size() > 5);
  for (const auto& row : json["benchmarks"]) {
    CHECK(row["verdict"] != "regressed");
    if (!row["ratio"].is_null()) CHECK(row["ratio"].get<double>() == Approx(1.0));
  }
}

TEST_CASE("compare prints a compare.py-like table that flags few repetitions", "[cli][compare]") {
  auto fixture = FixturePath("gbench/repeated.json").string();
  auto result = RunPerfgate({"compare", fixture, fixture});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("BM_Sort/256"));
  CHECK_THAT(result.out, Catch::Contains("9"));  // the repetitions advice
  auto markdown = RunPerfgate({"compare", fixture, fixture, "--format", "markdown"});
  REQUIRE(markdown.exit_code == 0);
  CHECK_THAT(markdown.out, Catch::Contains("| Benchmark |"));
}

TEST_CASE("compare of commits in the store, by prefix and by branch", "[cli][compare]") {
  auto dir = ScratchDirectory("cli-compare-store");
  auto db = (dir / "results.db").string();
  REQUIRE(RunPerfgate({"ingest", FixturePath("gbench/repeated.json").string(), "--db", db, "--project", "demo",
                       "--commit", "aaaaaaa1111", "--branch", "main", "--time", "2026-01-01T00:00:00Z"}).exit_code == 0);
  REQUIRE(RunPerfgate({"ingest", ScaledFixture(dir, 1.0).string(), "--db", db, "--project", "demo", "--commit",
                       "bbbbbbb2222", "--branch", "feature", "--time", "2026-01-02T00:00:00Z"}).exit_code == 0);
  auto result = RunPerfgate({"compare", "aaaaaaa", "feature", "--db", db, "--project", "demo", "--format", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["summary"]["regressed"] == 0);
  // Three repetitions a side cannot settle a change: rows say how many would.
  int estimates = 0;
  for (const auto& row : json["benchmarks"]) {
    if (row["verdict"] != "inconclusive" || row["repetitions_needed"].is_null()) continue;
    CHECK(row["repetitions_needed"].get<int>() > 3);
    ++estimates;
  }
  CHECK(estimates > 0);
}

TEST_CASE("compare exits 2 on bad input", "[cli][compare]") {
  auto fixture = FixturePath("gbench/repeated.json").string();
  auto missing = RunPerfgate({"compare", fixture, "no/such.json"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("no/such.json"));
  CHECK(RunPerfgate({"compare", fixture, fixture, "--format", "yaml"}).exit_code == 2);
  CHECK(RunPerfgate({"compare", fixture, fixture, "--threshold", "lots"}).exit_code == 2);
}

TEST_CASE("compare exits 1 when nine repetitions show a 50% slowdown", "[cli][compare]") {
  auto dir = ScratchDirectory("cli-compare-regression");
  auto base = FixturePath("gbench/repeated9.json").string();
  auto slower = ScaledFixture(dir, 1.5, "gbench/repeated9.json").string();
  auto result = RunPerfgate({"compare", base, slower, "--format", "json"});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["summary"]["regressed"].get<int>() >= 2);
  for (const auto& row : json["benchmarks"]) {
    if (row["verdict"] != "regressed") continue;
    CHECK(row["ratio"].get<double>() == Approx(1.5).epsilon(0.01));
    CHECK(row["p_value"].get<double>() < 0.05);
    CHECK(row["ci_low"].get<double>() > 1.05);
    CHECK(row["p_value_adjusted"].get<double>() >= row["p_value"].get<double>());
    CHECK(row["repetitions_needed"].is_null());
  }
  // The other way round it is an improvement, and the exit code is 0.
  auto faster = RunPerfgate({"compare", slower, base, "--format", "json"});
  CHECK(faster.exit_code == 0);
  CHECK(nlohmann::json::parse(faster.out)["summary"]["improved"].get<int>() >= 2);
}

TEST_CASE("compare keeps a summary-only harness's own mean, min and max with n = 0", "[cli][compare]") {
  // vitest prints its summary (mean 330 ns, median 271 ns, min 200 ns, max 1.79 ms), no samples.
  auto fixture = FixturePath("vitest/vitest.json").string();
  auto result = RunPerfgate({"compare", fixture, fixture, "--format", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto row = nlohmann::json::parse(result.out)["benchmarks"][0];
  CHECK(row["base"]["n"] == 0);
  CHECK(row["base"]["mean"].get<double>() == Approx(330.1058976544349));
  CHECK(row["base"]["median"].get<double>() == Approx(271.0));
  CHECK(row["base"]["min"].get<double>() == Approx(200.0));
  CHECK(row["base"]["max"].get<double>() == Approx(1788212.0));
  CHECK(row["base"]["p99"].get<double>() == Approx(331.0));
  CHECK(row["p_value"].is_null());  // no fake samples to test
}
