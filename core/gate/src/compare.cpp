#include "perfgate/gate/compare.hpp"

#include <algorithm>
#include <set>

#include "perfgate/gate/noise.hpp"
#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

namespace {

struct LoadedSide {
  model::Results results;
  std::string label;
  std::optional<store::CommitInfo> commit;
  std::string testbed;
};

// Labels say which commit a ref resolved to: "1a2b3c4d5e6f (main)".
std::string RefLabel(const std::string& ref, const store::CommitInfo& commit) {
  std::string label = commit.sha.substr(0, 12);
  if (ref != commit.sha && !commit.sha.starts_with(ref)) label += " (" + ref + ")";
  return label;
}

}  // namespace

Result<model::Results> MapNames(model::Results head, const std::vector<std::pair<std::string, std::string>>& name_map) {
  for (const auto& [base_name, head_name] : name_map) {
    model::Benchmark* benchmark = head.FindBenchmark(head_name);
    if (benchmark == nullptr) {
      std::vector<std::string> names;
      for (const model::Benchmark& candidate : head.benchmarks) names.push_back(candidate.name);
      return Fail(ErrorKind::kInvalidInput, "map",
                  "map " + base_name + "=" + head_name + ": the head has no benchmark " + head_name + " (it has " +
                      JoinNames(names) + ")");
    }
    benchmark->name = base_name;
  }
  return head;
}

std::optional<GateError> CheckMetricExists(const std::string& metric, const std::vector<const model::Results*>& reports) {
  std::set<std::string> names;
  for (const model::Results* report : reports) {
    for (const model::Benchmark& benchmark : report->benchmarks) {
      for (const model::Metric& candidate : benchmark.metrics) {
        if (candidate.name == metric) return std::nullopt;
        names.insert(candidate.name);
      }
    }
  }
  return GateError{ErrorKind::kInvalidInput, "metric",
                   "metric " + metric + ": no benchmark has it (metrics: " +
                       JoinNames(std::vector<std::string>(names.begin(), names.end())) + ")",
                   "unknown_metric"};
}

Result<CompareOutcome> CompareSides(store::Store* store, const CompareRequest& request) {
  if (request.options.metric) {
    if (auto problem = CheckName("metric", *request.options.metric)) return tl::unexpected(*problem);
  }
  // Resolve the stored sides first: the testbed may depend on both.
  std::optional<store::CommitInfo> commits[2];
  const SideRequest* sides[2] = {&request.base, &request.head};
  const char* wheres[2] = {"base", "head"};
  for (int i = 0; i < 2; ++i) {
    if (sides[i]->results) continue;
    if (store == nullptr) {
      return Fail(ErrorKind::kInvalidInput, wheres[i],
                  std::string(wheres[i]) + " " + sides[i]->ref +
                      ": not a results file (a store is needed to compare commits or branches)");
    }
    auto commit = ResolveRef(*store, request.project, wheres[i], sides[i]->ref);
    if (!commit) return tl::unexpected(commit.error());
    commits[i] = *commit;
  }

  LoadedSide loaded[2];
  for (int i = 0; i < 2; ++i) {
    if (!commits[i]) {
      loaded[i] = LoadedSide{*sides[i]->results, sides[i]->label, std::nullopt, ""};
      continue;
    }
    std::string requested = sides[i]->testbed.empty() ? request.testbed : sides[i]->testbed;
    // Without a testbed for either side, one both stored sides share.
    std::vector<store::CommitInfo> over{*commits[i]};
    bool shared = sides[0]->testbed.empty() && sides[1]->testbed.empty() && request.testbed.empty();
    if (shared && commits[1 - i]) over.push_back(*commits[1 - i]);
    std::string testbed_where = sides[i]->testbed.empty() ? "testbed" : std::string(wheres[i]) + "_testbed";
    auto testbed = ChooseTestbed(*store, request.project, testbed_where, requested, over);
    if (!testbed) return tl::unexpected(testbed.error());
    auto results = LoadResults(*store, request.project, wheres[i], *commits[i], *testbed);
    if (!results) return tl::unexpected(results.error());
    loaded[i] = LoadedSide{std::move(*results), RefLabel(sides[i]->ref, *commits[i]), commits[i], *testbed};
  }

  auto head = MapNames(std::move(loaded[1].results), request.name_map);
  if (!head) return tl::unexpected(head.error());
  loaded[1].results = std::move(*head);
  if (request.options.metric) {
    if (auto problem = CheckMetricExists(*request.options.metric, {&loaded[0].results, &loaded[1].results})) {
      return tl::unexpected(*problem);
    }
  }

  detect::CompareOptions options = request.options;
  detect::HistoryNoise history;
  if (store != nullptr) {
    const LoadedSide& base = loaded[0];
    std::string testbed = base.commit ? base.testbed : (loaded[1].commit ? loaded[1].testbed : request.testbed);
    history = HistoryNoise(*store, request.project, base.commit ? base.commit->branch : "", testbed);
  }
  options.history_noise = NoiseOrHarnessSpread(std::move(history), loaded[0].results, loaded[1].results);
  CompareOutcome outcome;
  outcome.comparison = detect::CompareReports(loaded[0].results, loaded[1].results, options);
  outcome.comparison.base.label = loaded[0].label;
  outcome.comparison.head.label = loaded[1].label;
  for (int i = 0; i < 2; ++i) {
    if (!loaded[i].commit) continue;
    const store::CommitInfo& commit = *loaded[i].commit;
    (i == 0 ? outcome.base : outcome.head) = model::ResultsOrigin{commit.sha, commit.branch, commit.time, loaded[i].testbed};
  }
  return outcome;
}

}  // namespace perfgate::gate
