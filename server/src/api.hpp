#pragma once
// The routes of DESIGN.md's HTTP API, independent of the HTTP library: a
// request in (method, raw target, headers that matter, body), a response out.
// Every failure is answered here as {"error":{"code","message"}}; bad input is
// 400 naming where, never 500.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "change_cache.hpp"
#include "perfgate/gate/series.hpp"
#include "metrics.hpp"
#include "response_cache.hpp"
#include "static_files.hpp"
#include "store_pool.hpp"

namespace perfgate::server {

struct ApiRequest {
  std::string method;
  std::string target;         // raw, still percent-encoded: "/api/v1/projects/a%2Fb/series?benchmark=x"
  std::string authorization;  // the Authorization header, "" when absent
  std::string_view body;      // valid for the call
  std::string if_none_match;  // the If-None-Match header, "" when absent (dashboard files and cached answers: 304)
  bool accepts_gzip = false;  // Accept-Encoding allows gzip: cached answers come in their gzip form
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A cached answer's body, shared with the cache instead of copied; when set,
  // `body` is empty and this is what is sent.
  std::shared_ptr<const std::string> shared_body;
  // The same bytes in the body file, when they are there: sent with
  // sendfile(2) instead of from `shared_body`.
  std::shared_ptr<const FileSlice> body_file;
  std::map<std::string, std::string> headers;
  // The route template that answered ("/api/v1/projects/{project}/series"),
  // for logs and metrics; "static" for dashboard files, "unmatched" otherwise.
  std::string route = "unmatched";
  // A token was presented and refused (401 malformed, 403, or a private
  // server's 404): the transport throttles failed authentication by address.
  bool failed_authentication = false;
};

struct ApiOptions {
  bool private_reads = false;
  std::string public_url;  // ServerOptions::public_url
  // Seconds since the epoch; the server passes the wall clock, tests a fixed one.
  std::function<std::int64_t()> now;
  // Bytes of cached answers of the GET routes that depend only on stored data
  // (response_cache.hpp); 0 = none kept.
  std::size_t cache_bytes = std::size_t{64} << 20;
};

// The route template a request will be answered by, computed from the raw target
// alone (for requests httplib answers before routing, such as 413).
std::string RouteTemplate(std::string_view method, std::string_view target);

class Api {
 public:
  Api(StorePool& stores, Metrics& metrics, const StaticFiles& static_files, ApiOptions options);

  // Never throws: an exception of the environment (store::StoreError) is a 500
  // with its message; anything else a 500 "internal error".
  ApiResponse Handle(const ApiRequest& request);

  // The cached answer of a request, when there is one for the store's current
  // data version; nullopt otherwise (and always on a private server, where
  // reads are authorised first). Cheap: meant for the I/O threads, so a hit
  // needs no handler thread. Never throws.
  std::optional<ApiResponse> TryCached(const ApiRequest& request);

  ResponseCache::Stats CacheStats() const { return cache_.Snapshot(); }

 private:
  struct Context;
  // The one route table: template, method and handler of every route; both
  // Route and RouteTemplate read it.
  struct RouteEntry;
  friend std::string RouteTemplate(std::string_view method, std::string_view target);
  // The route of a decoded path (a trailing "/" ignored) and, for project
  // routes, the project segment; null when none matches.
  static const RouteEntry* FindRoute(std::vector<std::string> path, std::string* project);
  ApiResponse Route(const ApiRequest& request);
  // A cached route's answer: from the cache, or computed once by its handler.
  ApiResponse CachedRoute(Context& context, const RouteEntry& entry);
  // The cache key of a request to a cached route; nullopt when this request's
  // answer is not cached (a private server's project list, which depends on
  // tokens that DataVersion does not follow).
  std::optional<std::string> CacheKey(Context& context, const RouteEntry& entry);
  ApiResponse Upload(Context& context);
  ApiResponse Projects(Context& context);
  ApiResponse Benchmarks(Context& context);
  ApiResponse SeriesRoute(Context& context);
  ApiResponse Compare(Context& context);
  ApiResponse Check(Context& context);
  ApiResponse Alerts(Context& context);
  ApiResponse OverviewRoute(Context& context);
  ApiResponse TriageRoute(Context& context);
  ApiResponse SeriesSvgRoute(Context& context);
  ApiResponse DistributionRoute(Context& context);
  ApiResponse ConfigRoute(Context& context);
  // The name of the request's (already authorized) token, for who set a triage or config.
  gate::ChangesOf ChangesFor(const std::string& project, std::size_t limit);
  std::string TokenName(Context& context);
  ApiResponse Healthz(Context& context);
  ApiResponse MetricsRoute(Context& context);
  // Throws the 401/403 answer unless the request may read (write = false) or
  // write the project; reads pass without a token unless reads are private.
  void Authorize(Context& context, bool write);
  // Throws 400 for an unusable name, 404 for an unknown project.
  void RequireProject(Context& context);

  StorePool& stores_;
  class Metrics& metrics_;
  const StaticFiles& static_files_;
  ApiOptions options_;

  ResponseCache cache_;
  ChangePointCache change_points_;
};

}  // namespace perfgate::server
