#include "perfgate/report/series_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace perfgate::report {

namespace {

// Text for an XML attribute or element: names are arbitrary UTF-8.
std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string Value(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace

std::string SeriesSvg(const model::Series& series, const std::vector<detect::SeriesChange>& changes,
                      const SeriesSvgOptions& options) {
  const double width = std::max(options.width, 120);
  const double height = std::max(options.height, 60);
  const double left = 8, right = 8, top = 22, bottom = 8;
  const std::string& unit = series.metric.unit;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Number(width) + "\" height=\"" +
                    Number(height) + "\" viewBox=\"0 0 " + Number(width) + " " + Number(height) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<title>" + Escape(series.benchmark + " " + series.metric.name + " on " + series.testbed +
                            (series.branch.empty() ? "" : ", " + series.branch)) +
         "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "<text x=\"" + Number(left) + "\" y=\"14\" fill=\"#333333\">" +
         Escape(series.benchmark + " · " + series.metric.name + (unit.empty() ? "" : " (" + unit + ")")) + "</text>\n";

  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  bool any_spread = false;
  for (const model::SeriesPoint& point : series.points) {
    if (!std::isfinite(point.value)) continue;
    low = std::min(low, point.value);
    high = std::max(high, point.value);
    if (std::isfinite(point.min) && std::isfinite(point.max) && point.max > point.min) {
      low = std::min(low, point.min);
      high = std::max(high, point.max);
      any_spread = true;
    }
  }
  if (!std::isfinite(low)) {
    svg += "<text class=\"empty\" x=\"" + Number(width / 2) + "\" y=\"" + Number(height / 2) +
           "\" text-anchor=\"middle\" fill=\"#888888\">no data</text>\n</svg>\n";
    return svg;
  }
  if (high <= low) {
    double pad = low == 0 ? 1 : std::abs(low) * 0.05;
    low -= pad;
    high += pad;
  }
  const std::size_t count = series.points.size();
  auto x_of = [&](std::size_t index) {
    return count <= 1 ? left + (width - left - right) / 2
                      : left + (width - left - right) * static_cast<double>(index) / static_cast<double>(count - 1);
  };
  auto y_of = [&](double value) { return top + (height - top - bottom) * (high - value) / (high - low); };

  if (any_spread) {
    std::string upper, lower;
    for (std::size_t i = 0; i < count; ++i) {
      const model::SeriesPoint& point = series.points[i];
      if (!std::isfinite(point.value)) continue;
      double min = std::isfinite(point.min) ? point.min : point.value;
      double max = std::isfinite(point.max) ? point.max : point.value;
      upper += Number(x_of(i)) + "," + Number(y_of(max)) + " ";
      lower = Number(x_of(i)) + "," + Number(y_of(min)) + " " + lower;
    }
    svg += "<polygon class=\"spread\" points=\"" + upper + lower + "\" fill=\"#4c78a8\" fill-opacity=\"0.18\" stroke=\"none\"/>\n";
  }
  std::string line;
  for (std::size_t i = 0; i < count; ++i) {
    if (std::isfinite(series.points[i].value)) line += Number(x_of(i)) + "," + Number(y_of(series.points[i].value)) + " ";
  }
  svg += "<polyline class=\"trend\" points=\"" + line + "\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"1.2\"/>\n";
  for (const detect::SeriesChange& change : changes) {
    if (change.index >= count) continue;
    double x = x_of(change.index);
    char percent[32];
    std::snprintf(percent, sizeof percent, "%+.1f %%", change.change * 100);
    svg += "<line class=\"change-point\" x1=\"" + Number(x) + "\" y1=\"" + Number(top) + "\" x2=\"" + Number(x) +
           "\" y2=\"" + Number(height - bottom) + "\" stroke=\"#e45756\" stroke-dasharray=\"3,2\"><title>" +
           Escape("change point at " + series.points[change.index].commit.substr(0, 7) + ": " + percent) +
           "</title></line>\n";
  }
  for (std::size_t i = 0; i < count; ++i) {
    const model::SeriesPoint& point = series.points[i];
    if (!std::isfinite(point.value)) continue;
    svg += "<circle class=\"point\" cx=\"" + Number(x_of(i)) + "\" cy=\"" + Number(y_of(point.value)) +
           "\" r=\"1.8\" fill=\"#4c78a8\"><title>" + Escape(point.commit.substr(0, 7) + ": " + Value(point.value) + " " + unit) +
           "</title></circle>\n";
  }
  if (!options.head.empty()) {
    for (std::size_t i = 0; i < count; ++i) {
      const model::SeriesPoint& point = series.points[i];
      if (point.commit != options.head || !std::isfinite(point.value)) continue;
      double x = x_of(i);
      double y = y_of(point.value);
      svg += "<circle class=\"head\" cx=\"" + Number(x) + "\" cy=\"" + Number(y) +
             "\" r=\"4\" fill=\"none\" stroke=\"#f58518\" stroke-width=\"2\"><title>" +
             Escape("head " + point.commit.substr(0, 7) + ": " + Value(point.value) + " " + unit) + "</title></circle>\n";
      svg += "<text class=\"head-label\" x=\"" + Number(std::min(x, width - right - 30)) + "\" y=\"" +
             Number(std::max(y - 7, top + 8)) + "\" fill=\"#f58518\">head</text>\n";
      break;
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace perfgate::report
