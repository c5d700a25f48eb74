#pragma once
// What every command of the `perfgate` CLI shares: exit codes, the two error
// kinds main() maps to them, reading inputs, and GitHub Actions defaults.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/gate/error.hpp"
#include "perfgate/model/results.hpp"
#include "perfgate/parse/parse.hpp"
#include "perfgate/server/client.hpp"
#include "perfgate/store/store.hpp"

namespace CLI {
class App;
}

namespace perfgate::collector {

enum ExitCode : int { kSuccess = 0, kRegression = 1, kInvalidInput = 2, kEnvironmentFailure = 3 };

// Bad input or usage: exit 2, nothing written.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The environment failed (database, network, disk): exit 3.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Each command adds its subcommand; its callback stores the command's exit code.
void AddIngestCommand(CLI::App& app, int& exit_code);
void AddHistoryCommand(CLI::App& app, int& exit_code);
void AddCompareCommand(CLI::App& app, int& exit_code);
void AddTokenCommand(CLI::App& app, int& exit_code);
void AddMigrateCommand(CLI::App& app, int& exit_code);
void AddCheckCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddGithubContextCommand(CLI::App& app, int& exit_code);
void AddBackupCommand(CLI::App& app, int& exit_code);

// How messages name an input: the path, or "<stdin>" for "-".
std::string ShownPath(const std::string& path);

// Reads a whole file, or standard input for "-". Throws UsageError naming the
// file when it cannot be read.
std::string ReadInput(const std::string& path);

// A whole results file's bytes for one parse. A regular file is mapped, not
// read: reading a 27 MB file zero-filled and then copied a buffer its size,
// 6 % of a 100,000-row ingest. A pipe or standard input ("-") is read. Throws
// UsageError naming the file when it cannot be read.
class InputText {
 public:
  static InputText Of(const std::string& path);
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&&) = delete;
  InputText(const InputText&) = delete;
  ~InputText();

  std::string_view view() const { return mapped_ != nullptr ? std::string_view(mapped_, mapped_size_) : read_; }

 private:
  InputText() = default;
  std::string read_;
  const char* mapped_ = nullptr;
  std::size_t mapped_size_ = 0;
};

// Every .json file below a directory (criterion's target/criterion, asv's
// results/), named by its path relative to it; UsageError when it can't be read.
std::vector<parse::SourceFile> ReadJsonFilesBelow(const std::string& directory);

// Reads and parses a results file with the given format ("auto" detects); throws
// UsageError "FILE: line 3, benchmarks[0].name: reason".
model::Results ParseResultsFile(const std::string& path, const std::string& format);

// Opens the SQLite store; EnvironmentError when it cannot. With must_exist, a
// missing file is a UsageError instead of an empty new database.
std::unique_ptr<store::Store> OpenStore(const std::string& path, bool must_exist);

std::int64_t NowSeconds();

// What GitHub Actions says about the current job, read from GITHUB_* variables
// and the event file; empty fields when not inside Actions.
struct GithubContext {
  std::string sha;          // the PR's head commit on pull_request events, else GITHUB_SHA
  std::string branch;       // the PR's head branch, else GITHUB_REF_NAME
  std::string base_branch;  // the PR's base branch
  std::string base_sha;     // the PR's base commit
  std::string parent;       // push: the previous tip ("before"); PR: the base commit
  std::optional<std::int64_t> pull_request;
  bool from_fork = false;   // PR from another repository: its token cannot comment
  std::string repository;   // owner/name
  std::string server_url;   // https://github.com
  std::string api_url;      // https://api.github.com
  std::string run_id;
};
GithubContext ReadGithubContext();

// The one table from the server's HTTP status to the CLI's exit code, for every
// command: 2xx -> 0; a refusal of what was sent (400, 401, 403, 404, 405, 409,
// 413, 414, 415, 422: the request, the token, a name) -> 2; anything else (408,
// 429, 5xx, an unexpected status) is the environment -> 3.
int ExitCodeForStatus(int status);

// Sends one request to the perfgate server at `server_url` and returns the
// response; unreachable -> EnvironmentError, a status ExitCodeForStatus maps to 2
// -> UsageError, to 3 -> EnvironmentError, each carrying the server's message.
server::HttpResponse ServerCall(const std::string& server_url, const std::function<server::HttpResponse()>& send);
// "name=value&..." percent-encoded, leaving out empty values; "" when all are.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& parameters);

// Its body.
std::string ServerBody(const std::string& server_url, const std::function<server::HttpResponse()>& send);

// Rejects a name the one name rule (model/names.hpp) refuses: UsageError naming `what`.
void RequireName(const std::string& what, const std::string& value);

// A use case's expected failure, as the CLI reports it: UsageError (exit 2).
[[noreturn]] void ThrowGateError(const gate::GateError& error);

template <typename T>
T OrThrow(gate::Result<T> result) {
  if (!result) ThrowGateError(result.error());
  return std::move(*result);
}

}  // namespace perfgate::collector
