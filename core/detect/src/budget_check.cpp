#include "perfgate/detect/budget_check.hpp"

#include <cmath>
#include <map>
#include <utility>

#include "perfgate/stats/descriptive.hpp"

namespace perfgate::detect {

// The perfgate.json schema, as this file evaluates it.
using config::Budget;
using config::BudgetKind;
using config::BudgetLevel;
using config::Config;
using config::ConfigDefaults;
using config::ConfigError;
using config::GlobMatch;
using config::IsLiteralPattern;
using config::IsStatistic;

namespace {

bool IsCanonicalUnit(std::string_view unit) {
  return unit == "ns" || unit == "B" || unit == "/s" || unit == "B/s" || unit == "%";
}

std::string UnitName(std::string_view unit) { return unit.empty() ? "no unit" : std::string(unit); }

// The stored metric a budget reads on `benchmark`, and the statistic of it.
struct Resolved {
  const model::Metric* metric = nullptr;
  std::string statistic;
};

const model::Metric* DefaultMetricOf(const model::Benchmark& benchmark, const ConfigDefaults& defaults) {
  if (defaults.metric) {
    if (const auto* metric = benchmark.FindMetric(*defaults.metric)) return metric;
  }
  return model::DefaultMetric(benchmark);
}

Resolved Resolve(const model::Benchmark& benchmark, const Budget& budget, const ConfigDefaults& defaults) {
  Resolved resolved;
  resolved.statistic = budget.statistic.value_or("median");
  if (budget.metric) {
    if (const auto* metric = benchmark.FindMetric(*budget.metric)) {
      resolved.metric = metric;
    } else if (IsStatistic(*budget.metric)) {
      resolved.metric = DefaultMetricOf(benchmark, defaults);
      resolved.statistic = *budget.metric;
    }
  } else {
    resolved.metric = DefaultMetricOf(benchmark, defaults);
  }
  if (budget.kind == BudgetKind::kMaxCv) resolved.statistic = "cv";
  if (resolved.statistic == "p999") resolved.statistic = "p99.9";
  return resolved;
}

// Whether the budget's limit may be compared with values in `unit`; the limit
// converted to that unit when so.
std::optional<double> LimitIn(const model::Quantity& limit, std::string_view unit, bool fraction) {
  if (fraction) {
    if (limit.unit == "%") return limit.value / 100.0;
    if (limit.unit.empty()) return limit.value;
    return std::nullopt;
  }
  if (limit.unit == unit) return limit.value;
  if (limit.unit.empty() && !IsCanonicalUnit(unit)) return limit.value;
  return std::nullopt;
}

// The comparison's rows by (benchmark, metric).
using RowIndex = std::map<std::pair<std::string, std::string>, const BenchmarkComparison*>;

BudgetResult PendingResult(const Budget& budget, std::string benchmark, std::string note) {
  BudgetResult result;
  result.budget = budget;
  result.benchmark = std::move(benchmark);
  result.statistic = budget.kind == BudgetKind::kMaxCv ? "cv" : budget.statistic.value_or("");
  if (budget.metric && IsStatistic(*budget.metric)) result.statistic = *budget.metric;
  result.unit = budget.kind == BudgetKind::kMaxRegression || budget.kind == BudgetKind::kMaxCv ||
                        budget.kind == BudgetKind::kMinRatio
                    ? ""
                    : budget.limit.unit;
  result.limit = budget.limit.value;
  if (budget.stretch) result.stretch = budget.stretch->value;
  result.status = BudgetStatus::kPending;
  result.note = std::move(note);
  return result;
}

BudgetStatus Judge(const Budget& budget, double actual, double limit, const std::optional<double>& stretch) {
  bool lower_limit = budget.kind == BudgetKind::kMin || budget.kind == BudgetKind::kMinRatio;
  bool within = lower_limit ? actual >= limit : actual <= limit;
  if (!within) return budget.level == BudgetLevel::kWarn ? BudgetStatus::kWarning : BudgetStatus::kBroken;
  if (stretch && (lower_limit ? actual >= *stretch : actual <= *stretch)) return BudgetStatus::kStretchMet;
  return BudgetStatus::kMet;
}

// Evaluates one budget on one head benchmark. Absent when the benchmark has no
// value for it (the caller decides whether that is pending); an error when the
// units do not fit.
tl::expected<std::optional<BudgetResult>, ConfigError> EvaluateOne(const Budget& budget,
                                                                   const model::Benchmark& benchmark,
                                                                   const model::Results& head,
                                                                   const model::Results* base, const Config& config,
                                                                   const RowIndex& rows, const CheckOptions& options,
                                                                   std::string& why_missing) {
  if (benchmark.error || benchmark.skipped) {
    why_missing = benchmark.error ? "the benchmark failed: " + *benchmark.error : "the benchmark was skipped";
    return std::optional<BudgetResult>{};
  }
  Resolved resolved = Resolve(benchmark, budget, config.defaults);
  if (!resolved.metric) {
    why_missing = budget.metric ? "no metric " + *budget.metric : "no default metric";
    return std::optional<BudgetResult>{};
  }
  const model::Metric& metric = *resolved.metric;
  BudgetResult result;
  result.budget = budget;
  result.benchmark = benchmark.name;
  result.metric = metric.name;
  result.statistic = resolved.statistic;
  result.direction = metric.direction;
  result.value_unit = resolved.statistic == "cv" ? "" : metric.unit;
  bool fraction_value = resolved.statistic == "cv";
  bool relative = budget.kind == BudgetKind::kMaxRegression || budget.kind == BudgetKind::kMinRatio;
  result.unit = fraction_value || relative || budget.kind == BudgetKind::kMaxCv ? "" : metric.unit;

  auto limit = LimitIn(budget.limit, metric.unit, fraction_value || relative || budget.kind == BudgetKind::kMaxCv);
  if (!limit) {
    return tl::unexpected(ConfigError{
        budget.path + "." + budget.key,
        "a limit in " + UnitName(budget.limit.unit) + " does not fit " + resolved.statistic + " of metric " +
            metric.name + " of " + benchmark.name + " (" + (fraction_value ? std::string("a fraction, use %") : UnitName(metric.unit)) + ")"});
  }
  result.limit = *limit;
  if (budget.stretch) result.stretch = LimitIn(*budget.stretch, metric.unit, fraction_value);

  result.head_value = MetricStatistic(metric, resolved.statistic);
  if (base) {
    if (const auto* base_benchmark = base->FindBenchmark(benchmark.name)) {
      if (!base_benchmark->error && !base_benchmark->skipped) {
        if (const auto* base_metric = base_benchmark->FindMetric(metric.name)) {
          result.base_value = MetricStatistic(*base_metric, resolved.statistic);
        }
      }
    }
  }
  if (result.head_value && result.base_value && *result.base_value != 0) {
    result.change = *result.head_value / *result.base_value - 1;
  }
  if (auto row = rows.find({benchmark.name, metric.name}); row != rows.end()) {
    result.verdict = row->second->verdict;
    result.p_value = row->second->p_value_adjusted;
  }
  if (!result.head_value) {
    why_missing = "no " + resolved.statistic + " of " + metric.name + " (needs samples)";
    return std::optional<BudgetResult>{};
  }
  if (budget.kind == BudgetKind::kMinRatio) {
    // The same benchmark on another testbed of this commit, or another
    // benchmark of this run (a yardstick measured on the same machine).
    const model::Benchmark* reference = nullptr;
    if (!budget.of_benchmark.empty()) {
      reference = head.FindBenchmark(budget.of_benchmark);
      if (reference != nullptr && (reference->error || reference->skipped)) reference = nullptr;
    } else if (auto other = options.testbed_results.find(budget.of_testbed); other != options.testbed_results.end()) {
      reference = other->second.FindBenchmark(benchmark.name);
    }
    const model::Metric* reference_metric = reference != nullptr ? reference->FindMetric(metric.name) : nullptr;
    std::optional<double> reference_value;
    if (reference_metric != nullptr) reference_value = MetricStatistic(*reference_metric, resolved.statistic);
    if (!reference_value) {
      why_missing = budget.of_benchmark.empty()
                        ? "no " + metric.name + " on testbed " + budget.of_testbed + " for this commit"
                        : "no " + metric.name + " of " + budget.of_benchmark + " in this run";
      return std::optional<BudgetResult>{};
    }
    if (!(*reference_value > 0 && *result.head_value > 0) || !std::isfinite(*reference_value) ||
        !std::isfinite(*result.head_value)) {
      why_missing = budget.of_benchmark.empty() ? "a zero or infinite value on a testbed"
                                                : "a zero or infinite value of " + budget.of_benchmark;
      return std::optional<BudgetResult>{};
    }
    // The other testbed or benchmark stands where the baseline stands for other budgets.
    result.base_value = reference_value;
    result.change = *result.head_value / *reference_value - 1;
    result.actual = metric.direction == model::Direction::kHigherIsBetter ? *result.head_value / *reference_value
                                                                          : *reference_value / *result.head_value;
  } else if (relative) {
    if (!base) {
      why_missing = "no baseline";
      return std::optional<BudgetResult>{};
    }
    if (!result.base_value) {
      why_missing = "not in the baseline";
      return std::optional<BudgetResult>{};
    }
    if (!(*result.base_value > 0 && *result.head_value > 0)) {
      why_missing = "a zero value on a side";
      return std::optional<BudgetResult>{};
    }
    if (!std::isfinite(*result.base_value) || !std::isfinite(*result.head_value)) {
      why_missing = "an infinite value on a side";
      return std::optional<BudgetResult>{};
    }
    // The change (head / base - 1, as everywhere) in the metric's bad direction:
    // ops/s from 4 to 3 is a change of -25 %, a regression of 25 %.
    double change = *result.head_value / *result.base_value - 1;
    result.actual = metric.direction == model::Direction::kLowerIsBetter ? change : -change;
  } else {
    result.actual = result.head_value;
  }
  result.status = Judge(budget, *result.actual, result.limit, result.stretch);
  return std::optional<BudgetResult>{std::move(result)};
}

}  // namespace

std::string_view ToString(BudgetStatus status) {
  switch (status) {
    case BudgetStatus::kMet: return "met";
    case BudgetStatus::kBroken: return "broken";
    case BudgetStatus::kWarning: return "warning";
    case BudgetStatus::kPending: return "pending";
    case BudgetStatus::kStretchMet: return "stretch_met";
  }
  return "pending";
}

std::optional<double> MetricStatistic(const model::Metric& metric, std::string_view statistic) {
  std::optional<Statistic> parsed = ParseStatistic(statistic);
  if (!parsed) return std::nullopt;
  return MetricStatistic(metric, *parsed);
}

tl::expected<CheckResult, ConfigError> EvaluateCheck(const Config& config, const std::optional<model::Results>& base,
                                                     const model::Results& head, const CheckOptions& options) {
  CheckResult result;
  result.project = config.project;
  result.has_baseline = base.has_value();
  result.regression_level = config.defaults.level;

  CompareOptions compare_options;
  // DefaultMetric already prefers real_time; naming it would drop benchmarks
  // without it (custom metrics, sizes) from the comparison.
  if (config.defaults.metric && *config.defaults.metric != "real_time") compare_options.metric = config.defaults.metric;
  compare_options.threshold = config.defaults.threshold;
  compare_options.alpha = config.defaults.alpha;
  compare_options.history_noise = options.history_noise;
  result.comparison = CompareReports(base ? *base : model::Results{}, head, compare_options);
  result.comparison.base.label = options.base_label;
  result.comparison.head.label = options.head_label;

  RowIndex rows;
  for (const auto& row : result.comparison.benchmarks) rows[{row.name, row.metric}] = &row;
  for (const auto& row : result.comparison.benchmarks) {
    if (row.verdict == Verdict::kRegressed) {
      ++result.summary.regressions;
      if (config.defaults.level == BudgetLevel::kError) ++result.summary.failing_regressions;
    } else if (row.verdict == Verdict::kImproved) {
      ++result.summary.improvements;
    }
  }

  const model::Results* base_report = base ? &*base : nullptr;
  for (const Budget& budget : config.budgets) {
    if (budget.level == BudgetLevel::kOff) continue;
    std::size_t evaluated = 0;
    std::string why_missing;
    bool matched = false;
    for (const auto& benchmark : head.benchmarks) {
      if (!GlobMatch(budget.pattern, benchmark.name)) continue;
      matched = true;
      // A regression budget that names no metric covers every metric of the
      // benchmark, each in its own direction; any other budget, one metric.
      std::vector<Budget> applied;
      if (budget.kind == BudgetKind::kMaxRegression && !budget.metric && !benchmark.metrics.empty()) {
        for (const model::Metric& metric : benchmark.metrics) {
          applied.push_back(budget);
          applied.back().metric = metric.name;
        }
      } else {
        applied.push_back(budget);
      }
      std::size_t evaluated_here = 0;
      for (const Budget& one_budget : applied) {
        auto one = EvaluateOne(one_budget, benchmark, head, base_report, config, rows, options, why_missing);
        if (!one) return tl::unexpected(one.error());
        if (*one) {
          result.budgets.push_back(std::move(**one));
          ++evaluated_here;
        }
      }
      if (evaluated_here == 0 && IsLiteralPattern(budget.pattern)) {
        result.budgets.push_back(PendingResult(budget, benchmark.name, why_missing));
        ++evaluated_here;
      }
      evaluated += evaluated_here;
    }
    if (evaluated == 0) {
      std::string note = !matched ? "no data yet: no benchmark matches" : "no data yet: " + why_missing;
      result.budgets.push_back(PendingResult(budget, budget.pattern, note));
    }
  }

  for (const auto& benchmark : head.benchmarks) {
    const model::Metric* metric = nullptr;
    bool budgeted = false;
    for (const auto& budget : result.budgets) {
      if (budget.benchmark != benchmark.name || budget.metric.empty()) continue;
      auto statistic = ParseStatistic(budget.statistic);
      if (statistic && IsPercentile(*statistic) && *statistic != Statistic::kP50) {
        metric = benchmark.FindMetric(budget.metric);
        budgeted = true;
        break;
      }
    }
    if (!metric) metric = DefaultMetricOf(benchmark, config.defaults);
    if (!metric || benchmark.error) continue;
    bool rich = metric->samples.size() >= 20 || metric->aggregates.contains("p99");
    if (!budgeted && !rich) continue;
    result.scenarios.push_back({benchmark.name, metric->name, metric->unit, MetricStatistic(*metric, "p50"),
                                MetricStatistic(*metric, "p95"), MetricStatistic(*metric, "p99")});
  }
  for (const auto& budget : result.budgets) {
    switch (budget.status) {
      case BudgetStatus::kMet: ++result.summary.met; break;
      case BudgetStatus::kStretchMet: ++result.summary.stretch_met; break;
      case BudgetStatus::kBroken: ++result.summary.broken; break;
      case BudgetStatus::kWarning: ++result.summary.warnings; break;
      case BudgetStatus::kPending: ++result.summary.pending; break;
    }
  }
  result.passed = result.summary.broken == 0 && result.summary.failing_regressions == 0;
  return result;
}

std::optional<std::size_t> ChooseBaseline(std::span<const BaselineCandidate> ancestors,
                                          std::string_view baseline_branch) {
  if (!baseline_branch.empty()) {
    for (std::size_t i = 0; i < ancestors.size(); ++i) {
      if (ancestors[i].branch == baseline_branch && ancestors[i].has_results) return i;
    }
  }
  for (std::size_t i = 0; i < ancestors.size(); ++i) {
    if (ancestors[i].has_results) return i;
  }
  return std::nullopt;
}

}  // namespace perfgate::detect
