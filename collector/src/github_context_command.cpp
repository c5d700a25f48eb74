// perfgate github-context: what perfgate reads from GitHub Actions (the
// GITHUB_* variables and the event file), as one JSON object, so the Actions
// step and its GitHub client never parse the event themselves:
//   {"in_actions","sha","branch","base_branch","base_sha","parent",
//    "pull_request" (number or null),"from_fork","repository","api_url","server_url","run_id"}

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli_support.hpp"

namespace perfgate::collector {

void AddGithubContextCommand(CLI::App& app, int& exit_code) {
  CLI::App* command = app.add_subcommand(
      "github-context", "Print the commit, branches and pull request perfgate reads from GitHub Actions, as JSON");
  command->callback([&exit_code] {
    GithubContext context = ReadGithubContext();
    const char* actions = std::getenv("GITHUB_ACTIONS");
    nlohmann::json json{{"in_actions", actions != nullptr && std::strcmp(actions, "true") == 0},
                        {"sha", context.sha},
                        {"branch", context.branch},
                        {"base_branch", context.base_branch},
                        {"base_sha", context.base_sha},
                        {"parent", context.parent},
                        {"pull_request", context.pull_request ? nlohmann::json(*context.pull_request) : nullptr},
                        {"from_fork", context.from_fork},
                        {"repository", context.repository},
                        {"api_url", context.api_url},
                        {"server_url", context.server_url},
                        {"run_id", context.run_id}};
    std::cout << json.dump(2) << "\n";
    exit_code = kSuccess;
  });
}

}  // namespace perfgate::collector
