// The dashboard's static route: files from the web root, the single-page
// fallback, and no path of the file system outside the root.

#include <catch2/catch.hpp>

#include <fstream>
#include <span>

#include "static_files.hpp"

#include "server_test_support.hpp"

using namespace perfgate::server::testing;

namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Sends a request line exactly as written (no client-side normalisation) and
// returns the raw response.
std::string RawGet(int port, const std::string& target) {
  httplib::Client client("127.0.0.1", port);
  client.set_url_encode(false);
  auto result = client.Get(target);
  if (!result) return "<no response>";
  return std::to_string(result->status) + "\n" + result->body;
}

}  // namespace

TEST_CASE("The static route serves the dashboard and nothing outside its root", "[server][static]") {
  std::filesystem::path outside = FreshDirectory("static-outside");
  Write(outside / "secret.txt", "TOP-SECRET-CONTENT");
  std::filesystem::path root = FreshDirectory("static-root");
  Write(root / "index.html", "<!doctype html><title>perfgate dashboard</title>");
  Write(root / "assets" / "app-1234.js", "console.log('app')");
  std::filesystem::create_directory_symlink(outside, root / "escape");
  std::filesystem::create_symlink(outside / "secret.txt", root / "secret-link.txt");

  TestServer server("static", [&](perfgate::server::ServerOptions& options) { options.web_root = root.string(); });
  auto client = server.Client();

  auto index = client->Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body.find("perfgate dashboard") != std::string::npos);
  CHECK(index->get_header_value("Content-Type").find("text/html") != std::string::npos);

  auto script = client->Get("/assets/app-1234.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->body == "console.log('app')");
  CHECK(script->get_header_value("Content-Type").find("javascript") != std::string::npos);
  CHECK(script->get_header_value("Cache-Control").find("immutable") != std::string::npos);

  // A deep link of the single-page application is its index.
  auto deep = client->Get("/projects/demo/series?benchmark=BM_Parse");
  REQUIRE(deep);
  CHECK(deep->status == 200);
  CHECK(deep->body.find("perfgate dashboard") != std::string::npos);
  auto dotted = client->Get("/projects/my.lib/series?benchmark=BM_Parse");
  REQUIRE(dotted);
  CHECK(dotted->status == 200);
  CHECK(dotted->body.find("perfgate dashboard") != std::string::npos);
  auto slashed = client->Get("/projects/team%2Fperf/series?benchmark=BM_Parse");
  REQUIRE(slashed);
  CHECK(slashed->status == 200);
  auto no_file = client->Get("/favicon.ico");
  REQUIRE(no_file);
  CHECK(no_file->status == 404);
  auto missing = client->Get("/assets/gone.js");
  REQUIRE(missing);
  CHECK(missing->status == 404);

  for (const std::string target :
       {"/../static-outside-secret.txt", "/..%2fsecret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/assets/../../secret.txt", "/%2Fetc%2Fpasswd", "//etc/passwd", "/escape/secret.txt", "/secret-link.txt",
        "/..%5c..%5csecret.txt", "/assets/%00.js", "/%2e%2e", "/.", "/./index.html"}) {
    INFO(target);
    std::string response = RawGet(server.port(), target);
    CHECK(response.find("TOP-SECRET") == std::string::npos);
    CHECK(response.find("root:") == std::string::npos);
    CHECK(response.substr(0, 3) != "200");
  }
  // A directory reached through a symlink out of the root has no index of its own:
  // the dashboard's index answers, never a listing or a file from outside.
  CHECK(RawGet(server.port(), "/escape/").find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("Without a built dashboard every page says how to build it", "[server][static]") {
  TestServer server("nodash");  // web_root points at a missing directory
  auto page = server.Client()->Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("npm run build") != std::string::npos);
  CHECK(page->body.find("--web-dir") != std::string::npos);
}

TEST_CASE("A directory's files carry an ETag, and a matching If-None-Match gets 304 without a body", "[server][static]") {
  std::filesystem::path root = FreshDirectory("etag-root");
  Write(root / "index.html", "<!doctype html><title>perfgate dashboard</title>");
  Write(root / "assets" / "app-1234.js", "console.log('app')");
  TestServer server("etag", [&](perfgate::server::ServerOptions& options) { options.web_root = root.string(); });
  auto client = server.Client();

  auto script = client->Get("/assets/app-1234.js");
  REQUIRE(script);
  std::string etag = script->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(script->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  auto again = client->Get("/assets/app-1234.js", httplib::Headers{{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(again->get_header_value("ETag") == etag);

  auto index = client->Get("/");
  REQUIRE(index);
  CHECK(index->get_header_value("Cache-Control") == "no-cache");
  std::string index_etag = index->get_header_value("ETag");
  CHECK(index_etag != etag);
  // The page changes (a new build): the old ETag no longer matches.
  Write(root / "index.html", "<!doctype html><title>perfgate dashboard v2</title>");
  auto changed = client->Get("/", httplib::Headers{{"If-None-Match", index_etag}});
  REQUIRE(changed);
  CHECK(changed->status == 200);
  CHECK(changed->body.find("v2") != std::string::npos);
  CHECK(changed->get_header_value("ETag") != index_etag);
}

TEST_CASE("Embedded files are served by path, with their hash as ETag and the single-page fallback", "[server][static]") {
  using perfgate::server::EmbeddedFile;
  using perfgate::server::StaticFiles;
  const EmbeddedFile files[] = {
      {"assets/app-1a2b.js", "console.log('embedded')", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
      {"docs/index.html", "<p>docs</p>", "1111111111111111111111111111111111111111111111111111111111111111"},
      {"index.html", "<!doctype html><title>embedded</title>", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"},
  };
  StaticFiles dashboard{std::span<const EmbeddedFile>(files)};
  REQUIRE(dashboard.HasDashboard());

  auto script = dashboard.Serve({"assets", "app-1a2b.js"});
  CHECK(script.status == 200);
  CHECK(script.body == "console.log('embedded')");
  CHECK(script.content_type.find("javascript") != std::string::npos);
  CHECK(script.etag == "\"0123456789abcdef0123456789abcdef\"");
  CHECK(script.cache_control.find("immutable") != std::string::npos);
  auto not_modified = dashboard.Serve({"assets", "app-1a2b.js"}, "W/\"other\", \"0123456789abcdef0123456789abcdef\"");
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());

  auto index = dashboard.Serve({});
  CHECK(index.status == 200);
  CHECK(index.body.find("embedded") != std::string::npos);
  CHECK(index.cache_control == "no-cache");
  CHECK(dashboard.Serve({"projects", "my.lib", "series"}).body == index.body);
  CHECK(dashboard.Serve({"alerts"}).body == index.body);
  CHECK(dashboard.Serve({"docs", ""}).body == "<p>docs</p>");
  CHECK(dashboard.Serve({"assets", "gone.js"}).status == 404);
  CHECK(dashboard.Serve({"favicon.ico"}).status == 404);
  CHECK(dashboard.Serve({"..", "etc", "passwd"}).status == 400);
  CHECK(dashboard.Serve({"assets", "a\\b.js"}).status == 400);

  StaticFiles empty{std::span<const EmbeddedFile>()};
  CHECK_FALSE(empty.HasDashboard());
  CHECK(empty.Serve({}).body.find("npm run build") != std::string::npos);
}

TEST_CASE("If-None-Match matches by weak comparison, lists and the wildcard", "[server][static]") {
  using perfgate::server::EtagMatches;
  CHECK(EtagMatches("\"a\"", "\"a\""));
  CHECK(EtagMatches("W/\"a\"", "\"a\""));
  CHECK(EtagMatches("\"x\", \"a\"", "\"a\""));
  CHECK(EtagMatches("*", "\"a\""));
  CHECK_FALSE(EtagMatches("\"b\"", "\"a\""));
  CHECK_FALSE(EtagMatches("", "\"a\""));
  CHECK_FALSE(EtagMatches("\"a", "\"a\""));
}
