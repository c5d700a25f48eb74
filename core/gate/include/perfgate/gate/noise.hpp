#pragma once
// History noise: how much a series wobbles on its own, the yardstick of a
// comparison where a side has a single value. One rule, for every door.

#include <cstddef>
#include <string>

#include "perfgate/detect/compare.hpp"
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

}  // namespace perfgate::gate
