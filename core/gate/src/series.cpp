#include "perfgate/gate/series.hpp"

namespace perfgate::gate {

Result<SeriesAnswer> SeriesWithChanges(store::Store& store, const SeriesRequest& request, const ChangesOf& changes_of) {
  auto series = store.LoadSeries(request);
  if (!series) {
    return Fail(ErrorKind::kNotFound, "benchmark",
                "no series for benchmark " + request.benchmark +
                    (request.metric.empty() ? "" : ", metric " + request.metric) +
                    (request.testbed.empty() ? "" : ", testbed " + request.testbed) +
                    (request.branch.empty() ? "" : ", branch " + request.branch) + " in project " + request.project,
                "series_not_found");
  }
  std::vector<detect::SeriesChange> changes = changes_of ? changes_of(*series) : detect::DetectSeriesChanges(*series);
  return SeriesAnswer{std::move(*series), std::move(changes)};
}

}  // namespace perfgate::gate
