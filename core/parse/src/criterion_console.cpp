// criterion's default console output (`cargo bench` without flags), what Rust CI
// logs hold:
//   fib 10                  time:   [366.76 ns 406.43 ns 433.23 ns]
//                           thrpt:  [1.3551 GiB/s 1.4976 GiB/s 1.8425 GiB/s]
//                    change:
//                           time:   [-58.921% -37.049% -3.3656%] (p = 0.09 > 0.05)
// A name longer than 23 characters is printed on a line of its own, with "time:"
// on the next. The three values are the lower bound, the point estimate and the
// upper bound of criterion's typical time per iteration (the slope under linear
// sampling, else the mean); the thrpt line gives the same as a rate. "change:"
// blocks compare with criterion's own saved baseline and are not read: perfgate
// compares runs itself. Terminal colours (ANSI escapes) are removed first.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "criterion_console.hpp"
#include "perfgate/model/units.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

// `text` without ANSI SGR escapes ("\x1b[32m").
std::string WithoutEscapes(std::string_view text) {
  std::string plain;
  plain.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      std::size_t end = text.find_first_of("ABCDEFGHJKSTfmsu", i + 2);
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    plain += text[i];
  }
  return plain;
}

// The bracketed part of "time:   [a u b u c u]" after `label`, as its fields.
std::optional<std::vector<std::string_view>> Bracketed(std::string_view line, std::string_view label) {
  std::size_t at = line.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text::Trim(line.substr(at + label.size()));
  if (!text::StartsWith(rest, "[")) return std::nullopt;
  std::size_t close = rest.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  return text::Fields(rest.substr(1, close - 1));
}

// Multiplier from criterion's rate unit to B/s or /s, and which of the two.
struct RateUnit {
  double factor = 1;
  bool bytes = true;
};

std::optional<RateUnit> RateUnitOf(std::string_view unit) {
  constexpr std::array<std::pair<std::string_view, RateUnit>, 11> kUnits{{
      {"B/s", {1, true}},
      {"KiB/s", {1024.0, true}},
      {"MiB/s", {1024.0 * 1024, true}},
      {"GiB/s", {1024.0 * 1024 * 1024, true}},
      {"KB/s", {1e3, true}},
      {"MB/s", {1e6, true}},
      {"GB/s", {1e9, true}},
      {"elem/s", {1, false}},
      {"Kelem/s", {1e3, false}},
      {"Melem/s", {1e6, false}},
      {"Gelem/s", {1e9, false}},
  }};
  for (const auto& [name, rate] : kUnits) {
    if (name == unit) return rate;
  }
  return std::nullopt;
}

std::optional<double> NanosecondsOf(std::string_view unit) {
  if (unit == "ps") return 1e-3;
  return model::NanosecondsPer(unit);
}

bool IsTimeLine(std::string_view line) {
  auto fields = Bracketed(line, "time:");
  return fields && fields->size() == 6 && text::ParseNumber((*fields)[0]) && NanosecondsOf((*fields)[1]);
}

}  // namespace

bool LooksLikeCriterionConsole(std::string_view text) {
  std::string plain = WithoutEscapes(text.substr(0, 64 * 1024));
  for (const text::Line& line : text::SplitLines(plain)) {
    if (IsTimeLine(line.text)) return true;
  }
  return false;
}

ParseResult ParseCriterionConsole(std::string_view text) {
  std::string plain = WithoutEscapes(text);
  model::Results report;
  report.format = "criterion";
  model::Benchmark* current = nullptr;
  bool in_change = false;
  std::string previous;  // the previous non-blank line: a long name printed alone
  for (const text::Line& line : text::SplitLines(plain)) {
    std::string_view content = line.text;
    std::string_view trimmed = text::Trim(content);
    auto fail = [&](std::string reason) { return tl::unexpected(ParseError{text::LineWhere(line.number), std::move(reason)}); };
    if (text::StartsWith(trimmed, "change:")) {
      in_change = true;  // a "change: [..]" line, or a block of time:/thrpt: lines below
      continue;
    }
    std::size_t time_at = content.find("time:");
    if (time_at != std::string_view::npos && text::StartsWith(text::Trim(content.substr(time_at + 5)), "[")) {
      std::string_view before = text::Trim(content.substr(0, time_at));
      if (in_change && before.empty() && content.find('%') != std::string_view::npos) continue;
      in_change = false;
      auto fields = Bracketed(content, "time:");
      if (!fields || fields->size() != 6) return fail("expected 'time: [<low> <unit> <estimate> <unit> <high> <unit>]'");
      std::string name = before.empty() ? previous : std::string(before);
      if (name.empty()) return fail("a 'time:' line without a benchmark name before it");
      if (report.FindBenchmark(name) != nullptr) return fail("benchmark '" + name + "' appears twice");
      std::array<double, 3> values{};
      for (std::size_t i = 0; i < 3; ++i) {
        auto number = text::ParseNumber((*fields)[2 * i]);
        auto factor = NanosecondsOf((*fields)[2 * i + 1]);
        if (!number) return fail("'" + std::string((*fields)[2 * i]) + "' is not a number");
        if (!factor) return fail("unknown time unit '" + std::string((*fields)[2 * i + 1]) + "'");
        values[i] = *number * *factor;
      }
      current = &report.BenchmarkNamed(name);
      model::Metric& real_time = model::MetricNamed(*current, "real_time", "ns", model::Direction::kLowerIsBetter);
      real_time.aggregates["mean_lower_bound"] = values[0];
      real_time.aggregates["mean"] = values[1];
      real_time.aggregates["mean_upper_bound"] = values[2];
      previous.clear();
      continue;
    }
    if (text::StartsWith(trimmed, "thrpt:")) {
      if (in_change) continue;  // the relative change of the rate
      if (current == nullptr) return fail("a 'thrpt:' line before any 'time:' line");
      auto fields = Bracketed(content, "thrpt:");
      if (!fields || fields->size() != 6) return fail("expected 'thrpt: [<low> <unit> <estimate> <unit> <high> <unit>]'");
      std::array<double, 3> values{};
      std::optional<RateUnit> kind;
      for (std::size_t i = 0; i < 3; ++i) {
        auto number = text::ParseNumber((*fields)[2 * i]);
        auto unit = RateUnitOf((*fields)[2 * i + 1]);
        if (!number) return fail("'" + std::string((*fields)[2 * i]) + "' is not a number");
        if (!unit) return fail("unknown throughput unit '" + std::string((*fields)[2 * i + 1]) + "'");
        kind = unit;
        values[i] = *number * unit->factor;
      }
      model::Metric& rate = kind->bytes ? model::MetricNamed(*current, "bytes_per_second", "B/s",
                                                             model::Direction::kHigherIsBetter)
                                        : model::MetricNamed(*current, "items_per_second", "/s",
                                                             model::Direction::kHigherIsBetter);
      rate.aggregates["mean_lower_bound"] = values[0];
      rate.aggregates["mean"] = values[1];
      rate.aggregates["mean_upper_bound"] = values[2];
      continue;
    }
    if (!trimmed.empty()) {
      in_change = false;
      previous = std::string(trimmed);
    }
  }
  if (report.benchmarks.empty()) {
    return tl::unexpected(ParseError{"", "no benchmark results: no criterion 'NAME  time: [...]' line"});
  }
  return report;
}

}  // namespace perfgate::parse
