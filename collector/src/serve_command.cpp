// perfgate serve [--db PATH] [--host 127.0.0.1] [--port 8080] [--demo] [--private]
//                [--body-limit BYTES] [--web-dir DIR]

#include <CLI/CLI.hpp>

#include "cli_support.hpp"
#include "perfgate/server/server.hpp"

namespace perfgate::collector {

namespace {

int RunServe(const server::ServerOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    throw UsageError("--port " + std::to_string(options.port) + ": expected 0 to 65535");
  }
  if (options.body_limit == 0) throw UsageError("--body-limit: must be at least 1 byte");
  if (options.body_seconds < 1) throw UsageError("--body-seconds: must be at least 1");
  RequireName("--host", options.host);
  try {
    return server::RunUntilSignal(options);
  } catch (const server::ServerError& error) {
    throw EnvironmentError(error.what());
  }
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<server::ServerOptions>();
  CLI::App* command = app.add_subcommand("serve", "Serve the HTTP API and the dashboard");
  command->add_option("--db", options->db_path, "SQLite file (created when missing) or postgres:// URL")
      ->capture_default_str();
  command->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", options->port, "Port to listen on (0 = any free port)")->capture_default_str();
  command->add_flag("--demo", options->demo, "Fill an empty database with a demo history first");
  command->add_flag("--private", options->private_reads, "Reads need a project token too");
  command->add_option("--body-limit", options->body_limit, "Largest upload accepted, bytes")->capture_default_str();
  command->add_option("--web-dir,--web-root", options->web_root,
                      "Serve the dashboard from this directory (e.g. web/dist while developing it) "
                      "instead of the one built into perfgate");
  command->add_option("--threads", options->threads, "Worker threads")->capture_default_str();
  command->add_option("--body-seconds", options->body_seconds, "Longest time one request body may take to arrive")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace perfgate::collector
