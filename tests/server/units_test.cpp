// The server's small pieces: URL decoding and the demo history.

#include <catch2/catch.hpp>

#include "http_util.hpp"
#include "perfgate/gate/alert_groups.hpp"
#include "perfgate/gate/overview.hpp"
#include "perfgate/server/demo.hpp"
#include "server_test_support.hpp"

using namespace perfgate::server;

TEST_CASE("Path segments are decoded one by one so an encoded slash stays inside its segment", "[server][url]") {
  auto segments = DecodePathSegments("/api/v1/projects/a%2Fb%20c/series");
  REQUIRE(segments);
  CHECK(*segments == std::vector<std::string>{"api", "v1", "projects", "a/b c", "series"});
  CHECK(*DecodePathSegments("/") == std::vector<std::string>{});
  CHECK(*DecodePathSegments("/a/") == std::vector<std::string>{"a", ""});
  CHECK(!DecodePathSegments("/a%2"));
  CHECK(!DecodePathSegments("/a%zz"));
  CHECK(*PercentDecode("a+b", false) == "a+b");
  CHECK(*PercentDecode("a+b", true) == "a b");
}

TEST_CASE("Query strings decode plus as space and keep the last of a repeated key", "[server][url]") {
  std::string bad;
  auto query = ParseQuery("benchmark=BM%2FA+x&limit=5&limit=7&empty=&flag", &bad);
  REQUIRE(query);
  CHECK(query->at("benchmark") == "BM/A x");
  CHECK(query->at("limit") == "7");
  CHECK(query->at("empty").empty());
  CHECK(query->at("flag").empty());
  CHECK(!ParseQuery("ok=1&bad=%g0", &bad));
  CHECK(bad == "bad");
}

TEST_CASE("The demo history fills only an empty store, with the promised shape", "[server][demo]") {
  auto dir = testing::FreshDirectory("demo");
  auto store = perfgate::store::OpenSqliteStore((dir / "demo.db").string());
  REQUIRE(FillDemo(*store));
  CHECK(!FillDemo(*store));  // a store with a project is left alone

  CHECK(store->Projects() == std::vector<std::string>{"demo"});
  CHECK(store->Testbeds("demo") == std::vector<std::string>{"linux-arm64", "linux-x86_64"});
  auto benchmarks = store->Benchmarks("demo", "BM_Parse/");
  CHECK(benchmarks.size() == 4);
  auto parse = store->LoadSeries(
      {.project = "demo", .benchmark = "BM_Parse/1024", .metric = "real_time", .branch = "main", .testbed = "linux-x86_64"});
  REQUIRE(parse);
  REQUIRE(parse->points.size() == 320);
  for (const auto& point : parse->points) {
    CHECK(point.n >= 5);
    CHECK(point.n <= 9);
  }
  // The step regression at commit 210 is in the data: the levels differ by ~18 %.
  double before = parse->points[200].value;
  double after = parse->points[220].value;
  CHECK(after / before == Approx(1.18).margin(0.05));
  auto throughput = store->LoadSeries({.project = "demo", .benchmark = "BM_Parse/1024", .metric = "bytes_per_second"});
  REQUIRE(throughput);
  CHECK(throughput->metric.direction == perfgate::model::Direction::kHigherIsBetter);
  // Pull-request branches hang off main through parent links.
  auto head = store->ResolveCommit("demo", "refactor/serializer");
  REQUIRE(head);
  CHECK(head->pull_request == 131);
  auto ancestors = store->Ancestors("demo", head->sha, 10);
  REQUIRE(ancestors.size() == 10);
  CHECK(ancestors.back().branch == "main");
}

TEST_CASE("The demo's overview shows a regression and an improvement, its alerts at least one group", "[server][demo]") {
  auto dir = testing::FreshDirectory("demo_overview");
  auto store = perfgate::store::OpenSqliteStore((dir / "demo.db").string());
  REQUIRE(FillDemo(*store));
  auto overview = perfgate::gate::ProjectOverview(*store, {.project = "demo"});
  REQUIRE(overview);
  CHECK(overview->branch == "main");
  CHECK(overview->testbed == "linux-arm64");  // the head's first testbed; the demo has no "default"
  CHECK(overview->benchmarks.size() == 16);
  CHECK(overview->counts.regressed >= 1);
  CHECK(overview->counts.improved >= 1);
  CHECK(overview->benchmarks.front().status == perfgate::gate::OverviewStatus::kRegressed);
  CHECK(overview->benchmarks.front().benchmark == "BM_Serialize/msgpack");
  auto groups = perfgate::gate::FindAlertGroups(*store, {.alerts = {.project = "demo"}}, {});
  REQUIRE(groups);
  REQUIRE(!groups->empty());
  bool parse_group = false;
  for (const auto& group : *groups) {
    for (const auto& alert : group.alerts) parse_group = parse_group || alert.benchmark == "BM_Parse/1024";
  }
  CHECK(parse_group);
}
