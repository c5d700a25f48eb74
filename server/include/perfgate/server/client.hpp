#pragma once
// A small HTTP client for talking to `perfgate serve`, used by the collector's
// --server mode. It lives in server/ because only server/ includes httplib.h.

#include <stdexcept>
#include <string>
#include <string_view>

namespace perfgate::server {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// The server could not be reached, or the connection failed mid-request.
class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Client {
 public:
  // `base_url` is "http://host:port" (an optional path prefix is kept). `token`
  // is sent as "Authorization: Bearer TOKEN" when not empty. Throws
  // std::invalid_argument for a URL it cannot use.
  Client(std::string base_url, std::string token = "");

  // `target` is a path with an optional query ("/api/v1/projects?x=1"), appended
  // to the base URL's path. Any HTTP status is returned; only a failure to talk
  // to the server throws ConnectionError.
  HttpResponse Get(std::string_view target) const;
  HttpResponse Post(std::string_view target, std::string_view body, std::string_view content_type) const;

 private:
  std::string scheme_host_port_;
  std::string path_prefix_;
  std::string token_;
};

// Percent-encodes `text` for use in a URL query or path segment.
std::string UrlEncode(std::string_view text);

}  // namespace perfgate::server
