#pragma once
// The CLI's one memory-tuning step: a command about to build a model the size
// of a large input asks for its heap in transparent huge pages.

#include <cstddef>

namespace perfgate::collector {

// Grows the heap by about `bytes` now, advised as huge pages (MADV_HUGEPAGE),
// and keeps freed memory in it. Parsing a 27 MB results file allocates about
// 60 MB of small blocks; on 4 KiB pages that is 15,000 page faults, a tenth of
// a 100,000-row ingest. This is what glibc does itself under
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which a program cannot set for
// itself once started. Does nothing below 16 MB, without glibc, under a
// sanitizer, or where the kernel refuses the advice (THP "never").
void PrepareHeapFor(std::size_t bytes);

}  // namespace perfgate::collector
