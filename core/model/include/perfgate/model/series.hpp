#pragma once
// A stored series as a value: one benchmark's metric on one testbed (and
// branch), one point per commit, oldest first. The store loads it; detect
// places change points on it; report renders it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "perfgate/model/results.hpp"

namespace perfgate::model {

struct MetricInfo {
  std::string name;
  std::string unit;
  Direction direction = Direction::kLowerIsBetter;
};

// One commit of a series: the median of its samples, all runs pooled.
struct SeriesPoint {
  std::string commit;
  std::int64_t time = 0;  // seconds since the Unix epoch, UTC
  double value = 0;
  double min = 0;
  double max = 0;
  std::size_t n = 0;             // raw samples pooled; 0 when only aggregates were stored
  bool from_aggregates = false;  // value is the harness's median (or mean), not computed here
};

struct Series {
  std::string benchmark;
  MetricInfo metric;
  std::string testbed;
  std::string branch;
  std::vector<SeriesPoint> points;  // oldest first
};

}  // namespace perfgate::model
