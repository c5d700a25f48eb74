#include "perfgate/server/server.hpp"

#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <csignal>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api.hpp"
#include "body_file.hpp"
#include "compression.hpp"
#include "http_util.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/server/demo.hpp"
#include "perfgate/store/store.hpp"
#include "rate_limiter.hpp"
#include "request_head.hpp"
#include "worker_pool.hpp"

namespace perfgate::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::int64_t WallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool IsWrite(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// A burst of a sixth of a minute's worth, at least 5.
double Burst(double per_minute) { return std::max(5.0, per_minute / 6.0); }

// An answer the transport gives itself (limits, framing), in DESIGN.md's shape.
ApiResponse TransportError(int status, std::string code, std::string message, std::string where = {}) {
  return ApiResponse{.status = status, .content_type = "application/json",
                     .body = ErrorBody(code, message, where), .headers = {}, .route = "unmatched"};
}

}  // namespace

class Connection;

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<StorePool> stores;
  Metrics metrics;
  std::unique_ptr<StaticFiles> static_files;
  std::unique_ptr<Api> api;
  std::unique_ptr<RateLimiter> write_limiter;        // by Authorization value
  std::unique_ptr<RateLimiter> failed_auth_limiter;  // by client address
  bool filled_demo = false;
  bool started = false;
  bool stopped = false;
  int port = 0;
  std::mutex lifecycle_mutex;
  std::mutex log_mutex;

  // Open connections by client address, and requests between their complete
  // head and their written answer (Stop() waits for those).
  std::mutex connections_mutex;
  std::map<std::string, std::size_t> connections_by_address;
  std::size_t connections = 0;
  std::size_t in_flight = 0;
  std::condition_variable idle;
  std::atomic<bool> stopping{false};

  // Declared last: destroyed first, so no connection outlives what it uses.
  std::unique_ptr<WorkerPool> workers;
  asio::io_context io{1};
  // Keeps the I/O threads running while a request is with a handler and no
  // socket operation is pending (after Stop() closed the acceptor, say).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> io_threads;

  void Accept();
  void Log(const std::string& method, std::string_view target, const std::string& route, int status, double seconds,
           std::size_t bytes, const std::string& remote);
  // False (nothing counted) when the address or the server is at its cap.
  bool OpenConnection(const std::string& address, bool& per_address);
  void CloseConnection(const std::string& address);
  void BeginRequest();
  void EndRequest();
};

