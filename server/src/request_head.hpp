#pragma once
// Strict checks of a raw HTTP/1.1 request head (RFC 9112) before it is parsed
// for routing, so framing a proxy might read differently is refused here:
// Content-Length beside Transfer-Encoding, conflicting or signed lengths,
// obsolete line folding, bare CR or LF, whitespace before a colon, a missing
// or repeated Host. No dependency on the HTTP library (fuzzed on its own).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::server {

struct HeadLimits {
  std::size_t max_header_count = 100;
};

// Why a head is refused: the status to answer (400, 431, 501, 505) and the
// {"error"} code and message.
struct HeadError {
  int status = 400;
  std::string code;
  std::string message;
};

// The facts the transport needs from an accepted head.
struct HeadInfo {
  std::size_t header_count = 0;
  bool chunked = false;
  std::optional<unsigned long long> content_length;  // absent without the field
};

// Position just past the "\r\n\r\n" that ends the head in `bytes`, or npos when
// the head is not complete yet.
std::size_t FindHeadEnd(std::string_view bytes);

// Checks `head` (request line, fields and the terminating empty line, as
// located by FindHeadEnd; leading empty lines are ignored as RFC 9112 allows).
// Returns the refusal, or fills `info` and returns nothing. Never throws.
std::optional<HeadError> CheckRequestHead(std::string_view head, const HeadLimits& limits, HeadInfo& info);

}  // namespace perfgate::server
