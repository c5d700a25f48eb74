// The transport's pieces on their own: the RFC 9112 head check, the token
// buckets (on an explicit clock) and the bounded worker pool.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>

#include "rate_limiter.hpp"
#include "request_head.hpp"
#include "worker_pool.hpp"

using perfgate::server::CheckRequestHead;
using perfgate::server::HeadInfo;
using perfgate::server::RateLimiter;
using perfgate::server::WorkerPool;

namespace {

int StatusOf(const std::string& head, std::size_t max_header_count = 100) {
  HeadInfo info;
  auto refused = CheckRequestHead(head, {.max_header_count = max_header_count}, info);
  return refused ? refused->status : 0;
}

}  // namespace

TEST_CASE("A well-formed head passes and reports its framing", "[server][transport]") {
  HeadInfo info;
  CHECK(!CheckRequestHead("\r\nPOST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 12, 12\r\n\r\n", {}, info));
  REQUIRE(info.content_length);
  CHECK(*info.content_length == 12);
  CHECK(!info.chunked);
  CHECK(!CheckRequestHead("POST /a HTTP/1.1\r\nHost: x\r\ntransfer-encoding: Chunked\r\n\r\n", {}, info));
  CHECK(info.chunked);
  CHECK(StatusOf("GET / HTTP/1.0\r\n\r\n") == 0);  // HTTP/1.0 needs no Host
}

TEST_CASE("Framing a proxy could read differently is refused", "[server][transport]") {
  CHECK(StatusOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(StatusOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(StatusOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(StatusOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1,\r\n\r\n") == 400);
  CHECK(StatusOf("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n") == 400);
  CHECK(StatusOf("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == 400);
  CHECK(StatusOf("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n") == 400);
  CHECK(StatusOf("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(StatusOf("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
  CHECK(StatusOf("GET / HTTP/3.0\r\nHost: x\r\n\r\n") == 505);
}

TEST_CASE("More header fields than the limit are answered 431", "[server][transport]") {
  std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 9; ++i) head += "X-" + std::to_string(i) + ": y\r\n";
  CHECK(StatusOf(head + "\r\n", 10) == 0);
  CHECK(StatusOf(head + "X-Last: y\r\n\r\n", 10) == 431);
}

TEST_CASE("A token bucket refills at its rate and caps its burst", "[server][transport]") {
  RateLimiter limiter(60, 3);  // one a second, bursts of 3
  auto start = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) CHECK(limiter.Take("a", start));
  CHECK(!limiter.Take("a", start));
  CHECK(limiter.Exhausted("a", start));
  CHECK(limiter.RetryAfterSeconds("a", start) == 1);
  CHECK(limiter.Take("b", start));  // keys are independent
  CHECK(!limiter.Exhausted("never-seen", start));
  CHECK(limiter.Take("a", start + std::chrono::milliseconds(1100)));
  CHECK(!limiter.Take("a", start + std::chrono::milliseconds(1200)));
  RateLimiter unlimited(0, 1);
  for (int i = 0; i < 100; ++i) CHECK(unlimited.Take("a", start));
}

TEST_CASE("A full worker pool refuses work instead of queueing it", "[server][transport]") {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  std::promise<void> started;
  std::atomic<int> continued{0};
  auto count = [&] {
    ++ran;
    return std::function<void()>([&] { ++continued; });
  };
  CHECK(pool.TrySubmit([&] {
    started.set_value();
    released.wait();
    return count();
  }));
  started.get_future().wait();
  CHECK(pool.TrySubmit(count));   // waits in the queue
  CHECK(!pool.TrySubmit(count));  // queue full: refused
  release.set_value();
  pool.Finish();
  CHECK(ran == 2);
  CHECK(continued == 2);
  CHECK(!pool.TrySubmit(count));  // finished
}
