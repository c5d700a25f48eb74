#include "wal_index_watch.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

namespace perfgate::store {

namespace {

constexpr std::uint32_t kWalIndexVersion = 3007000;  // iVersion since SQLite 3.7.0
constexpr std::size_t kHeaderWords = 12;             // 48 bytes a copy
constexpr std::size_t kMapBytes = 4096;

}  // namespace

WalIndexWatch::WalIndexWatch(const std::string& database_file) {
  if (database_file.empty()) return;
  int fd = open((database_file + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat info {};
  if (fstat(fd, &info) == 0 && info.st_size >= static_cast<off_t>(kMapBytes)) {
    void* mapping = mmap(nullptr, kMapBytes, PROT_READ, MAP_SHARED, fd, 0);
    if (mapping != MAP_FAILED) {
      mapping_ = mapping;
      mapped_bytes_ = kMapBytes;
      header_ = static_cast<const volatile std::uint32_t*>(mapping);
    }
  }
  close(fd);  // the mapping stays
}

WalIndexWatch::~WalIndexWatch() {
  if (mapping_ != nullptr) munmap(mapping_, mapped_bytes_);
}

std::optional<WalIndexWatch::Header> WalIndexWatch::Read() const {
  if (header_ == nullptr) return std::nullopt;
  Header first{};
  Header second{};
  // As SQLite's walIndexTryHdr: the first copy, a barrier, the second copy.
  for (std::size_t i = 0; i < kHeaderWords; ++i) first[i] = header_[i];
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (std::size_t i = 0; i < kHeaderWords; ++i) second[i] = header_[kHeaderWords + i];
  if (first != second) return std::nullopt;  // a writer is between the copies
  bool initialised = reinterpret_cast<const volatile unsigned char*>(header_)[12] != 0;  // isInit
  if (first[0] != kWalIndexVersion || !initialised) return std::nullopt;
  return first;
}

}  // namespace perfgate::store
