#pragma once
// A consistent copy of a results database while other connections (a running
// `perfgate serve`) keep reading and writing it, through SQLite's online
// backup API.

#include <string>

namespace perfgate::store {

struct BackupOutcome {
  long long pages = 0;
  long long bytes = 0;
};

// Copies the database at `source` to `destination` (a single file, no WAL
// beside it). The copy is written to "<destination>.tmp", checked with
// `PRAGMA quick_check` and renamed into place, so `destination` is either the
// old file or a complete copy, never half-written. The copy is of one snapshot
// (one read transaction on the source): writers keep committing meanwhile (WAL)
// and what they commit after the copy began is not in it. Throws StoreError
// when the source cannot be opened or read, the destination cannot be written,
// or the copy fails its check.
BackupOutcome BackupDatabase(const std::string& source, const std::string& destination);

}  // namespace perfgate::store
