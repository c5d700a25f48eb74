#pragma once
// "Alerts": the change points of every series of a project on a branch, newest
// first, each called a regression or an improvement by its metric's direction.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "perfgate/gate/series.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// A detected change located on a series: `index` is the first point at the new level.
using SeriesShift = detect::SeriesChange;

struct AlertsQuery {
  std::string project;
  std::string branch;   // "" = the project's mainline (Mainline), else every branch when it has none
  std::string testbed;  // "" = every testbed
  std::string metric;   // "" = every metric
  double min_change = 0.02;  // shifts smaller than this (as a fraction) are not alerted on
  std::size_t limit = 100;
};

// How many commits of each series are read.
inline constexpr std::size_t kAlertHistory = 1000;

struct Alert {
  bool regression = false;  // worse in the metric's direction; else an improvement
  std::string benchmark;
  store::MetricInfo metric;
  std::string testbed;
  std::string branch;
  std::string commit;  // the first commit at the new level
  std::string base;    // the last commit at the old level; "" when the shift is at the first point
  std::int64_t time = 0;
  SeriesShift shift;
};

struct AlertsAnswer {
  std::string branch;  // the branch read ("" = every branch)
  std::vector<Alert> alerts;  // newest first, at most query.limit
};

AlertsAnswer FindAlerts(store::Store& store, const AlertsQuery& query, const ChangesOf& changes_of);

}  // namespace perfgate::gate
