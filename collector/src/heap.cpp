#include "heap.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PERFGATE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define PERFGATE_SANITIZED 1
#endif
#endif

namespace perfgate::collector {

void PrepareHeapFor(std::size_t bytes) {
#if defined(__GLIBC__) && !defined(PERFGATE_SANITIZED)
  constexpr std::size_t kWorthIt = std::size_t{16} << 20;
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  constexpr std::size_t kBlock = 64 << 10;  // below the mmap threshold: taken from the heap
  if (bytes < kWorthIt) return;
  bytes = std::min<std::size_t>(bytes, std::size_t{1} << 30);

  // A CLI command exits soon: what it frees stays for its next allocations
  // instead of going back to the kernel and faulting in again.
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  // Blocks up to 32 MiB (glibc's largest threshold), such as the vector of a
  // file's benchmarks, come from the advised heap too, not from mmap.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // The heap's next growth adds `bytes` beyond the request; small blocks are
  // taken until it has grown (at most a few: the initial top is 132 KiB).
  mallopt(M_TOP_PAD, static_cast<int>(bytes));
  std::size_t before = mallinfo2().arena;
  std::vector<void*> blocks;
  blocks.reserve(64);
  while (mallinfo2().arena == before && blocks.size() < 64) blocks.push_back(std::malloc(kBlock));
  for (void* block : blocks) std::free(block);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default for any later growth

  // The free top of the heap, whole huge pages of it, is advised; the kernel
  // then backs each 2 MiB there with one page on its first touch.
  auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::uintptr_t free_top = mallinfo2().keepcost;
  if (free_top < kHugePage || free_top > end) return;
  std::uintptr_t begin = (end - free_top + kHugePage - 1) & ~(kHugePage - 1);
  end &= ~(kHugePage - 1);
  if (begin < end) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: failure is harmless
#else
  (void)bytes;
#endif
}

}  // namespace perfgate::collector
