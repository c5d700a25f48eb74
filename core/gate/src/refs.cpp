#include "perfgate/gate/refs.hpp"

#include <algorithm>

namespace perfgate::gate {

Result<store::CommitInfo> ResolveRef(store::Store& store, const std::string& project, std::string_view where,
                                     const std::string& ref) {
  if (auto problem = CheckName(where, ref)) return tl::unexpected(*problem);
  auto commit = store.ResolveCommit(project, ref);
  if (!commit) {
    return Fail(ErrorKind::kNotFound, std::string(where),
                std::string(where) + " " + ref + ": no commit or branch of that name with results in project " +
                    project + " (a full SHA, a unique prefix of 7+ characters, or a branch name)",
                "commit_not_found");
  }
  return *commit;
}

std::vector<std::string> TestbedsOf(store::Store& store, const std::string& project, const std::string& sha) {
  std::vector<std::string> testbeds = store.Testbeds(project);
  std::stable_partition(testbeds.begin(), testbeds.end(), [](const std::string& name) { return name == "default"; });
  std::erase_if(testbeds, [&](const std::string& testbed) { return !store.HasResults(project, sha, testbed); });
  return testbeds;
}

Result<std::string> ChooseTestbed(store::Store& store, const std::string& project, std::string_view where,
                                  const std::string& requested, const std::vector<store::CommitInfo>& commits) {
  if (!requested.empty()) {
    if (auto problem = CheckName(where, requested)) return tl::unexpected(*problem);
  }
  if (commits.empty()) return requested.empty() ? std::string("default") : requested;
  std::vector<std::vector<std::string>> each;
  for (const store::CommitInfo& commit : commits) each.push_back(TestbedsOf(store, project, commit.sha));
  auto everywhere = [&](const std::string& testbed) {
    return std::all_of(each.begin(), each.end(), [&](const std::vector<std::string>& testbeds) {
      return std::find(testbeds.begin(), testbeds.end(), testbed) != testbeds.end();
    });
  };
  if (!requested.empty()) {
    if (everywhere(requested)) return requested;
  } else {
    for (const std::string& candidate : each.front()) {
      if (everywhere(candidate)) return candidate;
    }
  }
  std::string message = std::string(where) + (requested.empty() ? ": no testbed that every commit has results on"
                                                                 : " " + requested + ": no results there for");
  if (requested.empty()) message += ";";
  for (std::size_t i = 0; i < commits.size(); ++i) {
    message += (i == 0 ? " " : "; ") + commits[i].sha.substr(0, 12) + " has results on " + JoinNames(each[i]);
  }
  return Fail(ErrorKind::kNotFound, std::string(where), message, "results_not_found");
}

Result<model::Results> LoadResults(store::Store& store, const std::string& project, std::string_view where,
                                  const store::CommitInfo& commit, const std::string& testbed) {
  auto results = store.LoadCommitResults(project, commit.sha, testbed);
  if (!results) {
    return Fail(ErrorKind::kNotFound, std::string(where),
                std::string(where) + ": commit " + commit.sha + " has no results on testbed " + testbed +
                    " (it has results on " + JoinNames(TestbedsOf(store, project, commit.sha)) + ")",
                "results_not_found");
  }
  return std::move(*results);
}

std::string Mainline(store::Store& store, const std::string& project) {
  for (const char* name : {"main", "master", "trunk"}) {
    if (store.ResolveCommit(project, name)) return name;
  }
  return "";
}

std::string CommitLabel(const store::CommitInfo& commit) {
  std::string label = commit.sha.substr(0, 7);
  return commit.branch.empty() ? label : commit.branch + " @ " + label;
}

std::string JoinNames(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace perfgate::gate
