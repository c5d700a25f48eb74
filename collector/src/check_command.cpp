// perfgate check --config perfgate.json (FILE | --head SHA) [--base SHA | --base-file FILE]
//                [--db PATH | --server URL] [--project P] [--testbed T]
//                [--comment OUT.md] [--json OUT.json] [--dashboard-url URL]

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli_support.hpp"
#include "perfgate/detect/budget_check.hpp"
#include "perfgate/gate/check.hpp"
#include "perfgate/report/check_report.hpp"
#include "perfgate/server/client.hpp"

#include <nlohmann/json.hpp>

namespace perfgate::collector {

namespace {

struct CheckOptions {
  std::string config;
  std::string head_file;
  std::string head;
  std::string base;
  std::string base_file;
  std::string db;
  std::string server;
  std::string project;
  std::string testbed;
  std::string format = "auto";
  std::string comment;
  std::string json;
  std::string dashboard_url;
};

void WriteOutput(const std::string& path, const std::string& text, bool append) {
  std::ofstream out(path, append ? std::ios::app | std::ios::binary : std::ios::trunc | std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw EnvironmentError("cannot write " + path);
}

// --dashboard-url, checked; with --server the route chooses (its --public-url,
// else the --server URL unless loopback), here the flag or nothing.
std::string RequestedDashboardUrl(const CheckOptions& options) {
  if (!options.dashboard_url.empty()) {
    if (auto problem = report::DashboardUrlProblem(options.dashboard_url)) throw UsageError("--dashboard-url: " + *problem);
  }
  return options.dashboard_url;
}

// The report goes to standard output, --comment, --json and the job summary.
int Publish(const CheckOptions& options, const std::string& markdown, const std::string& json, bool passed) {
  if (!options.comment.empty()) WriteOutput(options.comment, markdown, false);
  if (!options.json.empty()) WriteOutput(options.json, json + "\n", false);
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    WriteOutput(summary, markdown + "\n", true);
  }
  std::cout << markdown;
  return passed ? kSuccess : kRegression;
}

// The server's check route evaluates stored commits: the head (and an optional
// base) are refs there; without --base it finds the baseline itself, as
// gate::Check does here. Every flag travels as the route's parameter.
int CheckOnServer(const CheckOptions& options, const std::string& config_text, const std::string& project,
                  const GithubContext& github) {
  if (!options.head_file.empty() || !options.base_file.empty()) {
    throw UsageError("with --server, give --head (and --base) refs of stored commits; ingest files first");
  }
  std::string head = options.head.empty() ? github.sha : options.head;
  if (head.empty()) throw UsageError("give --head SHA (GITHUB_SHA is not set either)");
  if (project.empty()) throw UsageError("no project: give --project or \"project\" in " + options.config);
  server::Client client(options.server);
  const std::string target = "/api/v1/projects/" + server::UrlEncode(project) + "/check?" +
                             QueryString({{"head", head}, {"base", options.base}, {"testbed", options.testbed},
                                          {"event_base", github.base_sha}, {"dashboard_url", RequestedDashboardUrl(options)},
                                          {"server_url", options.server}}) +
                             "&";
  auto post = [&](const char* format) {
    return ServerBody(options.server,
                      [&] { return client.Post(target + "format=" + format, config_text, "application/json"); });
  };
  nlohmann::json json = nlohmann::json::parse(post("json"), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("passed")) throw EnvironmentError("--server: the check route did not return a check");
  return Publish(options, post("markdown"), json.dump(2), json["passed"] == true);
}

int RunCheck(CheckOptions options) {
  std::string config_text = ReadInput(options.config);
  auto parsed = config::ParseConfig(config_text);
  if (!parsed) throw UsageError(options.config + ": " + config::ToString(parsed.error()));
  const config::Config& config = *parsed;
  std::string project = options.project.empty() ? config.project : options.project;
  if (!options.head_file.empty() && !options.head.empty()) throw UsageError("give a results FILE or --head, not both");
  if (!options.base.empty() && !options.base_file.empty()) throw UsageError("give --base or --base-file, not both");
  if (!project.empty()) RequireName("--project", project);

  const std::string dashboard_url = report::ChooseDashboardUrl(RequestedDashboardUrl(options), "", "");
  GithubContext github = ReadGithubContext();
  if (!options.server.empty()) return CheckOnServer(options, config_text, project, github);
  std::unique_ptr<store::Store> db;
  if (!options.db.empty()) {
    if (project.empty()) throw UsageError("--db needs --project (or \"project\" in " + options.config + ")");
    db = OpenStore(options.db, /*must_exist=*/true);
  }

  gate::CheckRequest request{.project = project, .head = {}, .base = std::nullopt, .testbed = options.testbed,
                             .event_base_sha = github.base_sha};
  if (!options.head_file.empty()) {
    request.head = gate::SideRequest{.ref = github.sha, .results = ParseResultsFile(options.head_file, options.format),
                                     .label = options.head_file == "-" ? "stdin" : options.head_file, .testbed = ""};
  } else {
    request.head.ref = options.head.empty() ? github.sha : options.head;
    if (request.head.ref.empty()) throw UsageError("give a results FILE or --head SHA");
    if (!db) throw UsageError("--head " + request.head.ref + ": reading commits from the store needs --db PATH");
  }
  if (!options.base_file.empty()) {
    request.base = gate::SideRequest{.ref = "", .results = ParseResultsFile(options.base_file, options.format),
                                     .label = options.base_file, .testbed = ""};
  } else if (!options.base.empty()) {
    if (!db) throw UsageError("--base " + options.base + ": reading commits from the store needs --db PATH");
    request.base = gate::SideRequest{.ref = options.base, .results = std::nullopt, .label = "", .testbed = ""};
  }

  auto outcome = gate::Check(db.get(), config, request);
  if (!outcome) {
    std::string message = outcome.error().message;
    // Name the config file the user gave rather than the generic name.
    if (message.starts_with("perfgate.json: ")) message = options.config + ": " + message.substr(15);
    throw UsageError(message);
  }
  if (outcome->base && !outcome->baseline_reason.empty()) {
    std::cerr << "perfgate: baseline: " << outcome->base->commit << ", " << outcome->baseline_reason << "\n";
  } else if (!outcome->base && !request.base) {
    std::cerr << "perfgate: no baseline found; budgets are checked, relative ones stay pending\n";
  }
  const detect::CheckResult& result = outcome->result;
  std::string markdown = report::CheckMarkdown(
      result, report::CheckReportOptions{.dashboard_url = dashboard_url, .max_length = report::kGithubCommentLimit,
                                         .base = outcome->base, .head = outcome->head});
  std::string json = report::CheckJson(result, outcome->base, outcome->head, outcome->testbed).dump(2);
  return Publish(options, markdown, json, result.passed);
}

}  // namespace

void AddCheckCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand("check", "Check head results against the baseline and perfgate.json budgets");
  command->add_option("--config", options->config, "perfgate.json")->required();
  command->add_option("file", options->head_file, "Head results file ('-' for standard input)");
  command->add_option("--head", options->head, "Head commit (SHA, 7+ prefix or branch) in the store");
  command->add_option("--base", options->base, "Baseline commit (SHA, 7+ prefix or branch) in the store");
  command->add_option("--base-file", options->base_file, "Baseline results file");
  command->add_option("--db", options->db, "SQLite results database");
  command->add_option("--server", options->server, "perfgate server URL, instead of --db (head and base are stored commits)");
  command->add_option("--project", options->project, "Project (default: \"project\" of the config)");
  command->add_option("--testbed", options->testbed, "Testbed (default: 'default' when the head ran there)");
  command->add_option("--format", options->format, "Format of results files (auto detects)")->capture_default_str();
  command->add_option("--comment", options->comment, "Write the Markdown report here");
  command->add_option("--json", options->json, "Write the JSON report here");
  command->add_option("--dashboard-url", options->dashboard_url,
                      "Public URL of the perfgate server whose dashboard the report links and whose trend pictures "
                      "it shows (default: the --server URL unless it is loopback; else no links)");
  command->callback([options, &exit_code] { exit_code = RunCheck(*options); });
}

}  // namespace perfgate::collector
