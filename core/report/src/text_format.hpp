#pragma once
// Formatting shared by the report renderers (private to core/report).

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace perfgate::report::text {

// printf into a std::string (short texts: a cell, a number, a line).
inline std::string Format(const char* format, auto... arguments) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, arguments...);
  return buffer;
}

// 0.0512 -> "+5.12%".
inline std::string SignedPercent(double fraction) { return Format("%+.2f%%", fraction * 100); }

// Text for one cell of a Markdown table: a '|' would end the cell and a line
// break the row, so the first is escaped and the second becomes a space.
inline std::string TableCell(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return escaped;
}

// A JSON number, or null for an absent or non-finite value (JSON has no NaN).
inline nlohmann::json FiniteOrNull(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

}  // namespace perfgate::report::text
