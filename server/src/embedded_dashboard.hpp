#pragma once
// The built dashboard compiled into the binary. The definition is generated at
// build time by cmake/EmbedFiles.cmake from web/dist (see cmake/PerfgateWeb.cmake).

#include <span>
#include <string_view>

namespace perfgate::server {

struct EmbeddedFile {
  std::string_view path;    // relative to the dashboard's root, '/'-separated: "assets/index-1a2b.js"
  std::string_view data;    // the file's bytes
  std::string_view sha256;  // lowercase hex of the bytes
};

// Every embedded file, sorted by path; empty when the build had no built
// dashboard (no Node.js), in which case the server shows how to build it.
std::span<const EmbeddedFile> EmbeddedDashboard();

}  // namespace perfgate::server
