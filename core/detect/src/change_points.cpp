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

// Sums of |x - y| over every pair of a prefix (or suffix) of the values, in
// O(w log w): the values are ranked once, and a Fenwick tree over the ranks
// holds the count and the sum of the values seen so far, so that the row of
// each new value, sum |x_new - x_seen|, is cnt_below * x - sum_below +
// sum_above - cnt_above * x.
class RankedSums {
 public:
  explicit RankedSums(std::span<const double> values) : rank_(values.size()), count_(values.size() + 1), sum_(values.size() + 1) {
    std::vector<std::size_t> order(values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b] || (values[a] == values[b] && a < b); });
    for (std::size_t r = 0; r < order.size(); ++r) rank_[order[r]] = r;
  }
  void Reset() {
    std::fill(count_.begin(), count_.end(), 0);
    std::fill(sum_.begin(), sum_.end(), 0.0);
    seen_ = 0;
    seen_sum_ = 0;
  }
  // sum over the values added so far of |value - x|, then adds x (the value at `index`).
  double RowThenAdd(std::size_t index, double value) {
    std::size_t below = 0;
    double below_sum = 0;
    for (std::size_t i = rank_[index]; i > 0; i -= i & (~i + 1)) {
      below += count_[i];
      below_sum += sum_[i];
    }
    const double row = (static_cast<double>(below) * value - below_sum) +
                       ((seen_sum_ - below_sum) - static_cast<double>(seen_ - below) * value);
    for (std::size_t i = rank_[index] + 1; i < count_.size(); i += i & (~i + 1)) {
      ++count_[i];
      sum_[i] += value;
    }
    ++seen_;
    seen_sum_ += value;
    return row;
  }

 private:
  std::vector<std::size_t> rank_;  // 0-based rank of each value (ties by position)
  std::vector<std::size_t> count_;
  std::vector<double> sum_;
  std::size_t seen_ = 0;
  double seen_sum_ = 0;
};

// E-divisive means with alpha = 1: for a split of `values` into left [0, k) and
// right [k, w), Q(k) = (k (w - k) / w) * (2 mean|x - y| - mean|x - x'| - mean|y - y'|),
// the scaled energy distance between the two sides. Returns the best k in
// [first, last] (the earliest of equal ones). The within-side pair sums of
// every prefix and suffix come from RankedSums, so the scan is O(w log w).
std::optional<std::size_t> BestEDivisiveSplit(std::span<const double> values, std::size_t first, std::size_t last) {
  const std::size_t width = values.size();
  if (width < 2 || first > last || last >= width || first == 0) return std::nullopt;
  // within_left[k]: pairs i < j < k; within_right[k]: pairs k <= i < j.
  std::vector<double> within_left(width + 1, 0.0);
  std::vector<double> within_right(width + 1, 0.0);
  RankedSums sums(values);
  for (std::size_t k = 1; k <= width; ++k) within_left[k] = within_left[k - 1] + sums.RowThenAdd(k - 1, values[k - 1]);
  sums.Reset();
  for (std::size_t k = width; k-- > 0;) within_right[k] = within_right[k + 1] + sums.RowThenAdd(k, values[k]);
  const double total = within_left[width];
  std::optional<std::size_t> best;
  double best_q = -1;
  for (std::size_t k = first; k <= last; ++k) {
    const auto left = static_cast<double>(k);
    const auto right = static_cast<double>(width - k);
    const double cross = total - within_left[k] - within_right[k];
    const double mean_cross = cross / (left * right);
    const double mean_left = left > 1 ? within_left[k] / (left * (left - 1) / 2) : 0.0;
    const double mean_right = right > 1 ? within_right[k] / (right * (right - 1) / 2) : 0.0;
    const double q = (left * right / (left + right)) * (2 * mean_cross - mean_left - mean_right);
    if (q > best_q) {
      best_q = q;
      best = k;
    }
  }
  return best;
}

// Noise deviation of `values` that a level shift barely moves: the median
// absolute difference of neighbours, scaled to a normal standard deviation
// (1.4826 / sqrt(2)).
double NeighbourSpread(std::span<const double> values) {
  if (values.size() < 3) return 0;
  std::vector<double> differences;
  differences.reserve(values.size() - 1);
  for (std::size_t i = 1; i < values.size(); ++i) differences.push_back(std::fabs(values[i] - values[i - 1]));
  // stats::Median's value by selection instead of a sort: the middle order
  // statistic, and for an even count the largest value below it.
  const std::size_t middle = differences.size() / 2;
  const auto at = differences.begin() + static_cast<std::ptrdiff_t>(middle);
  std::nth_element(differences.begin(), at, differences.end());
  const double median =
      differences.size() % 2 == 1 ? *at : (*std::max_element(differences.begin(), at) + *at) / 2.0;
  return 1.4826 / std::sqrt(2.0) * median;
}

