#include "perfgate/gate/alerts.hpp"

#include <algorithm>
#include <cmath>

#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

AlertsAnswer FindAlerts(store::Store& store, const AlertsQuery& query, const ChangesOf& changes_of) {
  AlertsAnswer answer;
  answer.branch = query.branch.empty() ? Mainline(store, query.project) : query.branch;
  std::vector<std::string> testbeds =
      query.testbed.empty() ? store.Testbeds(query.project) : std::vector<std::string>{query.testbed};
  for (const store::BenchmarkInfo& benchmark : store.Benchmarks(query.project, "")) {
    for (const store::MetricInfo& metric : benchmark.metrics) {
      if (!query.metric.empty() && metric.name != query.metric) continue;
      for (const std::string& testbed : testbeds) {
        auto series = store.LoadSeries(store::SeriesQuery{.project = query.project, .benchmark = benchmark.name,
                                                          .metric = metric.name, .branch = answer.branch,
                                                          .testbed = testbed, .limit = kAlertHistory});
        // LoadSeries falls back to another testbed; only this one's series counts here.
        if (!series || series->testbed != testbed) continue;
        for (const SeriesShift& shift : changes_of(*series)) {
          if (!(std::abs(shift.change) >= query.min_change) || shift.index >= series->points.size()) continue;
          const store::SeriesPoint& point = series->points[shift.index];
          bool worse = metric.direction == model::Direction::kLowerIsBetter ? shift.change > 0 : shift.change < 0;
          answer.alerts.push_back(Alert{.regression = worse,
                                        .benchmark = benchmark.name,
                                        .metric = metric,
                                        .testbed = testbed,
                                        .branch = series->branch,
                                        .commit = point.commit,
                                        .base = shift.index > 0 ? series->points[shift.index - 1].commit : "",
                                        .time = point.time,
                                        .shift = shift});
        }
      }
    }
  }
  std::stable_sort(answer.alerts.begin(), answer.alerts.end(),
                   [](const Alert& a, const Alert& b) { return a.time > b.time; });
  if (answer.alerts.size() > query.limit) answer.alerts.resize(query.limit);
  return answer;
}

}  // namespace perfgate::gate
