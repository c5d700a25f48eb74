// perfgate serve [--db PATH] [--host 127.0.0.1] [--port 8080] [--demo] [--private]
//                [--body-limit BYTES] [--web-dir DIR] [limits: see `perfgate serve --help`]

#include <CLI/CLI.hpp>

#include "cli_support.hpp"
#include "perfgate/report/check_report.hpp"
#include "perfgate/server/server.hpp"

namespace perfgate::collector {

namespace {

int RunServe(const server::ServerOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    throw UsageError("--port " + std::to_string(options.port) + ": expected 0 to 65535");
  }
  if (!options.public_url.empty()) {
    if (auto problem = report::DashboardUrlProblem(options.public_url)) throw UsageError("--public-url: " + *problem);
  }
  if (options.body_limit == 0) throw UsageError("--body-limit: must be at least 1 byte");
  if (options.body_seconds < 1) throw UsageError("--body-seconds: must be at least 1");
  if (options.head_seconds < 1) throw UsageError("--head-seconds: must be at least 1");
  if (options.keep_alive_seconds < 1) throw UsageError("--keep-alive-seconds: must be at least 1");
  if (options.write_timeout_seconds < 1) throw UsageError("--write-seconds: must be at least 1");
  if (options.threads < 1) throw UsageError("--threads: must be at least 1");
  if (options.io_threads < 1) throw UsageError("--io-threads: must be at least 1");
  if (options.max_header_count < 1) throw UsageError("--max-headers: must be at least 1");
  if (options.max_header_bytes < 256) throw UsageError("--max-header-bytes: must be at least 256");
  if (options.writes_per_minute < 0) throw UsageError("--writes-per-minute: must be 0 (unlimited) or more");
  if (options.failed_auth_per_minute < 0) throw UsageError("--failed-auth-per-minute: must be 0 (unlimited) or more");
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
  command->add_option("--public-url", options->public_url,
                      "The URL readers reach this server by (https://perf.example.com): check reports link its "
                      "dashboard and show its trend pictures");
  command->add_flag("--quiet", options->quiet, "No access log on stderr");
  // Limits: every one has a default safe on a shared network (server/README.md).
  command->add_option("--threads", options->threads, "Handler threads (requests that touch the store run here)")
      ->capture_default_str();
  command->add_option("--queue-limit", options->queue_limit, "Requests that may wait for a handler; then 503")
      ->capture_default_str();
  command->add_option("--cache-bytes", options->cache_bytes,
                      "Memory for cached answers of the read routes, bytes (0 = no cache)")
      ->capture_default_str();
  command->add_option("--io-threads", options->io_threads, "Threads reading and writing sockets")->capture_default_str();
  command->add_option("--max-headers", options->max_header_count, "Most header fields in one request; then 431")
      ->capture_default_str();
  command->add_option("--max-header-bytes", options->max_header_bytes, "Largest request head, bytes; then 431")
      ->capture_default_str();
  command->add_option("--head-seconds", options->head_seconds, "Longest time a request head may take to arrive; then 408")
      ->capture_default_str();
  command->add_option("--body-seconds", options->body_seconds, "Longest time one request body may take to arrive; then 408")
      ->capture_default_str();
  command->add_option("--keep-alive-seconds", options->keep_alive_seconds, "Idle time before a kept-alive connection is closed")
      ->capture_default_str();
  command->add_option("--write-seconds", options->write_timeout_seconds, "Longest time writing one response may take")
      ->capture_default_str();
  command->add_option("--max-connections-per-address", options->max_connections_per_address,
                      "Open connections per client address (0 = unlimited); then 429")
      ->capture_default_str();
  command->add_option("--max-connections", options->max_connections, "Open connections in all (0 = unlimited); then 503")
      ->capture_default_str();
  command->add_option("--writes-per-minute", options->writes_per_minute, "Writes per token per minute (0 = unlimited); then 429")
      ->capture_default_str();
  command->add_option("--failed-auth-per-minute", options->failed_auth_per_minute,
                      "Failed authentications per client address per minute (0 = unlimited); then 429")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace perfgate::collector
