#pragma once
// Comparing two results files (or two commits' pooled samples): per benchmark and
// metric, both sides' statistics, the ratio of medians with a bootstrap interval,
// a Mann-Whitney U p-value and a minimum-effect t-test on log values, each
// adjusted by Benjamini-Hochberg (either may decide), and a verdict. docs/statistics.md
// gives the method, its measured power and A/A rates, and its limits.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/model/results.hpp"
#include "perfgate/stats/bootstrap.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::detect {

enum class Verdict { kRegressed, kImproved, kUnchanged, kInconclusive, kNew, kMissing };

// "regressed", "improved", "unchanged", "inconclusive", "new", "missing".
std::string_view ToString(Verdict verdict);

// Relative spread of a series' recent values on the base branch (for example the
// coefficient of variation of its last 30 commits' medians), as a fraction.
// Returns absent when the series has no usable history.
using HistoryNoise = std::function<std::optional<double>(std::string_view benchmark, std::string_view metric)>;

struct CompareOptions {
  // The metric to compare. Absent: per benchmark, model::DefaultMetric (real_time
  // when present, otherwise the benchmark's only metric; a benchmark with several
  // metrics and no real_time is then left out).
  std::optional<std::string> metric;
  // Compare every metric present on either side instead (overrides `metric`).
  bool all_metrics = false;
  // Smallest relative change that matters, as a fraction (0.05 = 5 %).
  double threshold = 0.05;
  // False-discovery rate for the Benjamini-Hochberg-adjusted p-values.
  double alpha = 0.05;
  // The bootstrap of each row stops early once a wider interval
  // (stats::SequentialBootstrapOptions) already decides the verdict: inside the
  // threshold, or beyond it on a row whose test is significant. Rows it cannot
  // decide draw all `bootstrap.resamples`.
  stats::BootstrapOptions bootstrap;
  // Threads the rows are computed on; 0 is std::thread::hardware_concurrency().
  // The output does not depend on it.
  std::size_t threads = 0;
  // Consulted only for rows where a side has a single value (no repetitions).
  // Unset, such rows are inconclusive.
  HistoryNoise history_noise;
  // Suggestions of repetitions above this are reported as absent (unsettleable).
  std::size_t max_repetitions = 1000;
};

// One (benchmark, metric) row.
struct BenchmarkComparison {
  std::string name;
  std::string metric;
  std::string unit;
  model::Direction direction = model::Direction::kLowerIsBetter;
  // Statistics of each side's values; absent on the side where the benchmark
  // (or the metric) does not exist or errored.
  std::optional<stats::Summary> base;
  std::optional<stats::Summary> head;
  // head median / base median and ratio - 1; absent for new/missing rows and when
  // the base median is 0.
  std::optional<double> ratio;
  std::optional<double> change;
  // Two-sided Mann-Whitney U p-value (scipy's default); absent when either side
  // has fewer than 2 values.
  std::optional<double> p_value;
  // Benjamini-Hochberg adjustment of p_value across all rows of the comparison.
  std::optional<double> p_value_adjusted;
  // The test the verdict uses: the p-value that |change| exceeds the threshold,
  // min(1, 2 * min(p_slower, p_faster)) of two one-sided Student t-tests on the
  // logarithms of the values, H0: mean log(head) - mean log(base) <= log(1 +
  // threshold) (resp. >= log(1 - threshold)) -- scipy.stats.ttest_ind(log(head) -
  // log1p(+-threshold), log(base), alternative="greater" / "less"). Absent when a
  // side has fewer than 2 values or a value <= 0 (those rows are decided by
  // the rank test alone).
  std::optional<double> effect_p_value;
  // Benjamini-Hochberg adjustment of effect_p_value across the rows that have one.
  std::optional<double> effect_p_value_adjusted;
  // Interval of the ratio: the seeded bootstrap interval when both sides have
  // repetitions; ratio * (1 -+ 3 * noise * sqrt(1/n_base + 1/n_head)) when a side
  // has a single value and history noise was given (history_noise_used is set).
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  bool history_noise_used = false;
  Verdict verdict = Verdict::kInconclusive;
  // For inconclusive rows: repetitions per side after which one re-run likely
  // settles the verdict: the interval narrowing as 1 / sqrt(n) clears the
  // threshold, and the effect test at the observed change and spread reaches
  // alpha / m (m rows in the correction's family, so Benjamini-Hochberg passes
  // whatever the other rows do) with 90 % power. Absent when not estimable or
  // above max_repetitions.
  std::optional<std::size_t> repetitions_needed;
};

struct ComparisonSummary {
  std::size_t regressed = 0;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t inconclusive = 0;
  std::size_t added = 0;    // verdict new
  std::size_t missing = 0;  // verdict missing
  // Geometric mean of every row's ratio (rows without a positive ratio skipped);
  // absent when no row has one.
  std::optional<double> geomean_ratio;
};

// Said once, above every row, when no row of the comparison can be decided at
// the repetitions it has (a single value per side without history noise, or
// rows decided by the rank test at an n whose smallest p-value cannot pass the
// correction).
struct SampleSizeNotice {
  std::size_t repetitions = 0;         // fewest values on a side among the rows
  std::size_t repetitions_needed = 0;  // per side, the fewest that can decide a row
  std::string message;                 // one sentence saying both
};

// Where a side came from; `label` is the caller's (a file name, a commit).
struct ComparedSide {
  std::string label;
  std::string format;
  std::map<std::string, std::string> context;
};

struct Comparison {
  ComparedSide base;
  ComparedSide head;
  double threshold = 0.05;
  double alpha = 0.05;
  // Base benchmarks in base order, then head-only ones in head order.
  std::vector<BenchmarkComparison> benchmarks;
  ComparisonSummary summary;
  std::optional<SampleSizeNotice> sample_size_notice;

  bool HasRegression() const { return summary.regressed > 0; }
};

// Compares `head` against `base`. Values of a metric are its raw samples (NaN
// dropped); a metric with only harness aggregates contributes one value (its
// "median", else "mean" aggregate). A benchmark that errored or was skipped on a
// side counts as absent there (new / missing). Verdicts, with repetitions on
// both sides:
//   regressed    effect_p_value_adjusted < alpha or p_value_adjusted < alpha,
//                and the whole interval beyond the threshold in the bad
//                direction (above 1 + threshold for lower-is-better metrics,
//                below 1 - threshold for higher-is-better ones)
//   improved     likewise in the good direction
//   unchanged    the interval inside [1 - threshold, 1 + threshold]
//   inconclusive otherwise, with repetitions_needed
// With a single value on a side there is no p-value: the history-noise interval
// decides as above (never an alert from a point within the noise), or the row is
// inconclusive. Deterministic; never throws for any input.
Comparison CompareReports(const model::Results& base, const model::Results& head, const CompareOptions& options = {});

}  // namespace perfgate::detect
