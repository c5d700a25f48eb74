// Concurrency and lifecycle against a real server: many writers at once, reads
// during a long upload, and a stop that finishes what is in flight. Every wait
// here is bounded by client timeouts.

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string Sha(int index) {
  char buffer[41];
  std::snprintf(buffer, sizeof buffer, "%040x", 0xc0ffee00 + index);
  return buffer;
}

// A results file big enough that storing it takes a while: `benchmarks`
// benchmarks of `samples` samples each (perfgate custom JSON).
std::string BigUpload(int benchmarks, int samples) {
  std::string text = "{\"benchmarks\": [";
  for (int b = 0; b < benchmarks; ++b) {
    if (b) text += ",";
    text += "{\"name\": \"BM_Big/" + std::to_string(b) + "\", \"metric\": \"real_time\", \"unit\": \"ns\", \"samples\": [";
    for (int s = 0; s < samples; ++s) {
      if (s) text += ",";
      text += std::to_string(100 + (b * 7 + s * 13) % 50);
    }
    text += "]}";
  }
  return text + "]}";
}

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

}  // namespace

TEST_CASE("Sixteen clients uploading at once lose nothing and duplicate nothing", "[server][concurrency]") {
  TestServer server("concurrent");
  std::string token = server.CreateToken("proj");
  constexpr int kClients = 16;
  constexpr int kUploadsEach = 10;

  struct Outcome {
    std::vector<std::int64_t> created_ids;
    std::int64_t repeated_id = -1;
    std::int64_t first_id = -1;
    std::vector<int> statuses;
    std::vector<std::string> errors;
  };
  std::vector<std::future<Outcome>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      Outcome outcome;
      auto client = server.Client();
      for (int i = 0; i < kUploadsEach; ++i) {
        int commit = c * 100 + i;
        std::string body = GbenchJson({{"BM_Shared", {1.0 * commit, 1.0 * commit + 1, 1.0 * commit + 2}},
                                       {"BM_Client/" + std::to_string(c), {1, 2, 3}}});
        auto result = client->Post(RunsTarget("proj", Sha(commit), "&branch=main&time=2024-01-01T00:00:00Z"),
                                   Bearer(token), body, "application/json");
        outcome.statuses.push_back(result ? result->status : -1);
        if (!result) outcome.errors.push_back(httplib::to_string(result.error()));
        if (result && result->status == 201) {
          std::int64_t id = json::parse(result->body)["run_id"];
          outcome.created_ids.push_back(id);
          if (i == 0) outcome.first_id = id;
        }
      }
      // The first upload again: already stored.
      std::string body = GbenchJson({{"BM_Shared", {1.0 * c * 100, 1.0 * c * 100 + 1, 1.0 * c * 100 + 2}},
                                     {"BM_Client/" + std::to_string(c), {1, 2, 3}}});
      auto result = client->Post(RunsTarget("proj", Sha(c * 100), "&branch=main&time=2024-01-01T00:00:00Z"),
                                 Bearer(token), body, "application/json");
      outcome.statuses.push_back(result ? result->status : -1);
      if (result && result->status == 200) outcome.repeated_id = json::parse(result->body)["run_id"];
      return outcome;
    }));
  }
  std::set<std::int64_t> ids;
  std::size_t created = 0;
  for (auto& future : clients) {
    REQUIRE(future.wait_for(std::chrono::seconds(120)) == std::future_status::ready);
    Outcome outcome = future.get();
    for (const std::string& error : outcome.errors) UNSCOPED_INFO("client error: " << error);
    for (std::size_t i = 0; i < outcome.statuses.size(); ++i) {
      CHECK(outcome.statuses[i] == (i + 1 < outcome.statuses.size() ? 201 : 200));
    }
    CHECK(outcome.repeated_id == outcome.first_id);
    created += outcome.created_ids.size();
    ids.insert(outcome.created_ids.begin(), outcome.created_ids.end());
  }
  CHECK(created == kClients * kUploadsEach);
  CHECK(ids.size() == kClients * kUploadsEach);

  json series = JsonOf(server.Client()->Get("/api/v1/projects/proj/series?benchmark=BM_Shared&limit=1000"));
  REQUIRE(series["points"].size() == kClients * kUploadsEach);
  for (const json& point : series["points"]) CHECK(point["n"] == 3);
  json benchmarks = JsonOf(server.Client()->Get("/api/v1/projects/proj/benchmarks?q=BM_Client"));
  CHECK(benchmarks["benchmarks"].size() == kClients);
}

TEST_CASE("Reads are answered while a long upload is being stored", "[server][concurrency][big]") {
  TestServer server("long-upload");
  std::string token = server.CreateToken("proj");
  {
    auto client = server.Client();
    auto seed = client->Post(RunsTarget("proj", Sha(1), "&branch=main"), Bearer(token),
                             GbenchJson({{"BM_Small", {1, 2, 3}}}), "application/json");
    REQUIRE(seed);
    REQUIRE(seed->status == 201);
  }
  std::string big = BigUpload(20000, 20);
  auto upload_start = Clock::now();
  auto upload = std::async(std::launch::async, [&] {
    auto client = server.Client();
    auto result = client->Post(RunsTarget("proj", Sha(2), "&branch=main"), Bearer(token), big, "application/json");
    return std::make_pair(result ? result->status : -1, Clock::now());
  });

  std::size_t reads_during_upload = 0;
  double slowest_read = 0;
  auto client = server.Client();
  while (upload.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready &&
         Clock::now() - upload_start < std::chrono::seconds(120)) {
    auto start = Clock::now();
    auto result = client->Get("/api/v1/projects/proj/series?benchmark=BM_Small");
    REQUIRE(result);
    REQUIRE(result->status == 200);
    slowest_read = std::max(slowest_read, Seconds(Clock::now() - start));
    if (upload.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) ++reads_during_upload;
  }
  auto [status, upload_end] = upload.get();
  double upload_seconds = Seconds(upload_end - upload_start);
  INFO("upload " << upload_seconds << " s, " << reads_during_upload << " reads meanwhile, slowest " << slowest_read
                 << " s");
  CHECK(status == 201);
  CHECK(reads_during_upload >= 5);
  CHECK(slowest_read < upload_seconds / 3);
}

TEST_CASE("Stop finishes the request in flight before returning", "[server][lifecycle][big]") {
  TestServer server("stop");
  std::string token = server.CreateToken("proj");
  std::string big = BigUpload(20000, 20);
  auto upload = std::async(std::launch::async, [&] {
    auto client = server.Client();
    auto result = client->Post(RunsTarget("proj", Sha(3), "&branch=main"), Bearer(token), big, "application/json");
    return result ? result->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  int port = server.port();
  // Still being processed when the server is told to stop.
  CHECK(upload.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready);
  server.server().Stop();
  REQUIRE(upload.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  CHECK(upload.get() == 201);

  // Nothing accepts connections any more, and the upload is in the database.
  httplib::Client late("127.0.0.1", port);
  late.set_connection_timeout(2);
  CHECK(!late.Get("/healthz"));
  auto store = perfgate::store::OpenSqliteStore(server.options().db_path);
  auto series = store->LoadSeries({.project = "proj", .benchmark = "BM_Big/7999", .metric = "real_time"});
  REQUIRE(series);
  CHECK(series->points.size() == 1);
}
