#include "perfgate/server/client.hpp"

#include <httplib.h>

namespace perfgate::server {

Client::Client(std::string base_url, std::string token) : token_(std::move(token)) {
  auto scheme_end = base_url.find("://");
  if (scheme_end == std::string::npos) throw std::invalid_argument("server URL " + base_url + " has no http:// scheme");
  std::string scheme = base_url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument("server URL " + base_url + ": only http and https are supported");
  }
  auto path_start = base_url.find('/', scheme_end + 3);
  scheme_host_port_ = base_url.substr(0, path_start);
  if (path_start != std::string::npos) path_prefix_ = base_url.substr(path_start);
  while (!path_prefix_.empty() && path_prefix_.back() == '/') path_prefix_.pop_back();
  if (scheme_host_port_.size() <= scheme_end + 3) throw std::invalid_argument("server URL " + base_url + " has no host");
}

namespace {

HttpResponse Convert(const httplib::Result& result, const std::string& where) {
  if (!result) throw ConnectionError(where + ": " + httplib::to_string(result.error()));
  return HttpResponse{result->status, result->body, result->get_header_value("Content-Type")};
}

httplib::Headers HeadersFor(const std::string& token) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  return headers;
}

}  // namespace

HttpResponse Client::Get(std::string_view target) const {
  httplib::Client client(scheme_host_port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(120);
  std::string path = path_prefix_ + std::string(target);
  return Convert(client.Get(path, HeadersFor(token_)), scheme_host_port_);
}

HttpResponse Client::Post(std::string_view target, std::string_view body, std::string_view content_type) const {
  httplib::Client client(scheme_host_port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(300);
  client.set_write_timeout(300);
  std::string path = path_prefix_ + std::string(target);
  return Convert(client.Post(path, HeadersFor(token_), body.data(), body.size(), std::string(content_type)),
                 scheme_host_port_);
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace perfgate::server
