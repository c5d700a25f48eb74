// perfgate history --benchmark NAME [--metric M] [--branch B] [--testbed T]
//                  (--db PATH --project P | --server URL --project P) [--format text|json]

#include <CLI/CLI.hpp>

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "perfgate/gate/series.hpp"
#include "perfgate/report/series_report.hpp"
#include "perfgate/server/client.hpp"

namespace perfgate::collector {

namespace {

struct HistoryOptions {
  std::string benchmark;
  std::string metric;
  std::string branch;
  std::string testbed;
  std::string db;
  std::string server;
  std::string project;
  std::string format = "text";
  std::size_t limit = 1000;
};

int HistoryFromServer(const HistoryOptions& options) {
  server::Client client(options.server);
  std::string target = "/api/v1/projects/" + server::UrlEncode(options.project) + "/series?" +
                       QueryString({{"benchmark", options.benchmark}, {"metric", options.metric},
                                    {"branch", options.branch}, {"testbed", options.testbed},
                                    {"limit", std::to_string(options.limit)}, {"format", options.format}});
  std::string body = ServerBody(options.server, [&] { return client.Get(target); });
  if (options.format == "json") {
    // Printed as the --db door prints it.
    nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) throw EnvironmentError("--server: the series route did not return JSON");
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << body;
  }
  return kSuccess;
}

int RunHistory(const HistoryOptions& options) {
  if (options.format != "text" && options.format != "json") {
    throw UsageError("--format " + options.format + ": expected text or json");
  }
  if (!options.server.empty()) return HistoryFromServer(options);
  auto db = OpenStore(options.db, /*must_exist=*/true);
  gate::SeriesAnswer answer = OrThrow(gate::SeriesWithChanges(
      *db, gate::SeriesRequest{.project = options.project, .benchmark = options.benchmark, .metric = options.metric,
                               .branch = options.branch, .testbed = options.testbed, .limit = options.limit}));
  if (options.format == "json") {
    std::cout << report::SeriesJson(answer.series, answer.changes).dump(2) << "\n";
  } else {
    std::cout << report::SeriesText(answer.series, answer.changes);
  }
  return kSuccess;
}

}  // namespace

void AddHistoryCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* command = app.add_subcommand("history", "Print one benchmark's series over commits");
  command->add_option("--benchmark", options->benchmark, "Benchmark name")->required();
  command->add_option("--metric", options->metric, "Metric (default: real_time, else the only one)");
  command->add_option("--branch", options->branch, "Branch (default: every branch)");
  command->add_option("--testbed", options->testbed, "Testbed (default: 'default', else the first with data)");
  command->add_option("--db", options->db, "SQLite results database");
  command->add_option("--server", options->server, "perfgate server URL, instead of --db");
  command->add_option("--project", options->project, "Project name")->required();
  command->add_option("--format", options->format, "text or json")->capture_default_str();
  command->add_option("--limit", options->limit, "Newest commits to show")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunHistory(*options); });
}

}  // namespace perfgate::collector
