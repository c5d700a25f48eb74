#pragma once
// Where a set of results came from when it came from the store: the commit the
// ref resolved to and the testbed it ran on. A plain value, filled by gate and
// rendered by report, so that neither depends on the other.

#include <cstdint>
#include <string>

namespace perfgate::model {

struct ResultsOrigin {
  std::string commit;  // full SHA
  std::string branch;  // "" when unknown
  std::int64_t time = 0;  // seconds since the Unix epoch, UTC
  std::string testbed;
};

}  // namespace perfgate::model
