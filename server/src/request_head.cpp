#include "request_head.hpp"

#include <algorithm>
#include <cctype>

namespace perfgate::server {

namespace {

// tchar of RFC 9110 section 5.6.2.
bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

HeadError Bad(std::string message) { return HeadError{400, "bad_request", std::move(message)}; }

// Every value of a (possibly comma-separated, possibly repeated) Content-Length
// must be the same run of digits: no sign, no empty element, no overflow.
std::optional<HeadError> ReadLength(std::string_view value, HeadInfo& info) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    std::string_view element = Trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                          : comma - start));
    if (element.empty() || element.size() > 18 ||
        !std::all_of(element.begin(), element.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Bad("Content-Length: expected a non-negative decimal number, got \"" + std::string(value) + "\"");
    }
    unsigned long long length = std::stoull(std::string(element));
    if (info.content_length && *info.content_length != length) {
      return Bad("Content-Length: conflicting values");
    }
    info.content_length = length;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

std::size_t FindHeadEnd(std::string_view bytes) {
  std::size_t at = bytes.find("\r\n\r\n");
  return at == std::string_view::npos ? std::string_view::npos : at + 4;
}

std::optional<HeadError> CheckRequestHead(std::string_view head, const HeadLimits& limits, HeadInfo& info) {
  info = HeadInfo{};
  while (head.substr(0, 2) == "\r\n") head.remove_prefix(2);
  if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n") return Bad("request head: not ended by CRLF CRLF");
  head.remove_suffix(2);  // every line, the last field included, now ends in CRLF

  // Lines end in CRLF only; a CR or LF anywhere else is refused.
  auto next_line = [&head](std::string_view& line) {
    std::size_t end = head.find("\r\n");
    line = head.substr(0, end);
    head.remove_prefix(end + 2);
  };
  auto has_bare_break = [](std::string_view line) {
    return line.find_first_of("\r\n") != std::string_view::npos;
  };

  std::string_view line;
  next_line(line);
  if (has_bare_break(line)) return Bad("request line: bare CR or LF");
  std::size_t first_space = line.find(' ');
  std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return Bad("request line: expected METHOD SP TARGET SP HTTP-VERSION");
  }
  std::string_view method = line.substr(0, first_space);
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  std::string_view version = line.substr(last_space + 1);
  if (!IsToken(method)) return Bad("request line: the method is not a token");
  if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
      })) {
    return Bad("request line: the target is empty or holds a space or control character");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return Bad("request line: malformed HTTP version");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return HeadError{505, "http_version_not_supported", "request line: only HTTP/1.0 and HTTP/1.1 are served"};
  }

  std::size_t hosts = 0;
  std::size_t transfer_encodings = 0;
  while (!head.empty()) {
    next_line(line);
    if (has_bare_break(line)) return Bad("header field: bare CR or LF");
    if (line.front() == ' ' || line.front() == '\t') return Bad("header field: obsolete line folding");
    if (++info.header_count > limits.max_header_count) {
      return HeadError{431, "header_fields_too_large",
                       "request head: more than " + std::to_string(limits.max_header_count) + " header fields"};
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Bad("header field: no ':'");
    std::string_view name = line.substr(0, colon);
    if (!IsToken(name)) return Bad("header field: the name is not a token (or has whitespace before ':')");
    std::string_view value = Trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\t') || u == 0x7f;
        })) {
      return Bad("header field " + std::string(name) + ": control character in the value");
    }
    if (EqualsIgnoringCase(name, "Host")) {
      ++hosts;
    } else if (EqualsIgnoringCase(name, "Content-Length")) {
      if (auto error = ReadLength(value, info)) return error;
    } else if (EqualsIgnoringCase(name, "Transfer-Encoding")) {
      if (++transfer_encodings > 1) return Bad("Transfer-Encoding: repeated");
      if (!EqualsIgnoringCase(value, "chunked")) {
        return HeadError{501, "not_implemented", "Transfer-Encoding: only \"chunked\" is accepted"};
      }
      info.chunked = true;
    }
  }
  if (info.chunked && info.content_length) return Bad("Content-Length and Transfer-Encoding: both present");
  if (info.chunked && version == "HTTP/1.0") return Bad("Transfer-Encoding: not allowed in HTTP/1.0");
  if (version == "HTTP/1.1" && hosts != 1) return Bad("Host: HTTP/1.1 needs exactly one Host field");
  if (hosts > 1) return Bad("Host: repeated");
  return std::nullopt;
}

}  // namespace perfgate::server
