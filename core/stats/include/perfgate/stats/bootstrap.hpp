#pragma once
// Seeded bootstrap confidence interval of the ratio of medians (head / base).

#include <cstddef>
#include <cstdint>
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

}  // namespace perfgate::stats
