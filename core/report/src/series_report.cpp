#include "perfgate/report/series_report.hpp"

#include <cstdio>

#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "text_format.hpp"

namespace perfgate::report {

nlohmann::json SeriesJson(const model::Series& series, const std::vector<detect::SeriesChange>& changes) {
  nlohmann::json points = nlohmann::json::array();
  for (const model::SeriesPoint& point : series.points) {
    points.push_back({{"commit", point.commit},
                      {"time", model::FormatIsoTime(point.time)},
                      {"value", text::FiniteOrNull(point.value)},
                      {"min", text::FiniteOrNull(point.min)},
                      {"max", text::FiniteOrNull(point.max)},
                      {"n", point.n}});
  }
  nlohmann::json change_points = nlohmann::json::array();
  for (const detect::SeriesChange& change : changes) {
    if (change.index >= series.points.size()) continue;
    change_points.push_back({{"commit", series.points[change.index].commit},
                             {"index", change.index},
                             {"before", text::FiniteOrNull(change.before)},
                             {"after", text::FiniteOrNull(change.after)},
                             {"change", text::FiniteOrNull(change.change)},
                             {"p_value", text::FiniteOrNull(change.p_value)}});
  }
  return {{"benchmark", series.benchmark},
          {"metric", series.metric.name},
          {"unit", series.metric.unit},
          {"direction", model::ToString(series.metric.direction)},
          {"testbed", series.testbed},
          {"branch", series.branch},
          {"points", std::move(points)},
          {"change_points", std::move(change_points)}};
}

std::string SeriesText(const model::Series& series, const std::vector<detect::SeriesChange>& changes) {
  std::string out = series.benchmark + "  " + series.metric.name + " (" +
                    (series.metric.unit.empty() ? "count" : series.metric.unit) + ", " +
                    std::string(model::ToString(series.metric.direction)) + ")  testbed " + series.testbed +
                    (series.branch.empty() ? "" : "  branch " + series.branch) + "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-12s  %-20s  %14s  %27s  %5s\n", "commit", "time", "value", "min .. max", "n");
  out += line;
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    const model::SeriesPoint& point = series.points[i];
    std::string range = model::FormatQuantity(point.min, series.metric.unit) + " .. " +
                        model::FormatQuantity(point.max, series.metric.unit);
    std::snprintf(line, sizeof line, "%-12s  %-20s  %14s  %27s  %5s", point.commit.substr(0, 12).c_str(),
                  model::FormatIsoTime(point.time).c_str(), model::FormatQuantity(point.value, series.metric.unit).c_str(),
                  range.c_str(), point.from_aggregates ? "agg" : std::to_string(point.n).c_str());
    out += line;
    for (const detect::SeriesChange& change : changes) {
      if (change.index != i) continue;
      char note[128];
      std::snprintf(note, sizeof note, "  <- change point %+.1f%% (p=%.2g)", change.change * 100, change.p_value);
      out += note;
    }
    out += "\n";
  }
  if (series.points.empty()) out += "(no points)\n";
  return out;
}

}  // namespace perfgate::report
