#include "cli_support.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "perfgate/parse/parse.hpp"
#include "perfgate/store/open.hpp"
#include "perfgate/store/postgres_store.hpp"
#include "perfgate/stats/descriptive.hpp"
#include "perfgate/model/names.hpp"
#include "perfgate/store/sqlite_store.hpp"

namespace perfgate::collector {

std::string ShownPath(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw UsageError(path + ": is a directory, not a results file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(path + ": cannot be read (" + std::strerror(errno) + ")");
  // One read of the whole file when its size is known (a regular file); a
  // stream through an ostringstream copies a large file twice.
  std::string contents;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    contents.resize(static_cast<std::size_t>(size));
    in.read(contents.data(), size);
    contents.resize(static_cast<std::size_t>(in.gcount()));
  }
  // A pipe or a file that grew: the rest as it comes.
  contents.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw UsageError(path + ": cannot be read (" + std::strerror(errno) + ")");
  return contents;
}

InputText InputText::Of(const std::string& path) {
  InputText input;
  int fd = path == "-" ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat status {};
  if (fd >= 0 && ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0) {
    // MAP_POPULATE: the page-cache pages are mapped in one call, not one fault each.
    void* mapped = ::mmap(nullptr, static_cast<std::size_t>(status.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped != MAP_FAILED) {
      ::close(fd);
      input.mapped_ = static_cast<const char*>(mapped);
      input.mapped_size_ = static_cast<std::size_t>(status.st_size);
      return input;
    }
  }
  if (fd >= 0) ::close(fd);
  input.read_ = ReadInput(path);  // a pipe, a directory, an empty or unreadable file: its own message
  return input;
}

InputText::InputText(InputText&& other) noexcept
    : read_(std::move(other.read_)), mapped_(std::exchange(other.mapped_, nullptr)),
      mapped_size_(std::exchange(other.mapped_size_, 0)) {}

InputText::~InputText() {
  if (mapped_ != nullptr) ::munmap(const_cast<char*>(mapped_), mapped_size_);
}

std::vector<parse::SourceFile> ReadJsonFilesBelow(const std::string& directory) {
  std::vector<parse::SourceFile> files;
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(directory, error), end;
  for (; !error && it != end; it.increment(error)) {
    if (!it->is_regular_file() || it->path().extension() != ".json") continue;
    files.push_back(parse::SourceFile{std::filesystem::relative(it->path(), directory).generic_string(),
                                      ReadInput(it->path().string())});
  }
  if (error) throw UsageError(directory + ": " + error.message());
  return files;
}

model::Results ParseResultsFile(const std::string& path, const std::string& format) {
  InputText text = InputText::Of(path);
  auto report = parse::Parse(text.view(), format);
  if (!report) throw UsageError(ShownPath(path) + ": " + report.error().Message());
  return std::move(*report);
}

std::unique_ptr<store::Store> OpenStore(const std::string& path, bool must_exist) {
  if (path.empty()) throw UsageError("--db PATH (or --server URL) is required");
  if (must_exist && path != ":memory:" && !store::IsPostgresUrl(path) && !std::filesystem::exists(path)) {
    throw UsageError("--db " + path + ": no such database");
  }
  try {
    return store::OpenStore(path);
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

int ExitCodeForStatus(int status) {
  if (status >= 200 && status < 300) return kSuccess;
  switch (status) {
    case 400: case 401: case 403: case 404: case 405: case 409: case 413: case 414: case 415: case 422:
      return kInvalidInput;
    default:
      return kEnvironmentFailure;
  }
}

namespace {
// The message of the server's {"error":{"code","message"}}, else the body as sent.
std::string ServerMessage(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("error") && json["error"].is_object() && json["error"].contains("message") &&
      json["error"]["message"].is_string()) {
    return json["error"]["message"].get<std::string>();
  }
  return body;
}
}  // namespace

server::HttpResponse ServerCall(const std::string& server_url, const std::function<server::HttpResponse()>& send) {
  server::HttpResponse response;
  try {
    response = send();
  } catch (const server::ConnectionError& error) {
    throw EnvironmentError("--server " + server_url + ": " + error.what());
  }
  int code = ExitCodeForStatus(response.status);
  if (code == kSuccess) return response;
  std::string message = "--server " + server_url + ": HTTP " + std::to_string(response.status) + ": " +
                        ServerMessage(response.body);
  if (code == kInvalidInput) throw UsageError(message);
  throw EnvironmentError(message);
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string query;
  for (const auto& [name, value] : parameters) {
    if (!value.empty()) query += (query.empty() ? "" : "&") + name + "=" + server::UrlEncode(value);
  }
  return query;
}

std::string ServerBody(const std::string& server_url, const std::function<server::HttpResponse()>& send) {
  return std::move(ServerCall(server_url, send).body);
}

void RequireName(const std::string& what, const std::string& value) {
  if (auto problem = model::NameProblem(value)) throw UsageError(what + " \"" + value + "\": " + *problem);
}

void ThrowGateError(const gate::GateError& error) { throw UsageError(error.message); }

}  // namespace perfgate::collector
