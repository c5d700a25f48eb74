// The `perfgate` command line. Commands live one per file; this maps their
// errors to the exit codes of DESIGN.md: 0 ok, 1 regression, 2 bad input, 3 environment.

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "cli_support.hpp"
#include "version.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::collector {
void AddImportCommand(CLI::App& app, int& exit_code);  // import_command.cpp
}  // namespace perfgate::collector

int main(int argc, char** argv) {
  using namespace perfgate::collector;
  CLI::App app{"perfgate: continuous benchmarking — ingest results, compare, check budgets, serve dashboards"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "perfgate " + std::string(Version()) + " (commit " + std::string(Commit()) + ")");
  int exit_code = kSuccess;
  AddIngestCommand(app, exit_code);
  AddCompareCommand(app, exit_code);
  AddHistoryCommand(app, exit_code);
  AddTokenCommand(app, exit_code);
  AddMigrateCommand(app, exit_code);
  AddCheckCommand(app, exit_code);
  AddServeCommand(app, exit_code);
  AddGithubContextCommand(app, exit_code);
  AddImportCommand(app, exit_code);
  AddBackupCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return kInvalidInput;
  } catch (const UsageError& error) {
    std::cerr << "perfgate: " << error.what() << "\n";
    return kInvalidInput;
  } catch (const EnvironmentError& error) {
    std::cerr << "perfgate: " << error.what() << "\n";
    return kEnvironmentFailure;
  } catch (const perfgate::store::StoreError& error) {
    std::cerr << "perfgate: database: " << error.what() << "\n";
    return kEnvironmentFailure;
  } catch (const std::exception& error) {
    std::cerr << "perfgate: internal error: " << error.what() << "\n";
    return kEnvironmentFailure;
  }
  return exit_code;
}
