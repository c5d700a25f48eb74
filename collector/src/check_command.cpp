// perfgate check --config perfgate.json (FILE | --head SHA) [--base SHA | --base-file FILE]
//                [--db PATH | --server URL] [--project P] [--testbed T]
//                [--comment OUT.md] [--json OUT.json] [--dashboard-url URL]

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli_support.hpp"
#include "perfgate/detect/budget_check.hpp"
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

// How far back the baseline search walks the head's parent links.
constexpr std::size_t kMaxAncestors = 1000;

std::string CommitLabel(const store::CommitInfo& commit) {
  std::string label = commit.sha.substr(0, 7);
  if (!commit.branch.empty()) label = commit.branch + " @ " + label;
  return label;
}

void WriteOutput(const std::string& path, const std::string& text, bool append) {
  std::ofstream out(path, append ? std::ios::app | std::ios::binary : std::ios::trunc | std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw EnvironmentError("cannot write " + path);
}

struct Side {
  model::Report report;
  std::string label;
};

class StoreAccess {
 public:
  StoreAccess(const CheckOptions& options, std::string project) : options_(options), project_(std::move(project)) {}

  store::Store& Get() {
    if (!store_) {
      if (options_.db.empty()) throw UsageError("reading commits from the store needs --db PATH");
      if (project_.empty()) throw UsageError("reading commits from the store needs --project (or \"project\" in the config)");
      store_ = OpenStore(options_.db, /*must_exist=*/true);
    }
    return *store_;
  }
  bool Available() const { return !options_.db.empty() && !project_.empty(); }
  const std::string& project() const { return project_; }
  std::string Testbed() const { return options_.testbed.empty() ? "default" : options_.testbed; }

  store::CommitInfo Resolve(const std::string& flag, const std::string& ref) {
    auto commit = Get().ResolveCommit(project_, ref);
    if (!commit) throw UsageError(flag + " " + ref + ": no such commit or branch in project " + project_);
    return *commit;
  }

  Side Load(const std::string& flag, const store::CommitInfo& commit) {
    auto report = Get().LoadCommitResults(project_, commit.sha, Testbed());
    if (!report) throw UsageError(flag + " " + commit.sha + ": no results on testbed " + Testbed());
    return Side{std::move(*report), CommitLabel(commit)};
  }

  bool HasResults(const std::string& sha) { return Get().HasResults(project_, sha, Testbed()); }

 private:
  const CheckOptions& options_;
  std::string project_;
  std::unique_ptr<store::Store> store_;
};

// The pull request's baseline when none was given: the event's base commit when
// it has results, else the first ancestor of the head on the baseline branch
// with results (the merge-base), else the nearest ancestor with results, else
// the baseline branch's newest commit with results.
std::optional<Side> FindBaseline(StoreAccess& access, const std::string& head_sha, const std::string& baseline_branch,
                                 const GithubContext& github) {
  if (!access.Available()) return std::nullopt;
  if (!github.base_sha.empty()) {
    if (auto commit = access.Get().FindCommit(access.project(), github.base_sha);
        commit && access.HasResults(commit->sha)) {
      std::cerr << "perfgate: baseline: the pull request's base commit " << commit->sha << "\n";
      return access.Load("base", *commit);
    }
  }
  if (!head_sha.empty()) {
    auto ancestors = access.Get().Ancestors(access.project(), head_sha, kMaxAncestors);
    if (!ancestors.empty() && ancestors.front().sha == head_sha) ancestors.erase(ancestors.begin());
    std::vector<detect::BaselineCandidate> candidates;
    for (const auto& commit : ancestors) {
      candidates.push_back({commit.sha, commit.branch, access.HasResults(commit.sha)});
    }
    if (auto chosen = detect::ChooseBaseline(candidates, baseline_branch)) {
      const auto& commit = ancestors[*chosen];
      std::cerr << "perfgate: baseline: ancestor " << commit.sha
                << (commit.branch == baseline_branch && !baseline_branch.empty() ? " on " + baseline_branch
                                                                                 : std::string(" (nearest with results)"))
                << "\n";
      return access.Load("base", commit);
    }
  }
  if (!baseline_branch.empty()) {
    if (auto commit = access.Get().ResolveCommit(access.project(), baseline_branch);
        commit && commit->sha != head_sha && access.HasResults(commit->sha)) {
      std::cerr << "perfgate: baseline: newest commit on " << baseline_branch << " with results, " << commit->sha
                << "\n";
      return access.Load("base", *commit);
    }
  }
  std::cerr << "perfgate: no baseline found; budgets are checked, relative ones stay pending\n";
  return std::nullopt;
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
// base) are refs there; without --base it finds the merge-base itself.
int CheckOnServer(const CheckOptions& options, const std::string& config_text, const std::string& project,
                  const GithubContext& github) {
  if (!options.head_file.empty() || !options.base_file.empty()) {
    throw UsageError("with --server, give --head (and --base) refs of stored commits; ingest files first");
  }
  std::string head = options.head.empty() ? github.sha : options.head;
  if (head.empty()) throw UsageError("give --head SHA (GITHUB_SHA is not set either)");
  if (project.empty()) throw UsageError("no project: give --project or \"project\" in " + options.config);
  server::Client client(options.server);
  std::string target = "/api/v1/projects/" + server::UrlEncode(project) + "/check?head=" + server::UrlEncode(head) +
                       "&base=" + server::UrlEncode(options.base) + "&testbed=" + server::UrlEncode(options.testbed);
  auto post = [&](const char* format) {
    return ServerBody(options.server,
                      [&] { return client.Post(target + "&format=" + format, config_text, "application/json"); });
  };
  std::string json_text = post("json");
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("passed")) throw EnvironmentError("--server: the check route did not return a check");
  return Publish(options, post("markdown"), json.dump(2), json["passed"] == true);
}

int RunCheck(CheckOptions options) {
  std::string config_text = ReadInput(options.config);
  auto parsed = detect::ParseConfig(config_text);
  if (!parsed) throw UsageError(options.config + ": " + detect::ToString(parsed.error()));
  const detect::Config& config = *parsed;
  std::string project = options.project.empty() ? config.project : options.project;
  if (!options.head_file.empty() && !options.head.empty()) throw UsageError("give a results FILE or --head, not both");
  if (!options.base.empty() && !options.base_file.empty()) throw UsageError("give --base or --base-file, not both");
  if (!project.empty()) RequireName("--project", project);

  GithubContext github = ReadGithubContext();
  if (!options.server.empty()) return CheckOnServer(options, config_text, project, github);
  StoreAccess access(options, project);

  // Head.
  Side head;
  std::string head_sha;
  if (!options.head_file.empty()) {
    head = Side{ParseResultsFile(options.head_file, options.format), options.head_file == "-" ? "stdin" : options.head_file};
    head_sha = github.sha;
  } else {
    std::string ref = options.head.empty() ? github.sha : options.head;
    if (ref.empty()) throw UsageError("give a results FILE or --head SHA");
    auto commit = access.Resolve("--head", ref);
    head_sha = commit.sha;
    head = access.Load("--head", commit);
  }

  // Baseline.
  std::optional<Side> base;
  if (!options.base_file.empty()) {
    base = Side{ParseResultsFile(options.base_file, options.format), options.base_file};
  } else if (!options.base.empty()) {
    base = access.Load("--base", access.Resolve("--base", options.base));
  } else {
    if (!head_sha.empty() && access.Available() && !access.Get().FindCommit(project, head_sha)) head_sha.clear();
    base = FindBaseline(access, head_sha, config.baseline_branch, github);
  }

  detect::CheckOptions check_options{.base_label = base ? base->label : "", .head_label = head.label, .history_noise = {}};
  if (access.Available()) {
    check_options.history_noise = HistoryNoiseFromStore(access.Get(), project, options.testbed, config.baseline_branch);
  }
  std::optional<model::Report> base_report;
  if (base) base_report = std::move(base->report);
  auto result = detect::EvaluateCheck(config, base_report, head.report, check_options);
  if (!result) throw UsageError(options.config + ": " + detect::ToString(result.error()));
  result->project = project;

  std::string markdown = report::CheckMarkdown(*result, report::CheckReportOptions{.dashboard_url = options.dashboard_url});
  return Publish(options, markdown, report::CheckJson(*result).dump(2), result->passed);
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
  command->add_option("--testbed", options->testbed, "Testbed (default: 'default')");
  command->add_option("--format", options->format, "Format of results files (auto detects)")->capture_default_str();
  command->add_option("--comment", options->comment, "Write the Markdown report here");
  command->add_option("--json", options->json, "Write the JSON report here");
  command->add_option("--dashboard-url", options->dashboard_url, "Dashboard link for the report");
  command->callback([options, &exit_code] { exit_code = RunCheck(*options); });
}

}  // namespace perfgate::collector
