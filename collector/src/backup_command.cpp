// perfgate backup --db perfgate.db --to backup.db
// A consistent copy of the database, safe while `perfgate serve` runs.
// Restore: stop the server, replace the database file by the copy (and remove
// any perfgate.db-wal / -shm beside it), start the server (server/README.md).

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli_support.hpp"
#include "perfgate/store/backup.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::collector {

void AddBackupCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db;
    std::string to;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("backup", "Copy the results database consistently, also while serving");
  command->add_option("--db", options->db, "SQLite results database to copy")->required();
  command->add_option("--to", options->to, "The copy (replaced only once complete and checked)")->required();
  command->callback([options, &exit_code] {
    if (options->db == options->to) throw UsageError("--to: must differ from --db");
    try {
      store::BackupOutcome outcome = store::BackupDatabase(options->db, options->to);
      std::cerr << "perfgate: backed up " << options->db << " to " << options->to << " (" << outcome.pages
                << " pages, " << outcome.bytes << " bytes)\n";
    } catch (const store::StoreError& error) {
      throw EnvironmentError(error.what());
    }
    exit_code = kSuccess;
  });
}

}  // namespace perfgate::collector
