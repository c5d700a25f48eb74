#include "perfgate/gate/noise.hpp"

#include <cmath>
#include <utility>
#include <vector>

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

}  // namespace perfgate::gate
