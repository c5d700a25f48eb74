// libFuzzer target: the server's request-head check (request_head.cpp) and,
// for every head it accepts, Boost.Beast's parser with the server's limits --
// the exact path bytes from the network take before reaching a handler. No
// input may crash, hang or trip a sanitizer; an accepted head must parse.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "request_head.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t end = perfgate::server::FindHeadEnd(bytes);
  if (end == std::string_view::npos) return 0;
  perfgate::server::HeadInfo info;
  auto refused = perfgate::server::CheckRequestHead(bytes.substr(0, end), {.max_header_count = 100}, info);
  if (refused) {
    if (refused->status < 400 || refused->status > 599 || refused->message.empty()) __builtin_trap();
    return 0;
  }
  if (info.chunked && info.content_length) __builtin_trap();
  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(end + 1));
  parser.body_limit(1 << 20);
  boost::beast::error_code error;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    std::size_t step = parser.put(boost::asio::buffer(data + used, size - used), error);
    if (error || step == 0) break;
    used += step;
  }
  return 0;
}
