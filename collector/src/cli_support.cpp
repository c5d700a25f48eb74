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

std::optional<std::int64_t> ParseIso8601(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 || consumed != 10) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(text).substr(10);
  std::int64_t offset_seconds = 0;
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != ' ') return std::nullopt;
    std::string time_part(rest.substr(1));
    if (std::sscanf(time_part.c_str(), "%2d:%2d:%2d%n", &hour, &minute, &second, &consumed) != 3 || consumed != 8) {
      return std::nullopt;
    }
    std::string_view zone = std::string_view(time_part).substr(8);
    if (!zone.empty() && zone[0] == '.') {
      zone.remove_prefix(1);
      while (!zone.empty() && zone[0] >= '0' && zone[0] <= '9') zone.remove_prefix(1);
    }
    if (zone == "Z" || zone.empty()) {
      offset_seconds = 0;
    } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
      int zone_hours = 0, zone_minutes = 0;
      if (std::sscanf(std::string(zone.substr(1)).c_str(), "%2d:%2d", &zone_hours, &zone_minutes) != 2) return std::nullopt;
      offset_seconds = (zone[0] == '+' ? 1 : -1) * (zone_hours * 3600 + zone_minutes * 60);
    } else {
      return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm parts{};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&parts)) - offset_seconds;
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
