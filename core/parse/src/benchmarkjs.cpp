// benchmark.js text output: String(benchmark) for each cycle, as in
//   RegExp#test x 84,008,003 ops/sec ±0.84% (95 runs sampled)
// Lines that are not results ("Fastest is ...", the program's own output) are
// skipped.

#include <string>

#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

constexpr std::string_view kOpsPerSecond = " ops/sec";
constexpr std::string_view kPlusMinus = "\xC2\xB1";  // "±" in UTF-8

struct Result {
  std::string_view name;
  double ops = 0;
  double rme_percent = 0;
};

// Splits a line that contains " ops/sec" into its parts. Absent when the text
// before " ops/sec" is not "NAME x NUMBER" (not a result line at all); an error
// when it is a result line whose statistics are malformed.
tl::expected<std::optional<Result>, std::string> SplitResult(std::string_view line) {
  std::size_t ops_at = line.find(kOpsPerSecond);
  if (ops_at == std::string_view::npos) return std::nullopt;
  std::string_view head = line.substr(0, ops_at);
  std::size_t x_at = head.rfind(" x ");
  if (x_at == std::string_view::npos) return std::nullopt;
  auto ops = text::ParseNumber(head.substr(x_at + 3), true);
  if (!ops) return std::nullopt;
  Result result{text::Trim(head.substr(0, x_at)), *ops, 0};
  if (result.name.empty()) return tl::unexpected(std::string("the benchmark has no name"));

  // "±0.84% (95 runs sampled)"
  std::string_view tail = text::Trim(line.substr(ops_at + kOpsPerSecond.size()));
  const std::string expected = "expected '±<number>% (<n> runs sampled)' after 'ops/sec'";
  if (!text::StartsWith(tail, kPlusMinus)) return tl::unexpected(expected);
  tail.remove_prefix(kPlusMinus.size());
  std::size_t percent = tail.find('%');
  if (percent == std::string_view::npos) return tl::unexpected(expected);
  auto rme = text::ParseNumber(tail.substr(0, percent), true);
  if (!rme) return tl::unexpected(expected + " (not a number)");
  result.rme_percent = *rme;
  std::string_view runs = text::Trim(tail.substr(percent + 1));
  if (!text::StartsWith(runs, "(") || runs.find("sampled)") == std::string_view::npos) {
    return tl::unexpected(expected);
  }
  return result;
}

}  // namespace

bool LooksLikeBenchmarkJs(std::string_view text) {
  for (const text::Line& line : text::SplitLines(text.substr(0, 64 * 1024))) {
    if (line.text.find(" ops/sec " + std::string(kPlusMinus)) == std::string_view::npos) continue;
    auto result = SplitResult(line.text);
    if (result && *result) return true;
  }
  return false;
}

ParseResult ParseBenchmarkJs(std::string_view text) {
  model::Results report;
  report.format = "benchmarkjs";
  for (const text::Line& line : text::SplitLines(text)) {
    auto result = SplitResult(line.text);
    if (!result) return tl::unexpected(ParseError{text::LineWhere(line.number), result.error()});
    if (!*result) continue;
    const Result& parsed = **result;
    model::Benchmark& benchmark = report.BenchmarkNamed(parsed.name);
    if (!benchmark.metrics.empty()) {
      return tl::unexpected(ParseError{text::LineWhere(line.number),
                                       "benchmark '" + std::string(parsed.name) + "' appears twice"});
    }
    model::Metric& ops = model::MetricNamed(benchmark, "ops", "/s", model::Direction::kHigherIsBetter);
    ops.aggregates["mean"] = parsed.ops;
    ops.aggregates["rme"] = parsed.rme_percent / 100.0;
  }
  if (report.benchmarks.empty()) {
    return tl::unexpected(ParseError{"", "no benchmark results: no 'NAME x N ops/sec ±P% (R runs sampled)' line"});
  }
  return report;
}

}  // namespace perfgate::parse
