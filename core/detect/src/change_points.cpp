#include "perfgate/detect/change_points.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "perfgate/stats/descriptive.hpp"
#include "perfgate/stats/mann_whitney.hpp"
#include "perfgate/stats/t_test.hpp"

namespace perfgate::detect {

namespace {

// A point is a spike when it lies more than this many noise deviations beyond
// both the median of the 3 points before it and the median of the 3 after it,
// on the same side. Spikes are removed (not clipped) before the energy
// statistic, the t-test and the rank check see a window.
constexpr double kSpikeSigmas = 5.0;
constexpr std::size_t kSpikeNeighbours = 3;

// Smallest shift of the means worth a change point, in noise deviations (the
// neighbour spread of the window). Measured on the seeded evaluation: 1.5 keeps
// the recall of 1-3 x CV steps at today's level while dropping most alerts whose
// place cannot be told to +-1 point.
constexpr double kMinShiftSigmas = 1.5;

// While the newest change point has fewer than `window` points after it, its
// index is re-estimated within this fraction of the window either side.
constexpr std::size_t kRelocateReachDivisor = 4;

// E-divisive means with alpha = 1: for a split of `values` into left [0, k) and
// right [k, w), Q(k) = (k (w - k) / w) * (2 mean|x - y| - mean|x - x'| - mean|y - y'|),
// the scaled energy distance between the two sides. The pair sums within every
// prefix and suffix are kept as the values were appended one at a time: a point
// appended to w values adds its distance to each of them to the suffix sums
// (O(w)), and one table row per length lets the newest values be dropped
// without arithmetic. So a window that only grows at its end, or changes in its
// last few points, costs O(w) per point instead of a rebuild, and the sums are
// always those of appending the current values to an empty set in order: the
// answer depends on the values alone, never on the path that led to them.
class EnergySplits {
 public:
  // Holds `values`, keeping the longest common prefix with what is held.
  void Hold(std::span<const double> values) {
    std::size_t common = 0;
    while (common < values_.size() && common < values.size() && values_[common] == values[common]) ++common;
    values_.resize(common);
    within_left_.resize(common + 1);
    for (std::size_t k = common; k < values.size(); ++k) Append(values[k]);
  }
  void Clear() { Hold({}); }

  // The best k in [first, last] (the earliest of equal ones).
  std::optional<std::size_t> Best(std::size_t first, std::size_t last) const {
    const std::size_t width = values_.size();
    if (width < 2 || first > last || last >= width || first == 0) return std::nullopt;
    const double* within_right = Row(width);
    const double total = within_left_[width];
    std::optional<std::size_t> best;
    double best_q = -1;
    for (std::size_t k = first; k <= last; ++k) {
      const auto left = static_cast<double>(k);
      const auto right = static_cast<double>(width - k);
      const double cross = total - within_left_[k] - within_right[k];
      const double mean_cross = cross / (left * right);
      const double mean_left = left > 1 ? within_left_[k] / (left * (left - 1) / 2) : 0.0;
      const double mean_right = right > 1 ? within_right[k] / (right * (right - 1) / 2) : 0.0;
      const double q = (left * right / (left + right)) * (2 * mean_cross - mean_left - mean_right);
      if (q > best_q) {
        best_q = q;
        best = k;
      }
    }
    return best;
  }

 private:
  // Row(m)[k], k <= m: the sum of |x_i - x_j| over k <= i < j < m.
  const double* Row(std::size_t m) const { return rows_.data() + m * (m + 1) / 2; }

  void Append(double value) {
    const std::size_t m = values_.size();
    rows_.resize((m + 2) * (m + 3) / 2);
    const double* previous = Row(m);
    double* next = rows_.data() + (m + 1) * (m + 2) / 2;
    next[m + 1] = 0;
    next[m] = 0;
    double suffix = 0;  // sum of |value - x_j| over k <= j < m
    for (std::size_t k = m; k-- > 0;) {
      suffix += std::fabs(value - values_[k]);
      next[k] = previous[k] + suffix;
    }
    within_left_.push_back(within_left_[m] + suffix);
    values_.push_back(value);
  }