// One accepted socket. Every step is an asynchronous operation on the
// connection's strand with a deadline: the head within head_seconds, the body
// within body_seconds, the next request within keep_alive_seconds (reads past
// their deadline are cancelled, so a 408 can still be written), a response
// within write_timeout_seconds (tcp_stream closes the socket when it passes).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, std::string address)
      : server_(server), stream_(std::move(socket)), deadline_(stream_.get_executor()), address_(std::move(address)) {}
  ~Connection() {
    EndRequest();
    if (counted_) server_.CloseConnection(address_);
  }

  void Start(bool counted, std::optional<ApiResponse> refusal) {
    counted_ = counted;
    if (refusal) {
      Respond(std::move(*refusal), /*close=*/true);
      return;
    }
    ReadHead(/*first=*/true);
  }

 private:
  static constexpr std::size_t kReadChunk = 4096;

  // Reads until the head is complete. The first request's deadline runs from
  // the connection opening; a kept-alive one's idle wait ends at the first byte.
  void ReadHead(bool first) {
    if (server_.stopping) return;
    if (FindHeadEnd(pending_) != std::string::npos) return OnHead();
    stream_.expires_never();
    if (first || !pending_.empty()) {
      SetDeadline(server_.options.head_seconds);
      head_started_ = true;
    } else {
      SetDeadline(server_.options.keep_alive_seconds);
      head_started_ = false;
    }
    ReadMoreHead();
  }

  void ReadMoreHead() {
    const std::size_t limit = server_.options.max_header_bytes;
    if (pending_.size() > limit) {
      return Respond(TransportError(431, "header_fields_too_large",
                                    "request head: larger than " + std::to_string(limit) + " bytes"),
                     /*close=*/true);
    }
    std::size_t old_size = pending_.size();
    pending_.resize(old_size + kReadChunk);
    stream_.async_read_some(asio::buffer(pending_.data() + old_size, kReadChunk),
                            [self = shared_from_this(), old_size](beast::error_code error, std::size_t bytes) {
                              self->pending_.resize(old_size + bytes);
                              self->OnHeadBytes(error);
                            });
  }

  // Cancels the pending read `seconds` from now (its handler then sees timed_out_).
  // A generation tells a stale expiry (already queued when re-armed) from the current one.
  void SetDeadline(int seconds) {
    timed_out_ = false;
    deadline_.expires_after(std::chrono::seconds(seconds));
    deadline_.async_wait([weak = weak_from_this(), generation = ++deadline_generation_](beast::error_code error) {
      auto self = weak.lock();
      if (error || !self || generation != self->deadline_generation_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void CancelDeadline() {
    ++deadline_generation_;
    timed_out_ = false;
    deadline_.cancel();
  }

  void OnHeadBytes(beast::error_code error) {
    if (error && timed_out_ && head_started_ && !pending_.empty()) {
      return Respond(TransportError(408, "request_timeout",
                                    "request head: not received within " +
                                        std::to_string(server_.options.head_seconds) + " s"),
                     /*close=*/true);
    }
    if (error) return Close();  // idle past keep-alive, or the client went away
    if (!head_started_) {
      SetDeadline(server_.options.head_seconds);
      head_started_ = true;
    }
    if (FindHeadEnd(pending_) != std::string::npos) return OnHead();
    // Empty lines before a request are ignored; keep them from filling the limit.
    if (pending_.find_first_not_of("\r\n") == std::string::npos && pending_.size() > 64) pending_.clear();
    ReadMoreHead();
  }

  void OnHead() {
    request_start_ = Clock::now();
    std::size_t head_end = FindHeadEnd(pending_);
    if (head_end > server_.options.max_header_bytes + 4) {
      return Respond(TransportError(431, "header_fields_too_large",
                                    "request head: larger than " + std::to_string(server_.options.max_header_bytes) +
                                        " bytes"),
                     true);
    }
    std::string_view head(pending_.data(), head_end);
    HeadInfo info;
    if (auto refused = CheckRequestHead(head, HeadLimits{.max_header_count = server_.options.max_header_count}, info)) {
      return Respond(TransportError(refused->status, refused->code, refused->message, "request head"), true);
    }
    // Refused before the parser sees it (which would call it malformed).
    if (info.content_length && *info.content_length > server_.options.body_limit) {
      return Respond(TransportError(413, "body_too_large",
                                    "body: larger than the limit of " + std::to_string(server_.options.body_limit) +
                                        " bytes",
                                    "body"),
                     true);
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(head_end + 1));
    parser_->body_limit(server_.options.body_limit);
    beast::error_code error;
    std::size_t used = 0;
    while (used < head_end && !parser_->is_header_done()) {
      std::size_t step = parser_->put(asio::buffer(pending_.data() + used, head_end - used), error);
      if (error || step == 0) break;
      used += step;
    }
    if (error || !parser_->is_header_done()) {
      return Respond(TransportError(400, "bad_request", "malformed HTTP request head"), true);
    }
    const auto& request = parser_->get();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    // From here the request counts as in flight: Stop() waits for its answer.
    BeginRequest();
    body_buffer_.consume(body_buffer_.size());
    std::size_t rest = pending_.size() - used;
    if (rest > 0) {
      auto space = body_buffer_.prepare(rest);
      std::memcpy(space.data(), pending_.data() + used, rest);
      body_buffer_.commit(rest);
    }
    pending_.clear();
    if (parser_->is_done()) return Dispatch();
    auto expect = request[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      stream_.expires_after(std::chrono::seconds(server_.options.write_timeout_seconds));
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code failed,
                                                                                        std::size_t) {
        if (failed) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_never();
    SetDeadline(server_.options.body_seconds);
    http::async_read(stream_, body_buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      bool timed_out = self->timed_out_;
      self->CancelDeadline();
      if (error && timed_out) {
        return self->Respond(TransportError(408, "request_timeout",
                                            "body: not received within " +
                                                std::to_string(self->server_.options.body_seconds) + " s",
                                            "body"),
                             true);
      }
      if (error == http::error::body_limit) {
        return self->Respond(TransportError(413, "body_too_large",
                                            "body: larger than the limit of " +
                                                std::to_string(self->server_.options.body_limit) + " bytes",
                                            "body"),
                             true);
      }
      if (error == http::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset) {
        return self->Close();
      }
      if (error) return self->Respond(TransportError(400, "bad_request", "body: malformed chunked encoding"), true);
      self->Dispatch();
    });
  }

  // The complete request: limits checked here on the I/O thread, the handler
  // run on the worker pool, the answer written back on this strand.
  void Dispatch() {
    // Bytes after this request (pipelining) are the start of the next head.
    auto rest = body_buffer_.data();
    pending_.assign(static_cast<const char*>(rest.data()), rest.size());
    body_buffer_.consume(body_buffer_.size());

    auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    std::string authorization(request[http::field::authorization]);
    std::string if_none_match(request[http::field::if_none_match]);
    auto accept_encoding = request[http::field::accept_encoding];
    accepts_gzip_ = AcceptsGzip(std::string_view(accept_encoding.data(), accept_encoding.size()));
    if (!authorization.empty() && server_.failed_auth_limiter->Exhausted(address_)) {
      return Refuse(429, "too_many_failed_authentications",
                    "too many failed authentications from this address; retry later",
                    server_.failed_auth_limiter->RetryAfterSeconds(address_));
    }
    if (IsWrite(method_) && !authorization.empty() && !server_.write_limiter->Take(authorization)) {
      return Refuse(429, "rate_limited", "too many writes with this token; retry later",
                    server_.write_limiter->RetryAfterSeconds(authorization));
    }
    ApiRequest api_request{.method = method_, .target = target_, .authorization = std::move(authorization),
                           .body = {}, .if_none_match = std::move(if_none_match), .accepts_gzip = accepts_gzip_};
    // A cached answer is served here on the I/O thread: no handler thread, no hop.
    if (std::optional<ApiResponse> cached = server_.api->TryCached(api_request)) {
      return Respond(std::move(*cached), !keep_alive_);
    }
    auto self = shared_from_this();
    bool queued = server_.workers->TrySubmit([self, api_request = std::move(api_request)]() mutable {
      api_request.body = self->parser_->get().body();
      ApiResponse answer = self->server_.api->Handle(api_request);
      if (answer.failed_authentication) self->server_.failed_auth_limiter->Take(self->address_);
      if (self->accepts_gzip_) Compress(answer);
      return std::function<void()>([self, answer = std::move(answer)]() mutable {
        asio::post(self->stream_.get_executor(), [self, answer = std::move(answer)]() mutable {
          self->Respond(std::move(answer), !self->keep_alive_);
        });
      });
    });
    if (!queued) {
      Refuse(503, "overloaded", "every worker is busy; retry later", 1);
    }
  }

  void Refuse(int status, std::string code, std::string message, int retry_after) {
    ApiResponse answer = TransportError(status, std::move(code), std::move(message));
    answer.route = RouteTemplate(method_, target_);
    answer.headers["Retry-After"] = std::to_string(retry_after);
    Respond(std::move(answer), !keep_alive_);
  }

  static bool AcceptsGzip(std::string_view accept_encoding) {
    // "gzip", "gzip;q=0.5", "x, gzip" -- but not "gzip;q=0".
    std::size_t at = 0;
    while ((at = accept_encoding.find("gzip", at)) != std::string_view::npos) {
      std::string_view rest = accept_encoding.substr(at + 4);
      std::size_t end = rest.find(',');
      std::string_view params = rest.substr(0, end);
      params.remove_prefix(std::min(params.find_first_not_of(' '), params.size()));
      if (params.empty() || params.substr(0, 4) != ";q=0" || params.find_first_of("123456789", 4) != std::string_view::npos) {
        return true;
      }
      at += 4;
    }
    return false;
  }

  void BeginRequest() {
    if (in_flight_) return;
    in_flight_ = true;
    server_.BeginRequest();
  }
  void EndRequest() {
    if (!in_flight_) return;
    in_flight_ = false;
    server_.EndRequest();
  }

  // Writes `answer`; closes afterwards when `close`. The request ends (for
  // Stop()) once the answer is written.
  void Respond(ApiResponse answer, bool close) {
    CancelDeadline();
    if (method_.empty()) method_ = "-";
    close = close || server_.stopping;
    // The head is written here and sent with the body (Outgoing): in one
    // gathered write, or, for a body in the body file, by SendWithFile.
    auto outgoing = std::make_shared<Outgoing>();
    std::string_view data;
    if (answer.shared_body) {
      outgoing->shared = std::move(answer.shared_body);
      data = *outgoing->shared;
    } else {
      outgoing->owned = std::move(answer.body);
      data = outgoing->owned;
    }
    std::size_t bytes = data.size();
    bool http10 = parser_ && parser_->get().version() == 10;
    // 1xx, 204 and 304 have neither a body nor a Content-Length (RFC 9110 8.6).
    bool bodiless = answer.status < 200 || answer.status == 204 || answer.status == 304;
    std::string& head = outgoing->head;
    head.reserve(256 + 64 * answer.headers.size());
    head += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head += std::to_string(answer.status);
    head += ' ';
    auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(answer.status)));
    head.append(reason.data(), reason.size());
    head += "\r\n";
    auto field = [&head](std::string_view name, std::string_view value) {
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    };
    for (const auto& [name, value] : answer.headers) field(name, value);
    field("Content-Type", answer.content_type);
    field("X-Content-Type-Options", "nosniff");
    if (!bodiless) field("Content-Length", std::to_string(bytes));
    if (close) {
      field("Connection", "close");
    } else if (http10) {
      field("Connection", "keep-alive");
    }
    head += "\r\n";
    bool with_body = method_ != "HEAD" && !bodiless;
    double seconds = std::chrono::duration<double>(Clock::now() - request_start_).count();
    std::string route = answer.route.empty() ? RouteTemplate(method_, target_) : answer.route;
    auto written = [self = shared_from_this(), outgoing, close, status = answer.status, bytes, seconds,
                    route = std::move(route)](beast::error_code error) {
      self->server_.Log(self->method_, self->target_, route, status, seconds, bytes, self->address_);
      self->EndRequest();
      if (error || close) return self->Close();
      self->parser_.reset();
      self->method_.clear();
      self->target_.clear();
      self->ReadHead(/*first=*/false);
    };
    if (with_body && answer.body_file && answer.body_file->size == bytes) {
      outgoing->file = std::move(answer.body_file);
      return SendWithFile(std::move(outgoing), std::move(written));
    }
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::const_buffer()};
    if (with_body) buffers[1] = asio::buffer(data.data(), data.size());
    stream_.expires_after(std::chrono::seconds(server_.options.write_timeout_seconds));
    asio::async_write(stream_, buffers, [written = std::move(written)](beast::error_code error, std::size_t) {
      written(error);
    });
  }

  // What one answer sends, kept until it is written: the head, and the body
  // from where it is -- the answer's own string, or a cached answer's (shared
  // with the cache, no copy), or a range of the body file.
  struct Outgoing {
    std::string head;
    std::string owned;
    std::shared_ptr<const std::string> shared;
    std::shared_ptr<const FileSlice> file;
    std::size_t head_sent = 0;
    std::size_t file_sent = 0;
    bool waited = false;
  };

  // Writes the head (MSG_MORE: it leaves in the body's first segment) and
  // then the body with sendfile(2), as far as the socket takes them; waits for
  // room and goes on. Past write_timeout_seconds of waiting the wait is
  // cancelled and the connection closed, as tcp_stream does for async_write.
  template <class Written>
  void SendWithFile(std::shared_ptr<Outgoing> out, Written written) {
    beast::error_code failed;
    auto& socket = stream_.socket();
    if (!socket.native_non_blocking()) socket.native_non_blocking(true, failed);
    int fd = socket.native_handle();
    while (!failed) {
      ssize_t sent = 0;
      if (out->head_sent < out->head.size()) {
        sent = ::send(fd, out->head.data() + out->head_sent, out->head.size() - out->head_sent,
                      MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) out->head_sent += static_cast<std::size_t>(sent);
      } else if (out->file_sent < out->file->size) {
        auto offset = static_cast<off_t>(out->file->offset + out->file_sent);
        sent = ::sendfile(fd, out->file->fd, &offset, out->file->size - out->file_sent);
        if (sent > 0) out->file_sent += static_cast<std::size_t>(sent);
        if (sent == 0) errno = EIO;  // the file ends before the body: cannot happen, never loop on it
      } else {
        break;
      }
      if (sent > 0) continue;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!out->waited) {
          out->waited = true;
          SetDeadline(server_.options.write_timeout_seconds);
        }
        socket.async_wait(tcp::socket::wait_write, [self = shared_from_this(), out = std::move(out),
                                                    written = std::move(written)](beast::error_code error) mutable {
          if (error) {
            self->CancelDeadline();
            return written(error);
          }
          self->SendWithFile(std::move(out), std::move(written));
        });
        return;
      }
      failed = beast::error_code(errno, boost::system::system_category());
    }
    if (out->waited) CancelDeadline();
    // Never inline: a long pipeline of requests answered at once would
    // otherwise recurse Respond -> ReadHead -> Respond on this stack.
    asio::post(stream_.get_executor(),
               [written = std::move(written), failed]() mutable { written(failed); });
  }

  // Stops sending, then reads and drops what the client still sends (at most
  // kLingerBytes, for at most a second) before closing: a client still writing
  // a refused body (413, 408) then reads the answer instead of a reset, as
  // with nginx's lingering close.
  void Close() {
    if (closing_) return;
    closing_ = true;
    EndRequest();
    CancelDeadline();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    Linger(0);
  }

  static constexpr std::size_t kLingerBytes = std::size_t{4} << 20;
  void Linger(std::size_t dropped) {
    auto scratch = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch, dropped](
                                                        beast::error_code error, std::size_t bytes) {
      if (error || dropped + bytes > kLingerBytes) {
        self->stream_.close();
        return;
      }
      self->Linger(dropped + bytes);
    });
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  bool timed_out_ = false;
  std::uint64_t deadline_generation_ = 0;
  std::string address_;
  bool counted_ = false;    // holds a slot in the connection counts
  bool in_flight_ = false;  // a request between its complete head and its answer
  bool head_started_ = false;
  bool keep_alive_ = true;
  bool accepts_gzip_ = false;
  bool closing_ = false;
  std::string pending_;  // bytes read, not yet parsed (at most one head plus a read)
  beast::flat_buffer body_buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string method_;
  std::string target_;
  Clock::time_point request_start_ = Clock::now();
};

