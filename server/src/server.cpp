#include "perfgate/server/server.hpp"

#include <sys/socket.h>

#include <csignal>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "api.hpp"
#include "http_util.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/server/demo.hpp"
#include "perfgate/store/store.hpp"

#ifndef PERFGATE_WEB_DIST
#define PERFGATE_WEB_DIST "web/dist"
#endif

namespace perfgate::server {

namespace {

using Clock = std::chrono::steady_clock;

// What the logger needs to know about the request a worker thread is answering.
// httplib answers one request at a time per thread, from pre-routing to logger.
struct RequestState {
  Clock::time_point start;
  std::string route = "unmatched";
  bool started = false;
};
thread_local RequestState current_request;

std::int64_t WallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Matches every path, newlines included (a decoded "%0A"), for our own router.
constexpr const char* kEverything = R"([\s\S]*)";

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<StorePool> stores;
  Metrics metrics;
  std::unique_ptr<StaticFiles> static_files;
  std::unique_ptr<Api> api;
  httplib::Server http;
  std::thread listener;
  int port = 0;
  int listening_socket = -1;
  bool filled_demo = false;
  bool started = false;
  bool stopped = false;
  std::mutex lifecycle_mutex;
  std::mutex log_mutex;

  void Log(const httplib::Request& request, const httplib::Response& response);
  void Configure();
};

void Server::Impl::Log(const httplib::Request& request, const httplib::Response& response) {
  double seconds = current_request.started
                       ? std::chrono::duration<double>(Clock::now() - current_request.start).count()
                       : 0.0;
  std::string route = current_request.started ? current_request.route : std::string("unmatched");
  current_request = RequestState{};
  metrics.RecordRequest(request.method, route, response.status, seconds);
  if (options.quiet) return;
  // Never the query (it may carry names a user considers private on a private
  // server, and is long) and never any header: no Authorization, no token.
  Target target = SplitTarget(request.target);
  nlohmann::json line{{"time", model::FormatIsoTime(WallSeconds())},
                      {"method", request.method},
                      {"route", route},
                      {"path", std::string(target.path)},
                      {"status", response.status},
                      {"ms", std::round(seconds * 1e5) / 100},
                      {"bytes", response.body.size()},
                      {"remote", request.remote_addr}};
  std::string text = Dump(line);
  if (options.access_log) {
    options.access_log(text);
    return;
  }
  std::lock_guard lock(log_mutex);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Server::Impl::Configure() {
  http.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.body_limit);
  http.set_read_timeout(options.read_timeout_seconds, 0);
  http.set_write_timeout(options.write_timeout_seconds, 0);
  http.set_keep_alive_timeout(options.keep_alive_seconds);
  http.set_tcp_nodelay(true);
  // httplib listens with a backlog of 5: a burst of CI jobs (or wrk's 100
  // connections) overflows it, and the dropped handshakes come back seconds
  // later. Remember the listening socket to widen the backlog once bound.
  http.set_socket_options([this](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening_socket = socket;
  });

  http.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response&) {
    current_request = RequestState{.start = Clock::now(), .route = RouteTemplate(request.method, request.target),
                                   .started = true};
    return httplib::Server::HandlerResponse::Unhandled;
  });

  auto answer_with = [this](const httplib::Request& request, httplib::Response& response, std::string_view body) {
    ApiRequest api_request{.method = request.method, .target = request.target,
                           .authorization = request.get_header_value("Authorization"), .body = body,
                           .if_none_match = request.get_header_value("If-None-Match")};
    ApiResponse answer = api->Handle(api_request);
    current_request.route = answer.route;
    response.status = answer.status;
    for (const auto& [name, value] : answer.headers) response.set_header(name, value);
    response.set_header("Content-Type", answer.content_type);
    response.set_header("X-Content-Type-Options", "nosniff");
    response.body = std::move(answer.body);
  };
  auto handler = [answer_with](const httplib::Request& request, httplib::Response& response) {
    answer_with(request, response, request.body);
  };
  // Bodies are read here rather than by httplib, whose limit does not cover
  // chunked bodies: past the limit the rest is read and dropped (up to a bound,
  // so the client still receives its 413 instead of a reset connection).
  auto reading_handler = [this, answer_with](const httplib::Request& request, httplib::Response& response,
                                             const httplib::ContentReader& reader) {
    const std::size_t limit = options.body_limit;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.body_seconds);
    std::string body;
    std::size_t dropped = 0;
    bool too_large = false;
    bool too_slow = false;
    bool read = reader([&](const char* data, std::size_t length) {
      if (std::chrono::steady_clock::now() > deadline) {
        too_slow = true;
        return false;
      }
      if (!too_large && body.size() + length <= limit) {
        body.append(data, length);
        return true;
      }
      too_large = true;
      body.clear();
      body.shrink_to_fit();
      dropped += length;
      return dropped <= std::max<std::size_t>(limit, std::size_t{16} << 20);
    });
    if (too_slow) {
      response.status = 408;  // answered by the error handler
      response.set_header("Connection", "close");
      return;
    }
    if (too_large || response.status == 413) {
      response.status = 413;  // answered by the error handler
      if (!read) response.set_header("Connection", "close");
      return;
    }
    if (!read) {
      if (response.status < 400) response.status = 400;
      return;
    }
    answer_with(request, response, body);
  };
  http.Get(kEverything, handler);
  http.Post(kEverything, handler);
  http.Post(kEverything, reading_handler);
  http.Put(kEverything, handler);
  http.Put(kEverything, reading_handler);
  http.Patch(kEverything, handler);
  http.Patch(kEverything, reading_handler);
  http.Delete(kEverything, handler);
  http.Options(kEverything, handler);

  // Answers httplib produced itself (413 over the body limit, 400 for a request
  // it could not parse) get the same JSON error shape as ours.
  http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string code = "http_" + std::to_string(response.status);
    std::string message = "HTTP " + std::to_string(response.status);
    std::string where;
    if (response.status == 413) {
      code = "body_too_large";
      message = "body: larger than the limit of " + std::to_string(options.body_limit) + " bytes";
      where = "body";
    } else if (response.status == 400) {
      code = "bad_request";
      message = "malformed HTTP request";
    } else if (response.status == 408) {
      code = "request_timeout";
      message = "body: not received within " + std::to_string(options.body_seconds) + " s";
      where = "body";
    }
    response.set_content(ErrorBody(code, message, where), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    response.status = 500;
    response.set_content(ErrorBody("internal_error", "internal error"), "application/json");
  });
  http.set_logger([this](const httplib::Request& request, const httplib::Response& response) { Log(request, response); });
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.threads == 0) impl_->options.threads = 1;
  impl_->stores = std::make_unique<StorePool>(impl_->options.db_path);
  if (impl_->options.demo) {
    impl_->filled_demo = impl_->stores->Write([](store::Store& store) { return FillDemo(store); });
  }
  impl_->static_files = impl_->options.web_root.empty() ? std::make_unique<StaticFiles>(EmbeddedDashboard())
                                                        : std::make_unique<StaticFiles>(impl_->options.web_root);
  impl_->api = std::make_unique<Api>(*impl_->stores, impl_->metrics, *impl_->static_files,
                                     ApiOptions{.private_reads = impl_->options.private_reads, .now = WallSeconds});
  impl_->Configure();
}