  std::vector<double> values_;
  std::vector<double> within_left_ = {0.0};  // [k]: the sum of |x_i - x_j| over i < j < k
  std::vector<double> rows_ = {0.0};         // Row(m) for m = 0 .. size, one after another
};

// Noise deviation that a level shift barely moves: the median absolute
// difference of neighbours, scaled to a normal standard deviation
// (1.4826 / sqrt(2)).
constexpr double kNeighbourSpreadScale = 1.4826 / 1.4142135623730951;

// Orders doubles with NaN last, so that sorting never sees an inconsistent order.
constexpr auto Before = [](double a, double b) { return a < b || (!std::isnan(a) && std::isnan(b)); };

// stats::Median of sorted values: the middle one, or the mean of the middle two.
double MedianOfSorted(std::span<const double> sorted) {
  const std::size_t middle = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
}

double NeighbourSpread(std::span<const double> values) {
  if (values.size() < 3) return 0;
  std::vector<double> differences;
  differences.reserve(values.size() - 1);
  for (std::size_t i = 1; i < values.size(); ++i) differences.push_back(std::fabs(values[i] - values[i - 1]));
  std::sort(differences.begin(), differences.end(), Before);
  return kNeighbourSpreadScale * MedianOfSorted(differences);
}

// The median of |x[i] - x[i - 1]| over i in [first, last) of a series, kept
// sorted while the range moves, so that a window sliding by one point costs
// one removal and one insertion into a sorted array of `window` values.
class SlidingNeighbourMedian {
 public:
  double Median(std::span<const double> series, std::size_t first, std::size_t last, bool incremental) {
    const auto difference = [&](std::size_t i) { return std::fabs(series[i] - series[i - 1]); };
    const bool overlaps = incremental && first < last_ && first_ < last &&
                          (first > first_ ? first - first_ : first_ - first) +
                                  (last > last_ ? last - last_ : last_ - last) <
                              sorted_.size();
    bool consistent = overlaps;
    if (overlaps) {
      for (std::size_t i = first_; i < first && consistent; ++i) consistent = Remove(difference(i));
      for (std::size_t i = last; i < last_ && consistent; ++i) consistent = Remove(difference(i));
      for (std::size_t i = first; i < first_ && consistent; ++i) Insert(difference(i));
      for (std::size_t i = last_; i < last && consistent; ++i) Insert(difference(i));
    }
    if (!consistent) {
      sorted_.clear();
      for (std::size_t i = first; i < last; ++i) sorted_.push_back(difference(i));
      std::sort(sorted_.begin(), sorted_.end(), Before);
    }
    first_ = first;
    last_ = last;
    return MedianOfSorted(sorted_);
  }

 private:
  void Insert(double value) { sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), value, Before), value); }
  // False when `value` is not held (a NaN never compares equal): the caller rebuilds.
  bool Remove(double value) {
    const auto at = std::lower_bound(sorted_.begin(), sorted_.end(), value, Before);
    if (at == sorted_.end() || !(*at == value)) return false;
    sorted_.erase(at);
    return true;
  }

  std::vector<double> sorted_;
  std::size_t first_ = 0;
  std::size_t last_ = 0;
};

// How far values[i] (0 < i < size - 1) lies beyond the medians of its up to 3
// neighbours on each side, on the side both agree on: it is a spike for a bound
// b > 0 when the score exceeds b, i.e. when it is more than b above both medians
// or more than b below both.
double SpikeScore(std::span<const double> values, std::size_t i) {
  static_assert(kSpikeNeighbours == 3);
  // The median of 1, 2 or 3 neighbours: the value, the mean of the two, the middle one.
  const auto median_of = [&](std::size_t from, std::size_t to) {  // values[from, to)
    if (to - from == 1) return values[from];
    if (to - from == 2) return 0.5 * (values[from] + values[from + 1]);
    const double a = values[from];
    const double b = values[from + 1];
    const double c = values[from + 2];
    return std::max(std::min(a, b), std::min(std::max(a, b), c));
  };
  const double left = values[i] - median_of(i > kSpikeNeighbours ? i - kSpikeNeighbours : 0, i);
  const double right = values[i] - median_of(i + 1, std::min(values.size(), i + 1 + kSpikeNeighbours));
  return std::max(std::min(left, right), -std::max(left, right));
}

