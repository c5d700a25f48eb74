#include "perfgate/stats/bootstrap.hpp"

#include <algorithm>
#include <vector>

#include "perfgate/stats/descriptive.hpp"
#include "perfgate/stats/random.hpp"

namespace perfgate::stats {

namespace {

// Median of a resample of `sorted` (drawn with replacement). Drawing indices and
// taking the median index is the same as taking the median value because the
// data are sorted, and sorting a few small integers is cheaper than doubles.
double ResampledMedian(const std::vector<double>& sorted, Xoshiro256& generator, std::vector<std::uint32_t>& scratch) {
  const std::size_t count = sorted.size();
  for (std::size_t i = 0; i < count; ++i) {
    scratch[i] = static_cast<std::uint32_t>(generator.Below(count));
  }
  const std::size_t middle = count / 2;
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(middle), scratch.end());
  const double upper = sorted[scratch[middle]];
  if (count % 2 == 1) return upper;
  const std::uint32_t lower_index =
      *std::max_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(middle));
  return (sorted[lower_index] + upper) / 2.0;
}

}  // namespace

std::optional<RatioInterval> BootstrapRatioOfMedians(std::span<const double> base, std::span<const double> head,
                                                     const BootstrapOptions& options) {
  if (base.empty() || head.empty() || options.resamples == 0) return std::nullopt;
  if (!(options.confidence > 0 && options.confidence < 1)) return std::nullopt;
  std::vector<double> base_sorted(base.begin(), base.end());
  std::vector<double> head_sorted(head.begin(), head.end());
  std::sort(base_sorted.begin(), base_sorted.end());
  std::sort(head_sorted.begin(), head_sorted.end());

  Xoshiro256 generator(options.seed);
  std::vector<std::uint32_t> scratch(std::max(base.size(), head.size()));
  std::vector<double> ratios;
  ratios.reserve(options.resamples);
  for (std::size_t i = 0; i < options.resamples; ++i) {
    const double base_median = ResampledMedian(base_sorted, generator, scratch);
    const double head_median = ResampledMedian(head_sorted, generator, scratch);
    if (base_median == 0) return std::nullopt;
    ratios.push_back(head_median / base_median);
  }
  const double tail = (1 - options.confidence) / 2;
  return RatioInterval{*Quantile(ratios, tail), *Quantile(ratios, 1 - tail)};
}

}  // namespace perfgate::stats
