#pragma once
// gzip for responses (zlib): text and JSON bodies of at least 1 KiB, when the
// client sent "Accept-Encoding: gzip". Runs on the handler threads.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "api.hpp"

namespace perfgate::server {

// True for text and JSON bodies of at least 1 KiB.
bool ShouldCompress(std::string_view content_type, std::size_t bytes);

// The gzip member of `data`; absent only if zlib fails (out of memory).
std::optional<std::string> Gzip(std::string_view data);

// Replaces a compressible body by its gzip form and sets Content-Encoding and
// Vary; leaves small, binary or already encoded bodies alone, and cached
// answers (shared_body), which carry their own gzip form.
void Compress(ApiResponse& response);

}  // namespace perfgate::server