// The points of a window that are not spikes (kSpikeSigmas), with their
// positions. A point needs a neighbour on both sides to be called a spike, so
// the newest point is always kept (a change it starts needs min_segment points
// anyway). Everything is kept when the spread is 0.
struct Despiked {
  std::vector<double> values;
  std::vector<std::size_t> positions;  // positions[k]: index in the input of values[k]
};

// Despiked `values` given their spike bound. `interior`, when not empty, holds
// SpikeScore(values, i) for 3 <= i < size - 3 (the points with all 3 + 3
// neighbours), computed once for the whole series; the others are computed here.
void KeepNonSpikes(std::span<const double> values, double bound, std::span<const double> interior, Despiked& kept) {
  const std::size_t size = values.size();
  kept.values.resize(size);
  kept.positions.resize(size);
  std::size_t count = 0;
  const auto keep = [&](std::size_t i) {
    kept.values[count] = values[i];
    kept.positions[count] = i;
    ++count;
  };
  const auto keep_unless_spike = [&](std::size_t i) {
    if (!(bound > 0 && i > 0 && i + 1 < size && SpikeScore(values, i) > bound)) keep(i);
  };
  if (interior.empty() || !(bound > 0)) {
    for (std::size_t i = 0; i < size; ++i) keep_unless_spike(i);
  } else {
    for (std::size_t i = 0; i < kSpikeNeighbours; ++i) keep_unless_spike(i);
    for (std::size_t i = kSpikeNeighbours; i + kSpikeNeighbours < size; ++i) {
      if (!(interior[i - kSpikeNeighbours] > bound)) keep(i);
    }
    for (std::size_t i = size - kSpikeNeighbours; i < size; ++i) keep_unless_spike(i);
  }
  kept.values.resize(count);
  kept.positions.resize(count);
}

Despiked WithoutSpikes(std::span<const double> values) {
  Despiked kept;
  KeepNonSpikes(values, kSpikeSigmas * NeighbourSpread(values), {}, kept);
  return kept;
}

double SampleVariance(std::span<const double> values) {
  const std::optional<double> stddev = stats::StandardDeviation(values);
  return stddev ? *stddev * *stddev : 0.0;
}

std::optional<double> TTestP(std::span<const double> before, std::span<const double> after) {
  const auto test = stats::StudentTTestFromStats(*stats::Mean(before), SampleVariance(before), before.size(),
                                                 *stats::Mean(after), SampleVariance(after), after.size());
  if (!test) return std::nullopt;
  return test->p_value;
}

// Student's t-test between two segments after removing each one's spikes.
std::optional<double> RobustTTestP(std::span<const double> before, std::span<const double> after) {
  const Despiked kept_before = WithoutSpikes(before);
  const Despiked kept_after = WithoutSpikes(after);
  if (kept_before.values.empty() || kept_after.values.empty()) return std::nullopt;
  return TTestP(kept_before.values, kept_after.values);
}

