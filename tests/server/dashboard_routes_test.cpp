// The dashboard's routes (issue 14) against a real server on a loopback port
// with a real SQLite file: overview, alert groups and their triage, the trend
// picture, the distribution of two commits' samples, the stored project config.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;

namespace {

std::string CommitSha(int index) {
  char buffer[41];
  std::snprintf(buffer, sizeof buffer, "%08x%032x", 0x5eed0000 + index, 0xd00d + index);
  return buffer;
}

// `commits` commits on main (testbed x86), a day apart. At commit 12 BM_Slow
// steps from 100 to 120 ns and BM_Fast from 100 to 80 ns (one alert group);
// the newest commit makes BM_Slow 30 % slower again and BM_Fast 30 % faster;
// BM_Flat stays at 10 ns. Five repetitions each.
void UploadMainline(TestServer& server, const std::string& token, int commits) {
  auto client = server.Client();
  for (int i = 0; i < commits; ++i) {
    bool last = i == commits - 1;
    auto reps = [&](double level) {
      std::vector<double> values;
      for (int k = 0; k < 5; ++k) values.push_back(level * (1 + (k - 2) * 0.002 + (i % 3) * 0.001));
      return values;
    };
    double slow = (i < 12 ? 100 : 120) * (last ? 1.3 : 1.0);
    double fast = (i < 12 ? 100 : 80) * (last ? 0.7 : 1.0);
    std::string body = GbenchJson({{"BM_Slow/8", reps(slow)},
                                   {"BM_Fast/8", reps(fast)},
                                   {"BM_Flat/8", reps(10)}});
    char time[40];
    std::snprintf(time, sizeof time, "2024-03-%02dT10:00:00Z", 1 + i);
    std::string extra = "&branch=main&testbed=x86&time=" + Encode(time) + (i > 0 ? "&parent=" + CommitSha(i - 1) : "");
    auto result = client->Post(RunsTarget("proj", CommitSha(i), extra), Bearer(token), body, "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 201);
  }
}

void RequireStatus(const httplib::Result& result, int status, const std::string& code = "") {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  if (!code.empty()) CHECK(JsonOf(result)["error"]["code"] == code);
}

}  // namespace

TEST_CASE("The overview lists every benchmark of the mainline's head, regressions first", "[server][overview]") {
  TestServer server("overview");
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 24);
  auto client = server.Client();

  auto result = client->Get("/api/v1/projects/proj/overview");
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == 200);
  json body = json::parse(result->body);
  CHECK(body["project"] == "proj");
  CHECK(body["branch"] == "main");
  CHECK(body["baseline_branch"] == "main");
  CHECK(body["testbed"] == "x86");
  CHECK(body["testbeds"] == json::array({"x86"}));
  CHECK(body["branches"] == json::array({"main"}));
  CHECK(body["metric"] == "real_time");
  CHECK(body["head"]["sha"] == CommitSha(23));
  CHECK(body["head"]["time"] == "2024-03-24T10:00:00Z");
  CHECK(body["counts"] == json{{"regressed", 1}, {"improved", 1}, {"unchanged", 1}, {"budget_broken", 0},
                               {"no_baseline", 0}});
  REQUIRE(body["benchmarks"].size() == 3);
  const json& first = body["benchmarks"][0];
  CHECK(first["benchmark"] == "BM_Slow/8");
  CHECK(first["family"] == "BM_Slow");
  CHECK(first["metric"] == "real_time");
  CHECK(first["unit"] == "ns");
  CHECK(first["direction"] == "lower_is_better");
  CHECK(first["status"] == "regressed");
  CHECK(first["latest"]["sha"] == CommitSha(23));
  CHECK(first["baseline"]["sha"] == CommitSha(22));
  CHECK(first["change"].get<double>() == Approx(0.30).epsilon(0.01));
  CHECK(first["sparkline"].size() == 24);
  CHECK(body["benchmarks"][1]["status"] == "improved");
  CHECK(body["benchmarks"][2]["status"] == "unchanged");
  CHECK(body["benchmarks"][2]["alert"].is_null());

  RequireStatus(client->Get("/api/v1/projects/proj/overview?branch=nope"), 404, "branch_not_found");
  RequireStatus(client->Get("/api/v1/projects/proj/overview?testbed=moon"), 404);
  RequireStatus(client->Get("/api/v1/projects/ghost/overview"), 404, "project_not_found");
  RequireStatus(client->Get("/api/v1/projects/proj/overview?metric=bogus"), 400, "unknown_metric");
  RequireStatus(client->Post("/api/v1/projects/proj/overview", "{}", "application/json"), 405);
}

TEST_CASE("A private server's overview needs a token of the project", "[server][overview][auth]") {
  TestServer server("overview_private", [](perfgate::server::ServerOptions& options) { options.private_reads = true; });
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 3);
  auto client = server.Client();
  RequireStatus(client->Get("/api/v1/projects/proj/overview"), 401, "missing_token");
  auto allowed = client->Get("/api/v1/projects/proj/overview", Bearer(token));
  RequireStatus(allowed, 200);
}

