#pragma once
// Change points over a series' history: the commits at which a benchmark's level
// shifted. E-divisive means (Matteson & James) picks the split of a sliding
// window and Student's t-test checks it (the Hunter / Apache Otava method), with
// guards against false alarms that Otava lacks: the t-test's p-value is
// multiplied by the number of splits the window offered (the split is the best
// of them); spikes (points 5 noise deviations beyond the medians of their 3
// neighbours on both sides) are removed before the energy statistic and the
// tests see a window; a Mann-Whitney rank test must agree at the same level; a
// shift of the means under 1.5 noise deviations is not reported; and the split
// must be found at 3 consecutive series lengths. Measured on seeded synthetic
// series the detector was not tuned on (tests/core/detect/
// change_points_evaluation_test.cpp, docs/statistics.md): precision 0.99 (0.95
// counting imprecisely placed alerts of steps < 3 x CV as false), recall 0.997
// for steps >= 3 x CV (+-1 point, within 10 points), 0.07 false alarms per
// 1,000 points without change under spikes and drift.

#include <cstddef>
#include <span>
#include <vector>

namespace perfgate::detect {

struct ChangePointOptions {
  // Points the detector looks at once: the split is searched among the last
  // `window` points since the previous change point.
  std::size_t window = 50;
  // Both the t-test and the rank check must give a two-sided p below this.
  double max_p_value = 0.001;
  // Fewest points on each side of a change point. A change is reported once this
  // many points sit at the new level, and a lone spike (or a burst shorter than
  // half of this) never forms a level of its own.
  std::size_t min_segment = 5;
  // Smallest |relative change| of the means worth reporting (0.02 = 2 %).
  double min_magnitude = 0.0;
};

struct ChangePoint {
  std::size_t index = 0;        // the first point at the new level
  std::size_t detected_at = 0;  // series length when the change was first reported
  // Means and medians of the segments on either side, each bounded by the
  // neighbouring change points and by `window` points.
  double before_mean = 0;
  double before_median = 0;
  double after_mean = 0;
  double after_median = 0;
  double relative_change = 0;  // after_mean / before_mean - 1 (0 when before_mean is 0)
  double p_value = 1;          // Student's t-test between those two segments
};

// Detection state over a prefix of a series; pass it back to UpdateChangePoints
// when points are appended.
struct ChangePointState {
  std::vector<ChangePoint> change_points;  // by index, ascending
  std::size_t length = 0;                  // points consumed
};

// Change points of `series` (oldest first). The scan is sequential: at each new
// point the window since the last change point is split by E-divisive and the
// split is tested, so a change is reported from the earliest point at which it
// is confirmed (`detected_at`). While fewer than `window` points follow the
// newest change point its index is re-estimated as points arrive (the best split
// between the previous change point and the newest point, within window / 4 of
// the current estimate); after that it never moves. Deterministic (no permutation test,
// no randomness). Fewer than 2 * min_segment points give none. NaN points must
// be removed by the caller. What successive windows share is kept (the sorted
// neighbour differences, spike scores, the energy sums while a window only
// grows), and a bound on the best split's t statistic rules most windows out
// before the energy statistic is computed: O(n * window) time and memory
// O(window^2 + n) in the usual case; a window that the bound cannot rule out
// costs O(window^2).
ChangePointState DetectChangePoints(std::span<const double> series, const ChangePointOptions& options = {});

// Continues `previous` (computed over series[0, previous.length)) over the
// points appended since; series[0, previous.length) must be unchanged. The result
// equals DetectChangePoints(series, options); only the tail after the last
// change point is examined, and only the statistics of the last change point
// are refreshed. A `previous` longer than `series` restarts from scratch.
ChangePointState UpdateChangePoints(const ChangePointState& previous, std::span<const double> series,
                                    const ChangePointOptions& options = {});

// DetectChangePoints with every shortcut off: each window's spread, spikes and
// energy sums computed from scratch and no t-test pre-check. The answer is the
// same; tests compare the two.
ChangePointState DetectChangePointsWithoutShortcuts(std::span<const double> series,
                                                    const ChangePointOptions& options = {});

}  // namespace perfgate::detect
