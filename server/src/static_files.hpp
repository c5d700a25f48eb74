#pragma once
// The dashboard's static files, served from one directory and nothing outside it.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::server {

struct StaticResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string cache_control;
  std::string error_code;  // set with status >= 400; body is then the message
};

class StaticFiles {
 public:
  // `root` may not exist (the dashboard is not built): every page then serves
  // a built-in page saying how to build it.
  explicit StaticFiles(const std::filesystem::path& root);

  // Answers a GET of the already-decoded path segments ("/assets/app.js" ->
  // {"assets", "app.js"}). Segments "..", ".", or holding '/', '\\' or NUL are
  // refused (400); a resolved file outside the root (through a symlink) is 404.
  // Dashboard routes get index.html (single-page application): everything under
  // /projects/, whatever its names hold, and elsewhere a path without a file
  // extension that names no file. Never throws for any input.
  StaticResponse Serve(const std::vector<std::string>& segments) const;

  bool HasDashboard() const { return has_dashboard_; }

 private:
  StaticResponse IndexPage() const;
  StaticResponse NotBuiltPage() const;

  std::filesystem::path root_;  // canonical
  bool has_dashboard_ = false;
};

// The MIME type for a file name's extension; "application/octet-stream" when unknown.
std::string_view ContentTypeFor(std::string_view file_name);

}  // namespace perfgate::server
