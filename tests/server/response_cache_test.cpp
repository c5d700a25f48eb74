// The response cache against a real server on loopback over a real SQLite file:
// no answer older than an acknowledged upload while uploads and reads overlap,
// ETag / If-None-Match, the gzip form, single flight, the byte bound and
// private mode. Every wait is bounded by client timeouts and fixed counts.

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "server_test_support.hpp"

using namespace perfgate::server::testing;
using nlohmann::json;

namespace {

std::string Sha(int index) {
  char buffer[41];
  std::snprintf(buffer, sizeof buffer, "%040x", 0xcace0000 + index);
  return buffer;
}

std::string Upload(int index) {
  return GbenchJson({{"BM_A", {100.0 + index, 101.0 + index, 99.0 + index}}, {"BM_B", {50, 51, 52}}});
}

// Stores commits first..last (each a 201) through `client`.
void UploadCommits(httplib::Client& client, const std::string& token, int first, int last,
                   const std::string& project = "proj") {
  for (int i = first; i <= last; ++i) {
    auto result = client.Post(RunsTarget(project, Sha(i)), Bearer(token), Upload(i), "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 201);
  }
}

const std::string kSeries = "/api/v1/projects/proj/series?benchmark=BM_A";

// A counter or gauge of /metrics.
double MetricValue(TestServer& server, const std::string& name) {
  auto result = server.Client()->Get("/metrics");
  REQUIRE(result);
  std::size_t at = result->body.find("\n" + name + " ");
  REQUIRE(at != std::string::npos);
  return std::stod(result->body.substr(at + name.size() + 2));
}

std::size_t PointsOf(const httplib::Result& result) {
  json body = JsonOf(result);
  return body.contains("points") ? body["points"].size() : 0;
}

}  // namespace

TEST_CASE("A reader never sees an answer older than an upload acknowledged before its request",
          "[server][cache][concurrency]") {
  TestServer server("cache-fresh");
  std::string token = server.CreateToken("proj");
  auto uploader = server.Client();
  UploadCommits(*uploader, token, 0, 0);

  constexpr int kUploads = 40;
  constexpr int kReaders = 8;
  std::atomic<int> acknowledged{1};  // uploads answered 2xx so far
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> stale{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      auto client = server.Client();  // keep-alive: one connection per reader
      httplib::Headers headers;
      if (r % 2 == 1) headers.emplace("Accept-Encoding", "gzip");  // the gzip form too (httplib decompresses)
      while (!done) {
        int before = acknowledged.load();
        auto result = client->Get(kSeries, headers);
        if (!result || result->status != 200) {
          ++failed;
          continue;
        }
        if (PointsOf(result) < static_cast<std::size_t>(before)) ++stale;
        ++reads;
      }
    });
  }
  for (int i = 1; i <= kUploads; ++i) {
    UploadCommits(*uploader, token, i, i);
    ++acknowledged;
  }
  // A few more rounds of reads after the last upload.
  int reads_at_end = reads.load();
  while (reads.load() < reads_at_end + 2 * kReaders && failed.load() == 0) std::this_thread::yield();
  done = true;
  for (std::thread& reader : readers) reader.join();

  CHECK(failed.load() == 0);
  CHECK(stale.load() == 0);
  CHECK(reads.load() > kUploads);
  CHECK(PointsOf(server.Client()->Get(kSeries)) == kUploads + 1);
  // Reads were served from the cache between uploads, not computed each time.
  CHECK(MetricValue(server, "perfgate_response_cache_hits_total") > 0);
}

TEST_CASE("A cached answer carries a strong ETag; If-None-Match answers 304 until the next upload",
          "[server][cache]") {
  TestServer server("cache-etag");
  std::string token = server.CreateToken("proj");
  auto client = server.Client();
  UploadCommits(*client, token, 0, 0);

  auto first = client->Get(kSeries);
  REQUIRE(first->status == 200);
  std::string etag = first->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');  // strong: no W/
  CHECK(first->get_header_value("Cache-Control") == "no-cache");
  auto again = client->Get(kSeries);
  CHECK(again->body == first->body);
  CHECK(again->get_header_value("ETag") == etag);

  auto not_modified = client->Get(kSeries, {{"If-None-Match", "\"other\", " + etag}});
  CHECK(not_modified->status == 304);
  CHECK(not_modified->body.empty());
  CHECK(client->Get(kSeries, {{"If-None-Match", "W/" + etag}})->status == 304);  // weak comparison
  CHECK(client->Get(kSeries, {{"If-None-Match", "\"other\""}})->status == 200);
  // The query's order does not make another answer.
  CHECK(client->Get("/api/v1/projects/proj/series?metric=real_time&benchmark=BM_A")->get_header_value("ETag") ==
        client->Get("/api/v1/projects/proj/series?benchmark=BM_A&metric=real_time")->get_header_value("ETag"));

  UploadCommits(*client, token, 1, 1);
  auto changed = client->Get(kSeries, {{"If-None-Match", etag}});
  CHECK(changed->status == 200);
  CHECK(changed->get_header_value("ETag") != etag);
  CHECK(PointsOf(changed) == 2);
}