void Server::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
    if (stopping) return;
    if (error) {
      // Out of descriptors (EMFILE) and the like: try again shortly, never spin.
      if (error != asio::error::operation_aborted) {
        auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(50));
        timer->async_wait([this, timer](beast::error_code) { Accept(); });
      }
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::string address = socket.remote_endpoint(ignored).address().to_string();
    bool per_address = false;
    bool counted = OpenConnection(address, per_address);
    std::optional<ApiResponse> refusal;
    if (!counted) {
      refusal = per_address ? TransportError(429, "too_many_connections",
                                             "more than " + std::to_string(options.max_connections_per_address) +
                                                 " open connections from this address")
                            : TransportError(503, "overloaded", "the server is at its connection limit");
      refusal->headers["Retry-After"] = "1";
    }
    std::make_shared<Connection>(*this, std::move(socket), std::move(address))->Start(counted, std::move(refusal));
    Accept();
  });
}

bool Server::Impl::OpenConnection(const std::string& address, bool& per_address) {
  std::lock_guard lock(connections_mutex);
  per_address = false;
  if (options.max_connections != 0 && connections >= options.max_connections) return false;
  std::size_t& from_address = connections_by_address[address];
  if (options.max_connections_per_address != 0 && from_address >= options.max_connections_per_address) {
    per_address = true;
    if (from_address == 0) connections_by_address.erase(address);
    return false;
  }
  ++from_address;
  ++connections;
  return true;
}

