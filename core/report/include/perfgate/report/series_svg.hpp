#pragma once
// A series drawn as a small self-contained SVG (no scripts, no external
// references, no fonts beyond the generic family): for a pull-request comment
// or an <img> on a dashboard.

#include <string>
#include <vector>

#include "perfgate/detect/series_changes.hpp"
#include "perfgate/model/series.hpp"

namespace perfgate::report {

struct SeriesSvgOptions {
  std::string head;  // the sha of the commit to mark ("" = none; a sha not in the series marks none)
  int width = 480;   // pixels
  int height = 160;
};

// Oldest to newest left to right, the value axis scaled to the finite values'
// range (min of the spread to max of the spread):
//  - one <circle class="point"> per point with a finite value;
//  - one <polygon class="spread"> band through each point's min and max (of its
//    repetitions) when any point has a spread;
//  - one <line class="change-point"> at each change point's first new point;
//  - one <circle class="head"> (and its label) at the head commit.
// Each mark carries a <title> (commit, value). A series without finite values
// is an SVG saying "no data". Values are drawn in the series' unit.
std::string SeriesSvg(const model::Series& series, const std::vector<detect::SeriesChange>& changes,
                      const SeriesSvgOptions& options = {});

}  // namespace perfgate::report