// A |t| that Student's t-test with `degrees_of_freedom` cannot call significant
// after the Bonferroni factor `candidates`: candidates * P(|T| >= t) >=
// max_p_value. It only has to lie below the exact threshold (the closer, the
// more windows it rules out): Newton's method on log P(|T| >= t) from the
// normal quantile's first correction for t, stepped back by 1e-6 and checked;
// bisection when the check fails. Kept per thread, since every scan asks for the
// same few.
double UnreachableT(double max_p_value, std::size_t candidates, std::size_t degrees_of_freedom) {
  struct Entry {
    double max_p_value;
    std::size_t candidates;
    std::size_t degrees_of_freedom;
    double t;
  };
  thread_local std::vector<Entry> known;
  for (const Entry& entry : known) {
    if (entry.max_p_value == max_p_value && entry.candidates == candidates &&
        entry.degrees_of_freedom == degrees_of_freedom) {
      return entry.t;
    }
  }
  const auto df = static_cast<double>(degrees_of_freedom);
  const double alpha = max_p_value / static_cast<double>(candidates);
  const auto tail = [&](double t) { return stats::StudentTTwoSidedTail(t, df); };
  const auto unreachable = [&](double t) { return static_cast<double>(candidates) * tail(t) >= max_p_value; };
  double low = 0;  // unreachable(low) holds, or nothing is (then 0 rules nothing out)
  if (alpha > 0 && alpha < 1) {
    // log density of t at 0, for f(t) = exp(log_f0 - (df + 1) / 2 log(1 + t^2 / df)).
    const double log_f0 = stats::LogGamma((df + 1) / 2) - stats::LogGamma(df / 2) - 0.5 * std::log(df * 3.141592653589793);
    double z = std::sqrt(-2 * std::log(alpha / 2));  // then Newton on the normal tail erfc(z / sqrt 2)
    for (int step = 0; step < 4; ++step) {
      const double normal_tail = std::erfc(z / 1.4142135623730951);
      const double density = 2 * std::exp(-z * z / 2) / 2.5066282746310002;
      z += (normal_tail - alpha) / density;
    }
    double t = z + (z * z * z + z) / (4 * df);
    for (int step = 0; step < 8; ++step) {
      const double p = tail(t);
      if (!(p > 0)) break;
      const double density = 2 * std::exp(log_f0 - (df + 1) / 2 * std::log1p(t * t / df));
      const double next = t + (std::log(p) - std::log(alpha)) * p / density;
      const bool converged = std::fabs(next - t) < 1e-9 * t;
      t = next;
      if (converged) break;
    }
    low = t * (1 - 1e-6);
    if (!(low > 0) || !unreachable(low)) {
      double high = 1;
      low = 0;
      while (unreachable(high) && high < 1e6) {
        low = high;
        high *= 2;
      }
      for (int step = 0; step < 64 && high - low > 1e-3 * low; ++step) {
        const double middle = (low + high) / 2;
        (unreachable(middle) ? low : high) = middle;
      }
    }
  }
  if (known.size() >= 256) known.clear();
  known.push_back(Entry{max_p_value, candidates, degrees_of_freedom, low});
  return low;
}

// Whether some split k with min_segment <= k <= size - min_segment might pass
// Student's t-test at the Bonferroni-corrected level: false only when none can.
// With m the mean, SS = sum (x - m)^2 and C_k = sum_{i<k} (x_i - m), the pooled
// t statistic of split k is t_k^2 = (n - 2) B_k / (SS - B_k) with
// B_k = C_k^2 n / (k (n - k)), increasing in B_k: the largest B_k decides. The
// sums are taken from the middle value o (one pass, its prefix sums into
// `prefix`), so SS = sum (x - o)^2 - n (m - o)^2 and C_k = P_k - k (m - o). A
// margin of 1e-9 covers their rounding against the two-pass statistics of
// TTestP; a window where that subtraction could lose more (n (m - o)^2 > 1e6
// SS), or where SS - B_k is tiny against SS, is handed on to the exact test.
// `weights[k]` is n / (k (n - k)).
bool SomeSplitMayPassTTest(std::span<const double> values, std::span<const double> weights, std::vector<double>& prefix,
                           const ChangePointOptions& options) {
  const std::size_t n = values.size();
  const double origin = values[n / 2];
  prefix.resize(n + 1);
  double sum = 0;
  double squares = 0;
  prefix[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double deviation = values[i] - origin;
    sum += deviation;
    squares += deviation * deviation;
    prefix[i + 1] = sum;
  }
  const double shift = sum / static_cast<double>(n);
  const double between_all = static_cast<double>(n) * shift * shift;
  const double within = squares - between_all;
  if (!(within > 0) || between_all > 1e6 * within) return true;
  double largest = 0;
  for (std::size_t k = options.min_segment; k + options.min_segment <= n; ++k) {
    const double cumulative = prefix[k] - static_cast<double>(k) * shift;
    largest = std::max(largest, cumulative * cumulative * weights[k]);
  }
  if (!(within - largest > 1e-6 * within)) return true;
  const double bound = UnreachableT(options.max_p_value, n - 2 * options.min_segment + 1, n - 2);
  const double t_squared = static_cast<double>(n - 2) * largest / (within - largest);
  return !(t_squared * (1 + 1e-9) < bound * bound);
}

std::size_t WindowStart(std::size_t segment_start, std::size_t end, std::size_t window) {
  return std::max(segment_start, end > window ? end - window : 0);
}