Server::~Server() { Stop(); }

void Server::Start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) return;
  const ServerOptions& options = impl_->options;
  if (options.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(options.host);
    if (impl_->port <= 0) throw ServerError("cannot listen on " + options.host + " (any port)");
  } else {
    if (!impl_->http.bind_to_port(options.host, options.port)) {
      throw ServerError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                        " (in use, or the host does not resolve to a local address)");
    }
    impl_->port = options.port;
  }
  int accepting = 0;
  socklen_t length = sizeof accepting;
  if (impl_->listening_socket >= 0 &&
      getsockopt(impl_->listening_socket, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting) {
    listen(impl_->listening_socket, SOMAXCONN);
  }
  impl_->listener = std::thread([this] { impl_->http.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs; wait for it so Stop() always works.
  for (int i = 0; i < 5000 && !impl_->http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->started = true;
}

int Server::Port() const { return impl_->port; }

std::string Server::Url() const {
  std::string host = impl_->options.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->port) + "/";
}

void Server::Stop() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  // Closes the listening socket; the worker pool finishes every accepted
  // connection's current request before listen_after_bind() returns.
  impl_->http.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

bool Server::FilledDemo() const { return impl_->filled_demo; }

int RunUntilSignal(const ServerOptions& options, std::FILE* announce) {
  // Blocked before any thread starts, so every worker inherits the mask and the
  // signals are taken only by sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  struct MaskGuard {
    sigset_t previous;
    explicit MaskGuard(const sigset_t& block) { pthread_sigmask(SIG_BLOCK, &block, &previous); }
    ~MaskGuard() { pthread_sigmask(SIG_SETMASK, &previous, nullptr); }
  } guard(signals);
  int received = 0;
  {
    Server server(options);
    server.Start();
    if (announce) {
      if (server.FilledDemo()) std::fprintf(announce, "perfgate: filled %s with the demo history\n", options.db_path.c_str());
      std::fprintf(announce, "perfgate serving %s\n", server.Url().c_str());
      std::fflush(announce);
    }
    sigwait(&signals, &received);
    std::fprintf(stderr, "perfgate: %s received, finishing requests in flight\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.Stop();
  }
  return 0;
}

}  // namespace perfgate::server
