#pragma once
// Large answer bodies copied once into one anonymous in-memory file
// (memfd_create), so the I/O threads send them with sendfile(2): the kernel
// hands the file's pages to the socket instead of copying the bytes out of
// user memory on every response, as nginx does with a static file. On the
// series route under wrk that copy was the largest item of the server's
// profile (18 % of its CPU time).
//
// Each body gets its own page-aligned range of the file, never reused; when
// the last holder of a range lets go, its pages are released (a hole is
// punched), while pages still queued on a socket stay with the socket.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace perfgate::server {

// Below this a copy costs less than the extra system call of sendfile.
inline constexpr std::size_t kMinFileBody = 16 * 1024;

struct FileSlice {
  int fd = -1;
  std::uint64_t offset = 0;
  std::size_t size = 0;

  FileSlice() = default;
  FileSlice(const FileSlice&) = delete;
  FileSlice& operator=(const FileSlice&) = delete;
  ~FileSlice();  // releases the range's pages
};

// A slice holding a copy of `bytes`; null when they are shorter than
// kMinFileBody or the file cannot take them (no memfd, out of memory): the
// caller then writes the bytes from memory. Thread-safe.
std::shared_ptr<const FileSlice> CopyToBodyFile(std::string_view bytes);

}  // namespace perfgate::server