// One scan over a series: the windows it tests, with what successive windows
// share kept between them (the sorted neighbour differences, the spike scores
// of interior points, the energy sums of the relocation window) and a t-test
// pre-check that rules most windows out before the energy statistic is
// computed. With `shortcuts` off every window is computed from scratch; the
// answers are the same either way (a test compares them).
class Scan {
 public:
  // Windows start at `first_asked` or later.
  Scan(std::span<const double> series, std::size_t first_asked, const ChangePointOptions& options, bool shortcuts)
      : series_(series),
        options_(options),
        shortcuts_(shortcuts),
        score_base_(first_asked),
        score_(series.size() - first_asked) {}

  // Looks for one change point in series[segment_start, end). On success returns
  // the absolute index of its first point.
  std::optional<std::size_t> FindChange(std::size_t segment_start, std::size_t end) {
    const std::size_t window_start = WindowStart(segment_start, end, options_.window);
    Despike(window_start, end, find_spread_, window_);
    const std::vector<double>& values = window_.values;
    if (values.size() < 2 * options_.min_segment) return std::nullopt;
    if (shortcuts_ && !SomeSplitMayPassTTest(values, SplitWeights(values.size()), prefix_, options_)) return std::nullopt;
    // Search every split, then insist on long enough sides: a new level with too
    // few points yet defers the decision instead of pulling the split onto old
    // points, and a burst at the end is split off alone and so never accepted.
    if (!shortcuts_) find_energy_.Clear();
    find_energy_.Hold(values);
    const std::optional<std::size_t> split = find_energy_.Best(1, values.size() - 1);
    if (!split || *split < options_.min_segment || values.size() - *split < options_.min_segment) return std::nullopt;
    const std::span<const double> before = std::span<const double>(values).first(*split);
    const std::span<const double> after = std::span<const double>(values).subspan(*split);
    // The split is the best of many, so the t-test's p-value is multiplied by the
    // number of admissible splits (Bonferroni) before it is compared.
    const auto candidates = static_cast<double>(values.size() - 2 * options_.min_segment + 1);
    const std::optional<double> t_test = TTestP(before, after);
    if (!t_test || !(*t_test * candidates < options_.max_p_value)) return std::nullopt;
    // Rank check: heavy tails move means and variances, not ranks.
    const std::optional<stats::MannWhitneyResult> ranks = stats::MannWhitneyU(before, after);
    if (!ranks || !(ranks->p_value < options_.max_p_value)) return std::nullopt;
    // A shift within 1.5 noise deviations cannot be placed to +-1 point, and most
    // such alerts are chance runs: not reported.
    if (std::fabs(*stats::Mean(after) - *stats::Mean(before)) < kMinShiftSigmas * NeighbourSpread(values)) {
      return std::nullopt;
    }
    if (options_.min_magnitude > 0) {
      const double before_mean = *stats::Mean(before);
      if (before_mean == 0 || std::fabs(*stats::Mean(after) / before_mean - 1) < options_.min_magnitude) {
        return std::nullopt;
      }
    }
    return window_start + window_.positions[*split];
  }

  // While a new level is young its first point is re-estimated as points arrive:
  // the best E-divisive split (spikes removed) of the points from the previous
  // change point (at most `window` before the estimate) to `end`, within
  // window / kRelocateReachDivisor of the current estimate.
  std::size_t Relocate(std::size_t segment_start, std::size_t index, std::size_t end) {
    const std::size_t window_start = std::max(segment_start, index > options_.window ? index - options_.window : 0);
    Despike(window_start, end, relocate_spread_, relocate_window_);
    const std::size_t size = relocate_window_.values.size();
    if (size < 2 * options_.min_segment) return index;
    const std::size_t reach = std::max<std::size_t>(options_.window / kRelocateReachDivisor, 1);
    const std::size_t low = index > reach ? index - reach : 0;
    const std::size_t high = index + reach;
    std::size_t first = size;
    std::size_t last = 0;
    for (std::size_t k = options_.min_segment; k + options_.min_segment <= size; ++k) {
      const std::size_t position = window_start + relocate_window_.positions[k];
      if (position < low || position > high) continue;
      first = std::min(first, k);
      last = std::max(last, k);
    }
    if (first > last) return index;
    if (!shortcuts_) relocate_energy_.Clear();
    relocate_energy_.Hold(relocate_window_.values);
    const std::optional<std::size_t> split = relocate_energy_.Best(first, last);
    return split ? window_start + relocate_window_.positions[*split] : index;
  }

