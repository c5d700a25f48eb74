// perfgate migrate --from LOCATION --to LOCATION [--batch N]
// Copies a results store into another: SQLite into PostgreSQL, or back. Each
// run is stored in its own transaction, so an interrupted copy keeps what it
// copied, and running it again copies only what is missing. The counts of both
// stores are compared at the end.

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>

#include "cli_support.hpp"
#include "perfgate/store/copy.hpp"

namespace perfgate::collector {

namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
  std::size_t batch = 200;
};

// A progress bar on a terminal; a line per tenth of the way otherwise (CI logs).
class ProgressPrinter {
 public:
  ProgressPrinter() : terminal_(isatty(STDERR_FILENO) != 0) {}

  void operator()(const store::CopyProgress& step) {
    if (step.runs_total == 0) return;
    int percent = static_cast<int>(100 * step.runs_done / step.runs_total);
    if (terminal_) {
      int filled = percent * 30 / 100;
      std::cerr << "\rmigrate: [" << std::string(static_cast<std::size_t>(filled), '#')
                << std::string(static_cast<std::size_t>(30 - filled), ' ') << "] " << step.runs_done << "/"
                << step.runs_total << " runs" << std::flush;
      if (step.runs_done == step.runs_total) std::cerr << "\n";
    } else if (percent / 10 != last_tenth_ || step.runs_done == step.runs_total) {
      last_tenth_ = percent / 10;
      std::cerr << "migrate: " << step.runs_done << "/" << step.runs_total << " runs\n";
    }
  }

 private:
  bool terminal_;
  int last_tenth_ = -1;
};

std::string Counts(const store::StoreTotals& totals) {
  return std::to_string(totals.projects) + " projects, " + std::to_string(totals.commits) + " commits, " +
         std::to_string(totals.runs) + " runs, " + std::to_string(totals.samples) + " samples, " +
         std::to_string(totals.tokens) + " tokens";
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* command = app.add_subcommand(
      "migrate", "Copy a results store into another (SQLite file <-> postgres://...); safe to re-run");
  command->add_option("--from", options->from, "Source: a SQLite file or a postgres:// URL")->required();
  command->add_option("--to", options->to, "Target: a SQLite file or a postgres:// URL")->required();
  command->add_option("--batch", options->batch, "Runs read from the source at a time")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->callback([options, &exit_code] {
    if (options->from == options->to) throw UsageError("--from and --to name the same store: " + options->from);
    auto from = OpenStore(options->from, /*must_exist=*/true);
    auto to = OpenStore(options->to, /*must_exist=*/false);
    ProgressPrinter printer;
    store::CopyOutcome outcome;
    try {
      outcome = store::CopyStore(*from, *to, options->batch, std::ref(printer));
    } catch (const store::StoreError& error) {
      throw EnvironmentError(error.what());
    }
    std::cout << "migrate: " << outcome.runs_copied << " runs copied, " << outcome.runs_present
              << " already there, " << outcome.tokens_copied << " tokens, "
              << outcome.triages_copied << " alert triages and " << outcome.configs_copied << " configs copied\n"
              << "  source: " << Counts(outcome.source) << "\n"
              << "  target: " << Counts(outcome.target) << "\n";
    if (!outcome.verified) throw EnvironmentError("the target does not hold everything of the source: " + outcome.mismatch);
    exit_code = kSuccess;
  });
}

}  // namespace perfgate::collector
