#pragma once
// History noise: how much a series wobbles on its own, the yardstick of a
// comparison where a side has a single value. One rule, for every door.

#include <cstddef>
#include <string>

#include "perfgate/detect/compare.hpp"
#include "perfgate/model/results.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// How many of a series' newest commits the noise is read from, and how few make
// no estimate at all.
inline constexpr std::size_t kNoiseHistory = 30;
inline constexpr std::size_t kMinNoiseHistory = 5;

// The noise of each (benchmark, metric) on `branch` and `testbed` ("" = every
// branch): the scaled median absolute deviation of the newest kNoiseHistory
// commits' values divided by their median (stats::RelativeMedianAbsoluteDeviation),
// robust to the very outliers a regression makes. Absent with fewer than
// kMinNoiseHistory finite values. `store` must outlive the returned function.
detect::HistoryNoise HistoryNoise(store::Store& store, std::string project, std::string branch, std::string testbed);

// The noise a single-value comparison is judged by: `history` when it knows the
// series (null `history` knows none), else the harness's own spread when both
// sides carry only the harness's summary (n = 0): the larger of their cvs.
// Absent otherwise: such rows stay inconclusive. `base` and `head` must outlive
// the returned function.
detect::HistoryNoise NoiseOrHarnessSpread(detect::HistoryNoise history, const model::Results& base,
                                          const model::Results& head);

}  // namespace perfgate::gate
