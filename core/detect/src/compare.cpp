#include "perfgate/detect/compare.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "perfgate/detect/metric_value.hpp"
#include "perfgate/stats/benjamini_hochberg.hpp"
#include "perfgate/stats/mann_whitney.hpp"

namespace perfgate::detect {

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegressed: return "regressed";
    case Verdict::kImproved: return "improved";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kInconclusive: return "inconclusive";
    case Verdict::kNew: return "new";
    case Verdict::kMissing: return "missing";
  }
  return "inconclusive";
}

namespace {

// Width of the history-noise interval in noise units: a single point must lie
// three standard deviations of the difference beyond the threshold to alert.
constexpr double kNoiseSigmas = 3.0;

const model::Benchmark* Usable(const model::Benchmark* benchmark) {
  if (benchmark == nullptr || benchmark->error || benchmark->skipped) return nullptr;
  return benchmark;
}

// The values a side contributes: raw samples without NaN, else one aggregate.
std::vector<double> ValuesOf(const model::Metric& metric) {
  std::vector<double> values;
  for (double sample : metric.samples) {
    if (!std::isnan(sample)) values.push_back(sample);
  }
  if (values.empty() && !metric.HasSamples()) {
    for (const char* name : {"median", "mean"}) {
      auto found = metric.aggregates.find(name);
      if (found != metric.aggregates.end() && !std::isnan(found->second)) {
        values.push_back(found->second);
        break;
      }
    }
  }
  return values;
}

std::vector<std::string> MetricsToCompare(const model::Benchmark* base, const model::Benchmark* head,
                                          const CompareOptions& options) {
  std::vector<std::string> names;
  if (options.all_metrics) {
    for (const model::Benchmark* side : {base, head}) {
      if (side == nullptr) continue;
      for (const model::Metric& metric : side->metrics) {
        if (std::find(names.begin(), names.end(), metric.name) == names.end()) names.push_back(metric.name);
      }
    }
  } else if (options.metric) {
    names.push_back(*options.metric);
  } else {
    const model::Metric* chosen = base != nullptr ? model::DefaultMetric(*base) : nullptr;
    if (chosen == nullptr && head != nullptr) chosen = model::DefaultMetric(*head);
    if (chosen != nullptr) names.push_back(chosen->name);
  }
  return names;
}

// Smallest equal repetition count per side whose most extreme exact two-sided
// U-test p-value, 2 / C(2n, n), falls below alpha.
std::size_t RepetitionsForSignificance(double alpha) {
  double combinations = 2;  // C(2, 1)
  for (std::size_t n = 1; n < 64; ++n) {
    if (n >= 2 && 2 / combinations < alpha) return n;
    combinations = combinations * static_cast<double>((2 * n + 1) * (2 * n + 2)) /
                   static_cast<double>((n + 1) * (n + 1));
  }
  return 64;
}

bool BeyondBad(const BenchmarkComparison& row, double threshold) {
  if (row.direction == model::Direction::kLowerIsBetter) return *row.ci_low > 1 + threshold;
  return *row.ci_high < 1 - threshold;
}

bool BeyondGood(const BenchmarkComparison& row, double threshold) {
  if (row.direction == model::Direction::kLowerIsBetter) return *row.ci_high < 1 - threshold;
  return *row.ci_low > 1 + threshold;
}

bool Inside(const BenchmarkComparison& row, double threshold) {
  return *row.ci_low >= 1 - threshold && *row.ci_high <= 1 + threshold;
}

// Repetitions per side after which the interval, shrinking as 1 / sqrt(n), would
// clear the nearest threshold boundary on the side where the ratio lies.
std::optional<std::size_t> RepetitionsNeeded(const BenchmarkComparison& row, const CompareOptions& options,
                                             bool needs_significance) {
  const std::size_t current = std::min(row.base->n, row.head->n);
  std::size_t needed = needs_significance ? RepetitionsForSignificance(options.alpha) : 2;
  if (row.ci_low && row.ci_high && row.ratio) {
    const double ratio = *row.ratio;
    const double half_width = std::max(*row.ci_high - ratio, ratio - *row.ci_low);
    const double upper = 1 + options.threshold;
    const double lower = 1 - options.threshold;
    double distance = 0;
    if (ratio > upper) {
      distance = ratio - upper;
    } else if (ratio < lower) {
      distance = lower - ratio;
    } else {
      distance = std::min(upper - ratio, ratio - lower);
    }
    if (!(distance > 0)) return std::nullopt;
    if (half_width > 0) {
      const double scaled = static_cast<double>(std::max<std::size_t>(current, 1)) * (half_width / distance) *
                            (half_width / distance);
      if (scaled > static_cast<double>(options.max_repetitions)) return std::nullopt;
      needed = std::max(needed, static_cast<std::size_t>(std::ceil(scaled)) + 1);
    }
  }
  needed = std::max(needed, current + 1);
  if (needed > options.max_repetitions) return std::nullopt;
  return needed;
}

void Decide(BenchmarkComparison& row, const CompareOptions& options) {
  if (!row.base) {
    row.verdict = Verdict::kNew;
    return;
  }
  if (!row.head) {
    row.verdict = Verdict::kMissing;
    return;
  }
  row.verdict = Verdict::kInconclusive;
  if (!row.ci_low || !row.ci_high) {
    // No interval: a zero base median or a single value without history noise.
    if (row.ratio && !row.history_noise_used) row.repetitions_needed = RepetitionsNeeded(row, options, true);
    return;
  }
  const bool significant = row.history_noise_used || (row.p_value_adjusted && *row.p_value_adjusted < options.alpha);
  if (BeyondBad(row, options.threshold)) {
    if (significant) {
      row.verdict = Verdict::kRegressed;
      return;
    }
  } else if (BeyondGood(row, options.threshold)) {
    if (significant) {
      row.verdict = Verdict::kImproved;
      return;
    }
  } else if (Inside(row, options.threshold)) {
    row.verdict = Verdict::kUnchanged;
    return;
  }
  if (!row.history_noise_used) {
    const bool beyond = *row.ratio > 1 + options.threshold || *row.ratio < 1 - options.threshold;
    row.repetitions_needed = RepetitionsNeeded(row, options, beyond);
  }
}

BenchmarkComparison CompareMetric(const std::string& benchmark_name, const std::string& metric_name,
                                  const model::Benchmark* base, const model::Benchmark* head,
                                  const CompareOptions& options) {
  const model::Metric* base_metric = base != nullptr ? base->FindMetric(metric_name) : nullptr;
  const model::Metric* head_metric = head != nullptr ? head->FindMetric(metric_name) : nullptr;
  const model::Metric* described = base_metric != nullptr ? base_metric : head_metric;

  BenchmarkComparison row;
  row.name = benchmark_name;
  row.metric = metric_name;
  row.unit = described->unit;
  row.direction = described->direction;

  const std::vector<double> base_values = base_metric != nullptr ? ValuesOf(*base_metric) : std::vector<double>{};
  const std::vector<double> head_values = head_metric != nullptr ? ValuesOf(*head_metric) : std::vector<double>{};
  // A summary-only side keeps the harness's mean, min, max and percentiles, n = 0.
  if (!base_values.empty()) row.base = SummarizeMetric(*base_metric);
  if (!head_values.empty()) row.head = SummarizeMetric(*head_metric);
  if (!row.base || !row.head) return row;

  if (*row.base->median != 0) {
    row.ratio = *row.head->median / *row.base->median;
    row.change = *row.ratio - 1;
  }
  if (base_values.size() >= 2 && head_values.size() >= 2) {
    if (auto test = stats::MannWhitneyU(base_values, head_values)) row.p_value = test->p_value;
    if (auto interval = stats::BootstrapRatioOfMedians(base_values, head_values, options.bootstrap)) {
      row.ci_low = interval->low;
      row.ci_high = interval->high;
    }
  } else if (row.ratio && options.history_noise) {
    if (std::optional<double> noise = options.history_noise(benchmark_name, metric_name);
        noise && std::isfinite(*noise) && *noise >= 0) {
      const double spread = kNoiseSigmas * *noise *
                            std::sqrt(1.0 / static_cast<double>(base_values.size()) +
                                      1.0 / static_cast<double>(head_values.size()));
      row.ci_low = *row.ratio * (1 - spread);
      row.ci_high = *row.ratio * (1 + spread);
      row.history_noise_used = true;
    }
  }
  return row;
}

}  // namespace

