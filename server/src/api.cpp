#include "api.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "change_cache.hpp"
#include "http_util.hpp"
#include "response_cache.hpp"
#include "static_files.hpp"
#include "perfgate/config/config.hpp"
#include "perfgate/detect/budget_check.hpp"
#include "perfgate/detect/change_points.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/gate/alerts.hpp"
#include "perfgate/gate/alert_groups.hpp"
#include "perfgate/gate/distribution.hpp"
#include "perfgate/gate/overview.hpp"
#include "perfgate/gate/check.hpp"
#include "perfgate/gate/compare.hpp"
#include "perfgate/gate/refs.hpp"
#include "perfgate/gate/series.hpp"
#include "perfgate/model/names.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "perfgate/parse/parse.hpp"
#include "perfgate/report/check_report.hpp"
#include "perfgate/report/compare_report.hpp"
#include "perfgate/report/series_report.hpp"
#include "perfgate/report/series_svg.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::server {

namespace {

constexpr std::size_t kMaxSeriesLimit = 100000;

// Ends the current request with an error answer; caught in Api::Handle. Only
// used inside a request, where it is the one way out of deep validation.
struct RequestError {
  int status;
  std::string code;
  std::string message;
  std::string where;
  std::map<std::string, std::string> headers = {};
  bool failed_authentication = false;  // a token was presented and refused
};

ApiResponse Json(int status, const nlohmann::json& body) {
  return ApiResponse{.status = status, .content_type = "application/json", .body = Dump(body), .headers = {},
                     .route = ""};
}

ApiResponse ErrorResponse(const RequestError& error) {
  return ApiResponse{.status = error.status, .content_type = "application/json",
                     .body = ErrorBody(error.code, error.message, error.where), .headers = error.headers,
                     .route = "", .failed_authentication = error.failed_authentication};
}

// Project, branch, testbed and benchmark names follow the one name rule
// (model/names.hpp) that the CLI follows too.
void RequireText(const std::string& where, const std::string& value, bool required) {
  if (value.empty()) {
    if (required) throw RequestError{400, "missing_parameter", where + ": required", where};
    return;
  }
  if (auto problem = model::NameProblem(value)) throw RequestError{400, "invalid_parameter", where + ": " + *problem, where};
}

// A use case's expected failure as the API answers it: 400 or 404 with its message.
RequestError FromGate(const gate::GateError& error) {
  bool not_found = error.kind == gate::ErrorKind::kNotFound;
  std::string code = !error.code.empty() ? error.code : not_found ? "not_found" : "invalid_parameter";
  return RequestError{not_found ? 404 : 400, code, error.message, error.where};
}

template <typename T>
T OrThrow(gate::Result<T> result) {
  if (!result) throw FromGate(result.error());
  return std::move(*result);
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "5%" or "0.05" -> 0.05.
std::optional<double> ParseFraction(const std::string& text) {
  if (!text.empty() && text.back() == '%') {
    auto percent = ParseNumber(text.substr(0, text.size() - 1));
    if (!percent) return std::nullopt;
    return *percent / 100;
  }
  return ParseNumber(text);
}

std::optional<std::int64_t> ParseInteger(const std::string& text, std::int64_t min, std::int64_t max) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

// The token of "Bearer TOKEN" (scheme case-insensitive); "" when the header is not that.
std::string BearerToken(const std::string& header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return "";
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return "";
  }
  std::size_t begin = header.find_first_not_of(" \t", kScheme.size());
  if (begin == std::string::npos) return "";
  std::size_t end = header.find_last_not_of(" \t");
  return header.substr(begin, end - begin + 1);
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The change-point cache's key of a loaded series.
std::string SeriesKey(const std::string& project, const store::Series& series, std::size_t limit) {
  std::string key = project;
  for (const std::string* part : {&series.benchmark, &series.metric.name, &series.testbed, &series.branch}) {
    key += '\0';
    key += *part;
  }
  return key + '\0' + std::to_string(limit);
}

}  // namespace

struct Api::Context {
  const ApiRequest& request;
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
  std::string project;

