#pragma once
// The demo history of `perfgate serve --demo`: what a newcomer sees on the
// dashboard before uploading anything of their own.

#include <cstddef>
#include <string>

#include "perfgate/store/store.hpp"

namespace perfgate::server {

struct DemoOptions {
  std::string project = "demo";
  std::size_t main_commits = 320;
};

// Writes a deterministic, realistic history into `store` when it holds no
// project yet, and returns true; a store with any project is left untouched
// (false). The history: Google Benchmark results for six families (BM_Parse/N
// and BM_Sort/N parameterised by input size, hash map, serialisers, compression
// levels, an allocator) with real_time/cpu_time and bytes_per_second or
// items_per_second; `main_commits` commits on "main" with parent links, six
// hours apart on average; five pull-request branches of 2-3 commits; two testbeds
// (linux-x86_64, linux-arm64); 5-9 repetitions per commit with ~2 % noise and
// rare outliers. Built in: BM_Sort/* gets ~30 % faster at main commit 140 (an
// improvement), BM_Parse/N for N >= 1024 ~18 % slower at commit 210 (a step
// regression), one pull request regresses BM_Serialize/json. Throws
// store::StoreError when writing fails.
bool FillDemo(store::Store& store, const DemoOptions& options = {});

}  // namespace perfgate::server
