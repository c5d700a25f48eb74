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
#include "perfgate/detect/budget.hpp"
#include "perfgate/detect/budget_check.hpp"
#include "perfgate/detect/change_points.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "perfgate/parse/parse.hpp"
#include "perfgate/report/check_report.hpp"
#include "perfgate/report/compare_report.hpp"
#include "perfgate/report/series_report.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::server {

namespace {

constexpr std::size_t kMaxNameBytes = 512;
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

// Project, branch, testbed and benchmark names are stored exactly as given, any
// Unicode included; only what cannot be shown or stored safely is refused.
void RequireText(const std::string& where, const std::string& value, bool required) {
  if (value.empty()) {
    if (required) throw RequestError{400, "missing_parameter", where + ": required", where};
    return;
  }
  if (value.size() > kMaxNameBytes) {
    throw RequestError{400, "invalid_parameter",
                       where + ": longer than " + std::to_string(kMaxNameBytes) + " bytes", where};
  }
  if (!IsValidUtf8(value)) throw RequestError{400, "invalid_parameter", where + ": not valid UTF-8", where};
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      throw RequestError{400, "invalid_parameter", where + ": control characters are not allowed", where};
    }
  }
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
    : stores_(stores), metrics_(metrics), static_files_(static_files), options_(std::move(options)) {
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

// The route templates, also the `route` label of logs and metrics.
constexpr const char* kProjectsRoute = "/api/v1/projects";
constexpr const char* kRunsRoute = "/api/v1/projects/{project}/runs";
constexpr const char* kBenchmarksRoute = "/api/v1/projects/{project}/benchmarks";
constexpr const char* kSeriesRoute = "/api/v1/projects/{project}/series";
constexpr const char* kCompareRoute = "/api/v1/projects/{project}/compare";
constexpr const char* kCheckRoute = "/api/v1/projects/{project}/check";
constexpr const char* kAlertsRoute = "/api/v1/projects/{project}/alerts";

RequestError MethodNotAllowed(const std::string& method, const std::string& allowed) {
  return RequestError{405, "method_not_allowed", method + " is not allowed here; use " + allowed, "",
                      {{"Allow", allowed}}};
}

store::CommitInfo ResolveRef(store::Store& store, const std::string& project, const std::string& where,
                             const std::string& ref) {
  auto commit = store.ResolveCommit(project, ref);
  if (!commit) {
    throw RequestError{404, "commit_not_found",
                       where + ": no commit or branch " + ref + " with results in project " + project +
                           " (a full SHA, a unique prefix of 7+ characters, or a branch name)",
                       where};
  }
  return *commit;
}

// "default" when every commit ran there, else the first testbed they all ran on.
std::string ChooseTestbed(store::Store& store, const std::string& project, const std::vector<std::string>& shas) {
  std::vector<std::string> testbeds = store.Testbeds(project);
  std::stable_partition(testbeds.begin(), testbeds.end(), [](const std::string& name) { return name == "default"; });
  for (const std::string& candidate : testbeds) {
    bool everywhere = std::all_of(shas.begin(), shas.end(),
                                  [&](const std::string& sha) { return store.HasResults(project, sha, candidate); });
    if (everywhere) return candidate;
  }
  return "default";
}

model::Report LoadResults(store::Store& store, const std::string& project, const std::string& where,
                          const store::CommitInfo& commit, const std::string& testbed) {
  auto results = store.LoadCommitResults(project, commit.sha, testbed);
  if (!results) {
    throw RequestError{404, "results_not_found", where + ": commit " + commit.sha + " has no results on testbed " + testbed,
                       where};
  }
  return *results;
}

// Single values are judged against the spread of the base branch's recent
// history: the coefficient of variation of its last 30 commits' values. The
// returned function uses `store` and must not outlive it.
detect::HistoryNoise HistoryNoiseOf(store::Store& store, std::string project, std::string branch, std::string testbed) {
  return [&store, project = std::move(project), branch = std::move(branch), testbed = std::move(testbed)](
             std::string_view benchmark, std::string_view metric) -> std::optional<double> {
    auto series = store.LoadSeries(store::SeriesQuery{.project = project, .benchmark = std::string(benchmark),
                                                      .metric = std::string(metric), .branch = branch,
                                                      .testbed = testbed, .limit = 30});
    if (!series) return std::nullopt;
    std::vector<double> values;
    for (const store::SeriesPoint& point : series->points) {
      if (std::isfinite(point.value)) values.push_back(point.value);
    }
    if (values.size() < 5) return std::nullopt;
    return stats::Summarize(values).cv;
  };
}

// The project's mainline when it has a conventional name ("main", "master",
// "trunk"); "" (every branch) otherwise.
std::string Mainline(store::Store& store, const std::string& project) {
  for (const char* name : {"main", "master", "trunk"}) {
    if (store.ResolveCommit(project, name)) return name;
  }
  return "";
}

}  // namespace