  std::string Param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

Api::Api(StorePool& stores, class Metrics& metrics, const StaticFiles& static_files, ApiOptions options)
    : stores_(stores),
      metrics_(metrics),
      static_files_(static_files),
      options_(std::move(options)),
      cache_(options_.cache_bytes) {
  if (!options_.now) options_.now = [] { return std::int64_t{0}; };
}

ApiResponse Api::Handle(const ApiRequest& request) {
  ApiResponse response;
  try {
    response = Route(request);
    return response;
  } catch (const RequestError& error) {
    response = ErrorResponse(error);
  } catch (const store::StoreError& error) {
    response = ErrorResponse(RequestError{500, "database_error", std::string("database: ") + error.what(), ""});
  } catch (const std::exception& error) {
    response = ErrorResponse(RequestError{500, "internal_error", std::string("internal error: ") + error.what(), ""});
  } catch (...) {
    response = ErrorResponse(RequestError{500, "internal_error", "internal error", ""});
  }
  return response;
}

namespace {

RequestError MethodNotAllowed(const std::string& method, const std::string& allowed) {
  return RequestError{405, "method_not_allowed", method + " is not allowed here; use " + allowed, "",
                      {{"Allow", allowed}}};
}

}  // namespace

struct Api::RouteEntry {
  const char* route;  // the template, also the `route` label of logs and metrics
  const char* method;  // GET routes answer HEAD too
  ApiResponse (Api::*handler)(Context&);
  // kCached: the answer depends only on stored data (and the query), so it is
  // computed once per store data version and served from the response cache.
  bool cached = false;
};

namespace {
constexpr bool kCached = true;
}  // namespace

const Api::RouteEntry* Api::FindRoute(std::vector<std::string> path, std::string* project) {
  static const RouteEntry kProjects{"/api/v1/projects", "GET", &Api::Projects, kCached};
  // /api/v1/projects/{project}/<leaf>
  static const std::pair<std::string_view, RouteEntry> kProjectRoutes[] = {
      {"runs", {"/api/v1/projects/{project}/runs", "POST", &Api::Upload}},
      {"benchmarks", {"/api/v1/projects/{project}/benchmarks", "GET", &Api::Benchmarks, kCached}},
      {"series", {"/api/v1/projects/{project}/series", "GET", &Api::SeriesRoute, kCached}},
      {"compare", {"/api/v1/projects/{project}/compare", "GET", &Api::Compare, kCached}},
      {"check", {"/api/v1/projects/{project}/check", "POST", &Api::Check}},
      {"alerts", {"/api/v1/projects/{project}/alerts", "GET", &Api::Alerts, kCached}},
      {"overview", {"/api/v1/projects/{project}/overview", "GET", &Api::OverviewRoute, kCached}},
      {"config", {"/api/v1/projects/{project}/config", "GET, PUT", &Api::ConfigRoute, kCached}},
      {"series.svg", {"/api/v1/projects/{project}/series.svg", "GET", &Api::SeriesSvgRoute, kCached}},
      {"distribution", {"/api/v1/projects/{project}/distribution", "GET", &Api::DistributionRoute, kCached}},
  };
  // /api/v1/projects/{project}/<leaf>/{item}
  static const std::pair<std::string_view, RouteEntry> kItemRoutes[] = {
      {"alerts", {"/api/v1/projects/{project}/alerts/{group}", "POST", &Api::TriageRoute}},
  };
  static const std::pair<std::string_view, RouteEntry> kTopRoutes[] = {
      {"healthz", {"/healthz", "GET", &Api::Healthz}},
      {"metrics", {"/metrics", "GET", &Api::MetricsRoute}},
  };
  if (!path.empty() && path.back().empty()) path.pop_back();  // "/api/v1/projects/"
  if (!path.empty() && path[0] == "api") {
    if (path.size() < 3 || path[1] != "v1" || path[2] != "projects") return nullptr;
    if (path.size() == 3) return &kProjects;
    if (path.size() == 6) {
      for (const auto& [leaf, entry] : kItemRoutes) {
        if (leaf == path[4]) {
          *project = path[3];
          return &entry;
        }
      }
      return nullptr;
    }
    if (path.size() != 5) return nullptr;
    for (const auto& [leaf, entry] : kProjectRoutes) {
      if (leaf == path[4]) {
        *project = path[3];
        return &entry;
      }
    }
    return nullptr;
  }
  if (path.size() == 1) {
    for (const auto& [leaf, entry] : kTopRoutes) {
      if (leaf == path[0]) return &entry;
    }
  }
  return nullptr;
}

std::string RouteTemplate(std::string_view method, std::string_view target) {
  auto segments = DecodePathSegments(SplitTarget(target).path);
  if (!segments) return "unmatched";
  std::string project;
  if (const Api::RouteEntry* entry = Api::FindRoute(*segments, &project)) return entry->route;
  if (!segments->empty() && (*segments)[0] == "api") return "unmatched";
  return method == "GET" || method == "HEAD" ? "static" : "unmatched";
}

ApiResponse Api::Route(const ApiRequest& request) {
  Target target = SplitTarget(request.target);
  auto segments = DecodePathSegments(target.path);
  if (!segments) throw RequestError{400, "bad_path", "path: malformed percent-encoding", "path"};
  std::string bad_key;
  auto query = ParseQuery(target.query, &bad_key);
  if (!query) throw RequestError{400, "bad_query", bad_key + ": malformed percent-encoding", bad_key};
  Context context{request, std::move(*segments), std::move(*query), ""};
  const std::vector<std::string>& path = context.segments;
  const std::string& method = request.method;

  if (const RouteEntry* entry = FindRoute(path, &context.project)) {
    ApiResponse response;
    std::string_view allowed = entry->method;  // "GET" or a list: "GET, PUT"
    bool get_allowed = allowed.starts_with("GET");
    bool listed = false;
    for (std::size_t begin = 0; begin < allowed.size();) {
      std::size_t end = std::min(allowed.find(", ", begin), allowed.size());
      listed = listed || allowed.substr(begin, end - begin) == method;
      begin = end + 2;
    }
    if (!listed && !(get_allowed && method == "HEAD")) {
      response = ErrorResponse(MethodNotAllowed(method, std::string(allowed)));
    } else {
      try {
        // Only reads are cached: a route that also takes writes (a PUT) computes those.
        bool read = method == "GET" || method == "HEAD";
        response = entry->cached && read ? CachedRoute(context, *entry) : (this->*entry->handler)(context);
      } catch (const RequestError& error) {
        response = ErrorResponse(error);
      }
    }
    response.route = entry->route;
    return response;
  }
  if (!path.empty() && path[0] == "api") {
    ApiResponse response = ErrorResponse(
        RequestError{404, "not_found", "no API route " + std::string(target.path) + " (see server/README.md: /api/v1/...)", ""});
    response.route = "unmatched";
    return response;
  }
  if (method != "GET" && method != "HEAD") {
    ApiResponse response = ErrorResponse(MethodNotAllowed(method, "GET"));
    response.route = "static";
    return response;
  }
  if (target.path.find("//") != std::string_view::npos) {
    ApiResponse response = ErrorResponse(RequestError{400, "bad_path", "path: empty segment ('//')", "path"});
    response.route = "static";
    return response;
  }
  StaticResponse file = static_files_.Serve(path, request.if_none_match);
  ApiResponse response;
  if (file.status >= 400) {
    response = ErrorResponse(RequestError{file.status, file.error_code, file.body, file.status == 400 ? "path" : ""});
  } else {
    response.status = file.status;
    response.content_type = file.content_type;
    response.body = std::move(file.body);
    if (!file.cache_control.empty()) response.headers["Cache-Control"] = file.cache_control;
    if (!file.etag.empty()) response.headers["ETag"] = file.etag;
  }
  response.route = "static";
  return response;
}

namespace {

// A cached answer as one client receives it: the gzip form when it accepts
// gzip, 304 without a body when If-None-Match names the answer's ETag; with
// `from_file`, its body from the body file when it is large (sendfile).
ApiResponse FromCache(const std::shared_ptr<const CachedAnswer>& answer, bool accepts_gzip,
                      std::string_view if_none_match, bool from_file) {
  ApiResponse response;
  response.content_type = answer->content_type;
  response.headers = answer->headers;
  response.status = answer->status;
  if (answer->status != 200) {
    response.body = answer->body;  // an error shared by concurrent askers; never stored
    return response;
  }
  bool gzip = accepts_gzip && answer->compressible && !answer->GzipBody().empty();
  const std::string& etag = gzip ? answer->gzip_etag : answer->etag;
  response.headers["ETag"] = etag;
  // Fresh only until the next upload: browsers revalidate (and get a 304).
  response.headers["Cache-Control"] = "no-cache";
  if (answer->compressible) response.headers["Vary"] = "Accept-Encoding";
  if (!if_none_match.empty() && EtagMatches(if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  if (gzip) response.headers["Content-Encoding"] = "gzip";
  response.shared_body = std::shared_ptr<const std::string>(answer, gzip ? &answer->GzipBody() : &answer->body);
  if (from_file) response.body_file = answer->File(gzip);
  return response;
}

void AppendKeyPart(std::string& key, std::string_view part) {
  key += std::to_string(part.size());
  key += ':';
  key += part;
}

}  // namespace

std::optional<std::string> Api::CacheKey(Context& context, const RouteEntry& entry) {
  std::string key;
  AppendKeyPart(key, entry.route);
  AppendKeyPart(key, context.project);
  if (options_.private_reads) {
    // What the token may read: a project route's answer is the same for every
    // token that may read the project, and RequireProject checks that one may
    // (on every request, so a revoked token stops reading at once). The
    // project list depends on which tokens exist, which the data version does
    // not follow: it is not cached.
    if (context.project.empty()) return std::nullopt;
    RequireProject(context);
    AppendKeyPart(key, "reader-of-project");
  }
  for (const auto& [name, value] : context.query) {  // a std::map: sorted, so the order of the query does not matter
    AppendKeyPart(key, name);
    AppendKeyPart(key, value);
  }
  return key;
}

ApiResponse Api::CachedRoute(Context& context, const RouteEntry& entry) {
  std::optional<std::string> key = CacheKey(context, entry);
  if (!key) return (this->*entry.handler)(context);
  // Read before computing: the answer then holds at least this version's data,
  // and is served only while the version is unchanged, so no answer is older
  // than an upload acknowledged before the request.
  std::int64_t version = stores_.Read()->DataVersion();
  auto answer = cache_.FindOrCompute(*key, version, [&] {
    ApiResponse computed;
    try {
      computed = (this->*entry.handler)(context);
    } catch (const RequestError& error) {
      computed = ErrorResponse(error);
    }
    return MakeCachedAnswer(computed.status, std::move(computed.content_type), std::move(computed.headers),
                            std::move(computed.body));
  });
  // Sent from memory: most answers computed here are served once, or never
  // kept (--cache-bytes 0); the hits that follow go through TryCached.
  return FromCache(answer, context.request.accepts_gzip, context.request.if_none_match, /*from_file=*/false);
}

std::optional<ApiResponse> Api::TryCached(const ApiRequest& request) {
  if (options_.private_reads || (request.method != "GET" && request.method != "HEAD")) return std::nullopt;
  try {
    Target target = SplitTarget(request.target);
    auto segments = DecodePathSegments(target.path);
    if (!segments) return std::nullopt;
    auto query = ParseQuery(target.query, nullptr);
    if (!query) return std::nullopt;
    Context context{request, std::move(*segments), std::move(*query), ""};
    const RouteEntry* entry = FindRoute(context.segments, &context.project);
    if (entry == nullptr || !entry->cached) return std::nullopt;
    std::optional<std::string> key = CacheKey(context, *entry);
    if (!key) return std::nullopt;
    auto answer = cache_.Find(*key, stores_.Read()->DataVersion());
    if (!answer) return std::nullopt;
    if (request.accepts_gzip && !answer->GzipReady()) return std::nullopt;  // compressing is a handler's work
    ApiResponse response = FromCache(answer, request.accepts_gzip, request.if_none_match, /*from_file=*/true);
    response.route = entry->route;
    return response;
  } catch (...) {
    return std::nullopt;  // the handler thread answers, and reports the error
  }
}

void Api::Authorize(Context& context, bool write) {
  if (!write && !options_.private_reads) return;
  const std::string& header = context.request.authorization;
  std::map<std::string, std::string> challenge{{"WWW-Authenticate", "Bearer realm=\"perfgate\""}};
  std::string what = write ? "writing to" : "reading";
  if (header.empty()) {
    throw RequestError{401, "missing_token",
                       "Authorization: Bearer TOKEN is required for " + what + " project " + context.project +
                           " (create one with `perfgate token create`)",
                       "Authorization", challenge};
  }
  std::string token = BearerToken(header);
  if (token.empty()) {
    throw RequestError{401, "bad_authorization", "Authorization: expected \"Bearer TOKEN\"", "Authorization",
                       challenge, true};
  }
  if (!context.project.empty()) {
    if (!stores_.Read()->VerifyToken(context.project, store::HashToken(token))) {
      throw RequestError{403, "forbidden",
                         "the token is not valid for project " + context.project + " (unknown or revoked)",
                         "Authorization", {}, true};
    }
  }
}

void Api::RequireProject(Context& context) {
  RequireText("project", context.project, true);
  if (options_.private_reads) {
    // One answer for a project that does not exist and one the token may not
    // read (a token is only ever valid for an existing project), so a private
    // server does not tell which names exist. Without a token: 401 for both.
    try {
      Authorize(context, /*write=*/false);
    } catch (const RequestError& error) {
      if (error.status != 403) throw;
      throw RequestError{404, "project_not_found", "no project named " + context.project + " readable with this token",
                         "project", {}, true};
    }
  }
  if (!Contains(stores_.Read()->Projects(), context.project)) {
    throw RequestError{404, "project_not_found", "no project named " + context.project, "project"};
  }
}

ApiResponse Api::Upload(Context& context) {
  RequireText("project", context.project, true);
  Authorize(context, /*write=*/true);

  store::CommitInfo commit;
  commit.sha = context.Param("commit");
  RequireText("commit", commit.sha, true);
  commit.branch = context.Param("branch");
  RequireText("branch", commit.branch, false);
  commit.parent = context.Param("parent");
  RequireText("parent", commit.parent, false);
  std::string testbed = context.Param("testbed");
  if (testbed.empty()) testbed = "default";
  RequireText("testbed", testbed, true);
  std::string format = context.Param("format");
  if (format.empty()) format = "auto";
  if (format != "auto" && parse::FindFormat(format) == nullptr) {
    std::string known;
    for (const parse::Format& candidate : parse::Formats()) known += (known.empty() ? "" : ", ") + std::string(candidate.name);
    throw RequestError{400, "invalid_parameter", "format: unknown format " + format + " (known: auto, " + known + ")",
                       "format"};
  }
  if (std::string pr = context.Param("pr"); !pr.empty()) {
    auto number = ParseInteger(pr, 0, std::int64_t{1} << 40);
    if (!number) throw RequestError{400, "invalid_parameter", "pr: expected a pull request number, got " + pr, "pr"};
    commit.pull_request = *number;
  }
  std::int64_t now = options_.now();
  commit.time = now;
  if (std::string time = context.Param("time"); !time.empty()) {
    auto seconds = model::ParseIsoTime(time);
    if (!seconds) {
      throw RequestError{400, "invalid_parameter", "time: expected ISO 8601 such as 2024-01-05T10:00:00Z, got " + time,
                         "time"};
    }
    commit.time = *seconds;
  }
  std::string_view body = context.request.body;
  if (body.empty()) throw RequestError{400, "empty_body", "body: empty; send the results file as the body", "body"};

  // Parsing happens here, outside the writer lock: only the write is serialised.
  auto report = parse::Parse(body, format);
  if (!report) {
    const parse::ParseError& error = report.error();
    throw RequestError{400, "invalid_results", "body: " + error.Message(),
                       error.where.empty() ? "body" : "body: " + error.where};
  }
  if (report->benchmarks.empty()) {
    throw RequestError{400, "invalid_results", "body: the file holds no benchmark results", "body"};
  }
  if (auto problem = gate::PrepareResults(*report)) {
    throw RequestError{400, "invalid_results", "body: " + problem->message, "body: " + problem->where};
  }
  store::RunInput input{.project = context.project, .commit = std::move(commit), .testbed = std::move(testbed),
                        .report = std::move(*report), .received_at = now};
  store::IngestOutcome outcome = stores_.Write([&](store::Store& store) { return store.Ingest(input); });
  metrics_.RecordUpload(outcome.created, outcome.samples);
  return Json(outcome.created ? 201 : 200, {{"run_id", outcome.run_id},
                                            {"created", outcome.created},
                                            {"benchmarks", outcome.benchmarks},
                                            {"samples", outcome.samples},
                                            {"format", input.report.format}});
}

ApiResponse Api::Projects(Context& context) {
  auto reader = stores_.Read();
  std::vector<std::string> names = reader->Projects();
  if (options_.private_reads) {
    // Only the projects the token may read.
    Authorize(context, /*write=*/false);
    std::string hash = store::HashToken(BearerToken(context.request.authorization));
    std::erase_if(names, [&](const std::string& name) { return !reader->VerifyToken(name, hash); });
    if (names.empty()) throw RequestError{403, "forbidden", "the token is not valid for any project", "Authorization"};
  }
  nlohmann::json projects = nlohmann::json::array();
  for (const std::string& name : names) {
    projects.push_back({{"name", name}, {"testbeds", reader->Testbeds(name)}, {"branches", reader->Branches(name)}});
  }
  return Json(200, {{"projects", std::move(projects)}});
}

ApiResponse Api::Benchmarks(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  std::string query = context.Param("q");
  RequireText("q", query, false);
  auto reader = stores_.Read();
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const store::BenchmarkInfo& benchmark : reader->Benchmarks(context.project, query)) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const store::MetricInfo& metric : benchmark.metrics) {
      metrics.push_back({{"name", metric.name}, {"unit", metric.unit}, {"direction", model::ToString(metric.direction)}});
    }
    benchmarks.push_back({{"name", benchmark.name}, {"metrics", std::move(metrics)}});
  }
  return Json(200, {{"project", context.project},
                    {"testbeds", reader->Testbeds(context.project)},
                    {"branches", reader->Branches(context.project)},
                    {"benchmarks", std::move(benchmarks)}});
}

namespace {

// "json" (default), "markdown" or, where allowed, "text".
std::string FormatParam(const std::string& format, bool text_allowed) {
  if (format.empty()) return "json";
  if (format == "json" || format == "markdown" || (text_allowed && format == "text")) return format;
  throw RequestError{400, "invalid_parameter",
                     "format: expected json, markdown" + std::string(text_allowed ? " or text" : "") + ", got " + format,
                     "format"};
}

ApiResponse Rendered(std::string body, const char* content_type) {
  return ApiResponse{.status = 200, .content_type = content_type, .body = std::move(body), .headers = {}, .route = ""};
}

// One alert group as the alerts and triage routes answer it.
nlohmann::json AlertGroupJson(const gate::AlertGroup& group) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const gate::Alert& alert : group.alerts) {
    const gate::SeriesShift& shift = alert.shift;
    alerts.push_back({{"kind", alert.regression ? "regression" : "improvement"},
                      {"benchmark", alert.benchmark},
                      {"metric", alert.metric.name},
                      {"unit", alert.metric.unit},
                      {"direction", model::ToString(alert.metric.direction)},
                      {"testbed", alert.testbed},
                      {"base", alert.base},
                      {"before", shift.before},
                      {"after", shift.after},
                      {"change", std::isfinite(shift.change) ? nlohmann::json(shift.change) : nlohmann::json()},
                      {"p_value", shift.p_value}});
  }
  return {{"group", group.group},
          {"commit", {{"sha", group.commit.sha}, {"time", model::FormatIsoTime(group.commit.time)},
                      {"branch", group.commit.branch}}},
          {"status", group.status},
          {"note", group.note},
          {"updated_by", group.updated_by.empty() ? nlohmann::json() : nlohmann::json(group.updated_by)},
          {"updated_at", group.updated_at == 0 ? nlohmann::json() : nlohmann::json(model::FormatIsoTime(group.updated_at))},
          {"alerts", std::move(alerts)}};
}

