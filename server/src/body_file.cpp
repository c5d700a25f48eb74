#include "body_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace perfgate::server {

namespace {

constexpr std::uint64_t kPage = 4096;

std::uint64_t PageRounded(std::size_t size) { return (size + kPage - 1) / kPage * kPage; }

class BodyFile {
 public:
  BodyFile() : fd_(memfd_create("perfgate-bodies", MFD_CLOEXEC)) {}
  ~BodyFile() {
    if (fd_ >= 0) close(fd_);
  }
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;

  int fd() const { return fd_; }

  // A fresh range of at least `size` bytes. Offsets only grow (a tmpfs file
  // may be exabytes long; the ranges given back are holes, which cost nothing).
  std::uint64_t Reserve(std::size_t size) {
    std::lock_guard lock(mutex_);
    std::uint64_t offset = next_;
    next_ += PageRounded(size);
    return offset;
  }

 private:
  int fd_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;
};

BodyFile& TheBodyFile() {
  static BodyFile file;  // one per process, for its life
  return file;
}

void Release(int fd, std::uint64_t offset, std::size_t size) {
  fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
            static_cast<off_t>(PageRounded(size)));
}

}  // namespace

FileSlice::~FileSlice() {
  if (fd >= 0 && size > 0) Release(fd, offset, size);
}

std::shared_ptr<const FileSlice> CopyToBodyFile(std::string_view bytes) {
  if (bytes.size() < kMinFileBody) return nullptr;
  BodyFile& file = TheBodyFile();
  if (file.fd() < 0) return nullptr;
  std::uint64_t offset = file.Reserve(bytes.size());
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t step = pwrite(file.fd(), bytes.data() + written, bytes.size() - written,
                          static_cast<off_t>(offset + written));
    if (step < 0 && errno == EINTR) continue;
    if (step <= 0) {
      Release(file.fd(), offset, written);  // ENOSPC, ENOMEM: the bytes go from memory instead
      return nullptr;
    }
    written += static_cast<std::size_t>(step);
  }
  auto slice = std::make_shared<FileSlice>();
  slice->fd = file.fd();
  slice->offset = offset;
  slice->size = bytes.size();
  return slice;
}

}  // namespace perfgate::server
