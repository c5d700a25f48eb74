#include "perfgate/gate/baseline.hpp"

#include <vector>

#include "perfgate/detect/budget_check.hpp"
#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

std::optional<Baseline> FindBaseline(store::Store& store, const BaselineQuery& query) {
  const std::string branch = query.branch.empty() ? Mainline(store, query.project) : query.branch;
  auto usable = [&](const store::CommitInfo& commit) {
    if (query.head && (commit.sha == query.head->sha || commit.time > query.head->time)) return false;
    return store.HasResults(query.project, commit.sha, query.testbed);
  };
  if (!query.event_base_sha.empty()) {
    if (auto commit = store.FindCommit(query.project, query.event_base_sha); commit && usable(*commit)) {
      return Baseline{*commit, "the pull request's base commit"};
    }
  }
  if (query.head) {
    std::vector<store::CommitInfo> ancestors = store.Ancestors(query.project, query.head->sha, kMaxAncestors);
    std::erase_if(ancestors, [&](const store::CommitInfo& commit) { return commit.sha == query.head->sha; });
    std::vector<detect::BaselineCandidate> candidates;
    for (const store::CommitInfo& commit : ancestors) {
      candidates.push_back({commit.sha, commit.branch, usable(commit)});
    }
    if (auto chosen = detect::ChooseBaseline(candidates, branch)) {
      const store::CommitInfo& commit = ancestors[*chosen];
      bool on_branch = !branch.empty() && commit.branch == branch;
      return Baseline{commit, on_branch ? "ancestor on " + branch : "the nearest ancestor with results"};
    }
  }
  if (!branch.empty()) {
    // The branch's newest commit with results that is not newer than the head.
    if (auto tip = store.ResolveCommit(query.project, branch)) {
      for (const store::CommitInfo& commit : store.Ancestors(query.project, tip->sha, kMaxAncestors)) {
        if (usable(commit)) return Baseline{commit, "the newest commit on " + branch + " with results"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace perfgate::gate