Comparison CompareReports(const model::Report& base, const model::Report& head, const CompareOptions& options) {
  Comparison comparison;
  comparison.base = ComparedSide{.label = "", .format = base.format, .context = base.context};
  comparison.head = ComparedSide{.label = "", .format = head.format, .context = head.context};
  comparison.threshold = options.threshold;
  comparison.alpha = options.alpha;

  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const model::Report* report : {&base, &head}) {
    for (const model::Benchmark& benchmark : report->benchmarks) {
      if (seen.insert(benchmark.name).second) names.push_back(benchmark.name);
    }
  }
  for (const std::string& name : names) {
    const model::Benchmark* base_benchmark = Usable(base.FindBenchmark(name));
    const model::Benchmark* head_benchmark = Usable(head.FindBenchmark(name));
    if (base_benchmark == nullptr && head_benchmark == nullptr) continue;
    for (const std::string& metric : MetricsToCompare(base_benchmark, head_benchmark, options)) {
      const bool in_base = base_benchmark != nullptr && base_benchmark->FindMetric(metric) != nullptr;
      const bool in_head = head_benchmark != nullptr && head_benchmark->FindMetric(metric) != nullptr;
      if (!in_base && !in_head) continue;
      comparison.benchmarks.push_back(CompareMetric(name, metric, base_benchmark, head_benchmark, options));
    }
  }

  // Benjamini-Hochberg across every row that has a p-value.
  std::vector<double> p_values;
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    if (row.p_value) p_values.push_back(*row.p_value);
  }
  const std::vector<double> adjusted = stats::BenjaminiHochberg(p_values);
  std::size_t next = 0;
  for (BenchmarkComparison& row : comparison.benchmarks) {
    if (row.p_value) row.p_value_adjusted = adjusted[next++];
  }

  double log_sum = 0;
  std::size_t ratios = 0;
  ComparisonSummary& summary = comparison.summary;
  for (BenchmarkComparison& row : comparison.benchmarks) {
    Decide(row, options);
    switch (row.verdict) {
      case Verdict::kRegressed: ++summary.regressed; break;
      case Verdict::kImproved: ++summary.improved; break;
      case Verdict::kUnchanged: ++summary.unchanged; break;
      case Verdict::kInconclusive: ++summary.inconclusive; break;
      case Verdict::kNew: ++summary.added; break;
      case Verdict::kMissing: ++summary.missing; break;
    }
    if (row.ratio && *row.ratio > 0 && std::isfinite(*row.ratio)) {
      log_sum += std::log(*row.ratio);
      ++ratios;
    }
  }
  if (ratios > 0) summary.geomean_ratio = std::exp(log_sum / static_cast<double>(ratios));
  return comparison;
}

}  // namespace perfgate::detect
