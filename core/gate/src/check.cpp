#include "perfgate/gate/check.hpp"

#include <vector>

#include "perfgate/gate/baseline.hpp"
#include "perfgate/gate/noise.hpp"
#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

namespace {

model::ResultsOrigin OriginOf(const store::CommitInfo& commit, const std::string& testbed) {
  return model::ResultsOrigin{commit.sha, commit.branch, commit.time, testbed};
}

Result<store::CommitInfo> Resolve(store::Store* store, const std::string& project, const char* where,
                                  const std::string& ref) {
  if (store == nullptr) {
    return Fail(ErrorKind::kInvalidInput, where,
                std::string(where) + " " + ref + ": reading commits needs a store (--db PATH or --server URL)");
  }
  return ResolveRef(*store, project, where, ref);
}

}  // namespace

Result<CheckOutcome> Check(store::Store* store, const config::Config& config, const CheckRequest& request) {
  CheckOutcome outcome;
  std::optional<model::Results> head_results;
  std::optional<store::CommitInfo> head_commit;
  std::string head_label = request.head.label;
  if (request.head.results) {
    head_results = *request.head.results;
    // The file's commit, when the store knows it: where the baseline search starts.
    if (store != nullptr && !request.head.ref.empty()) head_commit = store->FindCommit(request.project, request.head.ref);
  } else {
    auto commit = Resolve(store, request.project, "head", request.head.ref);
    if (!commit) return tl::unexpected(commit.error());
    head_commit = *commit;
    head_label = CommitLabel(*commit);
  }

  std::optional<store::CommitInfo> base_commit;
  if (request.base && !request.base->results) {
    auto commit = Resolve(store, request.project, "base", request.base->ref);
    if (!commit) return tl::unexpected(commit.error());
    base_commit = *commit;
  }

  std::string testbed = request.testbed;
  if (store != nullptr) {
    std::vector<store::CommitInfo> stored;
    if (head_commit && !request.head.results) stored.push_back(*head_commit);
    if (base_commit) stored.push_back(*base_commit);
    auto chosen = ChooseTestbed(*store, request.project, "testbed", request.testbed, stored);
    if (!chosen) return tl::unexpected(chosen.error());
    testbed = *chosen;
  }
  if (!head_results) {
    auto results = LoadResults(*store, request.project, "head", *head_commit, testbed);
    if (!results) return tl::unexpected(results.error());
    head_results = std::move(*results);
    outcome.head = OriginOf(*head_commit, testbed);
  }

  if (!request.base && store != nullptr) {
    BaselineQuery query{.project = request.project, .testbed = testbed, .head = head_commit,
                        .branch = config.baseline_branch, .event_base_sha = request.event_base_sha};
    if (auto baseline = FindBaseline(*store, query)) {
      base_commit = baseline->commit;
      outcome.baseline_reason = baseline->reason;
    }
  }
  std::optional<model::Results> base_results;
  std::string base_label;
  if (request.base && request.base->results) {
    base_results = *request.base->results;
    base_label = request.base->label;
  } else if (base_commit) {
    auto results = LoadResults(*store, request.project, "base", *base_commit, testbed);
    if (!results) return tl::unexpected(results.error());
    base_results = std::move(*results);
    base_label = CommitLabel(*base_commit);
    outcome.base = OriginOf(*base_commit, testbed);
  }

  detect::CheckOptions options{.base_label = base_label, .head_label = head_label, .history_noise = {}};
  detect::HistoryNoise history;
  if (store != nullptr) {
    std::string branch = base_commit ? base_commit->branch : config.baseline_branch;
    if (branch.empty()) branch = Mainline(*store, request.project);
    history = HistoryNoise(*store, request.project, branch, testbed);
  }
  // min_ratio budgets hold the head against another testbed on the same commit.
  if (store != nullptr && head_commit) {
    for (const config::Budget& budget : config.budgets) {
      if (budget.kind != config::BudgetKind::kMinRatio || budget.of_testbed.empty() ||
          options.testbed_results.contains(budget.of_testbed)) {
        continue;
      }
      if (auto other = store->LoadCommitResults(request.project, head_commit->sha, budget.of_testbed)) {
        options.testbed_results.emplace(budget.of_testbed, std::move(*other));
      }
    }
  }
  const model::Results no_baseline;
  options.history_noise = NoiseOrHarnessSpread(std::move(history), base_results ? *base_results : no_baseline, *head_results);
  auto result = detect::EvaluateCheck(config, base_results, *head_results, options);
  if (!result) {
    return Fail(ErrorKind::kInvalidInput, "perfgate.json: " + result.error().where,
                "perfgate.json: " + config::ToString(result.error()), "invalid_config");
  }
  outcome.result = std::move(*result);
  outcome.result.project = request.project;
  outcome.testbed = (outcome.head || outcome.base) ? testbed : "";
  return outcome;
}

}  // namespace perfgate::gate
