#pragma once
// Copies one results store into another (SQLite -> PostgreSQL, or back) through
// the Store interface: every run as it was stored, and every token's hash.
// Safe to repeat: a run already in the target is recognised by its content and
// left alone, a token by its hash.

#include <cstdint>
#include <functional>
#include <string>

#include "perfgate/store/store.hpp"

namespace perfgate::store {

struct CopyProgress {
  std::int64_t runs_done = 0;
  std::int64_t runs_total = 0;
};

struct CopyOutcome {
  std::int64_t runs_copied = 0;
  std::int64_t runs_present = 0;  // already in the target
  std::int64_t tokens_copied = 0;
  std::int64_t triages_copied = 0;  // alert-group statuses the target lacked or held otherwise
  std::int64_t configs_copied = 0;  // stored perfgate.json files, likewise
  StoreTotals source;
  StoreTotals target;
  // Every count of the source is in the target (equal when the target started empty).
  bool verified = false;
  std::string mismatch;  // what differs when !verified
};

CopyOutcome CopyStore(Store& from, Store& to, std::size_t batch_runs,
                      const std::function<void(const CopyProgress&)>& progress);

}  // namespace perfgate::store
