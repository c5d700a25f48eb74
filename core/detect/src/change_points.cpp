#include "perfgate/detect/change_points.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "perfgate/stats/descriptive.hpp"
#include "perfgate/stats/mann_whitney.hpp"
#include "perfgate/stats/t_test.hpp"

namespace perfgate::detect {

namespace {

// Values further than this many robust standard deviations (1.4826 * MAD) from
// their median are clipped before the energy statistic and the t-test see them.
constexpr double kClipSigmas = 5.0;

// E-divisive means with alpha = 1: for a split of `values` into left [0, k) and
// right [k, w), Q(k) = (k (w - k) / w) * (2 mean|x - y| - mean|x - x'| - mean|y - y'|),
// the scaled energy distance between the two sides. Returns the best k in
// [first, last] (the earliest of equal ones). Pairwise sums are built
// incrementally, so the scan is O(w^2).
std::optional<std::size_t> BestEDivisiveSplit(std::span<const double> values, std::size_t first, std::size_t last) {
  const std::size_t width = values.size();
  if (width < 2 || first > last || last >= width || first == 0) return std::nullopt;
  // within_left[k]: pairs i < j < k; within_right[k]: pairs k <= i < j.
  std::vector<double> within_left(width + 1, 0.0);
  std::vector<double> within_right(width + 1, 0.0);
  for (std::size_t k = 1; k <= width; ++k) {
    double row = 0;
    for (std::size_t i = 0; i + 1 < k; ++i) row += std::fabs(values[i] - values[k - 1]);
    within_left[k] = within_left[k - 1] + row;
  }
  for (std::size_t k = width; k-- > 0;) {
    double row = 0;
    for (std::size_t j = k + 1; j < width; ++j) row += std::fabs(values[k] - values[j]);
    within_right[k] = within_right[k + 1] + row;
  }
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

// Copy of `values` with points beyond kClipSigmas robust deviations of the
// median pulled in to that bound, so a spike cannot dominate a mean or a
// variance. Unchanged when the MAD is 0.
std::vector<double> Winsorized(std::span<const double> values) {
  std::vector<double> clipped(values.begin(), values.end());
  const double median = *stats::Median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double value : values) deviations.push_back(std::fabs(value - median));
  const double spread = 1.4826 * *stats::Median(deviations);
  if (!(spread > 0)) return clipped;
  const double low = median - kClipSigmas * spread;
  const double high = median + kClipSigmas * spread;
  for (double& value : clipped) value = std::clamp(value, low, high);
  return clipped;
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

// Student's t-test between two segments after clipping each one's spikes.
std::optional<double> RobustTTestP(std::span<const double> before, std::span<const double> after) {
  const std::vector<double> clipped_before = Winsorized(before);
  const std::vector<double> clipped_after = Winsorized(after);
  return TTestP(clipped_before, clipped_after);
}

std::size_t WindowStart(std::size_t segment_start, std::size_t end, std::size_t window) {
  return std::max(segment_start, end > window ? end - window : 0);
}

// Looks for one change point in series[segment_start, end). On success returns
// the absolute index of its first point.
std::optional<std::size_t> FindChange(std::span<const double> series, std::size_t segment_start, std::size_t end,
                                      const ChangePointOptions& options) {
  const std::size_t window_start = WindowStart(segment_start, end, options.window);
  const std::span<const double> window = series.subspan(window_start, end - window_start);
  if (window.size() < 2 * options.min_segment) return std::nullopt;
  // Search every split, then insist on long enough sides: a new level with too
  // few points yet defers the decision instead of pulling the split onto old
  // points, and a spike at the end is split off alone and so never accepted.
  const std::vector<double> clipped = Winsorized(window);
  const std::optional<std::size_t> split = BestEDivisiveSplit(clipped, 1, clipped.size() - 1);
  if (!split || *split < options.min_segment || window.size() - *split < options.min_segment) return std::nullopt;
  const std::span<const double> before = window.first(*split);
  const std::span<const double> after = window.subspan(*split);
  // The split is the best of many, so the t-test's p-value is multiplied by the
  // number of admissible splits (Bonferroni) before it is compared.
  const auto candidates = static_cast<double>(window.size() - 2 * options.min_segment + 1);
  const std::optional<double> t_test = RobustTTestP(before, after);
  if (!t_test || !(*t_test * candidates < options.max_p_value)) return std::nullopt;
  // Rank check: outliers move means and variances, not ranks.
  const std::optional<stats::MannWhitneyResult> ranks = stats::MannWhitneyU(before, after);
  if (!ranks || !(ranks->p_value < options.max_p_value)) return std::nullopt;
  if (options.min_magnitude > 0) {
    const double before_mean = *stats::Mean(before);
    if (before_mean == 0 || std::fabs(*stats::Mean(after) / before_mean - 1) < options.min_magnitude) {
      return std::nullopt;
    }
  }
  return window_start + *split;
}

// A change counts once it is found at kConfirmations consecutive series lengths
// at the same place (+-1): a chance run of high values that one more point
// dilutes is not a level shift.
constexpr std::size_t kConfirmations = 3;

std::optional<std::size_t> FindConfirmedChange(std::span<const double> series, std::size_t segment_start,
                                               std::size_t end, const ChangePointOptions& options) {
  const std::optional<std::size_t> latest = FindChange(series, segment_start, end, options);
  if (!latest) return std::nullopt;
  for (std::size_t back = 1; back < kConfirmations; ++back) {
    if (end - back <= segment_start) return std::nullopt;
    const std::optional<std::size_t> earlier = FindChange(series, segment_start, end - back, options);
    if (!earlier || *earlier + 1 < *latest || *latest + 1 < *earlier) return std::nullopt;
  }
  return latest;
}

// While a new level is young its first point is re-estimated as points arrive:
// the best E-divisive split within min_segment of the current estimate, over the
// window ending at `end`.
std::size_t Relocate(std::span<const double> series, std::size_t segment_start, std::size_t index, std::size_t end,
                     const ChangePointOptions& options) {
  const std::size_t window_start = WindowStart(segment_start, end, options.window);
  if (index < window_start + options.min_segment) return index;
  const std::span<const double> window = series.subspan(window_start, end - window_start);
  const std::size_t local = index - window_start;
  const std::size_t first = std::max(local > options.min_segment ? local - options.min_segment : 0, options.min_segment);
  const std::size_t last = std::min(local + options.min_segment, window.size() - options.min_segment);
  const std::vector<double> clipped = Winsorized(window);
  const std::optional<std::size_t> split = BestEDivisiveSplit(clipped, first, last);
  return split ? window_start + *split : index;
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
  const std::size_t settle_after = effective.window / 2;
  std::size_t first_changed = state.change_points.size();
  for (std::size_t end = state.length + 1; end <= series.size(); ++end) {
    std::vector<ChangePoint>& points = state.change_points;
    if (!points.empty() && end - points.back().index <= settle_after) {
      const std::size_t before_start = points.size() > 1 ? points[points.size() - 2].index : 0;
      points.back().index = Relocate(series, before_start, points.back().index, end, effective);
      first_changed = std::min(first_changed, points.size() - 1);
    }
    const std::size_t segment_start = points.empty() ? 0 : points.back().index;
    if (std::optional<std::size_t> index = FindConfirmedChange(series, segment_start, end, effective)) {
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