TEST_CASE("Alerts come in groups, one per causing commit, and a token's triage is stored", "[server][alerts]") {
  TestServer server("alert_groups");
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 24);
  auto client = server.Client();

  json body = JsonOf(client->Get("/api/v1/projects/proj/alerts"));
  INFO(body.dump());
  CHECK(body["branch"] == "main");
  REQUIRE(body["groups"].size() == 1);
  const json& group = body["groups"][0];
  CHECK(group["group"] == CommitSha(12));
  CHECK(group["commit"]["sha"] == CommitSha(12));
  CHECK(group["commit"]["branch"] == "main");
  CHECK(group["commit"]["time"] == "2024-03-13T10:00:00Z");
  CHECK(group["status"] == "untriaged");
  CHECK(group["updated_by"].is_null());
  REQUIRE(group["alerts"].size() == 4);  // real_time and cpu_time of BM_Slow and BM_Fast
  for (const json& alert : group["alerts"]) {
    CHECK(alert["testbed"] == "x86");
    CHECK((alert["metric"] == "real_time" || alert["metric"] == "cpu_time"));
    CHECK(alert["direction"] == "lower_is_better");
    CHECK(alert["before"].is_number());
    CHECK(alert["after"].is_number());
    if (alert["benchmark"] == "BM_Slow/8") CHECK(alert["change"].get<double>() == Approx(0.2).epsilon(0.05));
  }
  // The overview's rows point at their open alert group.
  json overview = JsonOf(client->Get("/api/v1/projects/proj/overview"));
  CHECK(overview["benchmarks"][0]["alert"]["group"] == CommitSha(12));
  CHECK(overview["benchmarks"][0]["alert"]["status"] == "untriaged");

  std::string target = "/api/v1/projects/proj/alerts/" + CommitSha(12);
  // Refused: no token, a wrong token, a bad status, a bad body, an unknown group.
  RequireStatus(client->Post(target, R"({"status":"acknowledged"})", "application/json"), 401, "missing_token");
  RequireStatus(client->Post(target, Bearer("pgt_wrong"), R"({"status":"acknowledged"})", "application/json"), 403);
  auto bad_status = client->Post(target, Bearer(token), R"({"status":"ignored"})", "application/json");
  RequireStatus(bad_status, 400, "invalid_body");
  CHECK(JsonOf(bad_status)["error"]["where"] == "body: status");
  RequireStatus(client->Post(target, Bearer(token), R"({"note":"x"})", "application/json"), 400, "invalid_body");
  RequireStatus(client->Post(target, Bearer(token), R"({"status":"fixed","note":3})", "application/json"), 400);
  RequireStatus(client->Post(target, Bearer(token), "not json", "application/json"), 400, "invalid_body");
  RequireStatus(client->Post("/api/v1/projects/proj/alerts/" + CommitSha(3), Bearer(token), R"({"status":"fixed"})",
                             "application/json"),
                404, "alert_group_not_found");
  RequireStatus(client->Get(target), 405);

  auto triaged = client->Post(target, Bearer(token), R"({"status":"acknowledged","note":"the new parser, on purpose"})",
                              "application/json");
  RequireStatus(triaged, 200);
  json answer = JsonOf(triaged);
  CHECK(answer["group"] == CommitSha(12));
  CHECK(answer["status"] == "acknowledged");
  CHECK(answer["note"] == "the new parser, on purpose");
  CHECK(answer["updated_by"] == "ci");
  CHECK(answer["updated_at"].is_string());
  CHECK(answer["alerts"].size() == 4);

  // Read back (the answer is not an older cached one), and filtered by status.
  json after = JsonOf(client->Get("/api/v1/projects/proj/alerts"));
  CHECK(after["groups"][0]["status"] == "acknowledged");
  CHECK(after["groups"][0]["updated_by"] == "ci");
  CHECK(JsonOf(client->Get("/api/v1/projects/proj/alerts?status=acknowledged"))["groups"].size() == 1);
  CHECK(JsonOf(client->Get("/api/v1/projects/proj/alerts?status=untriaged"))["groups"].empty());
  RequireStatus(client->Get("/api/v1/projects/proj/alerts?status=bogus"), 400, "invalid_parameter");
  CHECK(JsonOf(client->Get("/api/v1/projects/proj/overview"))["benchmarks"][0]["alert"]["status"] == "acknowledged");
}

