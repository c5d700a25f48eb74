#pragma once
// Seeded bootstrap confidence interval of the ratio of medians (head / base).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace perfgate::stats {

struct BootstrapOptions {
  std::uint64_t seed = 0x7065726667617465ULL;  // "perfgate"
  std::size_t resamples = 2000;
  double confidence = 0.95;  // two-sided coverage, in (0, 1)
};

struct RatioInterval {
  double low = 0;
  double high = 0;
};

// Percentile bootstrap: `resamples` times, resample each side independently with
// replacement, take median(head*) / median(base*); the interval is the
// (1 - confidence) / 2 and (1 + confidence) / 2 quantiles (linear interpolation)
// of those ratios. Deterministic: the same inputs and options give the same
// interval on every platform (own xoshiro256** generator).
// Absent when either side is empty, `resamples` is 0, `confidence` is outside
// (0, 1), or some resampled base median is 0 (the ratio is undefined).
std::optional<RatioInterval> BootstrapRatioOfMedians(std::span<const double> base, std::span<const double> head,
                                                     const BootstrapOptions& options = {});

// Early stopping for callers that need only know on which side of some
// boundaries the interval lies (compare's verdict). Resamples are drawn in
// blocks of `block`; after each block short of `resamples`, the interval at
// `guard_confidence` (wider than the requested one) of the resamples drawn so
// far is handed to `settled`. When it says true, the interval at the requested
// confidence of those resamples is returned; otherwise drawing goes on, and
// after all `resamples` the result is exactly BootstrapRatioOfMedians's (the
// same draws in the same order). Deterministic for the same input, options and
// predicate. Absent in the same cases as BootstrapRatioOfMedians, or when
// `block` is 0 or `guard_confidence` is not in [confidence, 1).
struct SequentialBootstrapOptions {
  std::size_t block = 250;
  double guard_confidence = 0.99;
};
using IntervalSettled = std::function<bool(const RatioInterval& guard_interval)>;
std::optional<RatioInterval> BootstrapRatioOfMediansUntil(std::span<const double> base, std::span<const double> head,
                                                          const BootstrapOptions& options,
                                                          const IntervalSettled& settled,
                                                          const SequentialBootstrapOptions& sequential = {});

}  // namespace perfgate::stats
