// perfgate compare BASE HEAD [--db PATH --project P | --server URL --project P]
//                  [--format text|markdown|json] [--metric M] [--threshold 5%] [--alpha 0.05]
//                  [--testbed T]
// BASE and HEAD are each a results file ("-" for standard input), or with
// --db/--server a commit (full SHA or unique prefix of 7+ characters) or a branch
// name (its newest commit with results). Exit 1 when anything regressed.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/model/units.hpp"
#include "perfgate/report/compare_report.hpp"
#include "perfgate/server/client.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::collector {

namespace {

struct CompareCommandOptions {
  std::string base;
  std::string head;
  std::string db;
  std::string server;
  std::string project;
  std::string testbed;
  std::string format = "text";
  std::string metric;
  std::string threshold = "5%";
  double alpha = 0.05;
};

struct Side {
  model::Report report;
  std::string label;
  std::string branch;  // of the resolved commit; "" for files
};

bool IsFile(const std::string& ref) {
  std::error_code error;
  return ref == "-" || std::filesystem::is_regular_file(ref, error);
}

Side LoadSide(const std::string& what, const std::string& ref, const CompareCommandOptions& options,
              store::Store* db) {
  if (IsFile(ref)) return Side{ParseResultsFile(ref, "auto"), ref, ""};
  if (db == nullptr) {
    throw UsageError(what + " " + ref + ": no such file (give --db and --project to compare commits or branches)");
  }
  const std::optional<store::CommitInfo> commit = db->ResolveCommit(options.project, ref);
  if (!commit) {
    throw UsageError(what + " " + ref + ": not a file, and no unique commit or branch of that name with results in "
                     "project " + options.project);
  }
  std::optional<model::Report> report = db->LoadCommitResults(options.project, commit->sha, options.testbed);
  if (!report) {
    throw UsageError(what + " " + ref + ": commit " + commit->sha + " has no results" +
                     (options.testbed.empty() ? "" : " on testbed " + options.testbed));
  }
  std::string label = commit->sha.substr(0, 12);
  if (ref != commit->sha && !commit->sha.starts_with(ref)) label += " (" + ref + ")";
  return Side{std::move(*report), label, commit->branch};
}

// "5%" -> 0.05; a plain number is a fraction ("0.05").
double ParseThreshold(const std::string& text) {
  const std::optional<model::Quantity> quantity = model::ParseQuantity(text);
  double fraction = -1;
  if (quantity && quantity->unit == "%") fraction = quantity->value / 100;
  if (quantity && quantity->unit.empty()) fraction = quantity->value;
  if (!(fraction >= 0 && fraction < 1)) {
    throw UsageError("--threshold " + text + ": expected a percentage such as 5% (or a fraction below 1)");
  }
  return fraction;
}

int CompareOnServer(const CompareCommandOptions& options) {
  server::Client client(options.server);
  const std::string target = "/api/v1/projects/" + server::UrlEncode(options.project) +
                             "/compare?base=" + server::UrlEncode(options.base) +
                             "&head=" + server::UrlEncode(options.head);
  auto get = [&](const std::string& format) {
    return ServerBody(options.server, [&] { return client.Get(target + "&format=" + format); });
  };
  const std::string json_text = get("json");
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw EnvironmentError("--server: the compare route did not return JSON");
  // The server renders JSON and Markdown; text falls back to Markdown.
  std::cout << (options.format == "json" ? json_text : get("markdown"));
  if (options.format == "json") std::cout << "\n";
  const bool regressed = json.contains("summary") && json["summary"].is_object() &&
                         json["summary"].value("regressed", 0) > 0;
  return regressed ? kRegression : kSuccess;
}

int RunCompare(const CompareCommandOptions& options) {
  if (options.format != "text" && options.format != "markdown" && options.format != "json") {
    throw UsageError("--format " + options.format + ": expected text, markdown or json");
  }
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw UsageError("--alpha " + std::to_string(options.alpha) + ": expected a number between 0 and 1");
  }
  if (options.base == "-" && options.head == "-") throw UsageError("BASE and HEAD cannot both be standard input");
  if (!options.db.empty() && !options.server.empty()) throw UsageError("give --db or --server, not both");
  if ((!options.db.empty() || !options.server.empty()) && options.project.empty()) {
    throw UsageError("--project is required with --db or --server");
  }
  detect::CompareOptions compare;
  compare.threshold = ParseThreshold(options.threshold);
  compare.alpha = options.alpha;
  if (!options.metric.empty()) compare.metric = options.metric;

  if (!options.server.empty() && !IsFile(options.base) && !IsFile(options.head)) return CompareOnServer(options);

  std::unique_ptr<store::Store> db;
  if (!options.db.empty() && !(IsFile(options.base) && IsFile(options.head))) {
    db = OpenStore(options.db, /*must_exist=*/true);
  }
  const Side base = LoadSide("BASE", options.base, options, db.get());
  const Side head = LoadSide("HEAD", options.head, options, db.get());
  if (db) compare.history_noise = HistoryNoiseFromStore(*db, options.project, options.testbed, base.branch);

  detect::Comparison comparison = detect::CompareReports(base.report, head.report, compare);
  comparison.base.label = base.label;
  comparison.head.label = head.label;
  if (options.format == "json") {
    std::cout << report::CompareJson(comparison).dump(2) << "\n";
  } else if (options.format == "markdown") {
    std::cout << report::CompareMarkdown(comparison);
  } else {
    std::cout << report::CompareText(comparison);
  }
  return comparison.HasRegression() ? kRegression : kSuccess;
}

}  // namespace

void AddCompareCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CompareCommandOptions>();
  CLI::App* command = app.add_subcommand("compare", "Compare two results files, commits or branches");
  command->add_option("BASE", options->base, "Base: results file, commit or branch")->required();
  command->add_option("HEAD", options->head, "Head: results file, commit or branch")->required();
  command->add_option("--db", options->db, "SQLite results database (to compare commits or branches)");
  command->add_option("--server", options->server, "perfgate server URL, instead of --db");
  command->add_option("--project", options->project, "Project name (with --db or --server)");
  command->add_option("--testbed", options->testbed, "Testbed of stored results (default: 'default')");
  command->add_option("--format", options->format, "text, markdown or json")->capture_default_str();
  command->add_option("--metric", options->metric, "Metric (default: real_time, else the benchmark's only one)");
  command->add_option("--threshold", options->threshold, "Smallest change that matters")->capture_default_str();
  command->add_option("--alpha", options->alpha, "False-discovery rate (Benjamini-Hochberg)")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunCompare(*options); });
}

}  // namespace perfgate::collector