TEST_CASE("The gzip form is sent to clients that accept it, with its own ETag", "[server][cache]") {
  TestServer server("cache-gzip");
  std::string token = server.CreateToken("proj");
  auto client = server.Client();
  UploadCommits(*client, token, 0, 29);  // a body well above the 1 KiB compression threshold
  auto plain = client->Get(kSeries);
  REQUIRE(plain->status == 200);
  REQUIRE(plain->body.size() > 1024);
  CHECK(plain->get_header_value("Content-Encoding").empty());
  CHECK(plain->get_header_value("Vary") == "Accept-Encoding");

  auto raw = server.Client();
  raw->set_decompress(false);
  auto gzip = raw->Get(kSeries, {{"Accept-Encoding", "gzip"}});
  REQUIRE(gzip->status == 200);
  CHECK(gzip->get_header_value("Content-Encoding") == "gzip");
  CHECK(gzip->body.size() < plain->body.size());
  REQUIRE(gzip->body.size() > 2);
  CHECK(static_cast<unsigned char>(gzip->body[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(gzip->body[1]) == 0x8b);
  CHECK(gzip->get_header_value("ETag") != plain->get_header_value("ETag"));
  CHECK(raw->Get(kSeries, {{"Accept-Encoding", "gzip"}, {"If-None-Match", gzip->get_header_value("ETag")}})->status ==
        304);
  // The plain ETag does not validate the gzip form.
  CHECK(raw->Get(kSeries, {{"Accept-Encoding", "gzip"}, {"If-None-Match", plain->get_header_value("ETag")}})->status ==
        200);
  // httplib's decompressing client reads the same JSON from the gzip form.
  auto decompressed = server.Client()->Get(kSeries, {{"Accept-Encoding", "gzip"}});
  CHECK(decompressed->body == plain->body);
}

TEST_CASE("64 concurrent requests of an answer not yet cached compute it once", "[server][cache][concurrency]") {
  TestServer server("cache-single-flight", [](perfgate::server::ServerOptions& options) {
    options.threads = 64;
    options.max_connections_per_address = 0;
  });
  std::string token = server.CreateToken("proj");
  auto client = server.Client();
  UploadCommits(*client, token, 0, 19);
  double misses_before = MetricValue(server, "perfgate_response_cache_misses_total");
  constexpr int kClients = 64;
  std::atomic<int> ready{0};
  std::atomic<int> ok{0};
  std::vector<std::string> bodies(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto own = server.Client();
      ++ready;
      while (ready.load() < kClients) std::this_thread::yield();
      auto result = own->Get(kSeries);
      if (result && result->status == 200) {
        ++ok;
        bodies[c] = result->body;
      }
    });
  }
  for (std::thread& thread : clients) thread.join();
  CHECK(ok.load() == kClients);
  CHECK(MetricValue(server, "perfgate_response_cache_misses_total") - misses_before == 1);
  for (const std::string& body : bodies) CHECK(body == bodies[0]);
}

TEST_CASE("The cache holds no more than its byte bound and still answers correctly", "[server][cache]") {
  constexpr std::size_t kBound = 4096;
  TestServer server("cache-bound", [](perfgate::server::ServerOptions& options) { options.cache_bytes = kBound; });
  std::string token = server.CreateToken("proj");
  auto client = server.Client();
  UploadCommits(*client, token, 0, 4);
  for (const char* benchmark : {"BM_A", "BM_B", "BM_A", "BM_B"}) {
    auto result = client->Get(std::string("/api/v1/projects/proj/series?benchmark=") + benchmark);
    REQUIRE(result->status == 200);
    CHECK(PointsOf(result) == 5);
    CHECK(MetricValue(server, "perfgate_response_cache_bytes") <= kBound);
  }
  CHECK(client->Get("/api/v1/projects/proj/benchmarks")->status == 200);
  CHECK(MetricValue(server, "perfgate_response_cache_bytes") <= kBound);
  CHECK(MetricValue(server, "perfgate_response_cache_entries") >= 1);
}