// The points of `values` that are not spikes (kSpikeSigmas), with their
// positions. A point needs a neighbour on both sides to be called a spike, so
// the newest point is always kept (a change it starts needs min_segment points
// anyway). Everything is kept when the spread is 0.
struct Despiked {
  std::vector<double> values;
  std::vector<std::size_t> positions;  // positions[k]: index in the input of values[k]
};

Despiked WithoutSpikes(std::span<const double> values) {
  Despiked kept;
  kept.values.reserve(values.size());
  kept.positions.reserve(values.size());
  const double bound = kSpikeSigmas * NeighbourSpread(values);
  double neighbours[kSpikeNeighbours];
  const auto median_of = [&](std::size_t from, std::size_t to) {  // values[from, to), at most 3
    std::size_t count = 0;
    for (std::size_t j = from; j < to; ++j) {
      // Insertion into the at most 3 sorted so far (a sort call costs more).
      std::size_t place = count++;
      for (; place > 0 && neighbours[place - 1] > values[j]; --place) neighbours[place] = neighbours[place - 1];
      neighbours[place] = values[j];
    }
    return count % 2 == 1 ? neighbours[count / 2] : 0.5 * (neighbours[count / 2 - 1] + neighbours[count / 2]);
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    bool spike = false;
    if (bound > 0 && i > 0 && i + 1 < values.size()) {
      const double left = values[i] - median_of(i > kSpikeNeighbours ? i - kSpikeNeighbours : 0, i);
      const double right = values[i] - median_of(i + 1, std::min(values.size(), i + 1 + kSpikeNeighbours));
      spike = (left > bound && right > bound) || (left < -bound && right < -bound);
    }
    if (spike) continue;
    kept.values.push_back(values[i]);
    kept.positions.push_back(i);
  }
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

std::size_t WindowStart(std::size_t segment_start, std::size_t end, std::size_t window) {
  return std::max(segment_start, end > window ? end - window : 0);
}

// Looks for one change point in series[segment_start, end). On success returns
// the absolute index of its first point.
std::optional<std::size_t> FindChange(std::span<const double> series, std::size_t segment_start, std::size_t end,
                                      const ChangePointOptions& options) {
  const std::size_t window_start = WindowStart(segment_start, end, options.window);
  const Despiked window = WithoutSpikes(series.subspan(window_start, end - window_start));
  const std::vector<double>& values = window.values;
  if (values.size() < 2 * options.min_segment) return std::nullopt;
  // Search every split, then insist on long enough sides: a new level with too
  // few points yet defers the decision instead of pulling the split onto old
  // points, and a burst at the end is split off alone and so never accepted.
  const std::optional<std::size_t> split = BestEDivisiveSplit(values, 1, values.size() - 1);
  if (!split || *split < options.min_segment || values.size() - *split < options.min_segment) return std::nullopt;
  const std::span<const double> before = std::span<const double>(values).first(*split);
  const std::span<const double> after = std::span<const double>(values).subspan(*split);
  // The split is the best of many, so the t-test's p-value is multiplied by the
  // number of admissible splits (Bonferroni) before it is compared.
  const auto candidates = static_cast<double>(values.size() - 2 * options.min_segment + 1);
  const std::optional<double> t_test = TTestP(before, after);
  if (!t_test || !(*t_test * candidates < options.max_p_value)) return std::nullopt;
  // Rank check: heavy tails move means and variances, not ranks.
  const std::optional<stats::MannWhitneyResult> ranks = stats::MannWhitneyU(before, after);
  if (!ranks || !(ranks->p_value < options.max_p_value)) return std::nullopt;
  // A shift within 1.5 noise deviations cannot be placed to +-1 point, and most
  // such alerts are chance runs: not reported.
  if (std::fabs(*stats::Mean(after) - *stats::Mean(before)) < kMinShiftSigmas * NeighbourSpread(values)) {
    return std::nullopt;
  }
  if (options.min_magnitude > 0) {
    const double before_mean = *stats::Mean(before);
    if (before_mean == 0 || std::fabs(*stats::Mean(after) / before_mean - 1) < options.min_magnitude) {
      return std::nullopt;
    }
  }
  return window_start + window.positions[*split];
}

// A change counts once it is found at kConfirmations consecutive series lengths
// at the same place (+-1): a chance run of high values that one more point
// dilutes is not a level shift.
constexpr std::size_t kConfirmations = 3;

// FindChange's answers for the last few (segment start, end) pairs asked: the
// confirmation asks again what the two previous points already did.
class FindChangeMemo {
 public:
  std::optional<std::size_t> Find(std::span<const double> series, std::size_t segment_start, std::size_t end,
                                  const ChangePointOptions& options) {
    for (const Entry& entry : entries_) {
      if (entry.valid && entry.segment_start == segment_start && entry.end == end) return entry.found;
    }
    Entry& slot = entries_[next_++ % entries_.size()];
    slot = Entry{true, segment_start, end, FindChange(series, segment_start, end, options)};
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

std::optional<std::size_t> FindConfirmedChange(std::span<const double> series, std::size_t segment_start,
                                               std::size_t end, const ChangePointOptions& options,
                                               FindChangeMemo& memo) {
  const std::optional<std::size_t> latest = memo.Find(series, segment_start, end, options);
  if (!latest) return std::nullopt;
  for (std::size_t back = 1; back < kConfirmations; ++back) {
    if (end - back <= segment_start) return std::nullopt;
    const std::optional<std::size_t> earlier = memo.Find(series, segment_start, end - back, options);
    if (!earlier || *earlier + 1 < *latest || *latest + 1 < *earlier) return std::nullopt;
  }
  return latest;
}

// While a new level is young its first point is re-estimated as points arrive:
// the best E-divisive split (spikes removed) of the points from the previous
// change point (at most `window` before the estimate) to `end`, within
// window / kRelocateReachDivisor of the current estimate.
std::size_t Relocate(std::span<const double> series, std::size_t segment_start, std::size_t index, std::size_t end,
                     const ChangePointOptions& options) {
  const std::size_t window_start = std::max(segment_start, index > options.window ? index - options.window : 0);
  const Despiked window = WithoutSpikes(series.subspan(window_start, end - window_start));
  if (window.values.size() < 2 * options.min_segment) return index;
  const std::size_t reach = std::max<std::size_t>(options.window / kRelocateReachDivisor, 1);
  const std::size_t low = index > reach ? index - reach : 0;
  const std::size_t high = index + reach;
  std::size_t first = window.values.size();
  std::size_t last = 0;
  for (std::size_t k = options.min_segment; k + options.min_segment <= window.values.size(); ++k) {
    const std::size_t position = window_start + window.positions[k];
    if (position < low || position > high) continue;
    first = std::min(first, k);
    last = std::max(last, k);
  }
  if (first > last) return index;
  const std::optional<std::size_t> split = BestEDivisiveSplit(window.values, first, last);
  return split ? window_start + window.positions[*split] : index;
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

}  // namespace

ChangePointState UpdateChangePoints(const ChangePointState& previous, std::span<const double> series,
                                    const ChangePointOptions& options) {
  if (previous.length > series.size()) return DetectChangePoints(series, options);
  ChangePointState state = previous;
  ChangePointOptions effective = options;
  effective.min_segment = std::max<std::size_t>(options.min_segment, 2);
  effective.window = std::max(options.window, 2 * effective.min_segment);
  const std::size_t settle_after = effective.window;
  std::size_t first_changed = state.change_points.size();
  FindChangeMemo memo;
  for (std::size_t end = state.length + 1; end <= series.size(); ++end) {
    std::vector<ChangePoint>& points = state.change_points;
    if (!points.empty() && end - points.back().index <= settle_after) {
      const std::size_t before_start = points.size() > 1 ? points[points.size() - 2].index : 0;
      points.back().index = Relocate(series, before_start, points.back().index, end, effective);
      first_changed = std::min(first_changed, points.size() - 1);
    }
    const std::size_t segment_start = points.empty() ? 0 : points.back().index;
    if (std::optional<std::size_t> index = FindConfirmedChange(series, segment_start, end, effective, memo)) {
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

ChangePointState DetectChangePoints(std::span<const double> series, const ChangePointOptions& options) {
  return UpdateChangePoints(ChangePointState{}, series, options);
}

}  // namespace perfgate::detect
