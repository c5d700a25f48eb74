#pragma once
// Loads a committed reference fixture (tests/fixtures/stats/*.json) and compares
// doubles the way the reference contract says: 1e-9 relative.

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace perfgate::stats::testing {

inline nlohmann::json LoadReference(const std::string& name) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/tests/fixtures/stats/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

inline std::vector<double> Doubles(const nlohmann::json& array) { return array.get<std::vector<double>>(); }

// Relative agreement to 1e-9, with an absolute floor for values that underflow
// towards 0 on one side.
inline bool Close(double actual, double expected, double relative = 1e-9) {
  if (actual == expected) return true;
  const double scale = std::max(std::fabs(actual), std::fabs(expected));
  return std::fabs(actual - expected) <= relative * scale || std::fabs(actual - expected) < 1e-300;
}

}  // namespace perfgate::stats::testing
