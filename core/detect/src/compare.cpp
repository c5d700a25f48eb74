#include "perfgate/detect/compare.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "perfgate/detect/metric_value.hpp"
#include "perfgate/stats/benjamini_hochberg.hpp"
#include "perfgate/stats/mann_whitney.hpp"
#include "perfgate/stats/t_test.hpp"

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

// Power the repetitions_needed advice aims at: the one-sided normal quantile of
// 90 %, added to the critical t so that the re-run passes nine times in ten.
constexpr double kAdvicePowerQuantile = 1.2815515655446004;

// Fewest repetitions per side the notice recommends when a test is possible: the
// minimum-effect t-test has 4 degrees of freedom there, enough to find a 30 %
// change at CV <= 2 % even as the only change among 50 rows
// (docs/statistics.md).
constexpr std::size_t kRecommendedRepetitions = 3;

// Logarithms of one row's values, what the minimum-effect test and the advice
// work on.
struct LogSamples {
  std::vector<double> base;
  std::vector<double> head;
  double difference = 0;     // mean log(head) - mean log(base)
  double pooled_spread = 0;  // pooled standard deviation of the logs
};

std::optional<LogSamples> Logarithms(const std::vector<double>& base, const std::vector<double>& head) {
  if (base.size() < 2 || head.size() < 2) return std::nullopt;
  LogSamples logs;
  for (double value : base) {
    if (!(value > 0) || !std::isfinite(value)) return std::nullopt;
    logs.base.push_back(std::log(value));
  }
  for (double value : head) {
    if (!(value > 0) || !std::isfinite(value)) return std::nullopt;
    logs.head.push_back(std::log(value));
  }
  logs.difference = *stats::Mean(logs.head) - *stats::Mean(logs.base);
  const auto variance = [](const std::vector<double>& values) {
    return std::pow(*stats::StandardDeviation(values), 2);
  };
  const auto n_base = static_cast<double>(logs.base.size());
  const auto n_head = static_cast<double>(logs.head.size());
  logs.pooled_spread =
      std::sqrt(((n_base - 1) * variance(logs.base) + (n_head - 1) * variance(logs.head)) / (n_base + n_head - 2));
  return logs;
}

// Two one-sided Student t-tests on the logs against the threshold's boundaries:
// a change beyond the threshold, with the two directions Bonferroni-combined.
std::optional<double> EffectPValue(const LogSamples& logs, double threshold) {
  const auto slower =
      stats::StudentTTestAgainst(logs.head, logs.base, std::log1p(threshold), stats::Alternative::kGreater);
  if (!slower) return std::nullopt;
  double p_faster = 1;
  if (threshold < 1) {
    const auto faster =
        stats::StudentTTestAgainst(logs.head, logs.base, std::log1p(-threshold), stats::Alternative::kLess);
    if (!faster) return std::nullopt;
    p_faster = faster->p_value;
  }
  return std::min(1.0, 2 * std::min(slower->p_value, p_faster));
}