// A request body that must be a valid perfgate.json: 400 naming where otherwise.
std::optional<config::Config> ConfigOfBody(std::string_view body) {
  if (body.empty()) throw RequestError{400, "empty_body", "body: empty; send perfgate.json as the body", "body"};
  auto config = config::ParseConfig(body);
  if (!config) {
    throw RequestError{400, "invalid_config", "perfgate.json: " + config::ToString(config.error()),
                       "perfgate.json: " + config.error().where};
  }
  return std::move(*config);
}

ApiResponse ConfigJson(const std::string& project, const store::ProjectConfig& stored) {
  return Json(200, {{"project", project},
                    {"config", nlohmann::json::parse(stored.text, nullptr, false)},
                    {"updated_by", stored.updated_by},
                    {"updated_at", model::FormatIsoTime(stored.updated_at)}});
}

}  // namespace

ApiResponse Api::SeriesRoute(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::SeriesRequest request{.project = context.project, .benchmark = context.Param("benchmark"),
                              .metric = context.Param("metric"), .branch = context.Param("branch"),
                              .testbed = context.Param("testbed")};
  RequireText("benchmark", request.benchmark, true);
  std::string format = context.Param("format");
  if (!format.empty() && format != "json" && format != "text") {
    throw RequestError{400, "invalid_parameter", "format: expected json or text, got " + format, "format"};
  }
  RequireText("metric", request.metric, false);
  RequireText("branch", request.branch, false);
  RequireText("testbed", request.testbed, false);
  if (std::string limit = context.Param("limit"); !limit.empty()) {
    auto value = ParseInteger(limit, 1, kMaxSeriesLimit);
    if (!value) {
      throw RequestError{400, "invalid_parameter",
                         "limit: expected a whole number from 1 to " + std::to_string(kMaxSeriesLimit) + ", got " + limit,
                         "limit"};
    }
    request.limit = static_cast<std::size_t>(*value);
  }
  gate::ChangesOf changes_of = ChangesFor(context.project, request.limit);
  gate::SeriesAnswer answer = OrThrow(gate::SeriesWithChanges(*stores_.Read(), request, changes_of));
  if (format == "text") return Rendered(report::SeriesText(answer.series, answer.changes), "text/plain; charset=utf-8");
  return Json(200, report::SeriesJson(answer.series, answer.changes));
}

