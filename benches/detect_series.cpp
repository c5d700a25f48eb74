// Runs perfgate's change-point detection (default options) over series given as
// JSON, for side-by-side evaluations against other detectors
// (scripts/perf/change_points_vs_otava.py).
//   detect_series FILE [REPEAT]    FILE: {"series": [[x0, x1, ...], ...]}
// prints {"change_points": [[index, ...], ...], "seconds": detection time}: each
// index is the first point of a new level; with REPEAT the whole set is detected
// that many times and "seconds" is the fastest (a warm process, as a Python
// peer is timed after its warm-up).

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "perfgate/detect/change_points.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: detect_series FILE.json [REPEAT]\n";
    return 2;
  }
  const int repeat = argc == 3 ? std::atoi(argv[2]) : 1;
  if (repeat < 1) {
    std::cerr << "detect_series: REPEAT must be a positive integer, not '" << argv[2] << "'\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  if (!file) {
    std::cerr << "detect_series: cannot open " << argv[1] << "\n";
    return 2;
  }
  std::vector<std::vector<double>> series;
  try {
    series = nlohmann::json::parse(file).at("series").get<std::vector<std::vector<double>>>();
  } catch (const nlohmann::json::exception& error) {
    std::cerr << "detect_series: " << argv[1] << ": " << error.what() << "\n";
    return 2;
  }
  std::vector<perfgate::detect::ChangePointState> states(series.size());
  std::chrono::steady_clock::duration fastest = std::chrono::steady_clock::duration::max();
  for (int run = 0; run < repeat; ++run) {
    const auto began = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < series.size(); ++i) states[i] = perfgate::detect::DetectChangePoints(series[i]);
    fastest = std::min(fastest, std::chrono::steady_clock::now() - began);
  }
  nlohmann::json found = nlohmann::json::array();
  for (const perfgate::detect::ChangePointState& state : states) {
    nlohmann::json indices = nlohmann::json::array();
    for (const perfgate::detect::ChangePoint& point : state.change_points) indices.push_back(point.index);
    found.push_back(indices);
  }
  const nlohmann::json answer = {{"change_points", found},
                                 {"seconds", std::chrono::duration<double>(fastest).count()}};
  std::cout << answer.dump() << "\n";
  return 0;
}
