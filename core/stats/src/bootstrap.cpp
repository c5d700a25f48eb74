#include "perfgate/stats/bootstrap.hpp"

#include <algorithm>
#include <vector>

#include "perfgate/stats/descriptive.hpp"
#include "perfgate/stats/random.hpp"

namespace perfgate::stats {

namespace {

// Median of a resample of `sorted` drawn with replacement. Because the data are
// sorted, counting how often each index is drawn and walking the counts to the
// middle finds the median in O(n) without sorting anything.
double ResampledMedian(const std::vector<double>& sorted, Xoshiro256& generator, std::vector<std::uint32_t>& counts) {
  const std::size_t count = sorted.size();
  std::fill(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(count), 0U);
  for (std::size_t i = 0; i < count; ++i) ++counts[generator.Below(count)];
  // 0-based ranks of the middle value(s) of the resample.
  const std::size_t upper_rank = count / 2;
  const std::size_t lower_rank = count % 2 == 1 ? upper_rank : upper_rank - 1;
  std::size_t seen = 0;
  std::size_t index = 0;
  while (seen + counts[index] <= lower_rank) seen += counts[index++];
  const double lower = sorted[index];
  while (seen + counts[index] <= upper_rank) seen += counts[index++];
  return lower_rank == upper_rank ? lower : (lower + sorted[index]) / 2.0;
}


// The percentile interval at `confidence` of `ratios` (reordered).
RatioInterval PercentileInterval(std::vector<double>& ratios, double confidence) {
  const double tail = (1 - confidence) / 2;
  return RatioInterval{*QuantileInPlace(ratios, tail), *QuantileInPlace(ratios, 1 - tail)};
}

std::optional<RatioInterval> Resample(std::span<const double> base, std::span<const double> head,
                                      const BootstrapOptions& options, const IntervalSettled* settled,
                                      const SequentialBootstrapOptions& sequential) {
  if (base.empty() || head.empty() || options.resamples == 0) return std::nullopt;
  if (!(options.confidence > 0 && options.confidence < 1)) return std::nullopt;
  if (settled != nullptr && (sequential.block == 0 || !(sequential.guard_confidence >= options.confidence &&
                                                        sequential.guard_confidence < 1))) {
    return std::nullopt;
  }
  std::vector<double> base_sorted(base.begin(), base.end());
  std::vector<double> head_sorted(head.begin(), head.end());
  std::sort(base_sorted.begin(), base_sorted.end());
  std::sort(head_sorted.begin(), head_sorted.end());

  Xoshiro256 generator(options.seed);
  std::vector<std::uint32_t> counts(std::max(base.size(), head.size()));
  std::vector<double> ratios;
  ratios.reserve(options.resamples);
  const std::size_t block = settled != nullptr ? sequential.block : options.resamples;
  while (ratios.size() < options.resamples) {
    const std::size_t stop = std::min(options.resamples, ratios.size() + block);
    while (ratios.size() < stop) {
      const double base_median = ResampledMedian(base_sorted, generator, counts);
      const double head_median = ResampledMedian(head_sorted, generator, counts);
      if (base_median == 0) return std::nullopt;
      ratios.push_back(head_median / base_median);
    }
    // Quantiles do not depend on the order of the ratios, so selecting in place
    // between blocks leaves the final interval as it would have been.
    if (ratios.size() < options.resamples && (*settled)(PercentileInterval(ratios, sequential.guard_confidence))) {
      break;
    }
  }
  return PercentileInterval(ratios, options.confidence);
}

}  // namespace

std::optional<RatioInterval> BootstrapRatioOfMedians(std::span<const double> base, std::span<const double> head,
                                                     const BootstrapOptions& options) {
  return Resample(base, head, options, nullptr, {});
}

std::optional<RatioInterval> BootstrapRatioOfMediansUntil(std::span<const double> base, std::span<const double> head,
                                                          const BootstrapOptions& options,
                                                          const IntervalSettled& settled,
                                                          const SequentialBootstrapOptions& sequential) {
  return Resample(base, head, options, &settled, sequential);
}

}  // namespace perfgate::stats