 private:
  // series[start, end) without its spikes, into `kept` (positions relative to start).
  void Despike(std::size_t start, std::size_t end, SlidingNeighbourMedian& spread, Despiked& kept) {
    const std::span<const double> values = series_.subspan(start, end - start);
    const double bound =
        values.size() < 3 ? 0.0
                         : kSpikeSigmas * (kNeighbourSpreadScale * spread.Median(series_, start + 1, end, shortcuts_));
    // A point with all its 3 + 3 neighbours inside the window has the score it
    // has in the whole series, computed once; the points near the window's
    // edges see fewer neighbours.
    std::span<const double> interior;
    if (shortcuts_ && values.size() > 2 * kSpikeNeighbours && start + kSpikeNeighbours >= score_base_) {
      interior = Scores(start + kSpikeNeighbours, end - kSpikeNeighbours);
    }
    KeepNonSpikes(values, bound, interior, kept);
  }

  // SpikeScore(series, i) for i in [first, last), all at or after score_base_:
  // the scores already known cover one range that grows at either end.
  std::span<const double> Scores(std::size_t first, std::size_t last) {
    if (scored_first_ == scored_last_ || last < scored_first_ || first > scored_last_) {
      scored_first_ = scored_last_ = first;
    }
    for (; first < scored_first_; --scored_first_) {
      score_[scored_first_ - 1 - score_base_] = SpikeScore(series_, scored_first_ - 1);
    }
    for (; scored_last_ < last; ++scored_last_) score_[scored_last_ - score_base_] = SpikeScore(series_, scored_last_);
    return std::span<const double>(score_).subspan(first - score_base_, last - first);
  }

  // n / (k (n - k)) for k < n.
  std::span<const double> SplitWeights(std::size_t n) {
    if (split_weights_.size() != n) {
      split_weights_.assign(n, 0.0);
      for (std::size_t k = 1; k < n; ++k) {
        split_weights_[k] = static_cast<double>(n) / (static_cast<double>(k) * static_cast<double>(n - k));
      }
    }
    return split_weights_;
  }

  std::span<const double> series_;
  const ChangePointOptions& options_;
  bool shortcuts_;
  std::size_t score_base_;
  std::vector<double> score_;  // [i - score_base_]: SpikeScore(series, i) for i in [scored_first_, scored_last_)
  std::size_t scored_first_ = 0;
  std::size_t scored_last_ = 0;
  std::vector<double> split_weights_;
  std::vector<double> prefix_;
  SlidingNeighbourMedian find_spread_;
  SlidingNeighbourMedian relocate_spread_;
  Despiked window_;
  Despiked relocate_window_;
  EnergySplits find_energy_;
  EnergySplits relocate_energy_;
};

// A change counts once it is found at kConfirmations consecutive series lengths
// at the same place (+-1): a chance run of high values that one more point
// dilutes is not a level shift.
constexpr std::size_t kConfirmations = 3;

// FindChange's answers for the last few (segment start, end) pairs asked: the
// confirmation asks again what the two previous points already did.
class FindChangeMemo {
 public:
  std::optional<std::size_t> Find(Scan& scan, std::size_t segment_start, std::size_t end) {
    for (const Entry& entry : entries_) {
      if (entry.valid && entry.segment_start == segment_start && entry.end == end) return entry.found;
    }
    Entry& slot = entries_[next_++ % entries_.size()];
    slot = Entry{true, segment_start, end, scan.FindChange(segment_start, end)};
    return slot.found;
  }

 private:
  struct Entry {
    bool valid = false;
    std::size_t segment_start = 0;
    std::size_t end = 0;
    std::optional<std::size_t> found;
  };
  std::array<Entry, 4> entries_{};
  std::size_t next_ = 0;
};