std::string RouteTemplate(std::string_view method, std::string_view target) {
  auto segments = DecodePathSegments(SplitTarget(target).path);
  if (!segments) return "unmatched";
  std::vector<std::string>& path = *segments;
  if (!path.empty() && path.back().empty()) path.pop_back();
  if (!path.empty() && path[0] == "api") {
    if (path.size() == 3 && path[1] == "v1" && path[2] == "projects") return kProjectsRoute;
    if (path.size() == 5 && path[1] == "v1" && path[2] == "projects") {
      const std::string& leaf = path[4];
      if (leaf == "runs") return kRunsRoute;
      if (leaf == "benchmarks") return kBenchmarksRoute;
      if (leaf == "series") return kSeriesRoute;
      if (leaf == "compare") return kCompareRoute;
      if (leaf == "check") return kCheckRoute;
      if (leaf == "alerts") return kAlertsRoute;
    }
    return "unmatched";
  }
  if (path.size() == 1 && (path[0] == "healthz" || path[0] == "metrics")) return "/" + path[0];
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

  auto answer = [&](const char* route, ApiResponse (Api::*handler)(Context&), const char* allowed) {
    if (method != allowed && !(std::string_view(allowed) == "GET" && method == "HEAD")) {
      RequestError error = MethodNotAllowed(method, allowed);
      ApiResponse response = ErrorResponse(error);
      response.route = route;
      return response;
    }
    ApiResponse response;
    try {
      response = (this->*handler)(context);
    } catch (const RequestError& error) {
      response = ErrorResponse(error);
    }
    response.route = route;
    return response;
  };

  if (!path.empty() && path[0] == "api") {
    std::vector<std::string> api_path = path;
    if (!api_path.empty() && api_path.back().empty()) api_path.pop_back();  // "/api/v1/projects/"
    if (api_path.size() == 3 && api_path[1] == "v1" && api_path[2] == "projects") {
      return answer(kProjectsRoute, &Api::Projects, "GET");
    }
    if (api_path.size() == 5 && api_path[1] == "v1" && api_path[2] == "projects") {
      context.project = api_path[3];
      const std::string& leaf = api_path[4];
      if (leaf == "runs") return answer(kRunsRoute, &Api::Upload, "POST");
      if (leaf == "benchmarks") return answer(kBenchmarksRoute, &Api::Benchmarks, "GET");
      if (leaf == "series") return answer(kSeriesRoute, &Api::SeriesRoute, "GET");
      if (leaf == "compare") return answer(kCompareRoute, &Api::Compare, "GET");
      if (leaf == "check") return answer(kCheckRoute, &Api::Check, "POST");
      if (leaf == "alerts") return answer(kAlertsRoute, &Api::Alerts, "GET");
    }
    ApiResponse response = ErrorResponse(
        RequestError{404, "not_found", "no API route " + std::string(target.path) + " (see DESIGN.md: /api/v1/...)", ""});
    response.route = "unmatched";
    return response;
  }
  if (path.size() == 1 && path[0] == "healthz") {
    return answer("/healthz", &Api::Healthz, "GET");
  }
  if (path.size() == 1 && path[0] == "metrics") {
    return answer("/metrics", &Api::MetricsRoute, "GET");
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
  StaticResponse file = static_files_.Serve(path);
  ApiResponse response;
  if (file.status >= 400) {
    response = ErrorResponse(RequestError{file.status, file.error_code, file.body, file.status == 400 ? "path" : ""});
  } else {
    response.status = file.status;
    response.content_type = file.content_type;
    response.body = std::move(file.body);
    if (!file.cache_control.empty()) response.headers["Cache-Control"] = file.cache_control;
  }
  response.route = "static";
  return response;
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
  store::RunInput input{.project = context.project, .commit = std::move(commit), .testbed = std::move(testbed),
                        .report = std::move(*report), .received_at = now};
  store::IngestOutcome outcome = stores_.Write([&](store::Store& store) { return store.Ingest(input); });
  metrics_.RecordUpload(outcome.created, outcome.samples);
  if (outcome.created) ++generation_;
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

ApiResponse Api::SeriesRoute(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  store::SeriesQuery query{.project = context.project, .benchmark = context.Param("benchmark"),
                           .metric = context.Param("metric"), .branch = context.Param("branch"),
                           .testbed = context.Param("testbed")};
  RequireText("benchmark", query.benchmark, true);
  RequireText("metric", query.metric, false);
  RequireText("branch", query.branch, false);
  RequireText("testbed", query.testbed, false);
  if (std::string limit = context.Param("limit"); !limit.empty()) {
    auto value = ParseInteger(limit, 1, kMaxSeriesLimit);
    if (!value) {
      throw RequestError{400, "invalid_parameter",
                         "limit: expected a whole number from 1 to " + std::to_string(kMaxSeriesLimit) + ", got " + limit,
                         "limit"};
    }
    query.limit = static_cast<std::size_t>(*value);
  }
  auto series = stores_.Read()->LoadSeries(query);
  if (!series) {
    throw RequestError{404, "series_not_found",
                       "no series for benchmark " + query.benchmark +
                           (query.metric.empty() ? "" : ", metric " + query.metric) +
                           (query.testbed.empty() ? "" : ", testbed " + query.testbed) +
                           (query.branch.empty() ? "" : ", branch " + query.branch) + " in project " + context.project,
                       "benchmark"};
  }
  return Json(200, report::SeriesJson(*series, change_points_.ChangesOf(SeriesKey(context.project, *series, query.limit), *series)));
}

ApiResponse Api::Compare(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  std::string base_ref = context.Param("base");
  std::string head_ref = context.Param("head");
  RequireText("base", base_ref, true);
  RequireText("head", head_ref, true);
  std::string testbed = context.Param("testbed");
  RequireText("testbed", testbed, false);
  std::string format = context.Param("format");
  if (format.empty()) format = "json";
  if (format != "json" && format != "markdown") {
    throw RequestError{400, "invalid_parameter", "format: expected json or markdown, got " + format, "format"};
  }
  detect::CompareOptions options;
  if (std::string metric = context.Param("metric"); !metric.empty()) {
    RequireText("metric", metric, false);
    options.metric = metric;
  }
  if (std::string threshold = context.Param("threshold"); !threshold.empty()) {
    auto value = ParseFraction(threshold);
    if (!value || *value < 0 || *value >= 10) {
      throw RequestError{400, "invalid_parameter", "threshold: expected a percentage such as 5% or 0.05, got " + threshold,
                         "threshold"};
    }
    options.threshold = *value;
  }
  if (std::string alpha = context.Param("alpha"); !alpha.empty()) {
    auto value = ParseNumber(alpha);
    if (!value || *value <= 0 || *value >= 1) {
      throw RequestError{400, "invalid_parameter", "alpha: expected a number between 0 and 1, got " + alpha, "alpha"};
    }
    options.alpha = *value;
  }

  auto reader = stores_.Read();
  store::CommitInfo base = ResolveRef(*reader, context.project, "base", base_ref);
  store::CommitInfo head = ResolveRef(*reader, context.project, "head", head_ref);
  if (testbed.empty()) testbed = ChooseTestbed(*reader, context.project, {base.sha, head.sha});
  model::Report base_report = LoadResults(*reader, context.project, "base", base, testbed);
  model::Report head_report = LoadResults(*reader, context.project, "head", head, testbed);
  options.history_noise = HistoryNoiseOf(*reader, context.project, base.branch, testbed);
  detect::Comparison comparison = detect::CompareReports(base_report, head_report, options);
  comparison.base.label = base.sha;
  comparison.head.label = head.sha;
  if (format == "markdown") {
    return ApiResponse{.status = 200, .content_type = "text/markdown; charset=utf-8",
                       .body = report::CompareMarkdown(comparison), .headers = {}, .route = ""};
  }
  nlohmann::json body = report::CompareJson(comparison);
  // Which commits the refs resolved to, and where they ran.
  for (auto [key, commit] : {std::pair{"base", &base}, std::pair{"head", &head}}) {
    body[key]["commit"] = commit->sha;
    body[key]["branch"] = commit->branch;
    body[key]["time"] = model::FormatIsoTime(commit->time);
    body[key]["testbed"] = testbed;
  }
  return Json(200, body);
}

ApiResponse Api::Check(Context& context) {
  RequireProject(context);
  Authorize(context, false);
  std::string head_ref = context.Param("head");
  std::string base_ref = context.Param("base");
  std::string testbed = context.Param("testbed");
  RequireText("head", head_ref, true);
  RequireText("base", base_ref, false);
  RequireText("testbed", testbed, false);
  std::string format = context.Param("format");
  if (format.empty()) format = "json";
  if (format != "json" && format != "markdown") {
    throw RequestError{400, "invalid_parameter", "format: expected json or markdown, got " + format, "format"};
  }
  if (context.request.body.empty()) {
    throw RequestError{400, "empty_body", "body: empty; send perfgate.json as the body", "body"};
  }
  auto config = detect::ParseConfig(context.request.body);
  if (!config) {
    throw RequestError{400, "invalid_config", "perfgate.json: " + detect::ToString(config.error()),
                       "perfgate.json: " + config.error().where};
  }

  auto reader = stores_.Read();
  store::CommitInfo head = ResolveRef(*reader, context.project, "head", head_ref);
  std::optional<store::CommitInfo> base;
  if (!base_ref.empty()) {
    base = ResolveRef(*reader, context.project, "base", base_ref);
  }
  if (testbed.empty()) {
    testbed = ChooseTestbed(*reader, context.project,
                            base ? std::vector<std::string>{head.sha, base->sha} : std::vector<std::string>{head.sha});
  }
  if (!base) {
    // The pull request's baseline: its merge-base on the baseline branch, or the
    // nearest ancestor with results.
    std::vector<store::CommitInfo> ancestors = reader->Ancestors(context.project, head.sha, 500);
    std::vector<detect::BaselineCandidate> candidates;
    for (const store::CommitInfo& ancestor : ancestors) {
      if (ancestor.sha == head.sha) continue;
      candidates.push_back(detect::BaselineCandidate{
          .sha = ancestor.sha, .branch = ancestor.branch,
          .has_results = reader->HasResults(context.project, ancestor.sha, testbed)});
    }
    // DESIGN.md: the merge-base on the base branch, never merely the previous
    // upload; without "baseline" in the config, the project's mainline.
    std::string branch = config->baseline_branch.empty() ? Mainline(*reader, context.project) : config->baseline_branch;
    if (auto chosen = detect::ChooseBaseline(candidates, branch)) {
      base = reader->FindCommit(context.project, candidates[*chosen].sha);
    }
  }
  model::Report head_report = LoadResults(*reader, context.project, "head", head, testbed);
  std::optional<model::Report> base_report;
  if (base) base_report = LoadResults(*reader, context.project, "base", *base, testbed);

  detect::CheckOptions options{
      .base_label = base ? (base->branch.empty() ? "" : base->branch + " @ ") + base->sha.substr(0, 7) : "",
      .head_label = (head.branch.empty() ? "" : head.branch + " @ ") + head.sha.substr(0, 7),
      .history_noise = HistoryNoiseOf(*reader, context.project, base ? base->branch : head.branch, testbed)};
  auto check = detect::EvaluateCheck(*config, base_report, head_report, options);
  if (!check) {
    throw RequestError{400, "invalid_config", "perfgate.json: " + detect::ToString(check.error()),
                       "perfgate.json: " + check.error().where};
  }
  check->project = context.project;
  if (format == "markdown") {
    return ApiResponse{.status = 200, .content_type = "text/markdown; charset=utf-8",
                       .body = report::CheckMarkdown(*check), .headers = {}, .route = ""};
  }
  nlohmann::json body = report::CheckJson(*check);
  body["head"] = {{"commit", head.sha}, {"branch", head.branch}, {"time", model::FormatIsoTime(head.time)}};
  body["base"] = base ? nlohmann::json{{"commit", base->sha}, {"branch", base->branch}, {"time", model::FormatIsoTime(base->time)}}
                      : nlohmann::json();
  body["testbed"] = testbed;
  return Json(200, body);
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

  std::string key = context.project + '\n' + branch + '\n' + testbed + '\n' + metric + '\n' + std::to_string(limit) +
                    '\n' + std::to_string(min_change);
  std::uint64_t generation = generation_.load();
  {
    std::lock_guard lock(alerts_mutex_);
    auto it = alerts_cache_.find(key);
    if (it != alerts_cache_.end() && it->second.generation == generation &&
        std::chrono::steady_clock::now() - it->second.computed < std::chrono::seconds(60)) {
      return ApiResponse{.status = 200, .content_type = "application/json", .body = it->second.body, .headers = {},
                         .route = ""};
    }
  }

  auto reader = stores_.Read();
  if (branch.empty()) branch = Mainline(*reader, context.project);
  std::vector<std::string> testbeds =
      testbed.empty() ? reader->Testbeds(context.project) : std::vector<std::string>{testbed};
  struct Alert {
    std::int64_t time;
    nlohmann::json json;
  };
  std::vector<Alert> alerts;
  for (const store::BenchmarkInfo& benchmark : reader->Benchmarks(context.project, "")) {
    for (const store::MetricInfo& info : benchmark.metrics) {
      if (!metric.empty() && info.name != metric) continue;
      for (const std::string& bed : testbeds) {
        auto series = reader->LoadSeries(store::SeriesQuery{.project = context.project, .benchmark = benchmark.name,
                                                            .metric = info.name, .branch = branch, .testbed = bed,
                                                            .limit = 1000});
        if (!series || series->testbed != bed) continue;
        for (const report::SeriesChange& change :
             change_points_.ChangesOf(SeriesKey(context.project, *series, 1000), *series)) {
          if (!(std::abs(change.change) >= min_change)) continue;
          const store::SeriesPoint& point = series->points[change.index];
          bool worse = info.direction == model::Direction::kLowerIsBetter ? change.change > 0 : change.change < 0;
          alerts.push_back(Alert{point.time,
                                 {{"kind", worse ? "regression" : "improvement"},
                                  {"benchmark", benchmark.name},
                                  {"metric", info.name},
                                  {"unit", info.unit},
                                  {"direction", model::ToString(info.direction)},
                                  {"testbed", bed},
                                  {"branch", series->branch},
                                  {"commit", point.commit},
                                  // The last commit at the old level: what to compare the change against.
                                  {"base", change.index > 0 ? series->points[change.index - 1].commit : std::string()},
                                  {"time", model::FormatIsoTime(point.time)},
                                  {"index", change.index},
                                  {"before", change.before},
                                  {"after", change.after},
                                  {"change", std::isfinite(change.change) ? nlohmann::json(change.change) : nlohmann::json()},
                                  {"p_value", change.p_value}}});
        }
      }
    }
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) { return a.time > b.time; });
  if (alerts.size() > limit) alerts.resize(limit);
  nlohmann::json list = nlohmann::json::array();
  for (Alert& alert : alerts) list.push_back(std::move(alert.json));
  std::string body = Dump({{"project", context.project}, {"branch", branch}, {"alerts", std::move(list)}});
  {
    std::lock_guard lock(alerts_mutex_);
    alerts_cache_[key] = CachedAlerts{generation, std::chrono::steady_clock::now(), body};
  }
  return ApiResponse{.status = 200, .content_type = "application/json", .body = std::move(body), .headers = {},
                     .route = ""};
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
  return ApiResponse{.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8",
                     .body = metrics_.Render(size), .headers = {}, .route = ""};
}

}  // namespace perfgate::server
