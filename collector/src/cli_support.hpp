#pragma once
// What every command of the `perfgate` CLI shares: exit codes, the two error
// kinds main() maps to them, reading inputs, and GitHub Actions defaults.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "perfgate/detect/compare.hpp"
#include "perfgate/model/report.hpp"
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
void AddCheckCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddBackupCommand(CLI::App& app, int& exit_code);

// Reads a whole file, or standard input for "-". Throws UsageError naming the
// file when it cannot be read.
std::string ReadInput(const std::string& path);

// Reads and parses a results file with the given format ("auto" detects); throws
// UsageError "FILE: line 3, benchmarks[0].name: reason".
model::Report ParseResultsFile(const std::string& path, const std::string& format);

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
  std::string repository;   // owner/name
  std::string server_url;   // https://github.com
  std::string api_url;      // https://api.github.com
  std::string run_id;
};
GithubContext ReadGithubContext();

// Noise of single-value comparisons from history: the robust relative spread of
// the newest 30 commits of each series on `branch` (absent under 5 commits).
// `db` must outlive the returned function.
detect::HistoryNoise HistoryNoiseFromStore(store::Store& db, const std::string& project, const std::string& testbed,
                                           const std::string& branch);

// Sends one request to the perfgate server at `server_url` and returns the
// response body, mapping failures to the CLI's errors: unreachable or any
// other status than 200 -> EnvironmentError (exit 3); 400 or 404 -> UsageError
// (exit 2) carrying the server's message.
std::string ServerBody(const std::string& server_url, const std::function<server::HttpResponse()>& send);

// Rejects a project, benchmark or testbed name that is empty or has control characters.
void RequireName(const std::string& what, const std::string& value);

}  // namespace perfgate::collector
