#pragma once
// "Overview": every benchmark of a project at a glance on one branch and
// testbed: its latest value, its baseline's, the change, a status decided by
// the same check `perfgate check` runs (gate::Check: FindBaseline, history
// noise, detect::CompareReports, the stored config's budgets), the open alert
// and a short sparkline.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perfgate/config/config.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/gate/series.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// How many of a benchmark's newest values its sparkline holds.
inline constexpr std::size_t kSparklineLength = 30;

struct OverviewQuery {
  std::string project;
  std::string branch;   // "" = the baseline branch (DefaultBranch)
  std::string testbed;  // "" = the head's testbed ("default" when it ran there, else its first)
  std::string metric;   // "" = per benchmark its default metric (real_time, else its only one)
  // The perfgate.json whose baseline branch and budgets apply; absent: the
  // project's stored one (Store::LoadProjectConfig), else none.
  std::optional<config::Config> config;
  double min_change = 0.02;  // change points smaller than this (a fraction) are not alerts
};

enum class OverviewStatus { kBudgetBroken, kRegressed, kImproved, kUnchanged, kNoBaseline };

// "budget_broken", "regressed", "improved", "unchanged", "no_baseline".
std::string_view ToString(OverviewStatus status);

struct OverviewCommit {
  std::string sha;
  double value = 0;  // the median of the commit's samples (all runs pooled)
};

// The newest change point of the benchmark's series, when at least min_change.
struct OverviewAlert {
  std::string group;  // the sha of the first commit at the new level (the alert group's id)
  double change = 0;  // after / before - 1
  bool regression = false;
  std::string status = "untriaged";  // the group's triage (alert_groups.hpp)
};

struct OverviewRow {
  std::string benchmark;
  std::string family;  // the name before its first '/' ("BM_Parse" of "BM_Parse/1024")
  store::MetricInfo metric;
  OverviewCommit latest;
  std::optional<OverviewCommit> baseline;
  std::optional<double> change;  // latest / baseline - 1
  OverviewStatus status = OverviewStatus::kNoBaseline;
  std::optional<OverviewAlert> alert;
  std::vector<double> sparkline;  // at most kSparklineLength values on branch and testbed, oldest first
};

struct OverviewCounts {
  std::size_t regressed = 0, improved = 0, unchanged = 0, budget_broken = 0, no_baseline = 0;
};

struct Overview {
  std::string project;
  std::string branch;
  std::string baseline_branch;
  std::string testbed;
  std::vector<std::string> testbeds;  // of the project, the store's order
  std::vector<std::string> branches;  // of the project, the most recently active first
  std::string metric;                 // the query's, else the one every row shares, else ""
  store::CommitInfo head;
  std::optional<store::CommitInfo> base;
  OverviewCounts counts;
  // budget_broken first, then regressed, then by |change| descending (no change last), then by name.
  std::vector<OverviewRow> benchmarks;
};

// The branch a project's overview and baselines default to: the config's
// baseline branch when it has results, else the mainline (main, master,
// trunk), else the most recently active branch; "" for a project without results.
std::string DefaultBranch(store::Store& store, const std::string& project, const std::string& config_branch);

// The baseline branch of the project's stored perfgate.json; "" when it has
// none (or no stored config).
std::string StoredBaselineBranch(store::Store& store, const std::string& project);

// Errors: a branch or testbed the project does not have (kNotFound naming
// those it has), a project without results (kNotFound, "project_not_found"),
// a budget that does not fit its metric (kInvalidInput). `changes_of` places
// change points (empty: detected afresh). Throws store::StoreError only.
Result<Overview> ProjectOverview(store::Store& store, const OverviewQuery& query, const ChangesOf& changes_of = {});

}  // namespace perfgate::gate
