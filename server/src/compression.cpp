#include "compression.hpp"

#include <zlib.h>

namespace perfgate::server {

namespace {

constexpr std::size_t kMinimumBytes = 1024;

bool IsCompressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("application/javascript") || content_type.starts_with("image/svg+xml") ||
         content_type.starts_with("application/xml");
}

}  // namespace

bool ShouldCompress(std::string_view content_type, std::size_t bytes) {
  return bytes >= kMinimumBytes && IsCompressible(content_type);
}

std::optional<std::string> Gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

void Compress(ApiResponse& response) {
  if (response.shared_body || !ShouldCompress(response.content_type, response.body.size()) ||
      response.headers.contains("Content-Encoding")) {
    return;
  }
  auto compressed = Gzip(response.body);
  if (!compressed) return;
  response.body = std::move(*compressed);
  response.headers["Content-Encoding"] = "gzip";
  response.headers["Vary"] = "Accept-Encoding";
}

}  // namespace perfgate::server
