#pragma once
// Evaluating a config::Config (perfgate.json, config/config.hpp) against a pull request's head results and its
// baseline: the comparison verdicts, every budget's status, and pass/fail. Also
// the choice of a pull request's baseline among the head's ancestors.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "perfgate/config/config.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/detect/metric_value.hpp"
#include "perfgate/model/results.hpp"

namespace perfgate::detect {

// met: within the limit. broken: beyond it at level error (fails the check).
// warning: beyond it at level warn. pending: no data to judge (never passes).
// stretch_met: within the limit and at or beyond the stretch goal.
enum class BudgetStatus { kMet, kBroken, kWarning, kPending, kStretchMet };

// "met", "broken", "warning", "pending", "stretch_met".
std::string_view ToString(BudgetStatus status);

// One budget applied to one benchmark (or to its pattern, when pending because
// nothing matched).
struct BudgetResult {
  config::Budget budget;
  std::string benchmark;  // the matched benchmark; the pattern when nothing matched
  std::string metric;     // the stored metric the value comes from ("real_time"); "" when pending
  // What was measured of it: "median", "p99", "cv", ... For kMaxRegression the
  // statistic whose change is limited (median unless the budget names one).
  std::string statistic;
  // Unit of `actual`, `base` and `limit`: the metric's canonical unit for
  // kMax/kMin, "" (a fraction) for kMaxRegression, kMaxCv and the cv statistic.
  std::string unit;
  std::string value_unit;  // unit of head_value and base_value: the metric's ("" for cv, a fraction)
  model::Direction direction = model::Direction::kLowerIsBetter;
  // kMax/kMin/kMaxCv: the head's value. kMaxRegression: the change (head/base - 1)
  // in the metric's bad direction: the change itself for lower-is-better, its
  // negation for higher-is-better (ops/s 4 -> 3: change -25 %, actual 25 %).
  // kMinRatio: the ratio to the other testbed in the good direction. Absent when pending.
  std::optional<double> actual;
  std::optional<double> head_value;  // the head's value of the statistic
  std::optional<double> base_value;  // the baseline's value of the statistic, when known
  std::optional<double> change;      // head_value / base_value - 1, when both known
  double limit = 0;                  // in `unit` (a fraction for relative budgets)
  std::optional<double> stretch;     // in `unit`
  BudgetStatus status = BudgetStatus::kPending;
  // The comparison row of (benchmark, metric), when the comparison has one.
  std::optional<Verdict> verdict;
  std::optional<double> p_value;  // BH-adjusted
  std::string note;               // why pending ("no benchmark matches", "no baseline", ...)
};

struct CheckSummary {
  std::size_t regressions = 0;          // comparison rows regressed
  std::size_t failing_regressions = 0;  // of those, at level error
  std::size_t improvements = 0;
  std::size_t met = 0;
  std::size_t stretch_met = 0;
  std::size_t broken = 0;
  std::size_t warnings = 0;
  std::size_t pending = 0;
};

// Percentiles of one head benchmark's metric, for the report's scenario table.
struct ScenarioPercentiles {
  std::string benchmark;
  std::string metric;
  std::string unit;
  std::optional<double> p50, p95, p99;
};

struct CheckResult {
  std::string project;
  Comparison comparison;
  bool has_baseline = false;
  config::BudgetLevel regression_level = config::BudgetLevel::kError;
  std::vector<BudgetResult> budgets;  // in config order, matches in head order
  CheckSummary summary;
  // Head benchmarks with a percentile budget (p50..p99.9), or with 20+ samples
  // or harness percentiles on their budgeted or default metric, in head order.
  std::vector<ScenarioPercentiles> scenarios;
  // False only for error-level budget breaches and error-level regressions.
  bool passed = true;
};

struct CheckOptions {
  std::string base_label;  // "main @ 1a2b3c4", a file name
  std::string head_label;
  HistoryNoise history_noise;  // forwarded to CompareReports
  // The head commit's results on other testbeds, by testbed, for min_ratio
  // budgets; a budget whose testbed is absent here is pending.
  std::map<std::string, model::Results> testbed_results;
};

// Compares `head` against `base` (absent: no baseline; every row is new and
// relative budgets are pending) with the config's defaults, then evaluates every
// budget whose level is not off against every head benchmark its pattern
// matches; a max_regression budget without "metric" against every metric of
// each (a throughput drop is caught where only real_time was before). A literal pattern without data, or a glob for which no matching
// benchmark has the metric, gives one pending result. Returns a ConfigError
// naming the budget ("budgets[1].max") when a limit's unit does not fit the
// metric it is applied to (a time on a B/s metric). Deterministic; never throws.
tl::expected<CheckResult, config::ConfigError> EvaluateCheck(const config::Config& config, const std::optional<model::Results>& base,
                                                     const model::Results& head, const CheckOptions& options = {});

// metric_value.hpp's MetricStatistic for a statistic by name; absent for a name
// that is not one.
std::optional<double> MetricStatistic(const model::Metric& metric, std::string_view statistic);

// An ancestor of a pull request's head, as the store knows it.
struct BaselineCandidate {
  std::string sha;
  std::string branch;  // "" when unknown
  bool has_results = false;
};

// The baseline of a pull request among the head's ancestors (nearest first,
// the head itself excluded): the first one on `baseline_branch` with results
// (the merge-base, or the nearest commit below it that has results), else the
// nearest ancestor with results. Absent when none has results. With an empty
// `baseline_branch`, simply the nearest ancestor with results.
std::optional<std::size_t> ChooseBaseline(std::span<const BaselineCandidate> ancestors,
                                          std::string_view baseline_branch);

}  // namespace perfgate::detect
