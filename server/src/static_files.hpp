#pragma once
// The dashboard's static files: embedded in the binary (the default) or read
// from one directory (`serve --web-dir`), never anything outside it.

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embedded_dashboard.hpp"

namespace perfgate::server {

struct StaticResponse {
  int status = 200;  // 200, 304 (the client's copy is current; body empty), or >= 400
  std::string content_type;
  std::string body;
  std::string cache_control;
  std::string etag;        // quoted strong validator, set with 200 and 304
  std::string error_code;  // set with status >= 400; body is then the message
};

class StaticFiles {
 public:
  // Serves `files` (EmbeddedDashboard() in the server), which must outlive this
  // object. Without "index.html" among them every page says how to build it.
  explicit StaticFiles(std::span<const EmbeddedFile> files);
  // Serves the files below `root`, read on every request (for dashboard
  // development). `root` may not exist: every page then says how to build it.
  explicit StaticFiles(const std::filesystem::path& root);

  // Answers a GET of the already-decoded path segments ("/assets/app.js" ->
  // {"assets", "app.js"}). Segments "..", ".", or holding '/', '\\' or NUL are
  // refused (400); a resolved file outside the root (through a symlink) is 404.
  // Dashboard routes get index.html (single-page application): everything under
  // /projects/, whatever its names hold, and elsewhere a path without a file
  // extension that names no file. `if_none_match` is the request's
  // If-None-Match header: when it names the file's ETag (or is "*") the answer
  // is 304 without a body. Files under assets/ carry a content hash in their
  // names (Vite), so they are cached for a year as immutable; everything else
  // must be revalidated (no-cache + ETag). Never throws for any input.
  StaticResponse Serve(const std::vector<std::string>& segments, std::string_view if_none_match = {}) const;

  bool HasDashboard() const { return has_dashboard_; }

 private:
  struct File {
    std::string body;
    std::string etag;
    std::string name;  // the file's own name, for its content type
  };
  // The file at a '/'-separated relative path; a directory answers its
  // index.html. Absent when there is none (or it resolves outside the root).
  std::optional<File> Find(const std::string& relative) const;
  StaticResponse Answer(const File& file, bool hashed_asset, std::string_view if_none_match) const;
  StaticResponse IndexPage(std::string_view if_none_match) const;
  StaticResponse NotBuiltPage() const;

  std::map<std::string, const EmbeddedFile*, std::less<>> embedded_;  // by path; empty when serving a directory
  std::optional<std::filesystem::path> root_;                         // canonical; set when serving a directory
  bool has_dashboard_ = false;
};

// The MIME type for a file name's extension; "application/octet-stream" when unknown.
std::string_view ContentTypeFor(std::string_view file_name);

// Whether an If-None-Match header value ("\"a\", W/\"b\"" or "*") matches `etag`
// (weak comparison, as RFC 9110 prescribes for If-None-Match).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace perfgate::server
