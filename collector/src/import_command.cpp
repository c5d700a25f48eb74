// perfgate import github-action-benchmark data.js --db PATH --project P [--branch B] [--testbed T]
// Brings a team's github-action-benchmark history (its gh-pages data.js) into the
// store: every run becomes a run of its commit, at the commit's time, oldest
// first, each commit's parent the commit before it. The whole file is parsed
// before the database is opened (bad input exits 2, nothing written); importing
// again stores nothing twice (ingest is idempotent by content).

#include <CLI/CLI.hpp>

#include <iostream>
#include <set>
#include <unistd.h>

#include "cli_support.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::collector {

namespace {

struct ImportOptions {
  std::string source;
  std::string file;
  std::string db;
  std::string project;
  std::string branch = "main";
  std::string testbed = "default";
};

int RunImport(const ImportOptions& options) {
  if (options.source != "github-action-benchmark") {
    throw UsageError("import: unknown source '" + options.source + "' (known: github-action-benchmark)");
  }
  RequireName("--project", options.project);
  RequireName("--testbed", options.testbed);
  std::string text = ReadInput(options.file);
  auto history = parse::ParseGithubActionBenchmarkData(text);
  if (!history) throw UsageError((options.file == "-" ? "<stdin>" : options.file) + ": " + history.error().Message());

  auto db = OpenStore(options.db, /*must_exist=*/false);
  bool progress = isatty(STDERR_FILENO) != 0;
  std::size_t created = 0, present = 0, benchmarks = 0, samples = 0;
  std::set<std::string> commits;
  std::string previous;  // the commit before, as its parent
  std::string last_commit;
  for (std::size_t i = 0; i < history->size(); ++i) {
    const parse::HistoryEntry& entry = (*history)[i];
    if (entry.commit != last_commit) {
      previous = last_commit;
      last_commit = entry.commit;
    }
    store::CommitInfo commit{.sha = entry.commit, .parent = previous, .branch = options.branch, .time = entry.time,
                             .pull_request = std::nullopt};
    auto outcome = db->Ingest(store::RunInput{.project = options.project, .commit = commit, .testbed = options.testbed,
                                              .report = entry.report, .received_at = NowSeconds()});
    (outcome.created ? created : present) += 1;
    benchmarks += outcome.benchmarks;
    samples += outcome.samples;
    commits.insert(entry.commit);
    if (progress) std::cerr << "\rimporting run " << (i + 1) << "/" << history->size() << std::flush;
  }
  if (progress) std::cerr << "\n";
  std::cout << options.file << ": " << history->size() << " runs of " << commits.size() << " commits: " << created
            << " stored, " << present << " already stored (" << benchmarks << " benchmark results, " << samples
            << " samples)\n";
  return kSuccess;
}

}  // namespace

void AddImportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* command = app.add_subcommand("import", "Bring another tool's benchmark history into the store");
  command->add_option("source", options->source, "Where the history comes from: github-action-benchmark")->required();
  command->add_option("file", options->file, "The history file (github-action-benchmark's data.js; - for stdin)")
      ->required();
  command->add_option("--db", options->db, "SQLite results database (created when missing)")->required();
  command->add_option("--project", options->project, "Project name")->required();
  command->add_option("--branch", options->branch, "Branch the history was recorded on")->capture_default_str();
  command->add_option("--testbed", options->testbed, "Machine or environment name")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunImport(*options); });
}

}  // namespace perfgate::collector
