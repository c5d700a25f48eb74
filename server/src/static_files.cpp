#include "static_files.hpp"

#include <cstdint>
#include <cstdio>
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
npm run build    # writes web/dist
perfgate serve --web-dir web/dist</pre>
<p>Or point the server at a built copy: <code>perfgate serve --web-dir path/to/dist</code>.
A perfgate built with Node.js and <code>web/node_modules</code> present (<code>cd web &amp;&amp; npm ci</code>
before <code>cmake</code>) has the dashboard built in.</p>
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
                        .etag = "", .error_code = std::move(code)};
}

// A strong validator from the content: 64-bit FNV-1a is plenty to tell two
// versions of one file apart (files read from --web-dir have no stored hash).
std::string ContentEtag(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ull;
  }
  char text[19];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return "\"" + std::string(text) + "\"";
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (etag.empty()) return false;
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view candidate = Trim(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (candidate == "*") return true;
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == etag) return true;
  }
  return false;
}

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

StaticFiles::StaticFiles(std::span<const EmbeddedFile> files) {
  for (const EmbeddedFile& file : files) embedded_.emplace(std::string(file.path), &file);
  has_dashboard_ = embedded_.contains("index.html");
}

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code error;
  root_ = fs::canonical(root, error);
  has_dashboard_ = !error && fs::is_regular_file(*root_ / "index.html", error);
}

std::optional<StaticFiles::File> StaticFiles::Find(const std::string& relative) const {
  if (!root_) {
    auto found = embedded_.find(relative);
    if (found == embedded_.end()) {
      // A directory (its files share the prefix "relative/") answers its index.html.
      std::string prefix = relative.empty() ? std::string() : relative + "/";
      found = embedded_.find(prefix + "index.html");
      if (found == embedded_.end()) return std::nullopt;
    }
    const EmbeddedFile& file = *found->second;
    std::string_view name = file.path.substr(file.path.rfind('/') + 1);  // npos + 1 == 0
    return File{.body = std::string(file.data), .etag = "\"" + std::string(file.sha256.substr(0, 32)) + "\"",
                .name = std::string(name)};
  }
  std::error_code error;
  fs::path candidate = fs::weakly_canonical(*root_ / fs::path(relative), error);
  if (error) return std::nullopt;
  if (fs::is_directory(candidate, error)) candidate /= "index.html";
  if (!fs::is_regular_file(candidate, error)) return std::nullopt;
  // Symlinks are resolved by canonical: what remains must still be below the root.
  fs::path resolved = fs::canonical(candidate, error);
  if (error || !IsInside(*root_, resolved)) return std::nullopt;
  File file;
  if (!ReadFile(resolved, file.body)) return std::nullopt;
  file.etag = ContentEtag(file.body);
  file.name = resolved.filename().string();
  return file;
}

StaticResponse StaticFiles::Answer(const File& file, bool hashed_asset, std::string_view if_none_match) const {
  StaticResponse response{.status = 200, .content_type = std::string(ContentTypeFor(file.name)), .body = "",
                          .cache_control = hashed_asset ? "public, max-age=31536000, immutable" : "no-cache",
                          .etag = file.etag, .error_code = ""};
  if (EtagMatches(if_none_match, file.etag)) {
    response.status = 304;
  } else {
    response.body = file.body;
  }
  return response;
}

StaticResponse StaticFiles::Serve(const std::vector<std::string>& segments, std::string_view if_none_match) const {
  // Everything under /projects/ is a page of the single-page application, never
  // a file: project and benchmark names may hold dots or encoded slashes.
  if (!segments.empty() && segments.front() == "projects") {
    if (!has_dashboard_) return NotBuiltPage();
    return IndexPage(if_none_match);
  }
  std::string relative;
  std::string last;
  for (const std::string& segment : segments) {
    if (segment.empty()) continue;  // trailing slash
    if (segment == ".." || segment == "." || segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return Error(400, "bad_path", "path: '" + segment + "' is not allowed in a file path");
    }
    if (!relative.empty()) relative += '/';
    relative += segment;
    last = segment;
  }
  if (!has_dashboard_) return NotBuiltPage();
  bool under_assets = !segments.empty() && segments.front() == "assets";
  if (std::optional<File> file = Find(relative)) {
    // Vite names built assets by content hash, so they never change; pages must be revalidated.
    return Answer(*file, under_assets, if_none_match);
  }
  // Elsewhere a path that does not look like a file is a dashboard route too.
  if (last.find('.') != std::string::npos || under_assets) return Error(404, "not_found", "no such file");
  return IndexPage(if_none_match);
}

StaticResponse StaticFiles::NotBuiltPage() const {
  return StaticResponse{.status = 200, .content_type = "text/html; charset=utf-8", .body = std::string(kNotBuiltPage),
                        .cache_control = "no-cache", .etag = "", .error_code = ""};
}

StaticResponse StaticFiles::IndexPage(std::string_view if_none_match) const {
  std::optional<File> index = Find("index.html");
  if (!index) return Error(404, "not_found", "no such file");
  return Answer(*index, false, if_none_match);
}

}  // namespace perfgate::server
