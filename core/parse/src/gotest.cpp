// `go test -bench` text output. A result line is
//   BenchmarkName/sub-8   <iterations>   <value> <unit>   <value> <unit> ...
// with one line per -count repetition; header lines ("goos: linux") describe the
// machine; `--- FAIL:` / `--- SKIP:` lines report benchmarks that did not run.

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

struct Pair {
  double value = 0;
  std::string_view unit;
};

struct ResultLine {
  std::size_t line_number = 0;
  std::string_view name;
  std::string package;  // the latest `pkg:` header before the line, "" when none
  std::vector<Pair> pairs;
};

struct Outcome {
  std::string_view name;
  std::string package;
  bool failed = false;  // else skipped
  std::string message;
};

bool IsInteger(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// The GOMAXPROCS suffix of a benchmark name ("BenchmarkX/a-8" -> 8), if any.
std::optional<std::string_view> ProcsSuffix(std::string_view name) {
  std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::string_view digits = name.substr(dash + 1);
  if (!IsInteger(digits) || digits.size() > 4) return std::nullopt;
  return digits;
}

struct MetricSpec {
  std::string name;
  std::string unit;
  double factor = 1;
  model::Direction direction = model::Direction::kLowerIsBetter;
};

// Maps a go unit to perfgate's metric. User metrics (b.ReportMetric) keep their
// unit as the metric name; a per-op cost is lower-is-better, a rate is
// higher-is-better, and anything else is a user counter, higher-is-better.
MetricSpec SpecFor(std::string_view unit) {
  if (unit == "ns/op") return {"real_time", "ns", 1, model::Direction::kLowerIsBetter};
  if (unit == "MB/s") return {"bytes_per_second", "B/s", 1e6, model::Direction::kHigherIsBetter};
  if (unit == "B/op") return {"bytes_per_op", "B", 1, model::Direction::kLowerIsBetter};
  if (unit == "allocs/op") return {"allocs_per_op", "", 1, model::Direction::kLowerIsBetter};
  model::Direction direction = model::Direction::kHigherIsBetter;
  if (text::EndsWith(unit, "/op")) direction = model::Direction::kLowerIsBetter;
  return {std::string(unit), "", 1, direction};
}

}  // namespace

bool LooksLikeGoTestBench(std::string_view text) {
  for (const text::Line& line : text::SplitLines(text.substr(0, 64 * 1024))) {
    if (!text::StartsWith(line.text, "Benchmark")) continue;
    auto fields = text::Fields(line.text);
    if (fields.size() >= 4 && IsInteger(fields[1]) && text::ParseNumber(fields[2]) &&
        fields[3].find('/') != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

ParseResult ParseGoTestBench(std::string_view text) {
  model::Results report;
  report.format = "gotest";
  std::vector<ResultLine> results;
  std::vector<Outcome> outcomes;
  std::vector<std::string> packages;
  std::string package;  // of the lines being read

  auto lines = text::SplitLines(text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const text::Line& line = lines[index];
    std::string_view content = line.text;
    for (std::string_view key : {"goos", "goarch", "pkg", "cpu"}) {
      if (text::StartsWith(content, std::string(key) + ": ")) {
        std::string value(text::Trim(content.substr(key.size() + 2)));
        if (key == "pkg") {
          package = value;
          if (std::find(packages.begin(), packages.end(), value) == packages.end()) packages.push_back(value);
        } else {
          report.context[std::string(key)] = value;
        }
      }
    }
    for (std::string_view prefix : {"--- FAIL: ", "--- SKIP: "}) {
      if (!text::StartsWith(text::Trim(content), prefix)) continue;
      auto name_fields = text::Fields(text::Trim(content).substr(prefix.size()));
      if (name_fields.empty() || !text::StartsWith(name_fields[0], "Benchmark")) continue;
      Outcome outcome{name_fields[0], package, prefix == "--- FAIL: ", ""};
      // Without -v the reason follows, indented; with -v it came before.
      if (index + 1 < lines.size() && text::StartsWith(lines[index + 1].text, "    ")) {
        outcome.message = std::string(text::Trim(lines[index + 1].text));
      }
      outcomes.push_back(outcome);
    }
    if (!text::StartsWith(content, "Benchmark")) continue;
    auto fields = text::Fields(content);
    // A bare name (printed before a benchmark's log output) or a stray line.
    if (fields.size() < 2 || !IsInteger(fields[1])) continue;
    if (fields.size() < 4 || fields.size() % 2 != 0) {
      return tl::unexpected(ParseError{text::LineWhere(line.number),
                                       "expected 'NAME ITERATIONS VALUE UNIT [VALUE UNIT]...' (truncated line?)"});
    }
    ResultLine result{line.number, fields[0], package, {}};
    for (std::size_t i = 2; i + 1 < fields.size(); i += 2) {
      auto value = text::ParseNumber(fields[i]);
      if (!value) {
        return tl::unexpected(ParseError{text::LineWhere(line.number),
                                         "'" + std::string(fields[i]) + "' is not a number (value " +
                                             std::to_string(i / 2) + ")"});
      }
      result.pairs.push_back(Pair{*value, fields[i + 1]});
    }
    results.push_back(result);
  }
  if (results.empty() && outcomes.empty()) {
    return tl::unexpected(ParseError{"", "no benchmark results: no 'BenchmarkX  N  V ns/op' line"});
  }

  // Drop the GOMAXPROCS suffix only when every result line has the same one, so
  // series survive a change of machine; -cpu 1,2 keeps the names as printed.
  std::set<std::string_view> suffixes;
  bool all_suffixed = !results.empty();
  for (const ResultLine& result : results) {
    auto suffix = ProcsSuffix(result.name);
    if (!suffix) {
      all_suffixed = false;
      break;
    }
    suffixes.insert(*suffix);
  }
  bool strip = all_suffixed && suffixes.size() == 1;
  // Over several packages (`go test ./... -bench`), one name may be two different
  // benchmarks, so every name is qualified by its package: "example.com/m/fast.BenchmarkHash".
  bool qualify = packages.size() > 1;
  auto display_name = [&](std::string_view name, const std::string& in_package) {
    if (strip) {
      if (auto suffix = ProcsSuffix(name); suffix && *suffix == *suffixes.begin()) {
        name.remove_suffix(suffix->size() + 1);
      }
    }
    return qualify && !in_package.empty() ? in_package + "." + std::string(name) : std::string(name);
  };
  if (strip) report.context["gomaxprocs"] = std::string(*suffixes.begin());
  if (!packages.empty()) {
    std::string joined;
    for (const std::string& name : packages) joined += (joined.empty() ? "" : ", ") + name;
    report.context["pkg"] = joined;
  }

  for (const ResultLine& result : results) {
    model::Benchmark& benchmark = report.BenchmarkNamed(display_name(result.name, result.package));
    for (const Pair& pair : result.pairs) {
      MetricSpec spec = SpecFor(pair.unit);
      model::MetricNamed(benchmark, spec.name, spec.unit, spec.direction).samples.push_back(pair.value * spec.factor);
    }
  }
  for (const Outcome& outcome : outcomes) {
    model::Benchmark& benchmark = report.BenchmarkNamed(display_name(outcome.name, outcome.package));
    if (!benchmark.metrics.empty()) continue;  // a sub-benchmark failed after its parent reported
    if (outcome.failed) {
      benchmark.error = outcome.message.empty() ? "failed" : outcome.message;
    } else {
      benchmark.skipped = true;
    }
  }
  return report;
}

}  // namespace perfgate::parse