std::optional<std::size_t> FindConfirmedChange(Scan& scan, std::size_t segment_start, std::size_t end,
                                               FindChangeMemo& memo) {
  const std::optional<std::size_t> latest = memo.Find(scan, segment_start, end);
  if (!latest) return std::nullopt;
  for (std::size_t back = 1; back < kConfirmations; ++back) {
    if (end - back <= segment_start) return std::nullopt;
    const std::optional<std::size_t> earlier = memo.Find(scan, segment_start, end - back);
    if (!earlier || *earlier + 1 < *latest || *latest + 1 < *earlier) return std::nullopt;
  }
  return latest;
}

// Fills the descriptive fields of change point `position` from the segments
// between its neighbours (each at most `window` points long).
void Describe(std::span<const double> series, std::vector<ChangePoint>& change_points, std::size_t position,
              const ChangePointOptions& options) {
  ChangePoint& point = change_points[position];
  const std::size_t previous = position > 0 ? change_points[position - 1].index : 0;
  const std::size_t next = position + 1 < change_points.size() ? change_points[position + 1].index : series.size();
  const std::size_t begin = std::max(previous, point.index > options.window ? point.index - options.window : 0);
  const std::size_t end = std::min(next, point.index + options.window);
  const std::span<const double> before = series.subspan(begin, point.index - begin);
  const std::span<const double> after = series.subspan(point.index, end - point.index);
  point.before_mean = *stats::Mean(before);
  point.before_median = *stats::Median(before);
  point.after_mean = *stats::Mean(after);
  point.after_median = *stats::Median(after);
  point.relative_change = point.before_mean != 0 ? point.after_mean / point.before_mean - 1 : 0.0;
  point.p_value = RobustTTestP(before, after).value_or(1.0);
}

ChangePointState Continue(const ChangePointState& previous, std::span<const double> series,
                          const ChangePointOptions& options, bool shortcuts) {
  ChangePointState state = previous;
  ChangePointOptions effective = options;
  effective.min_segment = std::max<std::size_t>(options.min_segment, 2);
  effective.window = std::max(options.window, 2 * effective.min_segment);
  const std::size_t settle_after = effective.window;
  std::size_t first_changed = state.change_points.size();
  // The earliest point a window can start at: FindChange looks `window` back
  // from the new end, Relocate `window` back from a change point at most
  // `window` old.
  const std::size_t reach_back = 2 * effective.window + 1;
  Scan scan(series, state.length > reach_back ? state.length - reach_back : 0, effective, shortcuts);
  FindChangeMemo memo;
  for (std::size_t end = state.length + 1; end <= series.size(); ++end) {
    std::vector<ChangePoint>& points = state.change_points;
    if (!points.empty() && end - points.back().index <= settle_after) {
      const std::size_t before_start = points.size() > 1 ? points[points.size() - 2].index : 0;
      points.back().index = scan.Relocate(before_start, points.back().index, end);
      first_changed = std::min(first_changed, points.size() - 1);
    }
    const std::size_t segment_start = points.empty() ? 0 : points.back().index;
    if (std::optional<std::size_t> index = FindConfirmedChange(scan, segment_start, end, memo)) {
      ChangePoint point;
      point.index = *index;
      point.detected_at = end;
      points.push_back(point);
    }
  }
  state.length = series.size();
  // Describe every change point whose neighbourhood may have changed: the last
  // old one (its after-segment grew) and every new or relocated one.
  const std::size_t refresh_from = first_changed > 0 ? first_changed - 1 : 0;
  for (std::size_t position = refresh_from; position < state.change_points.size(); ++position) {
    Describe(series, state.change_points, position, effective);
  }
  return state;
}

}  // namespace

ChangePointState UpdateChangePoints(const ChangePointState& previous, std::span<const double> series,
                                    const ChangePointOptions& options) {
  if (previous.length > series.size()) return DetectChangePoints(series, options);
  return Continue(previous, series, options, true);
}

ChangePointState DetectChangePoints(std::span<const double> series, const ChangePointOptions& options) {
  return Continue(ChangePointState{}, series, options, true);
}

ChangePointState DetectChangePointsWithoutShortcuts(std::span<const double> series, const ChangePointOptions& options) {
  return Continue(ChangePointState{}, series, options, false);
}

}  // namespace perfgate::detect
