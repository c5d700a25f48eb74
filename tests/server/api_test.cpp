// The HTTP API of DESIGN.md against a real server on a loopback port with a
// real SQLite file: one test per route, every error status, auth, hostile names.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <utility>
#include <thread>

#include "server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;

namespace {

// Distinct in their first 8 characters, so any 7+ prefix is unique.
std::string Sha(int index) {
  char buffer[41];
  auto mixed = static_cast<unsigned>(static_cast<std::uint64_t>(index + 1) * 2654435761u % 4294967296u);
  std::snprintf(buffer, sizeof buffer, "%08x%032x", mixed, 0xabc000 + index);
  return buffer;
}

// Uploads `commits` commits on main, the values of BM_Step jumping from 100 to
// 150 ns at commit `step_at`, with parent links and a day between commits.
void UploadHistory(TestServer& server, const std::string& project, const std::string& token, int commits, int step_at) {
  auto client = server.Client();
  for (int i = 0; i < commits; ++i) {
    double level = i < step_at ? 100 : 150;
    std::vector<double> values;
    for (int k = 0; k < 5; ++k) values.push_back(level + (k - 2) * 0.5 + (i % 3) * 0.2);
    std::string body = GbenchJson({{"BM_Step", values}, {"BM_Flat/1024", {10, 10.1, 9.9, 10.05, 9.95}}});
    char time[32];
    std::snprintf(time, sizeof time, "2024-01-%02dT10:00:00Z", 1 + i % 28);
    std::string extra = "&branch=main&time=" + Encode(std::string(time).replace(5, 2, i < 28 ? "01" : "02")) +
                        (i > 0 ? "&parent=" + Sha(i - 1) : "");
    auto result = client->Post(RunsTarget(project, Sha(i), extra), Bearer(token), body, "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 201);
  }
}

void RequireError(const httplib::Result& result, int status, const std::string& code_or_empty = "") {
  INFO("expected status " << status << ", client error " << httplib::to_string(result.error()));
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  json body = json::parse(result->body, nullptr, false);
  REQUIRE(body.is_object());
  REQUIRE(body.contains("error"));
  CHECK(body["error"]["message"].is_string());
  CHECK(!body["error"]["message"].get<std::string>().empty());
  if (!code_or_empty.empty()) CHECK(body["error"]["code"] == code_or_empty);
  CHECK(result->get_header_value("Content-Type").find("application/json") != std::string::npos);
}

}  // namespace

TEST_CASE("An upload is stored with 201 and the same content again answers 200 with the same run id", "[server][runs]") {
  TestServer server("upload");
  std::string token = server.CreateToken("alpha");
  auto client = server.Client();
  std::string body = GbenchJson({{"BM_A", {1, 2, 3}}, {"BM_B", {4, 5}}});
  auto first = client->Post(RunsTarget("alpha", Sha(1), "&branch=main&testbed=ci"), Bearer(token), body,
                            "application/json");
  REQUIRE(first);
  REQUIRE(first->status == 201);
  json created = json::parse(first->body);
  CHECK(created["benchmarks"] == 2);
  CHECK(created["samples"] == 10);  // real_time and cpu_time of 5 rows
  CHECK(created["created"] == true);

  auto again = client->Post(RunsTarget("alpha", Sha(1), "&branch=main&testbed=ci"), Bearer(token), body,
                            "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["run_id"] == created["run_id"]);

  auto series = client->Get("/api/v1/projects/alpha/series?benchmark=BM_A&testbed=ci");
  REQUIRE(series);
  REQUIRE(series->status == 200);
  json points = json::parse(series->body)["points"];
  REQUIRE(points.size() == 1);
  CHECK(points[0]["n"] == 3);
  CHECK(points[0]["value"] == 2.0);
}

TEST_CASE("Uploads without a token, with a wrong or a revoked one are refused with 401 or 403", "[server][auth]") {
  TestServer server("auth");
  std::string token = server.CreateToken("alpha", "pgt_alpha_secret_value");
  server.CreateToken("beta", "pgt_beta_secret_value");
  auto client = server.Client();
  std::string body = GbenchJson({{"BM_A", {1, 2, 3}}});

  auto missing = client->Post(RunsTarget("alpha", Sha(1)), body, "application/json");
  RequireError(missing, 401, "missing_token");
  CHECK(missing->get_header_value("WWW-Authenticate").find("Bearer") != std::string::npos);

  RequireError(client->Post(RunsTarget("alpha", Sha(1)), {{"Authorization", "Basic dXNlcjpwYXNz"}}, body,
                            "application/json"),
               401, "bad_authorization");
  RequireError(client->Post(RunsTarget("alpha", Sha(1)), Bearer("pgt_not_a_token"), body, "application/json"), 403,
               "forbidden");
  // A token of another project is not a token of this one.
  RequireError(client->Post(RunsTarget("alpha", Sha(1)), Bearer("pgt_beta_secret_value"), body, "application/json"),
               403, "forbidden");

  {
    auto store = perfgate::store::OpenSqliteStore(server.options().db_path);
    auto tokens = store->ListTokens("alpha");
    REQUIRE(tokens.size() == 1);
    REQUIRE(store->RevokeToken("alpha", tokens[0].id));
  }
  RequireError(client->Post(RunsTarget("alpha", Sha(1)), Bearer(token), body, "application/json"), 403, "forbidden");

  // Nothing was stored, and no token reached the log.
  auto benchmarks = client->Get("/api/v1/projects/alpha/benchmarks");
  REQUIRE(benchmarks);
  CHECK(json::parse(benchmarks->body)["benchmarks"].empty());
  for (const std::string& line : server.Log()) {
    CHECK(line.find("secret") == std::string::npos);
    CHECK(line.find("Bearer") == std::string::npos);
    CHECK(line.find("pgt_") == std::string::npos);
  }
}

TEST_CASE("Malformed uploads are answered 400 naming the field, and store nothing", "[server][runs]") {
  TestServer server("malformed");
  std::string token = server.CreateToken("alpha");
  auto client = server.Client();
  std::string good = GbenchJson({{"BM_A", {1, 2, 3}}});
  auto where = [&](const std::string& target, const std::string& body) {
    auto result = client->Post(target, Bearer(token), body, "application/json");
    RequireError(result, 400);
    return json::parse(result->body)["error"].value("where", std::string());
  };
  CHECK(where("/api/v1/projects/alpha/runs", good) == "commit");
  CHECK(where(RunsTarget("alpha", Sha(1), "&pr=twelve"), good) == "pr");
  CHECK(where(RunsTarget("alpha", Sha(1), "&time=yesterday"), good) == "time");
  CHECK(where(RunsTarget("alpha", Sha(1), "&format=excel"), good) == "format");
  CHECK(where(RunsTarget("alpha", Sha(1), "&testbed=" + Encode("a\nb")), good) == "testbed");
  CHECK(where(RunsTarget("alpha", Sha(1), "&branch=%ff%fe"), good) == "branch");
  CHECK(where(RunsTarget("alpha", Sha(1)), "") == "body");
  CHECK(where(RunsTarget("alpha", Sha(1), "&branch=%zz"), good) == "branch");

  // A results file that is not valid: the message says where in it.
  auto broken = client->Post(RunsTarget("alpha", Sha(1), "&format=gbench"), Bearer(token),
                             R"({"benchmarks": [{"name": "BM_A", "run_type": "iteration", "real_time": "fast"}]})",
                             "application/json");
  RequireError(broken, 400, "invalid_results");
  CHECK(json::parse(broken->body)["error"]["message"].get<std::string>().find("benchmarks[0]") != std::string::npos);
  RequireError(client->Post(RunsTarget("alpha", Sha(1)), Bearer(token), "not json at all {", "text/plain"), 400,
               "invalid_results");

  auto benchmarks = client->Get("/api/v1/projects/alpha/benchmarks");
  REQUIRE(benchmarks);
  CHECK(json::parse(benchmarks->body)["benchmarks"].empty());
}

TEST_CASE("A body over the limit is answered 413, also when it is sent chunked", "[server][runs]") {
  TestServer server("limit", [](perfgate::server::ServerOptions& options) { options.body_limit = 64 * 1024; });
  std::string token = server.CreateToken("alpha");
  auto client = server.Client();
  std::string big(200 * 1024, ' ');
  big.replace(0, 20, GbenchJson({{"BM_A", {1}}}).substr(0, 20));
  auto result = client->Post(RunsTarget("alpha", Sha(1)), Bearer(token), big, "application/json");
  RequireError(result, 413, "body_too_large");

  // A chunked body has no length to refuse up front: it is counted as it arrives.
  auto send_chunked = [&](const std::string& commit, const std::string& text) {
    return client->Post(
        RunsTarget("alpha", commit), Bearer(token),
        [&](std::size_t offset, httplib::DataSink& sink) {
          if (offset == 0) {
            for (std::size_t at = 0; at < text.size(); at += 4096) sink.write(text.data() + at, std::min<std::size_t>(4096, text.size() - at));
          }
          sink.done();
          return true;
        },
        "application/json");
  };
  RequireError(send_chunked(Sha(2), big), 413, "body_too_large");
  auto small = send_chunked(Sha(3), GbenchJson({{"BM_A", {1, 2}}}));
  REQUIRE(small);
  CHECK(small->status == 201);

  auto healthy = server.Client()->Get("/healthz");
  REQUIRE(healthy);
  CHECK(healthy->status == 200);
  CHECK(json::parse(server.Client()->Get("/api/v1/projects/alpha/benchmarks")->body)["benchmarks"].size() == 1);
}

TEST_CASE("A body trickled in slower than the body deadline is cut off with 408", "[server][runs][timeout]") {
  TestServer server("slow-body", [](perfgate::server::ServerOptions& options) {
    options.body_seconds = 1;
    options.keep_alive_seconds = 1;
  });
  std::string token = server.CreateToken("alpha");
  int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(socket_fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  timeval receive_timeout{.tv_sec = 10, .tv_usec = 0};
  setsockopt(socket_fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
  std::string head = "POST " + RunsTarget("alpha", Sha(1)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                     token + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
  REQUIRE(send(socket_fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  // One byte every 200 ms, well inside the 30 s read timeout, until the server answers (at most 4 s).
  auto started = std::chrono::steady_clock::now();
  std::string response;
  char buffer[4096];
  for (int i = 0; i < 20 && response.empty(); ++i) {
    send(socket_fd, " ", 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ssize_t got = recv(socket_fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) response.append(buffer, static_cast<std::size_t>(got));
  }
  auto answered = std::chrono::steady_clock::now() - started;
  // The server lets the connection go within its keep-alive time (httplib 0.11
  // keeps it that long whatever the response says): reading ends instead of
  // waiting out SO_RCVTIMEO, and the worker is free again.
  for (ssize_t got; (got = recv(socket_fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(got));
  auto closed = std::chrono::steady_clock::now() - started;
  close(socket_fd);
  INFO(response);
  CHECK(response.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(response.find("request_timeout") != std::string::npos);
  CHECK(answered < std::chrono::seconds(3));
  CHECK(closed < std::chrono::seconds(4));
  CHECK(server.Client()->Get("/healthz")->status == 200);
}

TEST_CASE("Names with quotes, slashes, unicode and SQL fragments are stored and served back intact", "[server][names]") {
  TestServer server("names");
  const std::string project = "team \"α\"/perf'; DROP TABLE projects;--";
  const std::string benchmark = "BM_\"Parse\"/1024/naïve 🚀'); DELETE FROM measurements;--";
  const std::string testbed = "linux/x86_64 \"fast\"";
  const std::string branch = "feature/ünïcode+plus&amp";
  std::string token = server.CreateToken(project);
  auto client = server.Client();
  auto upload = client->Post(RunsTarget(project, Sha(7), "&testbed=" + Encode(testbed) + "&branch=" + Encode(branch)),
                             Bearer(token), GbenchJson({{benchmark, {5, 6, 7}}}), "application/json");
  REQUIRE(upload);
  REQUIRE(upload->status == 201);

  json projects = JsonOf(client->Get("/api/v1/projects"));
  REQUIRE(projects["projects"].size() == 1);
  CHECK(projects["projects"][0]["name"] == project);
  CHECK(projects["projects"][0]["testbeds"][0] == testbed);
  CHECK(projects["projects"][0]["branches"][0] == branch);

  json benchmarks = JsonOf(client->Get("/api/v1/projects/" + Encode(project) + "/benchmarks?q=" + Encode("naïve 🚀")));
  REQUIRE(benchmarks["benchmarks"].size() == 1);
  CHECK(benchmarks["benchmarks"][0]["name"] == benchmark);
  CHECK(benchmarks["branches"] == json::array({branch}));

  json series = JsonOf(client->Get("/api/v1/projects/" + Encode(project) + "/series?benchmark=" + Encode(benchmark) +
                                   "&testbed=" + Encode(testbed) + "&branch=" + Encode(branch)));
  REQUIRE(series.is_object());
  CHECK(series["benchmark"] == benchmark);
  CHECK(series["testbed"] == testbed);
  CHECK(series["branch"] == branch);
  REQUIRE(series["points"].size() == 1);
  CHECK(series["points"][0]["value"] == 6.0);

  // The encoded slash stays in the project name: "team \"α\"" alone is another, unknown project.
  RequireError(client->Get("/api/v1/projects/" + Encode("team \"α\"") + "/benchmarks"), 404, "project_not_found");
  // The SQL fragments did nothing.
  CHECK(JsonOf(client->Get("/api/v1/projects"))["projects"].size() == 1);
}

TEST_CASE("The read routes answer over a stored history", "[server][routes]") {
  TestServer server("routes");
  std::string token = server.CreateToken("proj");
  UploadHistory(server, "proj", token, 40, 25);
  auto client = server.Client();

  SECTION("projects") {
    json body = JsonOf(client->Get("/api/v1/projects"));
    REQUIRE(body["projects"].size() == 1);
    CHECK(body["projects"][0]["name"] == "proj");
  }
  SECTION("benchmarks, filtered by q") {
    json all = JsonOf(client->Get("/api/v1/projects/proj/benchmarks"));
    CHECK(all["benchmarks"].size() == 2);
    json some = JsonOf(client->Get("/api/v1/projects/proj/benchmarks?q=Flat"));
    REQUIRE(some["benchmarks"].size() == 1);
    CHECK(some["benchmarks"][0]["name"] == "BM_Flat/1024");
    CHECK(some["benchmarks"][0]["metrics"].size() == 2);
  }
  SECTION("series: one point per commit, oldest first, with the step as a change point") {
    json body = JsonOf(client->Get("/api/v1/projects/proj/series?benchmark=BM_Step&metric=real_time&branch=main"));
    REQUIRE(body["points"].size() == 40);
    CHECK(body["points"][0]["commit"] == Sha(0));
    CHECK(body["points"][39]["commit"] == Sha(39));
    CHECK(body["points"][0]["n"] == 5);
    CHECK(body["unit"] == "ns");
    REQUIRE(body["change_points"].size() == 1);
    CHECK(body["change_points"][0]["index"] == 25);
    CHECK(body["change_points"][0]["commit"] == Sha(25));
    CHECK(body["change_points"][0]["change"].get<double>() == Approx(0.5).margin(0.02));
    json limited = JsonOf(client->Get("/api/v1/projects/proj/series?benchmark=BM_Step&limit=10"));
    REQUIRE(limited["points"].size() == 10);
    CHECK(limited["points"][9]["commit"] == Sha(39));
  }
  SECTION("compare: JSON by commit prefix and branch, and Markdown") {
    json body = JsonOf(client->Get("/api/v1/projects/proj/compare?base=" + Sha(10).substr(0, 10) + "&head=main"));
    REQUIRE(body.is_object());
    CHECK(body["base"]["commit"] == Sha(10));
    CHECK(body["head"]["commit"] == Sha(39));
    bool found = false;
    for (const json& row : body["benchmarks"]) {
      if (row["name"] == "BM_Step") {
        found = true;
        CHECK(row["verdict"] == "regressed");
        CHECK(row["ratio"].get<double>() == Approx(1.5).margin(0.02));
      }
    }
    CHECK(found);
    CHECK(body["summary"]["regressed"] == 1);
    auto markdown = client->Get("/api/v1/projects/proj/compare?base=" + Sha(10) + "&head=" + Sha(39) + "&format=markdown");
    REQUIRE(markdown);
    CHECK(markdown->status == 200);
    CHECK(markdown->get_header_value("Content-Type").find("text/markdown") != std::string::npos);
    CHECK(markdown->body.find("BM_Step") != std::string::npos);
  }
  SECTION("check: budgets against the head, baseline from the history") {
    std::string config = R"({"project":"proj","baseline":{"branch":"main"},
      "budgets":[{"benchmark":"BM_Flat/*","max":"20ns"},{"benchmark":"BM_Step","max":"120ns"}]})";
    auto result = client->Post("/api/v1/projects/proj/check?head=" + Sha(39), config, "application/json");
    REQUIRE(result);
    INFO(result->body);
    REQUIRE(result->status == 200);
    json body = json::parse(result->body);
    CHECK(body["passed"] == false);
    CHECK(body["base"]["commit"] == Sha(38));
    CHECK(body["summary"]["broken"] == 1);
    auto invalid = client->Post("/api/v1/projects/proj/check?head=" + Sha(39),
                                R"({"budgets":[{"benchmark":"*","max":"12 parsecs"}]})", "application/json");
    RequireError(invalid, 400, "invalid_config");
    CHECK(json::parse(invalid->body)["error"]["where"].get<std::string>().find("budgets[0]") != std::string::npos);
  }
  SECTION("alerts: the step, newest first") {
    json body = JsonOf(client->Get("/api/v1/projects/proj/alerts"));
    CHECK(body["branch"] == "main");
    REQUIRE(!body["alerts"].empty());
    for (const json& alert : body["alerts"]) {
      CHECK(alert["benchmark"] == "BM_Step");
      CHECK(alert["kind"] == "regression");
      CHECK(alert["commit"] == Sha(25));
      CHECK(alert["base"] == Sha(24));
    }
  }
  SECTION("healthz and metrics") {
    auto health = client->Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(JsonOf(health)["status"] == "ok");
    client->Get("/api/v1/projects/nope/benchmarks");
    // Requests are counted when logged, just after their response: wait for the 404 (at most 5 s).
    auto metrics = client->Get("/metrics");
    for (int i = 0; i < 500 && metrics && metrics->body.find("status=\"404\"") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      metrics = client->Get("/metrics");
    }
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->get_header_value("Content-Type").find("text/plain") != std::string::npos);
    const std::string& text = metrics->body;
    CHECK(text.find("perfgate_http_requests_total{method=\"POST\",route=\"/api/v1/projects/{project}/runs\",status=\"201\"} 40") !=
          std::string::npos);
    CHECK(text.find("route=\"/api/v1/projects/{project}/benchmarks\",status=\"404\"} 1") != std::string::npos);
    CHECK(text.find("perfgate_http_request_duration_seconds_bucket{route=\"/api/v1/projects/{project}/runs\",le=\"+Inf\"} 40") !=
          std::string::npos);
    CHECK(text.find("perfgate_uploads_total{outcome=\"created\"} 40") != std::string::npos);
    CHECK(text.find("perfgate_database_size_bytes ") != std::string::npos);
    CHECK(text.find("perfgate_database_size_bytes 0\n") == std::string::npos);
  }
}

TEST_CASE("Unknown projects, benchmarks, commits and routes are 404; wrong methods 405", "[server][routes]") {
  TestServer server("notfound");
  std::string token = server.CreateToken("proj");
  UploadHistory(server, "proj", token, 3, 100);
  auto client = server.Client();
  RequireError(client->Get("/api/v1/projects/ghost/benchmarks"), 404, "project_not_found");
  RequireError(client->Get("/api/v1/projects/ghost/series?benchmark=BM_Step"), 404, "project_not_found");
  RequireError(client->Get("/api/v1/projects/proj/series?benchmark=BM_Nothing"), 404, "series_not_found");
  RequireError(client->Get("/api/v1/projects/proj/series?benchmark=BM_Step&metric=bogus"), 404, "series_not_found");
  RequireError(client->Get("/api/v1/projects/proj/series"), 400, "missing_parameter");
  RequireError(client->Get("/api/v1/projects/proj/series?benchmark=BM_Step&limit=0"), 400, "invalid_parameter");
  RequireError(client->Get("/api/v1/projects/proj/compare?base=deadbeef00&head=main"), 404, "commit_not_found");
  RequireError(client->Get("/api/v1/projects/proj/compare?head=main"), 400, "missing_parameter");
  RequireError(client->Get("/api/v1/projects/proj/compare?base=main&head=main&testbed=moon"), 404, "results_not_found");
  RequireError(client->Get("/api/v1/projects/proj/compare?base=main&head=main&threshold=lots"), 400);
  RequireError(client->Get("/api/v1/projects/proj/nothing"), 404, "not_found");
  RequireError(client->Get("/api/v2/projects"), 404, "not_found");
  auto wrong = client->Get("/api/v1/projects/proj/runs");
  RequireError(wrong, 405, "method_not_allowed");
  CHECK(wrong->get_header_value("Allow") == "POST");
  RequireError(client->Delete("/api/v1/projects"), 405, "method_not_allowed");
  RequireError(client->Post("/api/v1/projects/proj/series", "{}", "application/json"), 405);
}

TEST_CASE("Reads of a private server need a token of the project", "[server][auth]") {
  TestServer server("private", [](perfgate::server::ServerOptions& options) { options.private_reads = true; });
  std::string token = server.CreateToken("proj", "pgt_proj_token_value");
  server.CreateToken("other", "pgt_other_token_value");
  UploadHistory(server, "proj", token, 2, 100);
  auto client = server.Client();
  RequireError(client->Get("/api/v1/projects/proj/series?benchmark=BM_Step"), 401, "missing_token");
  // A project the token may not read and one that does not exist get the same
  // answer (only the name in the message differs): names do not leak.
  auto foreign = client->Get("/api/v1/projects/proj/series?benchmark=BM_Step", Bearer("pgt_other_token_value"));
  auto unknown = client->Get("/api/v1/projects/nope/series?benchmark=BM_Step", Bearer("pgt_other_token_value"));
  RequireError(foreign, 404, "project_not_found");
  RequireError(unknown, 404, "project_not_found");
  std::string foreign_body = foreign->body;
  foreign_body.replace(foreign_body.find("named proj"), 10, "named nope");
  CHECK(foreign_body == unknown->body);
  CHECK(foreign->headers.size() == unknown->headers.size());
  RequireError(client->Get("/api/v1/projects/nope/benchmarks"), 401, "missing_token");
  RequireError(client->Get("/api/v1/projects/proj/benchmarks"), 401, "missing_token");
  // Writes: 403 alike for a foreign project and an unknown one.
  std::string results = GbenchJson({{"BM_A", {1}}});
  RequireError(client->Post(RunsTarget("proj", Sha(9)), Bearer("pgt_other_token_value"), results, "application/json"), 403,
               "forbidden");
  RequireError(client->Post(RunsTarget("nope", Sha(9)), Bearer("pgt_other_token_value"), results, "application/json"), 403,
               "forbidden");
  auto allowed = client->Get("/api/v1/projects/proj/series?benchmark=BM_Step", Bearer(token));
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
  RequireError(client->Get("/api/v1/projects"), 401);
  json projects = JsonOf(client->Get("/api/v1/projects", Bearer(token)));
  REQUIRE(projects["projects"].size() == 1);  // only the token's own project
  CHECK(projects["projects"][0]["name"] == "proj");
  auto health = client->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("JSON responses are gzip-compressed when the client accepts it", "[server][gzip]") {
  TestServer server("gzip");
  std::string token = server.CreateToken("proj");
  UploadHistory(server, "proj", token, 30, 100);
  auto plain_client = server.Client();
  auto plain = plain_client->Get("/api/v1/projects/proj/series?benchmark=BM_Step");
  REQUIRE(plain);
  CHECK(plain->get_header_value("Content-Encoding").empty());

  auto raw_client = server.Client();
  raw_client->set_decompress(false);
  auto compressed = raw_client->Get("/api/v1/projects/proj/series?benchmark=BM_Step", {{"Accept-Encoding", "gzip"}});
  REQUIRE(compressed);
  CHECK(compressed->status == 200);
  CHECK(compressed->get_header_value("Content-Encoding") == "gzip");
  REQUIRE(compressed->body.size() > 2);
  CHECK(static_cast<unsigned char>(compressed->body[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(compressed->body[1]) == 0x8b);
  CHECK(compressed->body.size() < plain->body.size() / 2);

  // And a client that decompresses gets the very same document.
  auto decoding_client = server.Client();
  auto decoded = decoding_client->Get("/api/v1/projects/proj/series?benchmark=BM_Step", {{"Accept-Encoding", "gzip"}});
  REQUIRE(decoded);
  CHECK(decoded->body == plain->body);
}

TEST_CASE("Every request is logged as one JSON line without the Authorization header", "[server][log]") {
  TestServer server("log");
  std::string token = server.CreateToken("proj", "pgt_very_secret_token_abc");
  auto client = server.Client();
  auto result = client->Post(RunsTarget("proj", Sha(1)), Bearer(token), GbenchJson({{"BM_A", {1, 2}}}),
                             "application/json");
  REQUIRE(result);
  REQUIRE(result->status == 201);
  client->Get("/healthz");
  // A line is written just after its response is sent: wait for it (at most 5 s).
  auto log = server.Log();
  for (int i = 0; i < 500 && log.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log = server.Log();
  }
  REQUIRE(log.size() == 2);
  // Two connections, two workers: the lines may come in either order.
  if (log[0].find("\"POST\"") == std::string::npos) std::swap(log[0], log[1]);
  json line = json::parse(log[0]);
  CHECK(line["method"] == "POST");
  CHECK(line["route"] == "/api/v1/projects/{project}/runs");
  CHECK(line["status"] == 201);
  CHECK(line["ms"].is_number());
  CHECK(line["bytes"].get<int>() > 0);
  CHECK(log[0].find("pgt_") == std::string::npos);
  CHECK(log[0].find("secret") == std::string::npos);
  CHECK(json::parse(log[1])["route"] == "/healthz");
}

TEST_CASE("The check route's baseline of a pull request is its merge-base on the mainline", "[server][check]") {
  TestServer server("check-baseline");
  std::string token = server.CreateToken("proj");
  UploadHistory(server, "proj", token, 12, 100);
  auto client = server.Client();
  // Two commits of a pull request branched from main's commit 8.
  std::string parent = Sha(8);
  for (int k = 0; k < 2; ++k) {
    std::string sha = Sha(500 + k);
    auto result = client->Post(RunsTarget("proj", sha, "&branch=feature%2Fx&pr=7&parent=" + parent +
                                                           "&time=2024-03-01T10:0" + std::to_string(k) + ":00Z"),
                               Bearer(token), GbenchJson({{"BM_Step", {101, 100, 99}}}), "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 201);
    parent = sha;
  }
  auto result = client->Post("/api/v1/projects/proj/check?head=" + Sha(501),
                             R"({"budgets":[{"benchmark":"BM_Step","max_regression":"50%"}]})", "application/json");
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == 200);
  json body = json::parse(result->body);
  CHECK(body["base"]["commit"] == Sha(8));  // not the previous upload of the pull request
  CHECK(body["head"]["branch"] == "feature/x");
  CHECK(body["passed"] == true);

  auto markdown = client->Post("/api/v1/projects/proj/check?head=" + Sha(501) + "&base=main&format=markdown",
                               R"({"budgets":[{"benchmark":"BM_Step","max":"50ns"}]})", "application/json");
  REQUIRE(markdown);
  CHECK(markdown->status == 200);
  CHECK(markdown->body.find("BM_Step") != std::string::npos);
  CHECK(markdown->body.find("series.svg") == std::string::npos);

  // dashboard_url (check --dashboard-url): the breach's trend picture and the compare view, as check --db draws them.
  auto pictured = client->Post("/api/v1/projects/proj/check?head=" + Sha(501) +
                                   "&base=main&format=markdown&dashboard_url=https%3A%2F%2Fperf.example.com",
                               R"({"budgets":[{"benchmark":"BM_Step","max":"50ns"}]})", "application/json");
  REQUIRE(pictured);
  CHECK(pictured->status == 200);
  CHECK(pictured->body.find("(https://perf.example.com/api/v1/projects/proj/series.svg?benchmark=BM_Step&metric=real_time&"
                            "branch=main&testbed=default&head=" + Sha(501) + ")") != std::string::npos);
  CHECK(pictured->body.find("[Compare in the dashboard](https://perf.example.com/projects/proj/compare?base=") !=
        std::string::npos);
  // server_url (what check --server sends): used unless loopback.
  auto reached = [&](const std::string& server_url) {
    auto answer = client->Post("/api/v1/projects/proj/check?head=" + Sha(501) + "&base=main&format=markdown&server_url=" +
                                   server_url,
                               R"({"budgets":[{"benchmark":"BM_Step","max":"50ns"}]})", "application/json");
    REQUIRE(answer);
    return answer->body;
  };
  CHECK(reached("http%3A%2F%2Fperf.internal%3A8080").find("(http://perf.internal:8080/api/v1/projects/proj/series.svg?") !=
        std::string::npos);
  CHECK(reached("http%3A%2F%2F127.0.0.1%3A8080").find("series.svg") == std::string::npos);
  auto refused = client->Post("/api/v1/projects/proj/check?head=" + Sha(501) + "&dashboard_url=javascript%3Aalert(1)",
                              R"({"budgets":[]})", "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["error"]["where"] == "dashboard_url");
}

TEST_CASE("The check route links serve --public-url unless the request names a dashboard_url", "[server][check]") {
  TestServer server("check-public-url", [](perfgate::server::ServerOptions& options) { options.public_url = "https://perf.example.com"; });
  std::string token = server.CreateToken("proj");
  UploadHistory(server, "proj", token, 3, 100);
  auto client = server.Client();
  auto ask = [&](const std::string& query) {
    auto answer = client->Post("/api/v1/projects/proj/check?head=" + Sha(2) + "&format=markdown" + query,
                               R"({"budgets":[{"benchmark":"BM_Step","max":"1ns"}]})", "application/json");
    REQUIRE(answer);
    INFO(answer->body);
    REQUIRE(answer->status == 200);
    return answer->body;
  };
  CHECK(ask("").find("(https://perf.example.com/api/v1/projects/proj/series.svg?benchmark=BM_Step&") != std::string::npos);
  CHECK(ask("&server_url=http%3A%2F%2Fperf.internal").find("(https://perf.example.com/api/") != std::string::npos);
  CHECK(ask("&dashboard_url=https%3A%2F%2Fother.example.org").find("(https://other.example.org/api/") != std::string::npos);
}
