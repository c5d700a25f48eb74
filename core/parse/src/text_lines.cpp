#include "text_lines.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace perfgate::parse::text {

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t number = 1;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(Line{number++, line});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r\n";
  std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  std::size_t last = text.find_last_not_of(kBlanks);
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  constexpr std::string_view kBlanks = " \t\r\n";
  std::size_t pos = 0;
  while ((pos = text.find_first_not_of(kBlanks, pos)) != std::string_view::npos) {
    std::size_t end = text.find_first_of(kBlanks, pos);
    fields.push_back(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return fields;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<double> ParseNumber(std::string_view text, bool allow_thousands) {
  std::string digits;
  if (allow_thousands && text.find(',') != std::string_view::npos) {
    // A separator must sit between digits: "1,234" but not ",1" or "1,".
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ',') {
        bool between_digits = i > 0 && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
                              std::isdigit(static_cast<unsigned char>(text[i + 1]));
        if (!between_digits) return std::nullopt;
        continue;
      }
      digits += text[i];
    }
    text = digits;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string LineWhere(std::size_t line_number) { return "line " + std::to_string(line_number); }

}  // namespace perfgate::parse::text
