// perfgate history: the series of one benchmark and its change points.

#include <catch2/catch.hpp>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "../process.hpp"

using perfgate::testing::FixturePath;
using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

namespace {
std::string Fixture(const std::string& name) { return FixturePath(name).string(); }
}  // namespace

TEST_CASE("history of an unknown benchmark exits 2", "[cli][history]") {
  auto dir = ScratchDirectory("cli-history-unknown");
  auto db = (dir / "results.db").string();
  REQUIRE(RunPerfgate({"ingest", Fixture("gbench/plain.json"), "--db", db, "--project", "demo", "--commit", "x"}).exit_code == 0);
  auto result = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "BM_Nope"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("BM_Nope"));
  CHECK(RunPerfgate({"history", "--db", (dir / "missing.db").string(), "--project", "demo", "--benchmark", "x"}).exit_code == 2);
}

TEST_CASE("history marks the commit where a series stepped", "[cli][history][change-points]") {
  auto dir = ScratchDirectory("cli-history-step");
  auto db = (dir / "results.db").string();
  // 40 commits of a custom metric with ±1 % deterministic noise, +30 % from commit 25 on.
  for (int i = 0; i < 40; ++i) {
    double noise = ((i * 37) % 11 - 5) * 0.2;
    double value = (i < 25 ? 100.0 : 130.0) * (1 + noise / 100);
    char time[32];
    std::snprintf(time, sizeof time, "2026-01-01T%02d:%02d:00Z", i / 60, i % 60);
    auto result = RunPerfgate({"ingest", "--db", db, "--project", "demo", "--commit", "c" + std::to_string(100 + i),
                               "--branch", "main", "--time", time, "--metric", "e2e/latency=" + std::to_string(value) + "ms"});
    REQUIRE(result.exit_code == 0);
  }
  auto history = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "e2e/latency", "--format", "json"});
  REQUIRE(history.exit_code == 0);
  auto series = nlohmann::json::parse(history.out);
  REQUIRE(series["points"].size() == 40);
  REQUIRE(series["change_points"].size() == 1);
  CHECK(series["change_points"][0]["index"] == 25);
  CHECK(series["change_points"][0]["commit"] == "c125");
  CHECK(series["change_points"][0]["change"].get<double>() == Approx(0.30).margin(0.02));
  auto text = RunPerfgate({"history", "--db", db, "--project", "demo", "--benchmark", "e2e/latency"});
  CHECK_THAT(text.out, Catch::Contains("change point +"));
}