TEST_CASE("On a private server a cached answer reaches only tokens that may read the project",
          "[server][cache][private]") {
  TestServer server("cache-private", [](perfgate::server::ServerOptions& options) { options.private_reads = true; });
  std::string token_a = server.CreateToken("proj", "pgt_token_of_project_a_0123");
  std::string token_b = server.CreateToken("other", "pgt_token_of_project_b_0123");
  auto client = server.Client();
  UploadCommits(*client, token_a, 0, 0);
  UploadCommits(*client, token_b, 0, 0, "other");

  auto allowed = client->Get(kSeries, Bearer(token_a));
  REQUIRE(allowed->status == 200);
  CHECK(client->Get(kSeries, Bearer(token_a))->status == 200);  // now cached
  CHECK(client->Get(kSeries, Bearer(token_b))->status == 404);
  CHECK(client->Get(kSeries)->status == 401);
  CHECK(client->Get(kSeries, {{"If-None-Match", allowed->get_header_value("ETag")}})->status == 401);
  // The project list is per token.
  auto list_a = JsonOf(client->Get("/api/v1/projects", Bearer(token_a)));
  auto list_b = JsonOf(client->Get("/api/v1/projects", Bearer(token_b)));
  REQUIRE(list_a["projects"].size() == 1);
  REQUIRE(list_b["projects"].size() == 1);
  CHECK(list_a["projects"][0]["name"] == "proj");
  CHECK(list_b["projects"][0]["name"] == "other");
  // A revoked token stops reading at once, though the data did not change.
  {
    auto store = perfgate::store::OpenSqliteStore(server.options().db_path);
    for (const auto& info : store->ListTokens("proj")) store->RevokeToken("proj", info.id);
  }
  CHECK(client->Get(kSeries, Bearer(token_a))->status == 404);
}

TEST_CASE("Large answers, sent from the body file, are whole and fresh while uploads and reads overlap",
          "[server][cache][concurrency]") {
  TestServer server("cache-large");
  std::string token = server.CreateToken("proj");
  auto uploader = server.Client();
  // Each upload adds 200 benchmarks: the list passes the body file's 16 kB at once.
  auto upload = [&](int index) {
    std::vector<std::pair<std::string, std::vector<double>>> benchmarks;
    for (int b = 0; b < 200; ++b) {
      benchmarks.push_back({"BM_Upload" + std::to_string(index) + "_Case" + std::to_string(b), {10.0 + b}});
    }
    auto result = uploader->Post(RunsTarget("proj", Sha(index)), Bearer(token), GbenchJson(benchmarks),
                                 "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 201);
  };
  upload(0);
  const std::string list = "/api/v1/projects/proj/benchmarks";

  constexpr int kUploads = 15;
  std::atomic<int> acknowledged{1};
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> stale{0};
  std::atomic<int> broken{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 6; ++r) {
    readers.emplace_back([&, r] {
      auto client = server.Client();
      httplib::Headers headers;
      if (r % 2 == 1) headers.emplace("Accept-Encoding", "gzip");
      while (!done) {
        int before = acknowledged.load();
        auto result = client->Get(list, headers);
        json body = JsonOf(result);
        if (!result || result->status != 200 || !body.contains("benchmarks")) {
          ++broken;  // cut short or garbled bytes do not parse
          continue;
        }
        if (body["benchmarks"].size() < static_cast<std::size_t>(200 * before)) ++stale;
        ++reads;
      }
    });
  }
  for (int i = 1; i <= kUploads; ++i) {
    upload(i);
    ++acknowledged;
  }
  int reads_at_end = reads.load();
  while (reads.load() < reads_at_end + 12 && broken.load() == 0) std::this_thread::yield();
  done = true;
  for (std::thread& reader : readers) reader.join();

  CHECK(broken.load() == 0);
  CHECK(stale.load() == 0);
  CHECK(reads.load() > kUploads);
  auto last = server.Client()->Get(list);
  REQUIRE(last);
  CHECK(last->body.size() > 16 * 1024);
  CHECK(JsonOf(last)["benchmarks"].size() == 200 * (kUploads + 1));
  CHECK(MetricValue(server, "perfgate_response_cache_hits_total") > 0);
}