// The trend as a picture (report::SeriesSvg); the branch defaults to the
// project's baseline branch, so feature branches do not mix into the trend.
ApiResponse Api::SeriesSvgRoute(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::SeriesRequest request{.project = context.project, .benchmark = context.Param("benchmark"),
                              .metric = context.Param("metric"), .branch = context.Param("branch"),
                              .testbed = context.Param("testbed")};
  std::string head = context.Param("head");
  RequireText("benchmark", request.benchmark, true);
  RequireText("metric", request.metric, false);
  RequireText("branch", request.branch, false);
  RequireText("testbed", request.testbed, false);
  RequireText("head", head, false);
  request.limit = 100;
  if (std::string limit = context.Param("limit"); !limit.empty()) {
    auto value = ParseInteger(limit, 2, 1000);
    if (!value) throw RequestError{400, "invalid_parameter", "limit: expected a whole number from 2 to 1000, got " + limit, "limit"};
    request.limit = static_cast<std::size_t>(*value);
  }
  auto reader = stores_.Read();
  if (request.branch.empty()) {
    request.branch = gate::DefaultBranch(*reader, context.project, gate::StoredBaselineBranch(*reader, context.project));
  }
  gate::ChangesOf changes_of = ChangesFor(context.project, request.limit);
  gate::SeriesAnswer answer = OrThrow(gate::SeriesWithChanges(*reader, request, changes_of));
  std::string svg = report::SeriesSvg(answer.series, answer.changes, report::SeriesSvgOptions{.head = head});
  return ApiResponse{.status = 200, .content_type = "image/svg+xml", .body = std::move(svg),
                     .headers = {{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"}},
                     .route = ""};
}

// The samples of both sides of a comparison (gate::LoadDistribution).
ApiResponse Api::DistributionRoute(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::DistributionRequest request{.project = context.project, .base = context.Param("base"),
                                    .head = context.Param("head"), .benchmark = context.Param("benchmark"),
                                    .metric = context.Param("metric"), .testbed = context.Param("testbed")};
  RequireText("base", request.base, true);
  RequireText("head", request.head, true);
  RequireText("benchmark", request.benchmark, true);
  RequireText("metric", request.metric, false);
  RequireText("testbed", request.testbed, false);
  gate::Distribution distribution = OrThrow(gate::LoadDistribution(*stores_.Read(), request));
  auto side = [](const gate::DistributionSide& one) {
    return nlohmann::json{{"sha", one.commit.sha}, {"branch", one.commit.branch},
                          {"time", model::FormatIsoTime(one.commit.time)}, {"samples", one.samples}};
  };
  return Json(200, {{"benchmark", distribution.benchmark},
                    {"metric", distribution.metric.name},
                    {"unit", distribution.metric.unit},
                    {"direction", model::ToString(distribution.metric.direction)},
                    {"testbed", distribution.testbed},
                    {"base", side(distribution.base)},
                    {"head", side(distribution.head)}});
}

// The parameters are the flags of `perfgate compare`; gate::CompareSides decides.
ApiResponse Api::Compare(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::CompareRequest request{.project = context.project, .base = {}, .head = {}, .testbed = context.Param("testbed"),
                               .name_map = {}, .options = {}};
  request.base.ref = context.Param("base");
  request.head.ref = context.Param("head");
  request.base.testbed = context.Param("base_testbed");
  request.head.testbed = context.Param("head_testbed");
  RequireText("base", request.base.ref, true);
  RequireText("head", request.head.ref, true);
  RequireText("testbed", request.testbed, false);
  RequireText("base_testbed", request.base.testbed, false);
  RequireText("head_testbed", request.head.testbed, false);
  std::string format = FormatParam(context.Param("format"), /*text_allowed=*/true);
  if (std::string metric = context.Param("metric"); !metric.empty()) {
    RequireText("metric", metric, false);
    request.options.metric = metric;
  }
  if (std::string threshold = context.Param("threshold"); !threshold.empty()) {
    request.options.threshold = OrThrow(gate::ParseThreshold("threshold", threshold));
  }
  if (std::string alpha = context.Param("alpha"); !alpha.empty()) {
    request.options.alpha = OrThrow(gate::ParseAlpha("alpha", alpha));
  }
  // One BASE_NAME=HEAD_NAME per line (names never hold control characters).
  std::string map = context.Param("map");
  for (std::size_t begin = 0; begin < map.size();) {
    std::size_t end = std::min(map.find('\n', begin), map.size());
    request.name_map.push_back(OrThrow(gate::ParseNameMapping("map", map.substr(begin, end - begin))));
    begin = end + 1;
  }

  auto reader = stores_.Read();
  gate::CompareOutcome outcome = OrThrow(gate::CompareSides(&*reader, request));
  if (format == "markdown") return Rendered(report::CompareMarkdown(outcome.comparison), "text/markdown; charset=utf-8");
  if (format == "text") return Rendered(report::CompareText(outcome.comparison), "text/plain; charset=utf-8");
  return Json(200, report::CompareJson(outcome.comparison, outcome.base, outcome.head));
}

// The parameters are the flags of `perfgate check` for stored commits, the body
// its perfgate.json; gate::Check decides.
ApiResponse Api::Check(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::CheckRequest request{.project = context.project, .head = {}, .base = std::nullopt,
                             .testbed = context.Param("testbed"), .event_base_sha = context.Param("event_base")};
  request.head.ref = context.Param("head");
  RequireText("head", request.head.ref, true);
  if (std::string base = context.Param("base"); !base.empty()) {
    RequireText("base", base, true);
    request.base = gate::SideRequest{.ref = base, .results = std::nullopt, .label = "", .testbed = ""};
  }
  RequireText("testbed", request.testbed, false);
  RequireText("event_base", request.event_base_sha, false);
  // The report's public URL: dashboard_url, else serve --public-url, else the
  // URL the client reached us by (server_url, as check --server sends it) unless loopback.
  std::string dashboard_url = context.Param("dashboard_url");
  if (!dashboard_url.empty()) {
    if (auto problem = report::DashboardUrlProblem(dashboard_url)) {
      throw RequestError{400, "invalid_parameter", "dashboard_url: " + *problem, "dashboard_url"};
    }
  }
  dashboard_url = report::ChooseDashboardUrl(dashboard_url, options_.public_url, context.Param("server_url"));
  std::string format = FormatParam(context.Param("format"), /*text_allowed=*/false);
  auto config = ConfigOfBody(context.request.body);

  auto reader = stores_.Read();
  gate::CheckOutcome outcome = OrThrow(gate::Check(&*reader, *config, request));
  if (format == "markdown") {
    return Rendered(report::CheckMarkdown(outcome.result,
                                          report::CheckReportOptions{.dashboard_url = dashboard_url,
                                                                     .max_length = report::kGithubCommentLimit,
                                                                     .base = outcome.base, .head = outcome.head}),
                    "text/markdown; charset=utf-8");
  }
  return Json(200, report::CheckJson(outcome.result, outcome.base, outcome.head, outcome.testbed));
}

ApiResponse Api::Alerts(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  std::string branch = context.Param("branch");
  std::string testbed = context.Param("testbed");
  std::string metric = context.Param("metric");
  RequireText("branch", branch, false);
  RequireText("testbed", testbed, false);
  RequireText("metric", metric, false);
  // Shifts smaller than this are shown on the charts but not alerted on.
  double min_change = 0.02;
  if (std::string text = context.Param("min_change"); !text.empty()) {
    auto value = ParseFraction(text);
    if (!value || *value < 0) {
      throw RequestError{400, "invalid_parameter", "min_change: expected a percentage such as 2% or 0.02, got " + text,
                         "min_change"};
    }
    min_change = *value;
  }
  std::size_t limit = 100;
  if (std::string text = context.Param("limit"); !text.empty()) {
    auto value = ParseInteger(text, 1, 10000);
    if (!value) throw RequestError{400, "invalid_parameter", "limit: expected a whole number from 1 to 10000", "limit"};
    limit = static_cast<std::size_t>(*value);
  }

  std::string status = context.Param("status");
  auto reader = stores_.Read();
  gate::AlertGroupsQuery query{.alerts = {.project = context.project, .branch = branch, .testbed = testbed,
                                          .metric = metric, .min_change = min_change},
                                .status = status, .limit = limit};
  gate::ChangesOf changes_of = ChangesFor(context.project, gate::kAlertHistory);
  std::vector<gate::AlertGroup> groups = OrThrow(gate::FindAlertGroups(*reader, query, changes_of));
  nlohmann::json list = nlohmann::json::array();
  for (const gate::AlertGroup& group : groups) list.push_back(AlertGroupJson(group));
  return Json(200, {{"project", context.project},
                    {"branch", branch.empty() ? gate::Mainline(*reader, context.project) : branch},
                    {"groups", std::move(list)}});
}

// The change points of a project's series through the server's incremental
// cache, for the gate's use cases; `limit` is part of the series' identity.
gate::ChangesOf Api::ChangesFor(const std::string& project, std::size_t limit) {
  return [this, project, limit](const store::Series& series) {
    return change_points_.ChangesOf(SeriesKey(project, series, limit), series);
  };
}

std::string Api::TokenName(Context& context) {
  std::string token = BearerToken(context.request.authorization);
  auto info = stores_.Read()->FindToken(context.project, store::HashToken(token));
  return info ? info->name : "";
}

// Sets an alert group's status; gate::TriageAlertGroup validates and stores it.
ApiResponse Api::TriageRoute(Context& context) {
  RequireText("project", context.project, true);
  Authorize(context, true);
  RequireProject(context);
  const std::string& group = context.segments[5];
  RequireText("group", group, true);
  auto body = nlohmann::json::parse(context.request.body, nullptr, false);
  if (!body.is_object()) {
    throw RequestError{400, "invalid_body", "body: expected a JSON object {\"status\", \"note\"}", "body"};
  }
  if (!body.contains("status") || !body["status"].is_string()) {
    throw RequestError{400, "invalid_body", "body: status: required, a string", "body: status"};
  }
  if (body.contains("note") && !body["note"].is_string()) {
    throw RequestError{400, "invalid_body", "body: note: expected a string", "body: note"};
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "status" && key != "note") {
      throw RequestError{400, "invalid_body", "body: " + key + ": unknown key (expected status, note)", "body: " + key};
    }
  }
  gate::TriageRequest request{.project = context.project, .group = group, .status = body["status"].get<std::string>(),
                              .note = body.value("note", ""), .updated_by = TokenName(context), .now = options_.now()};
  if (!gate::IsTriageStatus(request.status)) {
    throw RequestError{400, "invalid_body",
                       "body: status: expected acknowledged, expected, invalid or fixed, got \"" + request.status + "\"",
                       "body: status"};
  }
  gate::ChangesOf changes_of = ChangesFor(context.project, gate::kAlertHistory);
  auto save = [&](const store::AlertTriage& triage) {
    return stores_.Write([&](store::Store& store) { return store.SetAlertTriage(context.project, triage); });
  };
  return Json(200, AlertGroupJson(OrThrow(gate::TriageAlertGroup(*stores_.Read(), request, changes_of, save))));
}

// The project's perfgate.json: PUT stores it (validated by core/config), GET returns it.
ApiResponse Api::ConfigRoute(Context& context) {
  if (context.request.method == "PUT") {
    RequireText("project", context.project, true);
    Authorize(context, true);
    RequireProject(context);
    ConfigOfBody(context.request.body);  // validated, stored as sent
    store::ProjectConfig stored{.text = std::string(context.request.body), .updated_by = TokenName(context),
                                .updated_at = options_.now()};
    if (!stores_.Write([&](store::Store& store) { return store.SetProjectConfig(context.project, stored); })) {
      throw RequestError{404, "project_not_found", "no project named " + context.project, "project"};
    }
    return ConfigJson(context.project, stored);
  }
  RequireProject(context);
  Authorize(context, false);
  auto stored = stores_.Read()->LoadProjectConfig(context.project);
  if (!stored) {
    throw RequestError{404, "config_not_found",
                       "project " + context.project + " has no stored perfgate.json (PUT one to this route)", "project"};
  }
  return ConfigJson(context.project, *stored);
}

ApiResponse Api::OverviewRoute(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  gate::OverviewQuery query{.project = context.project, .branch = context.Param("branch"),
                            .testbed = context.Param("testbed"), .metric = context.Param("metric"),
                            .config = std::nullopt};
  RequireText("branch", query.branch, false);
  RequireText("testbed", query.testbed, false);
  RequireText("metric", query.metric, false);
  auto reader = stores_.Read();
  gate::ChangesOf changes_of = ChangesFor(context.project, gate::kAlertHistory);
  gate::Overview overview = OrThrow(gate::ProjectOverview(*reader, query, changes_of));
  auto commit_value = [](const gate::OverviewCommit& commit) {
    return nlohmann::json{{"sha", commit.sha}, {"value", commit.value}};
  };
  auto number = [](std::optional<double> value) {
    return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json();
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const gate::OverviewRow& row : overview.benchmarks) {
    nlohmann::json alert;
    if (row.alert) {
      alert = {{"group", row.alert->group}, {"change", number(row.alert->change)},
               {"kind", row.alert->regression ? "regression" : "improvement"}, {"status", row.alert->status}};
    }
    rows.push_back({{"benchmark", row.benchmark},
                    {"family", row.family},
                    {"metric", row.metric.name},
                    {"unit", row.metric.unit},
                    {"direction", model::ToString(row.metric.direction)},
                    {"latest", commit_value(row.latest)},
                    {"baseline", row.baseline ? commit_value(*row.baseline) : nlohmann::json()},
                    {"change", number(row.change)},
                    {"status", gate::ToString(row.status)},
                    {"alert", std::move(alert)},
                    {"sparkline", row.sparkline}});
  }
  nlohmann::json base;
  if (overview.base) base = {{"sha", overview.base->sha}, {"time", model::FormatIsoTime(overview.base->time)}};
  const gate::OverviewCounts& counts = overview.counts;
  return Json(200, {{"project", overview.project},
                    {"branch", overview.branch},
                    {"baseline_branch", overview.baseline_branch},
                    {"testbed", overview.testbed},
                    {"testbeds", overview.testbeds},
                    {"branches", overview.branches},
                    {"metric", overview.metric},
                    {"head", {{"sha", overview.head.sha}, {"time", model::FormatIsoTime(overview.head.time)}}},
                    {"base", std::move(base)},
                    {"counts", {{"regressed", counts.regressed}, {"improved", counts.improved},
                                {"unchanged", counts.unchanged}, {"budget_broken", counts.budget_broken},
                                {"no_baseline", counts.no_baseline}}},
                    {"benchmarks", std::move(rows)}});
}

ApiResponse Api::Healthz(Context&) {
  // A reader can be leased and answers: the database is there and readable.
  auto reader = stores_.Read();
  reader->Projects();
  return Json(200, {{"status", "ok"}});
}

// Public even on a private server: it names routes, never projects or benchmarks.
ApiResponse Api::MetricsRoute(Context&) {
  std::int64_t size = stores_.Read()->SizeBytes();
  std::string body = metrics_.Render(size);
  ResponseCache::Stats cache = cache_.Snapshot();
  body += "# HELP perfgate_response_cache_hits_total Requests answered from the response cache.\n"
          "# TYPE perfgate_response_cache_hits_total counter\n"
          "perfgate_response_cache_hits_total " + std::to_string(cache.hits) + "\n"
          "# HELP perfgate_response_cache_misses_total Answers computed for the response cache.\n"
          "# TYPE perfgate_response_cache_misses_total counter\n"
          "perfgate_response_cache_misses_total " + std::to_string(cache.misses) + "\n"
          "# HELP perfgate_response_cache_bytes Bytes held by the response cache.\n"
          "# TYPE perfgate_response_cache_bytes gauge\n"
          "perfgate_response_cache_bytes " + std::to_string(cache.bytes) + "\n"
          "# HELP perfgate_response_cache_entries Answers held by the response cache.\n"
          "# TYPE perfgate_response_cache_entries gauge\n"
          "perfgate_response_cache_entries " + std::to_string(cache.entries) + "\n";
  return ApiResponse{.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8",
                     .body = std::move(body), .headers = {}, .route = ""};
}

}  // namespace perfgate::server
