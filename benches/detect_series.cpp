// Runs perfgate's change-point detection (default options) over series given as
// JSON, for side-by-side evaluations against other detectors
// (scripts/perf/change_points_vs_otava.py).
//   detect_series FILE    FILE: {"series": [[x0, x1, ...], ...]}
// prints {"change_points": [[index, ...], ...], "seconds": detection time}: each
// index is the first point of a new level.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "perfgate/detect/change_points.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: detect_series FILE.json\n";
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
  nlohmann::json found = nlohmann::json::array();
  std::chrono::steady_clock::duration spent{};
  for (const std::vector<double>& values : series) {
    const auto began = std::chrono::steady_clock::now();
    const perfgate::detect::ChangePointState state = perfgate::detect::DetectChangePoints(values);
    spent += std::chrono::steady_clock::now() - began;
    nlohmann::json indices = nlohmann::json::array();
    for (const perfgate::detect::ChangePoint& point : state.change_points) indices.push_back(point.index);
    found.push_back(indices);
  }
  const nlohmann::json answer = {{"change_points", found},
                                 {"seconds", std::chrono::duration<double>(spent).count()}};
  std::cout << answer.dump() << "\n";
  return 0;
}
