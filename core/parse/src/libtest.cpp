// Rust libtest `#[bench]` output and criterion's `--output-format bencher`, which
// copies it: `test NAME ... bench:   1,234.56 ns/iter (+/- 78) = 87 MB/s`.

#include <string>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

constexpr std::string_view kMarker = " ... bench:";

ParseError Malformed(std::size_t line_number, std::string reason) {
  return ParseError{text::LineWhere(line_number), std::move(reason)};
}

// The name of a bench line: the text between "test " and " ... bench:", without
// the padding newer libtest versions add to align the columns.
std::string_view NameOf(std::string_view line, std::size_t marker) {
  return text::Trim(line.substr(5, marker - 5));
}

}  // namespace

bool LooksLikeLibtestBench(std::string_view text) {
  for (const text::Line& line : text::SplitLines(text.substr(0, 64 * 1024))) {
    std::string_view trimmed = text::Trim(line.text);
    if (text::StartsWith(trimmed, "test ") && trimmed.find(kMarker) != std::string_view::npos &&
        trimmed.find("/iter") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

ParseResult ParseLibtestBench(std::string_view text) {
  model::Results report;
  report.format = "libtest";
  for (const text::Line& line : text::SplitLines(text)) {
    std::string_view trimmed = text::Trim(line.text);
    if (!text::StartsWith(trimmed, "test ")) continue;
    std::size_t marker = trimmed.find(kMarker);
    if (marker == std::string_view::npos) continue;  // a unit test, or an ignored/failed bench
    std::string_view name = NameOf(trimmed, marker);
    if (name.empty()) return tl::unexpected(Malformed(line.number, "the benchmark has no name"));

    // "<value> ns/iter (+/- <deviation>)" then optionally "= <rate> MB/s".
    auto fields = text::Fields(trimmed.substr(marker + kMarker.size()));
    // Some harnesses copying the format scale the unit (`µs/iter`, `ms/iter`); the
    // deviation is in the same unit as the value.
    const std::string expected = "expected '<number> ns/iter (+/- <number>)' after 'bench:'";
    if (fields.size() < 4 || !text::EndsWith(fields[1], "/iter") || fields[2] != "(+/-" ||
        !text::EndsWith(fields[3], ")")) {
      return tl::unexpected(Malformed(line.number, expected));
    }
    auto scale = model::NanosecondsPer(fields[1].substr(0, fields[1].size() - 5));
    if (!scale) {
      return tl::unexpected(Malformed(line.number, "unknown time unit '" + std::string(fields[1]) +
                                                       "' (expected ns/iter, us/iter, \u00b5s/iter, ms/iter or s/iter)"));
    }
    auto median = text::ParseNumber(fields[0], true);
    auto deviation = text::ParseNumber(fields[3].substr(0, fields[3].size() - 1), true);
    if (!median || !deviation) return tl::unexpected(Malformed(line.number, expected + " (not a number)"));
    *median *= *scale;
    *deviation *= *scale;

    model::Benchmark& benchmark = report.BenchmarkNamed(name);
    if (benchmark.FindMetric("real_time") != nullptr) {
      return tl::unexpected(Malformed(line.number, "benchmark '" + std::string(name) + "' appears twice"));
    }
    model::Metric& real_time =
        model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);
    real_time.aggregates["median"] = *median;
    real_time.aggregates["deviation"] = *deviation;

    if (fields.size() > 4) {
      auto rate = fields.size() == 7 && fields[4] == "=" ? text::ParseNumber(fields[5], true) : std::nullopt;
      auto quantity = rate ? model::ParseQuantity("1" + std::string(fields[6])) : std::nullopt;
      if (!quantity || quantity->unit != "B/s") {
        return tl::unexpected(Malformed(line.number, "expected '= <number> MB/s' after the deviation"));
      }
      model::MetricNamed(benchmark, "bytes_per_second", "B/s", model::Direction::kHigherIsBetter)
          .aggregates["median"] = *rate * quantity->value;
    }
  }
  if (report.benchmarks.empty()) {
    return tl::unexpected(ParseError{"", "no benchmark results: no 'test NAME ... bench: N ns/iter' line"});
  }
  return report;
}

}  // namespace perfgate::parse
