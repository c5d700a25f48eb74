#pragma once
// Whether any connection, of this process or another, has committed to a
// WAL-mode SQLite database since the last look, told without a transaction:
// every commit rewrites the WAL-index header at the start of the database's
// "-shm" file, which every connection maps, and bumps its change counter
// (https://www.sqlite.org/walformat.html, "The WAL-Index Header"). SQLite
// itself reads the header this way: two copies, written second-then-first,
// compared to catch a read torn by a writer.
//
// A hit of the response cache asked SQLite for the data version on every
// request (a read transaction: shm locks through fcntl, a B-tree lookup), 13 %
// of the server's CPU time on the series route; this read is a few loads.
// Only for the store's own use (DataVersion); anything unexpected -- no -shm
// file, another header format, a torn read -- says "unknown", and the store
// asks SQLite as before.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace perfgate::store {

class WalIndexWatch {
 public:
  using Header = std::array<std::uint32_t, 12>;  // the header's 48 bytes

  // Maps the first page of `database_file`-shm read-only. Call only while a
  // connection of this process has the database open in WAL mode and has read
  // from it: SQLite then holds the -shm file's dead-man-switch lock, so no
  // other process truncates the file under the mapping. Inactive when the
  // file is missing or short.
  explicit WalIndexWatch(const std::string& database_file);
  ~WalIndexWatch();
  WalIndexWatch(const WalIndexWatch&) = delete;
  WalIndexWatch& operator=(const WalIndexWatch&) = delete;

  bool active() const { return header_ != nullptr; }

  // The header now, when both copies agree and it is initialised and of the
  // format this code knows (version 3007000); nullopt otherwise. Equal
  // headers at two times mean no commit in between.
  std::optional<Header> Read() const;

 private:
  const volatile std::uint32_t* header_ = nullptr;
  void* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
};

}  // namespace perfgate::store
