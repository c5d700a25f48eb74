#pragma once
// Turning what a user names (a ref, a testbed) into what the store holds.

#include <string>
#include <string_view>
#include <vector>

#include "perfgate/gate/error.hpp"
#include "perfgate/model/results.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// A full SHA, a unique prefix of 7+ characters, or a branch name (its newest
// commit with results). kNotFound naming `where` when nothing (or more than one
// commit) matches.
Result<store::CommitInfo> ResolveRef(store::Store& store, const std::string& project, std::string_view where,
                                     const std::string& ref);

// The testbeds `sha` has results on, "default" first, then in the store's order.
std::vector<std::string> TestbedsOf(store::Store& store, const std::string& project, const std::string& sha);

// The testbed to read `commits` on. A requested one must have results for every
// commit (kNotFound naming the testbeds each has otherwise). Without one:
// "default" when every commit ran there, else the first testbed they all ran on;
// kNotFound when they share none. With no commits, the requested one or "default".
Result<std::string> ChooseTestbed(store::Store& store, const std::string& project, std::string_view where,
                                  const std::string& requested, const std::vector<store::CommitInfo>& commits);

// The commit's results on the testbed, all runs pooled; kNotFound when it has none there.
Result<model::Results> LoadResults(store::Store& store, const std::string& project, std::string_view where,
                                  const store::CommitInfo& commit, const std::string& testbed);

// The project's mainline when it has a conventional name with results ("main",
// "master", "trunk"); "" otherwise.
std::string Mainline(store::Store& store, const std::string& project);

// "main @ 1a2b3c4", or the short SHA alone when the branch is unknown.
std::string CommitLabel(const store::CommitInfo& commit);

// ", " between the items: "a, b, c"; "none" for an empty list.
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace perfgate::gate