TEST_CASE("A project's perfgate.json is stored with a token, validated, and used by the overview", "[server][config]") {
  TestServer server("project_config");
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 8);
  auto client = server.Client();
  const std::string target = "/api/v1/projects/proj/config";
  RequireStatus(client->Get(target), 404, "config_not_found");
  const std::string config = R"({"baseline":{"branch":"main"},"budgets":[{"benchmark":"BM_Flat/*","max":"5ns"}]})";
  RequireStatus(client->Put(target, config, "application/json"), 401, "missing_token");
  auto invalid = client->Put(target, Bearer(token), R"({"budgets":[{"benchmark":"*","max":"12 parsecs"}]})",
                             "application/json");
  RequireStatus(invalid, 400, "invalid_config");
  CHECK(JsonOf(invalid)["error"]["where"].get<std::string>().find("budgets[0].max") != std::string::npos);
  RequireStatus(client->Put(target, Bearer(token), "", "application/json"), 400, "empty_body");
  RequireStatus(client->Put("/api/v1/projects/ghost/config", Bearer(token), config, "application/json"), 403);

  auto stored = client->Put(target, Bearer(token), config, "application/json");
  RequireStatus(stored, 200);
  CHECK(JsonOf(stored)["config"] == json::parse(config));
  auto read = client->Get(target);
  RequireStatus(read, 200);
  CHECK(JsonOf(read)["config"] == json::parse(config));
  CHECK(JsonOf(read)["updated_by"] == "ci");
  RequireStatus(client->Delete(target), 405);

  json overview = JsonOf(client->Get("/api/v1/projects/proj/overview"));
  INFO(overview.dump());
  CHECK(overview["counts"]["budget_broken"] == 1);
  CHECK(overview["benchmarks"][0]["benchmark"] == "BM_Flat/8");
  CHECK(overview["benchmarks"][0]["status"] == "budget_broken");
}

TEST_CASE("The trend picture is a self-contained SVG with its points, band, change point and head", "[server][svg]") {
  TestServer server("series_svg");
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 24);
  auto client = server.Client();
  auto result = client->Get("/api/v1/projects/proj/series.svg?benchmark=" + Encode("BM_Slow/8") + "&head=" + CommitSha(23));
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == 200);
  CHECK(result->get_header_value("Content-Type") == "image/svg+xml");
  // Parsed by Python's XML parser (a real one), which counts the marks.
  auto path = server.dir() / "trend.svg";
  {
    std::ofstream out(path);
    out << result->body;
  }
  std::string script =
      "import sys, xml.etree.ElementTree as ET\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "ns = '{http://www.w3.org/2000/svg}'\n"
      "assert root.tag == ns + 'svg', root.tag\n"
      "tags = [e.tag for e in root.iter()]\n"
      "assert ns + 'script' not in tags and ns + 'image' not in tags and ns + 'foreignObject' not in tags\n"
      "for e in root.iter():\n"
      "    for k, v in e.attrib.items():\n"
      "        assert 'href' not in k and 'url(' not in v and not k.startswith('on'), (k, v)\n"
      "count = lambda c: sum(1 for e in root.iter() if e.get('class') == c)\n"
      "print(count('point'), count('spread'), count('change-point'), count('head'))\n";
  auto script_path = server.dir() / "count.py";
  {
    std::ofstream out(script_path);
    out << script;
  }
  std::string command = "python3 " + script_path.string() + " " + path.string();
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[128] = {};
  std::string output;
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int status = pclose(pipe);
  CHECK(status == 0);
  CHECK(output == "24 1 1 1\n");  // 24 commits, one band, the step at commit 12, the head

  RequireStatus(client->Get("/api/v1/projects/proj/series.svg"), 400, "missing_parameter");
  RequireStatus(client->Get("/api/v1/projects/proj/series.svg?benchmark=BM_None"), 404, "series_not_found");
  RequireStatus(client->Get("/api/v1/projects/ghost/series.svg?benchmark=BM_Slow%2F8"), 404, "project_not_found");
}

TEST_CASE("The distribution route gives both commits' raw samples", "[server][distribution]") {
  TestServer server("distribution");
  std::string token = server.CreateToken("proj");
  UploadMainline(server, token, 4);
  auto client = server.Client();
  auto result = client->Get("/api/v1/projects/proj/distribution?base=" + CommitSha(2) + "&head=main&benchmark=" +
                            Encode("BM_Slow/8"));
  RequireStatus(result, 200);
  json body = JsonOf(result);
  CHECK(body["benchmark"] == "BM_Slow/8");
  CHECK(body["metric"] == "real_time");
  CHECK(body["unit"] == "ns");
  CHECK(body["direction"] == "lower_is_better");
  CHECK(body["testbed"] == "x86");
  CHECK(body["base"]["sha"] == CommitSha(2));
  CHECK(body["head"]["sha"] == CommitSha(3));
  REQUIRE(body["base"]["samples"].size() == 5);
  REQUIRE(body["head"]["samples"].size() == 5);
  CHECK(body["head"]["samples"][2].get<double>() == Approx(130 * 1.0).epsilon(0.01));
  CHECK(body["base"]["samples"][2].get<double>() == Approx(100 * 1.002).epsilon(0.001));

  RequireStatus(client->Get("/api/v1/projects/proj/distribution?head=main&benchmark=BM_Slow%2F8"), 400, "missing_parameter");
  RequireStatus(client->Get("/api/v1/projects/proj/distribution?base=main&head=main&benchmark=BM_Nope"), 404,
                "benchmark_not_found");
  RequireStatus(client->Get("/api/v1/projects/proj/distribution?base=main&head=main&benchmark=BM_Slow%2F8&metric=bogus"),
                400, "unknown_metric");
  RequireStatus(client->Get("/api/v1/projects/proj/distribution?base=deadbeef00&head=main&benchmark=BM_Slow%2F8"), 404,
                "commit_not_found");
}
