#pragma once
// Helpers shared by the line-oriented adapters (Catch2 console, libtest, go test,
// benchmark.js): splitting into numbered lines and reading numbers as harnesses
// print them. Private to core/parse.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::parse::text {

// One line of the input without its "\n" or "\r\n"; `number` is 1-based.
struct Line {
  std::size_t number = 0;
  std::string_view text;
};

// Every line of `text`, in order. A final line without a newline is included.
std::vector<Line> SplitLines(std::string_view text);

// `text` without leading and trailing blanks (spaces, tabs, CR).
std::string_view Trim(std::string_view text);

// Whitespace-separated fields of `text`.
std::vector<std::string_view> Fields(std::string_view text);

bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);

// A finite number written in decimal or scientific notation ("12", "-1.5e-3").
// With `allow_thousands`, "," separators are accepted ("1,234,567.8"). Absent for
// anything else, including text after the number, NaN, and values out of range.
std::optional<double> ParseNumber(std::string_view text, bool allow_thousands = false);

// "line 12".
std::string LineWhere(std::size_t line_number);

}  // namespace perfgate::parse::text
