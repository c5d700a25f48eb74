#include "cli_support.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "perfgate/parse/parse.hpp"
#include "perfgate/stats/descriptive.hpp"
#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::collector {

std::string ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw UsageError(path + ": is a directory, not a results file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(path + ": cannot be read (" + std::strerror(errno) + ")");
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

model::Report ParseResultsFile(const std::string& path, const std::string& format) {
  std::string text = ReadInput(path);
  auto report = parse::Parse(text, format);
  if (!report) throw UsageError((path == "-" ? "<stdin>" : path) + ": " + report.error().Message());
  return std::move(*report);
}

std::unique_ptr<store::Store> OpenStore(const std::string& path, bool must_exist) {
  if (path.empty()) throw UsageError("--db PATH (or --server URL) is required");
  if (must_exist && path != ":memory:" && !std::filesystem::exists(path)) {
    throw UsageError("--db " + path + ": no such database");
  }
  try {
    return store::OpenSqliteStore(path);
  } catch (const store::StoreError& error) {
    throw EnvironmentError(error.what());
  }
}

std::int64_t NowSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

namespace {
std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}
}  // namespace

GithubContext ReadGithubContext() {
  GithubContext context;
  if (Env("GITHUB_ACTIONS") != "true") return context;
  context.sha = Env("GITHUB_SHA");
  context.branch = Env("GITHUB_REF_NAME");
  context.repository = Env("GITHUB_REPOSITORY");
  context.server_url = Env("GITHUB_SERVER_URL");
  context.api_url = Env("GITHUB_API_URL");
  context.run_id = Env("GITHUB_RUN_ID");
  if (!Env("GITHUB_HEAD_REF").empty()) context.branch = Env("GITHUB_HEAD_REF");
  context.base_branch = Env("GITHUB_BASE_REF");
  std::string event_path = Env("GITHUB_EVENT_PATH");
  if (event_path.empty()) return context;
  std::ifstream in(event_path);
  nlohmann::json event = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return context;
  // On pull_request events GITHUB_SHA is a merge commit that exists nowhere else;
  // the results belong to the PR's head commit.
  if (auto pr = event.find("pull_request"); pr != event.end() && pr->is_object()) {
    if (pr->contains("number") && (*pr)["number"].is_number_integer()) context.pull_request = (*pr)["number"].get<std::int64_t>();
    auto text_at = [&](const char* side, const char* key) -> std::string {
      if (!pr->contains(side) || !(*pr)[side].is_object()) return "";
      const auto& object = (*pr)[side];
      return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
    };
    if (auto head = text_at("head", "sha"); !head.empty()) context.sha = head;
    if (auto head_ref = text_at("head", "ref"); !head_ref.empty()) context.branch = head_ref;
    context.base_sha = text_at("base", "sha");
    if (auto base_ref = text_at("base", "ref"); !base_ref.empty()) context.base_branch = base_ref;
    context.parent = context.base_sha;
    auto repo_of = [&](const char* side) -> std::string {
      if (!pr->contains(side) || !(*pr)[side].is_object()) return "";
      const auto& object = (*pr)[side];
      if (!object.contains("repo") || !object["repo"].is_object()) return "";
      const auto& repo = object["repo"];
      return repo.contains("full_name") && repo["full_name"].is_string() ? repo["full_name"].get<std::string>() : "";
    };
    std::string head_repo = repo_of("head");
    std::string base_repo = repo_of("base").empty() ? context.repository : repo_of("base");
    context.from_fork = !head_repo.empty() && !base_repo.empty() && head_repo != base_repo;
  } else if (event.contains("before") && event["before"].is_string()) {
    std::string before = event["before"].get<std::string>();
    if (before.find_first_not_of('0') != std::string::npos) context.parent = before;
  }
  return context;
}

detect::HistoryNoise HistoryNoiseFromStore(store::Store& db, const std::string& project, const std::string& testbed,
                                           const std::string& branch) {
  constexpr std::size_t kNoiseHistory = 30;
  return [&db, project, testbed, branch](std::string_view benchmark, std::string_view metric) -> std::optional<double> {
    std::optional<store::Series> series =
        db.LoadSeries(store::SeriesQuery{.project = project, .benchmark = std::string(benchmark),
                                         .metric = std::string(metric), .branch = branch, .testbed = testbed,
                                         .limit = kNoiseHistory});
    if (!series || series->points.size() < 5) return std::nullopt;
    std::vector<double> values;
    for (const store::SeriesPoint& point : series->points) values.push_back(point.value);
    return stats::RelativeMedianAbsoluteDeviation(values);
  };
}

std::string ServerBody(const std::string& server_url, const std::function<server::HttpResponse()>& send) {
  server::HttpResponse response;
  try {
    response = send();
  } catch (const server::ConnectionError& error) {
    throw EnvironmentError("--server " + server_url + ": " + error.what());
  }
  if (response.status == 400 || response.status == 404) throw UsageError("the server says: " + response.body);
  if (response.status != 200) {
    throw EnvironmentError("--server " + server_url + ": HTTP " + std::to_string(response.status) + ": " + response.body);
  }
  return std::move(response.body);
}

void RequireName(const std::string& what, const std::string& value) {
  if (value.empty()) throw UsageError(what + " must not be empty");
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) throw UsageError(what + " \"" + value + "\" contains a control character");
  }
  if (value.size() > 1024) throw UsageError(what + " is longer than 1024 characters");
}

}  // namespace perfgate::collector
