// perfgate compare BASE HEAD [--db PATH --project P | --server URL --project P]
//                  [--format text|markdown|json] [--metric M] [--threshold 5%] [--alpha 0.05]
//                  [--testbed T] [--base-testbed T] [--head-testbed T] [--map BASE_NAME=HEAD_NAME]...
// BASE and HEAD are each a results file ("-" for standard input), or with
// --db/--server a commit (full SHA or unique prefix of 7+ characters) or a branch
// name (its newest commit with results). Exit 1 when anything regressed. The
// decision is gate::CompareSides, the same one the server's compare route makes.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "perfgate/gate/compare.hpp"
#include "perfgate/report/compare_report.hpp"
#include "perfgate/server/client.hpp"

namespace perfgate::collector {

namespace {

struct CompareCommandOptions {
  std::string base;
  std::string head;
  std::string db;
  std::string server;
  std::string project;
  std::string testbed;
  std::string base_testbed;
  std::string head_testbed;
  std::vector<std::string> map;
  std::string format = "text";
  std::string metric;
  std::string threshold = "5%";
  std::string alpha = "0.05";
};

bool IsFile(const std::string& ref) {
  std::error_code error;
  return ref == "-" || std::filesystem::is_regular_file(ref, error);
}

gate::SideRequest SideOf(const std::string& ref, const std::string& testbed) {
  if (!IsFile(ref)) return gate::SideRequest{.ref = ref, .results = std::nullopt, .label = "", .testbed = testbed};
  return gate::SideRequest{.ref = "", .results = ParseResultsFile(ref, "auto"), .label = ref, .testbed = testbed};
}

// Every flag travels as the route's parameter of the same name; the server
// renders the format asked for, and the JSON answer decides the exit code.
int CompareOnServer(const CompareCommandOptions& options) {
  server::Client client(options.server);
  std::string map;
  for (const std::string& entry : options.map) map += (map.empty() ? "" : "\n") + entry;
  const std::string target = "/api/v1/projects/" + server::UrlEncode(options.project) + "/compare?" +
                             QueryString({{"base", options.base}, {"head", options.head}, {"metric", options.metric},
                                          {"threshold", options.threshold}, {"alpha", options.alpha},
                                          {"testbed", options.testbed}, {"base_testbed", options.base_testbed},
                                          {"head_testbed", options.head_testbed}, {"map", map}}) + "&";
  auto get = [&](const std::string& format) {
    return ServerBody(options.server, [&] { return client.Get(target + "format=" + format); });
  };
  const std::string json_text = get("json");
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("summary")) throw EnvironmentError("--server: the compare route did not return a comparison");
  std::cout << (options.format == "json" ? json_text + "\n" : get(options.format));
  return json["summary"].value("regressed", 0) > 0 ? kRegression : kSuccess;
}

int RunCompare(const CompareCommandOptions& options) {
  if (options.format != "text" && options.format != "markdown" && options.format != "json") {
    throw UsageError("--format " + options.format + ": expected text, markdown or json");
  }
  gate::CompareRequest request{.project = options.project, .base = {}, .head = {}, .testbed = options.testbed,
                               .name_map = {}, .options = {}};
  request.options.threshold = OrThrow(gate::ParseThreshold("--threshold", options.threshold));
  request.options.alpha = OrThrow(gate::ParseAlpha("--alpha", options.alpha));
  if (!options.metric.empty()) request.options.metric = options.metric;
  for (const std::string& entry : options.map) request.name_map.push_back(OrThrow(gate::ParseNameMapping("--map", entry)));
  if (options.base == "-" && options.head == "-") throw UsageError("BASE and HEAD cannot both be standard input");
  if (!options.db.empty() && !options.server.empty()) throw UsageError("give --db or --server, not both");
  if ((!options.db.empty() || !options.server.empty()) && options.project.empty()) {
    throw UsageError("--project is required with --db or --server");
  }
  if (!options.project.empty()) RequireName("--project", options.project);
  const bool files = IsFile(options.base) && IsFile(options.head);
  if (!options.server.empty() && !files) {
    if (IsFile(options.base) || IsFile(options.head)) {
      throw UsageError("with --server, BASE and HEAD are both stored commits or branches (ingest the file first)");
    }
    return CompareOnServer(options);
  }
  if (!files && options.db.empty()) {
    const std::string& ref = IsFile(options.base) ? options.head : options.base;
    throw UsageError(ref + ": no such file (give --db and --project to compare commits or branches)");
  }

  std::unique_ptr<store::Store> db;
  if (!files) db = OpenStore(options.db, /*must_exist=*/true);
  request.base = SideOf(options.base, options.base_testbed);
  request.head = SideOf(options.head, options.head_testbed);
  const gate::CompareOutcome outcome = OrThrow(gate::CompareSides(db.get(), request));
  if (options.format == "json") {
    std::cout << report::CompareJson(outcome.comparison, outcome.base, outcome.head).dump(2) << "\n";
  } else if (options.format == "markdown") {
    std::cout << report::CompareMarkdown(outcome.comparison);
  } else {
    std::cout << report::CompareText(outcome.comparison);
  }
  return outcome.comparison.HasRegression() ? kRegression : kSuccess;
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
  command->add_option("--testbed", options->testbed, "Testbed of stored results (default: one both sides ran on)");
  command->add_option("--base-testbed", options->base_testbed, "Testbed of the base (two implementations or machines)");
  command->add_option("--head-testbed", options->head_testbed, "Testbed of the head");
  command->add_option("--map", options->map, "BASE_NAME=HEAD_NAME: a benchmark the head names differently");
  command->add_option("--format", options->format, "text, markdown or json")->capture_default_str();
  command->add_option("--metric", options->metric, "Metric (default: real_time, else the benchmark's only one)");
  command->add_option("--threshold", options->threshold, "Smallest change that matters")->capture_default_str();
  command->add_option("--alpha", options->alpha, "False-discovery rate (Benjamini-Hochberg)")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunCompare(*options); });
}

}  // namespace perfgate::collector