void Server::Impl::CloseConnection(const std::string& address) {
  std::lock_guard lock(connections_mutex);
  --connections;
  auto found = connections_by_address.find(address);
  if (found != connections_by_address.end() && --found->second == 0) connections_by_address.erase(found);
}

void Server::Impl::BeginRequest() {
  std::lock_guard lock(connections_mutex);
  ++in_flight;
}

void Server::Impl::EndRequest() {
  std::lock_guard lock(connections_mutex);
  if (--in_flight == 0) idle.notify_all();
}

void Server::Impl::Log(const std::string& method, std::string_view target, const std::string& route, int status,
                       double seconds, std::size_t bytes, const std::string& remote) {
  // Only known methods become a metrics label, so odd ones cannot grow the table.
  static const std::vector<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  bool known = std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
  metrics.RecordRequest(known ? method : std::string("other"), route, status, seconds);
  if (options.quiet) return;
  // Never the query (it may carry names a user considers private on a private
  // server, and is long) and never any header: no Authorization, no token.
  nlohmann::json line{{"time", model::FormatIsoTime(WallSeconds())},
                      {"method", method},
                      {"route", route},
                      {"path", std::string(SplitTarget(target).path)},
                      {"status", status},
                      {"ms", std::round(seconds * 1e5) / 100},
                      {"bytes", bytes},
                      {"remote", remote}};
  std::string text = Dump(line);
  if (options.access_log) {
    options.access_log(text);
    return;
  }
  std::lock_guard lock(log_mutex);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  ServerOptions& settled = impl_->options;
  settled.threads = std::max<std::size_t>(settled.threads, 1);
  settled.io_threads = std::max<std::size_t>(settled.io_threads, 1);
  settled.max_header_count = std::max<std::size_t>(settled.max_header_count, 1);
  settled.max_header_bytes = std::max<std::size_t>(settled.max_header_bytes, 256);
  impl_->stores = std::make_unique<StorePool>(settled.db_path);
  if (settled.demo) {
    impl_->filled_demo = impl_->stores->Write([](store::Store& store) { return FillDemo(store); });
  }
  impl_->static_files = settled.web_root.empty() ? std::make_unique<StaticFiles>(EmbeddedDashboard())
                                                 : std::make_unique<StaticFiles>(settled.web_root);
  impl_->api = std::make_unique<Api>(*impl_->stores, impl_->metrics, *impl_->static_files,
                                     ApiOptions{.private_reads = settled.private_reads, .public_url = settled.public_url,
                                                .now = WallSeconds, .cache_bytes = settled.cache_bytes});
  impl_->write_limiter = std::make_unique<RateLimiter>(settled.writes_per_minute, Burst(settled.writes_per_minute));
  impl_->failed_auth_limiter =
      std::make_unique<RateLimiter>(settled.failed_auth_per_minute, Burst(settled.failed_auth_per_minute));
}

