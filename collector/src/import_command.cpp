// perfgate import github-action-benchmark data.js --db PATH --project P [--branch B] [--testbed T]
// perfgate import asv .asv/results --db PATH --project P [--branch B] [--testbed T]
// Brings a team's history into the store: github-action-benchmark's gh-pages
// data.js, or asv's results directory (one file per commit, machine and
// environment; the testbed is asv's machine unless --testbed is given). Every
// run becomes a run of its commit, at the commit's time, oldest first, each
// commit's parent the commit before it. Everything is parsed before the
// database is opened (bad input exits 2, nothing written); importing again
// stores nothing twice (ingest is idempotent by content).

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <set>
#include <unistd.h>

#include "cli_support.hpp"
#include "perfgate/gate/error.hpp"
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
  bool testbed_given = false;
};

// One run to store, whichever tool it comes from.
struct ImportedRun {
  std::string commit;
  std::int64_t time = 0;
  std::string testbed;
  model::Results* report = nullptr;
  std::string source;  // where it was read, for messages
};

int RunImport(const ImportOptions& options) {
  if (options.source != "github-action-benchmark" && options.source != "asv") {
    throw UsageError("import: unknown source '" + options.source + "' (known: github-action-benchmark, asv)");
  }
  RequireName("--project", options.project);
  RequireName("--testbed", options.testbed);
  std::string shown = ShownPath(options.file);
  std::vector<parse::HistoryEntry> history;
  std::vector<parse::AsvRun> asv_runs;
  std::vector<ImportedRun> runs;
  if (options.source == "github-action-benchmark") {
    auto parsed = parse::ParseGithubActionBenchmarkData(ReadInput(options.file));
    if (!parsed) throw UsageError(shown + ": " + parsed.error().Message());
    history = std::move(*parsed);
    for (parse::HistoryEntry& entry : history) {
      runs.push_back({entry.commit, entry.time, options.testbed, &entry.report, shown + ", commit " + entry.commit});
    }
  } else {
    std::error_code error;
    if (options.file == "-" || !std::filesystem::is_directory(options.file, error)) {
      throw UsageError(shown + ": not a directory (asv's results directory is expected, e.g. .asv/results)");
    }
    auto parsed = parse::ParseAsvResultsDirectory(ReadJsonFilesBelow(options.file));
    if (!parsed) throw UsageError(shown + ": " + parsed.error().Message());
    asv_runs = std::move(*parsed);
    for (parse::AsvRun& run : asv_runs) {
      std::string testbed = options.testbed_given ? options.testbed : run.testbed;
      RequireName("testbed of " + run.path, testbed);
      runs.push_back({run.commit, run.time, testbed, &run.report, run.path});
    }
  }

  // Every run is readied before any is stored: one refused name stores nothing.
  for (const ImportedRun& run : runs) {
    if (auto problem = gate::PrepareResults(*run.report)) throw UsageError(run.source + ": " + problem->message);
  }
  auto db = OpenStore(options.db, /*must_exist=*/false);
  bool progress = isatty(STDERR_FILENO) != 0;
  std::size_t created = 0, present = 0, benchmarks = 0, samples = 0;
  std::set<std::string> commits;
  std::string previous;  // the commit before, as its parent
  std::string last_commit;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const ImportedRun& run = runs[i];
    if (run.commit != last_commit) {
      previous = last_commit;
      last_commit = run.commit;
    }
    store::CommitInfo commit{.sha = run.commit, .parent = previous, .branch = options.branch, .time = run.time,
                             .pull_request = std::nullopt};
    auto outcome = db->Ingest(store::RunInput{.project = options.project, .commit = commit, .testbed = run.testbed,
                                              .report = *run.report, .received_at = NowSeconds()});
    (outcome.created ? created : present) += 1;
    benchmarks += outcome.benchmarks;
    samples += outcome.samples;
    commits.insert(run.commit);
    if (progress) std::cerr << "\rimporting run " << (i + 1) << "/" << runs.size() << std::flush;
  }
  if (progress) std::cerr << "\n";
  std::cout << options.file << ": " << runs.size() << " runs of " << commits.size() << " commits: " << created
            << " stored, " << present << " already stored (" << benchmarks << " benchmark results, " << samples
            << " samples)\n";
  return kSuccess;
}

}  // namespace

void AddImportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* command = app.add_subcommand("import", "Bring another tool's benchmark history into the store");
  command->add_option("source", options->source, "Where the history comes from: github-action-benchmark, asv")
      ->required();
  command->add_option("file", options->file,
                      "The history: github-action-benchmark's data.js (- for stdin), or asv's results directory")
      ->required();
  command->add_option("--db", options->db, "SQLite results database (created when missing)")->required();
  command->add_option("--project", options->project, "Project name")->required();
  command->add_option("--branch", options->branch, "Branch the history was recorded on")->capture_default_str();
  CLI::Option* testbed = command->add_option("--testbed", options->testbed,
                                             "Machine or environment name (asv: its machine name unless given)")
                             ->capture_default_str();
  command->callback([options, testbed, &exit_code] {
    options->testbed_given = testbed->count() > 0;
    exit_code = RunImport(*options);
  });
}

}  // namespace perfgate::collector