// Standard normal quantile by bisection on erfc (for advice only, where 1e-12
// is plenty).
double NormalQuantile(double probability) {
  double low = -40;
  double high = 40;
  for (int i = 0; i < 100; ++i) {
    const double middle = 0.5 * (low + high);
    if (0.5 * std::erfc(-middle / std::sqrt(2.0)) < probability) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return 0.5 * (low + high);
}

// The spread the advice plans with: the observed pooled spread of the logs
// raised to the upper kAdviceSpreadQuantile confidence bound of a normal
// standard deviation with these degrees of freedom (Wilson-Hilferty
// chi-square quantile), so that a run whose few values happened to agree does
// not talk the advice down.
constexpr double kAdviceSpreadQuantile = 0.7;

double PlannedSpread(double spread, double degrees_of_freedom) {
  const double z = NormalQuantile(1 - kAdviceSpreadQuantile);
  const double scale = 2 / (9 * degrees_of_freedom);
  const double chi_square = degrees_of_freedom * std::pow(1 - scale + z * std::sqrt(scale), 3);
  return chi_square > 0 ? spread * std::sqrt(degrees_of_freedom / chi_square) : spread;
}

// Repetitions per side at which, at the observed change and the planned
// spread, (a) the effect test passes alpha / family with kAdvicePowerQuantile
// to spare and (b) the bootstrap interval of the median ratio (the median's
// standard error is sqrt(pi / 2) times the mean's) clears the threshold with
// the same margin. Absent when the change lies inside the threshold (the test
// cannot call it) or beyond max_repetitions.
std::optional<std::size_t> RepetitionsForEffect(const LogSamples& logs, const CompareOptions& options,
                                                std::size_t family) {
  const double boundary = logs.difference > 0 ? std::log1p(options.threshold)
                          : options.threshold < 1 ? -std::log1p(-options.threshold)
                                                  : 0;
  const double distance = std::fabs(logs.difference) - boundary;
  if (!(distance > 0) || boundary == 0) return std::nullopt;
  if (!(logs.pooled_spread > 0)) return 2;
  const double degrees_of_freedom = static_cast<double>(logs.base.size() + logs.head.size() - 2);
  const double spread = PlannedSpread(logs.pooled_spread, degrees_of_freedom);
  // One-sided level of each direction: the effect p doubles, BH at worst divides
  // alpha by the family.
  const double level = options.alpha / (2 * static_cast<double>(std::max<std::size_t>(family, 1)));
  const double interval_quantile = NormalQuantile(0.5 + options.bootstrap.confidence / 2);
  constexpr double kMedianEfficiency = 1.2533141373155003;  // sqrt(pi / 2)
  for (std::size_t n = 2; n <= options.max_repetitions; ++n) {
    const double standard_error = spread * std::sqrt(2.0 / static_cast<double>(n));
    const double shifted = distance / standard_error - kAdvicePowerQuantile;
    const bool test_passes =
        shifted > 0 && stats::StudentTTwoSidedTail(shifted, static_cast<double>(2 * n - 2)) / 2 < level;
    const bool interval_clears =
        distance >= (interval_quantile + kAdvicePowerQuantile) * kMedianEfficiency * standard_error;
    if (test_passes && interval_clears) return n;
  }
  return std::nullopt;
}

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
// U-test p-value, 2 / C(2n, n), falls below `alpha` (the caller divides by the
// correction's family).
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
// With significance needed, also the repetitions the deciding test needs: the
// effect test's (RepetitionsForEffect) or the rank test's floor, both at the
// correction's level for a family of `family` rows.
std::optional<std::size_t> RepetitionsNeeded(const BenchmarkComparison& row, const CompareOptions& options,
                                             bool needs_significance, const std::optional<LogSamples>& logs,
                                             std::size_t family) {
  const std::size_t current = std::min(row.base->n, row.head->n);
  std::size_t needed = 2;
  if (needs_significance) {
    if (logs) {
      const std::optional<std::size_t> effect = RepetitionsForEffect(*logs, options, family);
      if (!effect) return std::nullopt;
      needed = *effect;
    } else {
      needed = RepetitionsForSignificance(options.alpha / static_cast<double>(std::max<std::size_t>(family, 1)));
    }
  }
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

// A row with what it took to decide it.
struct Work {
  BenchmarkComparison row;
  std::optional<LogSamples> logs;
  // Both sides' values while the row waits for its bootstrap interval.
  std::vector<double> base_values;
  std::vector<double> head_values;
  bool needs_interval = false;
};

// Sizes of the correction's two families: rows with an effect test, and rows
// with a rank-test p-value (whose adjustment decides rows without an effect test).
struct Families {
  std::size_t effect = 0;
  std::size_t rank = 0;
};

// Whether a test lets the row be called regressed or improved (the interval
// still has to clear the threshold).
bool Significant(const BenchmarkComparison& row, const CompareOptions& options) {
  const auto passes = [&](const std::optional<double>& adjusted) { return adjusted && *adjusted < options.alpha; };
  return row.history_noise_used || passes(row.effect_p_value_adjusted) || passes(row.p_value_adjusted);
}

// The bootstrap interval of a row whose tests are adjusted already. Drawing
// stops once a wider interval than the reported one is inside the threshold,
// or beyond it on a significant row: more resamples could no longer change the
// verdict, and such a row needs no repetitions advice. Every other row draws
// them all, since its advice reads the interval's width.
void BootstrapInterval(Work& work, const CompareOptions& options) {
  BenchmarkComparison& row = work.row;
  const bool significant = Significant(row, options);
  const stats::IntervalSettled settled = [&](const stats::RatioInterval& guard) {
    BenchmarkComparison probe;
    probe.direction = row.direction;
    probe.ci_low = guard.low;
    probe.ci_high = guard.high;
    if (Inside(probe, options.threshold)) return true;
    return significant && (BeyondBad(probe, options.threshold) || BeyondGood(probe, options.threshold));
  };
  if (auto interval =
          stats::BootstrapRatioOfMediansUntil(work.base_values, work.head_values, options.bootstrap, settled)) {
    row.ci_low = interval->low;
    row.ci_high = interval->high;
  }
  work.base_values = {};
  work.head_values = {};
}

// Runs body(i) for i in [0, count) on `threads` threads (0: the hardware's),
// each taking the next index; the results must not depend on which thread ran
// which index.
void ParallelFor(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& body) {
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  // Below a few dozen rows a thread costs more than it saves.
  constexpr std::size_t kRowsPerThread = 32;
  threads = std::min(threads, std::max<std::size_t>(1, count / kRowsPerThread));
  std::atomic<std::size_t> next{0};
  const auto drain = [&] {
    for (std::size_t i = next++; i < count; i = next++) body(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(drain);
  drain();
  for (std::thread& thread : pool) thread.join();
}

void Decide(Work& work, const CompareOptions& options, const Families& families) {
  BenchmarkComparison& row = work.row;
  const std::size_t family = work.logs ? families.effect : families.rank;
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
    if (row.ratio && !row.history_noise_used) {
      row.repetitions_needed = RepetitionsNeeded(row, options, true, work.logs, family);
    }
    return;
  }
  // Either test may carry the row: the minimum-effect t-test has the power at
  // small n, the rank test (against no change; the interval then has to clear
  // the threshold on its own) keeps the power it always had at larger n.
  const bool significant = Significant(row, options);
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
    row.repetitions_needed = RepetitionsNeeded(row, options, beyond, work.logs, family);
  }
}

Work CompareMetric(const std::string& benchmark_name, const std::string& metric_name,
                   const model::Benchmark* base, const model::Benchmark* head, const CompareOptions& options) {
  Work work;
  BenchmarkComparison& row = work.row;
  const model::Metric* base_metric = base != nullptr ? base->FindMetric(metric_name) : nullptr;
  const model::Metric* head_metric = head != nullptr ? head->FindMetric(metric_name) : nullptr;
  const model::Metric* described = base_metric != nullptr ? base_metric : head_metric;

  row.name = benchmark_name;
  row.metric = metric_name;
  row.unit = described->unit;
  row.direction = described->direction;

  const std::vector<double> base_values = base_metric != nullptr ? ValuesOf(*base_metric) : std::vector<double>{};
  const std::vector<double> head_values = head_metric != nullptr ? ValuesOf(*head_metric) : std::vector<double>{};
  // A summary-only side keeps the harness's mean, min, max and percentiles, n = 0.
  if (!base_values.empty()) row.base = SummarizeMetric(*base_metric);
  if (!head_values.empty()) row.head = SummarizeMetric(*head_metric);
  if (!row.base || !row.head) return work;

  if (*row.base->median != 0) {
    row.ratio = *row.head->median / *row.base->median;
    row.change = *row.ratio - 1;
  }
  if (base_values.size() >= 2 && head_values.size() >= 2) {
    if (auto test = stats::MannWhitneyU(base_values, head_values)) row.p_value = test->p_value;
    work.logs = Logarithms(base_values, head_values);
    if (work.logs) {
      row.effect_p_value = EffectPValue(*work.logs, options.threshold);
      if (!row.effect_p_value) work.logs.reset();
    }
    // The interval waits for the adjusted tests (BootstrapInterval).
    work.base_values = base_values;
    work.head_values = head_values;
    work.needs_interval = true;
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
  return work;
}

// Smallest two-sided exact U-test p-value with these sample sizes: 2 / C(n1 + n2, n1).
double RankTestFloor(std::size_t n1, std::size_t n2) {
  double combinations = 1;
  const std::size_t small = std::min(n1, n2);
  for (std::size_t i = 1; i <= small; ++i) {
    combinations = combinations * static_cast<double>(n1 + n2 - small + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2 / combinations);
}

// The notice when rows exist with both sides but none of them can be decided.
std::optional<SampleSizeNotice> NoticeFor(const std::vector<Work>& rows, const CompareOptions& options,
                                          const Families& families) {
  std::size_t compared = 0;
  std::size_t fewest = 0;
  bool positive = true;  // every value positive: the effect test applies once n >= 2
  for (const Work& work : rows) {
    const BenchmarkComparison& row = work.row;
    if (!row.base || !row.head) continue;
    if (row.history_noise_used || work.logs) return std::nullopt;
    const double rank_level = options.alpha / static_cast<double>(std::max<std::size_t>(families.rank, 1));
    if (row.p_value && RankTestFloor(row.base->n, row.head->n) < rank_level) return std::nullopt;
    const std::size_t n = std::min(row.base->n, row.head->n);
    fewest = compared == 0 ? n : std::min(fewest, n);
    ++compared;
    if (!(row.base->min && *row.base->min > 0 && row.head->min && *row.head->min > 0)) positive = false;
  }
  if (compared == 0) return std::nullopt;
  SampleSizeNotice notice;
  notice.repetitions = fewest;
  notice.repetitions_needed =
      positive ? kRecommendedRepetitions
               : RepetitionsForSignificance(options.alpha / static_cast<double>(std::max<std::size_t>(compared, 1)));
  notice.repetitions_needed = std::max(notice.repetitions_needed, fewest + 1);
  notice.message = "n too small: with " + std::to_string(fewest) + (fewest == 1 ? " value" : " values") +
                   " per side no benchmark can be decided; run at least " + std::to_string(notice.repetitions_needed) +
                   " repetitions per side";
  if (fewest == 1) notice.message += " (or give history noise for single values)";
  return notice;
}

}  // namespace

Comparison CompareReports(const model::Results& base, const model::Results& head, const CompareOptions& options) {
  Comparison comparison;
  comparison.base = ComparedSide{.label = "", .format = base.format, .context = base.context};
  comparison.head = ComparedSide{.label = "", .format = head.format, .context = head.context};
  comparison.threshold = options.threshold;
  comparison.alpha = options.alpha;

  // Each side's benchmarks by name (the first of a name, as FindBenchmark
  // would), so that a large suite costs no name search per row.
  using Index = std::unordered_map<std::string_view, const model::Benchmark*>;
  const auto index_of = [](const model::Results& results) {
    Index index;
    index.reserve(results.benchmarks.size());
    for (const model::Benchmark& benchmark : results.benchmarks) index.emplace(benchmark.name, &benchmark);
    return index;
  };
  const Index base_index = index_of(base);
  const Index head_index = index_of(head);
  const auto find = [](const Index& index, std::string_view name) -> const model::Benchmark* {
    const auto found = index.find(name);
    return found == index.end() ? nullptr : found->second;
  };
  std::vector<std::string_view> names;
  names.reserve(base.benchmarks.size() + head.benchmarks.size());
  {
    std::unordered_map<std::string_view, bool> seen;
    seen.reserve(base.benchmarks.size() + head.benchmarks.size());
    for (const model::Results* report : {&base, &head}) {
      for (const model::Benchmark& benchmark : report->benchmarks) {
        if (seen.emplace(benchmark.name, true).second) names.push_back(benchmark.name);
      }
    }
  }
  std::vector<Work> rows;
  for (const std::string_view name_view : names) {
    const std::string name(name_view);
    const model::Benchmark* base_benchmark = Usable(find(base_index, name));
    const model::Benchmark* head_benchmark = Usable(find(head_index, name));
    if (base_benchmark == nullptr && head_benchmark == nullptr) continue;
    for (const std::string& metric : MetricsToCompare(base_benchmark, head_benchmark, options)) {
      const bool in_base = base_benchmark != nullptr && base_benchmark->FindMetric(metric) != nullptr;
      const bool in_head = head_benchmark != nullptr && head_benchmark->FindMetric(metric) != nullptr;
      if (!in_base && !in_head) continue;
      rows.push_back(CompareMetric(name, metric, base_benchmark, head_benchmark, options));
    }
  }

  // Benjamini-Hochberg across every row that has a p-value, for the rank test
  // (reported; decides rows without an effect test) and for the effect test.
  std::vector<double> p_values;
  std::vector<double> effect_p_values;
  Families families;
  for (const Work& work : rows) {
    if (work.row.p_value) p_values.push_back(*work.row.p_value);
    if (work.row.effect_p_value) effect_p_values.push_back(*work.row.effect_p_value);
  }
  families.effect = effect_p_values.size();
  families.rank = p_values.size();
  const std::vector<double> adjusted = stats::BenjaminiHochberg(p_values);
  const std::vector<double> effect_adjusted = stats::BenjaminiHochberg(effect_p_values);
  std::size_t next = 0;
  std::size_t next_effect = 0;
  for (Work& work : rows) {
    if (work.row.p_value) work.row.p_value_adjusted = adjusted[next++];
    if (work.row.effect_p_value) work.row.effect_p_value_adjusted = effect_adjusted[next_effect++];
  }
  ParallelFor(rows.size(), options.threads, [&](std::size_t i) {
    if (rows[i].needs_interval) BootstrapInterval(rows[i], options);
  });
  for (Work& work : rows) Decide(work, options, families);
  comparison.sample_size_notice = NoticeFor(rows, options, families);
  comparison.benchmarks.reserve(rows.size());
  for (Work& work : rows) comparison.benchmarks.push_back(std::move(work.row));

  double log_sum = 0;
  std::size_t ratios = 0;
  ComparisonSummary& summary = comparison.summary;
  for (const BenchmarkComparison& row : comparison.benchmarks) {
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
