#pragma once
// `perfgate serve`: the HTTP API of DESIGN.md over the results store, the
// dashboard's static files, /healthz and /metrics. Built on Boost.Beast over
// Asio (see server/README.md), which no header of this library exposes.
//
// Threads: a few I/O threads run every connection's reads and writes as events;
// complete requests go to a bounded pool of handler threads. Every handler reads
// through its own SQLite reader connection (WAL, so reads never wait for a
// writer) and uploads are parsed outside any lock, then stored through the
// single writer connection under a mutex.

#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace perfgate::server {

// The server cannot start: the address is in use, the host does not resolve.
// (A database that cannot be opened throws store::StoreError instead.)
class ServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerOptions {
  std::string db_path = "perfgate.db";  // created and migrated when missing
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = an ephemeral port, see Server::Port()
  // Fill an empty database (no project yet) with the deterministic demo history
  // of demo.hpp before serving; a database with data is left alone.
  bool demo = false;
  // Reads need a token of the project too (writes always do).
  bool private_reads = false;
  // Largest request body accepted; larger ones are answered 413 unread.
  std::size_t body_limit = std::size_t{64} << 20;
  // Directory of the built dashboard (`serve --web-dir`); "" = the dashboard
  // embedded in the binary at build time. When either has no index.html, "/"
  // serves a small page saying how to build the dashboard.
  std::string web_root;
  // The server's public URL (`serve --public-url`): what check reports link and
  // take trend pictures from when the request names no dashboard_url; "" = the
  // URL the client reached the server by, unless loopback.
  std::string public_url;
  // Handler threads (they run every request that reaches the API or the
  // dashboard's files, off the I/O threads) and how many requests may wait for
  // one; past that a request is answered 503 with Retry-After at once.
  std::size_t threads = 16;
  std::size_t queue_limit = 256;
  // Memory for answers of the read routes that depend only on stored data,
  // kept per store data version and served without a handler thread; bytes
  // of bodies (plain and gzip) and keys, least recently used out first.
  // 0 = no cache.
  std::size_t cache_bytes = std::size_t{64} << 20;
  // Threads reading and writing sockets (event-driven: a connection that is idle
  // or slow costs a socket and a little memory, never a thread).
  std::size_t io_threads = 2;
  // The request head (request line and header fields): at most this many fields
  // and bytes (431 past either) and it must arrive within head_seconds of the
  // connection opening, or of the first byte of a keep-alive request (408).
  std::size_t max_header_count = 100;
  std::size_t max_header_bytes = 16 * 1024;
  int head_seconds = 10;
  // The whole body of one request must arrive within this long (408 and close).
  int body_seconds = 120;
  // How long a kept-alive connection may wait for its next request; Stop()
  // closes idle connections at once.
  int keep_alive_seconds = 5;
  // Writing one response may take at most this long (a reader that stops reading).
  int write_timeout_seconds = 30;
  // Open connections per client address (past it: 429 and closed) and in all
  // (503 and closed); 0 = unlimited.
  std::size_t max_connections_per_address = 256;
  std::size_t max_connections = 10000;
  // Writes (POST/PUT/PATCH/DELETE with a token) per token per minute, and failed
  // authentications (401/403) per client address per minute, each with bursts of
  // a sixth of a minute's worth (at least 5); past either: 429 with Retry-After.
  // 0 = unlimited.
  double writes_per_minute = 1200;
  double failed_auth_per_minute = 30;
  // Receives each access-log line (one JSON object, no newline). Default:
  // written to stderr. Lines never contain the Authorization header or a token.
  std::function<void(std::string_view line)> access_log;
  bool quiet = false;  // no access log at all
};

class Server {
 public:
  // Opens (creating and migrating) the database and, with `demo`, fills it.
  // Throws store::StoreError when the database cannot be opened.
  explicit Server(ServerOptions options);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port and serves on background threads; returns once the socket
  // accepts connections. Throws ServerError when it cannot bind.
  void Start();
  // The bound port (the ephemeral one when options.port was 0); 0 before Start().
  int Port() const;
  // "http://127.0.0.1:8080/"
  std::string Url() const;
  // Stops accepting connections, lets every request already being processed
  // finish and be answered, then returns. Idempotent.
  void Stop();

  // True when Start() succeeded and demo data was written by this process.
  bool FilledDemo() const;

 private:
  friend class Connection;  // the transport's per-socket state (server.cpp)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What `perfgate serve` runs: starts a Server, prints "perfgate serving URL" to
// `announce` (stdout in the CLI), and serves until SIGTERM or SIGINT, then stops
// gracefully (in-flight requests are finished). Returns 0 after a signal.
// Throws ServerError / store::StoreError when it cannot start.
int RunUntilSignal(const ServerOptions& options, std::FILE* announce = stdout);

}  // namespace perfgate::server
