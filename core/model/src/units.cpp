#include "perfgate/model/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace perfgate::model {

namespace {

struct UnitScale {
  std::string_view name;
  double factor;
};

constexpr std::array kTimeUnits{
    UnitScale{"ns", 1.0},     UnitScale{"us", 1e3},      UnitScale{"µs", 1e3}, UnitScale{"μs", 1e3},
    UnitScale{"ms", 1e6},     UnitScale{"s", 1e9},       UnitScale{"sec", 1e9}, UnitScale{"min", 60e9},
    UnitScale{"h", 3600e9},
};

constexpr std::array kSizeUnits{
    UnitScale{"B", 1.0},         UnitScale{"KB", 1e3},         UnitScale{"kB", 1e3},
    UnitScale{"MB", 1e6},        UnitScale{"GB", 1e9},         UnitScale{"TB", 1e12},
    UnitScale{"KiB", 1024.0},    UnitScale{"MiB", 1048576.0},  UnitScale{"GiB", 1073741824.0},
    UnitScale{"TiB", 1099511627776.0},
};

// Count prefixes for rates such as "10k/s" or "1.5Mops/s".
constexpr std::array kCountUnits{
    UnitScale{"", 1.0},   UnitScale{"ops", 1.0}, UnitScale{"req", 1.0}, UnitScale{"k", 1e3},
    UnitScale{"K", 1e3},  UnitScale{"M", 1e6},   UnitScale{"G", 1e9},   UnitScale{"kops", 1e3},
    UnitScale{"Mops", 1e6},
};

template <std::size_t N>
std::optional<double> Lookup(const std::array<UnitScale, N>& table, std::string_view name) {
  for (const UnitScale& unit : table) {
    if (unit.name == name) return unit.factor;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<double> NanosecondsPer(std::string_view time_unit) { return Lookup(kTimeUnits, time_unit); }

std::optional<Quantity> ParseQuantity(std::string_view text) {
  text = Trim(text);
  double number = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [rest, error] = std::from_chars(begin, end, number);
  if (error != std::errc() || !std::isfinite(number)) return std::nullopt;
  std::string_view unit = Trim(std::string_view(rest, static_cast<std::size_t>(end - rest)));

  if (unit.empty()) return Quantity{number, ""};
  if (unit == "%") return Quantity{number, "%"};
  if (auto factor = Lookup(kTimeUnits, unit)) return Quantity{number * *factor, "ns"};
  if (auto factor = Lookup(kSizeUnits, unit)) return Quantity{number * *factor, "B"};
  if (EndsWith(unit, "/s")) {
    std::string_view numerator = unit.substr(0, unit.size() - 2);
    if (auto factor = Lookup(kSizeUnits, numerator)) return Quantity{number * *factor, "B/s"};
    if (auto factor = Lookup(kCountUnits, numerator)) return Quantity{number * *factor, "/s"};
  }
  return std::nullopt;
}

Direction DefaultDirection(std::string_view metric_name, std::string_view unit) {
  if (EndsWith(unit, "/s") || EndsWith(metric_name, "_per_second") || EndsWith(metric_name, "/s") ||
      metric_name.find("throughput") != std::string_view::npos || metric_name == "ops" ||
      metric_name == "hz" || metric_name == "rps" || metric_name == "requests_per_second") {
    return Direction::kHigherIsBetter;
  }
  return Direction::kLowerIsBetter;
}

std::string FormatQuantity(double value, std::string_view unit) {
  struct Step {
    double factor;
    const char* suffix;
  };
  auto format = [&](auto steps) {
    const Step* chosen = &steps[0];
    for (const Step& step : steps) {
      if (std::fabs(value) >= step.factor) chosen = &step;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3g %s", value / chosen->factor, chosen->suffix);
    return std::string(buffer);
  };
  if (!std::isfinite(value)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g %.*s", value, static_cast<int>(unit.size()), unit.data());
    return buffer;
  }
  if (unit == "ns") return format(std::array{Step{1, "ns"}, Step{1e3, "us"}, Step{1e6, "ms"}, Step{1e9, "s"}});
  if (unit == "B") return format(std::array{Step{1, "B"}, Step{1e3, "KB"}, Step{1e6, "MB"}, Step{1e9, "GB"}});
  if (unit == "B/s") {
    return format(std::array{Step{1, "B/s"}, Step{1e3, "KB/s"}, Step{1e6, "MB/s"}, Step{1e9, "GB/s"}});
  }
  if (unit == "/s") return format(std::array{Step{1, "/s"}, Step{1e3, "k/s"}, Step{1e6, "M/s"}, Step{1e9, "G/s"}});
  char buffer[64];
  if (unit == "%") {
    std::snprintf(buffer, sizeof buffer, "%.2f%%", value);
  } else if (unit.empty()) {
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g %.*s", value, static_cast<int>(unit.size()), unit.data());
  }
  return buffer;
}

}  // namespace perfgate::model
