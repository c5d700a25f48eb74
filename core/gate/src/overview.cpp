#include "perfgate/gate/overview.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "perfgate/gate/alerts.hpp"
#include "perfgate/gate/check.hpp"
#include "perfgate/gate/compare.hpp"
#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

namespace {

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

int Rank(OverviewStatus status) {
  switch (status) {
    case OverviewStatus::kBudgetBroken: return 0;
    case OverviewStatus::kRegressed: return 1;
    default: return 2;
  }
}

}  // namespace

std::string_view ToString(OverviewStatus status) {
  switch (status) {
    case OverviewStatus::kBudgetBroken: return "budget_broken";
    case OverviewStatus::kRegressed: return "regressed";
    case OverviewStatus::kImproved: return "improved";
    case OverviewStatus::kUnchanged: return "unchanged";
    case OverviewStatus::kNoBaseline: return "no_baseline";
  }
  return "unchanged";
}

std::string DefaultBranch(store::Store& store, const std::string& project, const std::string& config_branch) {
  std::vector<std::string> branches = store.Branches(project);
  if (!config_branch.empty() && Has(branches, config_branch)) return config_branch;
  if (std::string mainline = Mainline(store, project); !mainline.empty()) return mainline;
  return branches.empty() ? "" : branches.front();
}

std::string StoredBaselineBranch(store::Store& store, const std::string& project) {
  auto stored = store.LoadProjectConfig(project);
  if (!stored) return "";
  auto parsed = config::ParseConfig(stored->text);
  return parsed ? parsed->baseline_branch : "";
}

