#include "static_files.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace perfgate::server {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNotBuiltPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>perfgate</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}
code,pre{background:#f4f4f4;border-radius:4px}pre{padding:.8rem}</style></head>
<body><h1>perfgate is running</h1>
<p>The dashboard has not been built, so there is nothing to show here yet. The HTTP API
works: try <a href="/api/v1/projects">/api/v1/projects</a>, <a href="/healthz">/healthz</a>
or <a href="/metrics">/metrics</a>.</p>
<p>Build the dashboard once (Node.js 18 or later), then reload this page:</p>
<pre>cd web
npm ci
npm run build    # writes web/dist, which perfgate serve picks up</pre>
<p>Or point the server at a built copy: <code>perfgate serve --web-root path/to/dist</code>.</p>
</body></html>
)";

bool IsInside(const fs::path& root, const fs::path& candidate) {
  auto root_it = root.begin();
  auto it = candidate.begin();
  for (; root_it != root.end(); ++root_it, ++it) {
    if (it == candidate.end() || *it != *root_it) return false;
  }
  return true;
}

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = std::move(buffer).str();
  return !in.bad();
}

StaticResponse Error(int status, std::string code, std::string message) {
  return StaticResponse{.status = status, .content_type = "", .body = std::move(message), .cache_control = "",
                        .error_code = std::move(code)};
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  std::string_view extension = dot == std::string_view::npos ? std::string_view{} : file_name.substr(dot + 1);
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "js" || extension == "mjs") return "text/javascript; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "json" || extension == "map") return "application/json";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  if (extension == "ico") return "image/x-icon";
  if (extension == "woff2") return "font/woff2";
  if (extension == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code error;
  root_ = fs::canonical(root, error);
  has_dashboard_ = !error && fs::is_regular_file(root_ / "index.html", error);
}

StaticResponse StaticFiles::Serve(const std::vector<std::string>& segments) const {
  // Everything under /projects/ is a page of the single-page application, never
  // a file: project and benchmark names may hold dots or encoded slashes.
  if (!segments.empty() && segments.front() == "projects") {
    if (!has_dashboard_) return NotBuiltPage();
    return IndexPage();
  }
  fs::path relative;
  for (const std::string& segment : segments) {
    if (segment.empty()) continue;  // trailing slash
    if (segment == ".." || segment == "." || segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return Error(400, "bad_path", "path: '" + segment + "' is not allowed in a file path");
    }
    relative /= segment;
  }
  if (!has_dashboard_) return NotBuiltPage();
  std::error_code error;
  fs::path candidate = fs::weakly_canonical(root_ / relative, error);
  if (error) return Error(404, "not_found", "no such file");
  if (fs::is_directory(candidate, error)) candidate /= "index.html";
  bool is_file = fs::is_regular_file(candidate, error);
  if (is_file) {
    // Symlinks are resolved by weakly_canonical: what remains must still be below the root.
    fs::path resolved = fs::canonical(candidate, error);
    if (error || !IsInside(root_, resolved)) return Error(404, "not_found", "no such file");
    std::string body;
    if (!ReadFile(resolved, body)) return Error(404, "not_found", "no such file");
    std::string name = resolved.filename().string();
    // Vite names built assets by content hash, so they never change; pages must be revalidated.
    bool hashed_asset = !segments.empty() && segments.front() == "assets";
    return StaticResponse{.status = 200, .content_type = std::string(ContentTypeFor(name)), .body = std::move(body),
                          .cache_control = hashed_asset ? "public, max-age=31536000, immutable" : "no-cache",
                          .error_code = ""};
  }
  // Elsewhere a path that does not look like a file is a dashboard route too.
  std::string last = relative.filename().string();
  if (last.find('.') != std::string::npos || (!segments.empty() && segments.front() == "assets")) {
    return Error(404, "not_found", "no such file");
  }
  return IndexPage();
}

StaticResponse StaticFiles::NotBuiltPage() const {
  return StaticResponse{.status = 200, .content_type = "text/html; charset=utf-8", .body = std::string(kNotBuiltPage),
                        .cache_control = "no-cache", .error_code = ""};
}

StaticResponse StaticFiles::IndexPage() const {
  std::error_code error;
  fs::path index = fs::canonical(root_ / "index.html", error);
  std::string body;
  if (error || !IsInside(root_, index) || !ReadFile(index, body)) return Error(404, "not_found", "no such file");
  return StaticResponse{.status = 200, .content_type = "text/html; charset=utf-8", .body = std::move(body),
                        .cache_control = "no-cache", .error_code = ""};
}

}  // namespace perfgate::server
