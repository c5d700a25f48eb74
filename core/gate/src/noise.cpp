#include "perfgate/gate/noise.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "perfgate/detect/metric_value.hpp"
#include "perfgate/stats/descriptive.hpp"

namespace perfgate::gate {

detect::HistoryNoise HistoryNoise(store::Store& store, std::string project, std::string branch, std::string testbed) {
  return [&store, project = std::move(project), branch = std::move(branch), testbed = std::move(testbed)](
             std::string_view benchmark, std::string_view metric) -> std::optional<double> {
    auto series = store.LoadSeries(store::SeriesQuery{.project = project, .benchmark = std::string(benchmark),
                                                      .metric = std::string(metric), .branch = branch,
                                                      .testbed = testbed, .limit = kNoiseHistory});
    if (!series) return std::nullopt;
    std::vector<double> values;
    for (const store::SeriesPoint& point : series->points) {
      if (std::isfinite(point.value)) values.push_back(point.value);
    }
    if (values.size() < kMinNoiseHistory) return std::nullopt;
    return stats::RelativeMedianAbsoluteDeviation(values);
  };
}

detect::HistoryNoise NoiseOrHarnessSpread(detect::HistoryNoise history, const model::Results& base,
                                          const model::Results& head) {
  return [history = std::move(history), &base, &head](std::string_view benchmark,
                                                      std::string_view metric) -> std::optional<double> {
    if (history) {
      if (auto noise = history(benchmark, metric)) return noise;
    }
    std::optional<double> spread;
    for (const model::Results* side : {&base, &head}) {
      const model::Benchmark* found = side->FindBenchmark(benchmark);
      const model::Metric* values = found != nullptr ? found->FindMetric(metric) : nullptr;
      if (values == nullptr || values->HasSamples()) return std::nullopt;
      auto summary = detect::SummarizeMetric(*values);
      if (!summary || !summary->cv || !std::isfinite(*summary->cv)) return std::nullopt;
      spread = std::max(spread.value_or(0), *summary->cv);
    }
    return spread;
  };
}

}  // namespace perfgate::gate