Server::~Server() { Stop(); }

void Server::Start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) return;
  const ServerOptions& options = impl_->options;
  beast::error_code error;
  auto address = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, error);
  std::string where = options.host + ":" + (options.port == 0 ? std::string("any port") : std::to_string(options.port));
  if (error) throw ServerError("cannot listen on " + where + " (the host is not a local IP address)");
  tcp::acceptor& acceptor = impl_->acceptor.emplace(impl_->io);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) throw ServerError("cannot listen on " + where + " (" + error.message() + ")");
  impl_->port = acceptor.local_endpoint().port();
  impl_->workers = std::make_unique<WorkerPool>(options.threads, options.queue_limit);
  impl_->work.emplace(impl_->io.get_executor());
  impl_->Accept();
  for (std::size_t i = 0; i < options.io_threads; ++i) {
    impl_->io_threads.emplace_back([this] { impl_->io.run(); });
  }
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
  // No new connections or requests; every request already complete is
  // answered (bounded by the write timeout), then the I/O threads end, which
  // drops idle and half-sent connections.
  impl_->stopping = true;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  {
    std::unique_lock wait(impl_->connections_mutex);
    impl_->idle.wait_for(wait, std::chrono::seconds(impl_->options.write_timeout_seconds + 5),
                         [this] { return impl_->in_flight == 0; });
  }
  impl_->workers->Finish();
  impl_->work.reset();
  impl_->io.stop();
  for (std::thread& thread : impl_->io_threads) thread.join();
  impl_->io_threads.clear();
}

bool Server::FilledDemo() const { return impl_->filled_demo; }

int RunUntilSignal(const ServerOptions& options, std::FILE* announce) {
  // Every connection is a descriptor: allow as many as the hard limit does.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
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
