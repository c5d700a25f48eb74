#pragma once
// Renderings of one stored series and its change points (placed by
// detect/series_changes.hpp): the JSON object of the series route of the HTTP
// API (also `perfgate history --format json`) and a plain-text table.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "perfgate/detect/series_changes.hpp"
#include "perfgate/model/series.hpp"

namespace perfgate::report {

// {"benchmark","metric","unit","direction","testbed","branch",
//  "points":[{"commit","time","value","min","max","n"}],
//  "change_points":[{"commit","index","before","after","change","p_value"}]}
// Times are ISO 8601 UTC. Non-finite values are written as null.
nlohmann::json SeriesJson(const model::Series& series, const std::vector<detect::SeriesChange>& changes);

// One line per commit (short SHA, date, value, min–max, n) with change points marked.
std::string SeriesText(const model::Series& series, const std::vector<detect::SeriesChange>& changes);

}  // namespace perfgate::report
