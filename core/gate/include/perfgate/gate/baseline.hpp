#pragma once
// The baseline of a pull request's head: what its results are judged against.

#include <cstddef>
#include <optional>
#include <string>

#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// How far back the search walks parent links.
inline constexpr std::size_t kMaxAncestors = 1000;

struct BaselineQuery {
  std::string project;
  std::string testbed;
  // The stored head commit; absent when the head is a results file that is not
  // (yet) in the store.
  std::optional<store::CommitInfo> head;
  std::string branch;          // the baseline branch; "" = the project's mainline (gate::Mainline)
  std::string event_base_sha;  // the pull request's base commit (from the CI event), "" when unknown
};

struct Baseline {
  store::CommitInfo commit;
  std::string reason;  // "the pull request's base commit", "ancestor on main", ... (for logs)
};

// In order: the event's base commit when it has results; the first ancestor of
// the head on the baseline branch with results (the merge-base or the nearest
// commit below it), else the nearest ancestor with results; else the baseline
// branch's newest commit with results. Never the head itself, and never a commit
// newer than a stored head. Absent when nothing qualifies.
std::optional<Baseline> FindBaseline(store::Store& store, const BaselineQuery& query);

}  // namespace perfgate::gate