Result<Overview> ProjectOverview(store::Store& store, const OverviewQuery& query, const ChangesOf& changes_of) {
  Overview overview;
  overview.project = query.project;
  overview.branches = store.Branches(query.project);
  overview.testbeds = store.Testbeds(query.project);
  if (overview.branches.empty()) {
    return Fail(ErrorKind::kNotFound, "project", "project " + query.project + " has no results", "project_not_found");
  }
  config::Config config;
  if (query.config) {
    config = *query.config;
  } else if (auto stored = store.LoadProjectConfig(query.project)) {
    // Validated when stored; a config this version no longer reads is as good as none.
    if (auto parsed = config::ParseConfig(stored->text)) config = std::move(*parsed);
  }
  std::map<std::string, std::string> triage_status;
  for (const store::AlertTriage& triage : store.AlertTriages(query.project)) triage_status[triage.group] = triage.status;
  overview.baseline_branch = DefaultBranch(store, query.project, config.baseline_branch);
  // The check below finds baselines on the same branch the overview defaults to.
  config.baseline_branch = overview.baseline_branch;
  if (!query.metric.empty()) config.defaults.metric = query.metric;

  overview.branch = query.branch.empty() ? overview.baseline_branch : query.branch;
  if (!Has(overview.branches, overview.branch)) {
    return Fail(ErrorKind::kNotFound, "branch",
                "branch " + overview.branch + " has no results in project " + query.project + "; it has " +
                    JoinNames(overview.branches),
                "branch_not_found");
  }
  auto head = ResolveRef(store, query.project, "branch", overview.branch);
  if (!head) return tl::unexpected(head.error());
  overview.head = *head;

  if (!query.testbed.empty()) {
    overview.testbed = query.testbed;
  } else {
    std::vector<std::string> head_testbeds = TestbedsOf(store, query.project, head->sha);
    overview.testbed = head_testbeds.empty() ? "" : head_testbeds.front();
  }

  if (!query.metric.empty()) {
    auto head_results = LoadResults(store, query.project, "testbed", *head, overview.testbed);
    if (!head_results) return tl::unexpected(head_results.error());
    if (auto error = CheckMetricExists(query.metric, {&*head_results})) return tl::unexpected(*error);
  }

  CheckRequest request{.project = query.project, .head = {}, .base = std::nullopt, .testbed = overview.testbed,
                       .event_base_sha = ""};
  request.head.ref = head->sha;
  auto checked = Check(&store, config, request);
  if (!checked) return tl::unexpected(checked.error());
  if (checked->base) overview.base = store.FindCommit(query.project, checked->base->commit);
  const detect::CheckResult& result = checked->result;

  // (benchmark, metric) pairs with an error-level or warning budget broken.
  std::map<std::pair<std::string, std::string>, bool> broken;
  for (const detect::BudgetResult& budget : result.budgets) {
    if (budget.status == detect::BudgetStatus::kBroken) broken[{budget.benchmark, budget.metric}] = true;
  }

  std::string shared_metric;
  bool metrics_differ = false;
  for (const detect::BenchmarkComparison& row : result.comparison.benchmarks) {
    // A benchmark the head no longer has is not part of the head's overview.
    if (!row.head || !row.head->median) continue;
    OverviewRow out;
    out.benchmark = row.name;
    out.family = row.name.substr(0, row.name.find('/'));
    out.metric = store::MetricInfo{row.metric, row.unit, row.direction};
    out.latest = OverviewCommit{head->sha, *row.head->median};
    if (checked->base && row.base && row.base->median) {
      out.baseline = OverviewCommit{checked->base->commit, *row.base->median};
      out.change = row.change;
    }
    if (broken.contains({row.name, row.metric})) {
      out.status = OverviewStatus::kBudgetBroken;
    } else if (!out.baseline) {
      out.status = OverviewStatus::kNoBaseline;
    } else if (row.verdict == detect::Verdict::kRegressed) {
      out.status = OverviewStatus::kRegressed;
    } else if (row.verdict == detect::Verdict::kImproved) {
      out.status = OverviewStatus::kImproved;
    } else {
      out.status = OverviewStatus::kUnchanged;
    }

    // One series per benchmark: the sparkline is its tail, the alert its newest change point.
    auto series = store.LoadSeries(store::SeriesQuery{.project = query.project, .benchmark = row.name,
                                                      .metric = row.metric, .branch = overview.branch,
                                                      .testbed = overview.testbed, .limit = kAlertHistory});
    if (series && series->testbed == overview.testbed) {
      std::size_t first = series->points.size() > kSparklineLength ? series->points.size() - kSparklineLength : 0;
      for (std::size_t i = first; i < series->points.size(); ++i) out.sparkline.push_back(series->points[i].value);
      std::vector<detect::SeriesChange> changes =
          changes_of ? changes_of(*series) : detect::DetectSeriesChanges(*series);
      for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
        if (!(std::abs(it->change) >= query.min_change) || it->index >= series->points.size()) continue;
        bool worse = row.direction == model::Direction::kLowerIsBetter ? it->change > 0 : it->change < 0;
        const std::string& group = series->points[it->index].commit;
        auto triaged = triage_status.find(group);
        out.alert = OverviewAlert{group, it->change, worse, triaged == triage_status.end() ? "untriaged" : triaged->second};
        break;
      }
    }

    switch (out.status) {
      case OverviewStatus::kBudgetBroken: ++overview.counts.budget_broken; break;
      case OverviewStatus::kRegressed: ++overview.counts.regressed; break;
      case OverviewStatus::kImproved: ++overview.counts.improved; break;
      case OverviewStatus::kUnchanged: ++overview.counts.unchanged; break;
      case OverviewStatus::kNoBaseline: ++overview.counts.no_baseline; break;
    }
    if (shared_metric.empty()) shared_metric = row.metric;
    else if (shared_metric != row.metric) metrics_differ = true;
    overview.benchmarks.push_back(std::move(out));
  }
  overview.metric = !query.metric.empty() ? query.metric : (metrics_differ ? "" : shared_metric);

  std::stable_sort(overview.benchmarks.begin(), overview.benchmarks.end(), [](const OverviewRow& a, const OverviewRow& b) {
    if (Rank(a.status) != Rank(b.status)) return Rank(a.status) < Rank(b.status);
    double magnitude_a = a.change && std::isfinite(*a.change) ? std::abs(*a.change) : -1;
    double magnitude_b = b.change && std::isfinite(*b.change) ? std::abs(*b.change) : -1;
    if (magnitude_a != magnitude_b) return magnitude_a > magnitude_b;
    return a.benchmark < b.benchmark;
  });
  return overview;
}

}  // namespace perfgate::gate
