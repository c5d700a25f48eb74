#include <array>
#include <string>
#include <vector>

#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

std::string ParseError::Message() const { return where.empty() ? reason : where + ": " + reason; }

namespace {

// Auto-detection tries these in order; the most specific sniffers come first.
constexpr std::array kFormats{
    Format{"gbench", "Google Benchmark JSON (--benchmark_format=json / --benchmark_out)",
           &LooksLikeGoogleBenchmarkJson, &ParseGoogleBenchmarkJson},
    Format{"pytest-benchmark", "pytest-benchmark JSON (--benchmark-json, --benchmark-save)",
           &LooksLikePytestBenchmarkJson, &ParsePytestBenchmarkJson},
    Format{"hyperfine", "hyperfine JSON (--export-json)", &LooksLikeHyperfineJson, &ParseHyperfineJson},
    Format{"vitest", "vitest bench JSON (--outputJson)", &LooksLikeVitestBenchJson, &ParseVitestBenchJson},
    Format{"autocannon", "autocannon JSON (--json)", &LooksLikeAutocannonJson, &ParseAutocannonJson},
    Format{"criterion",
           "criterion: cargo bench console output, target/criterion/**/new/*.json concatenated, or bencher lines",
           &LooksLikeCriterion, &ParseCriterion},
    Format{"jmh", "JMH JSON (-rf json)", &LooksLikeJmhJson, &ParseJmhJson},
    Format{"benchmarkdotnet", "BenchmarkDotNet JSON exporter (*-report-full.json, *-report.json)",
           &LooksLikeBenchmarkDotNetJson, &ParseBenchmarkDotNetJson},
    Format{"asv", "asv (airspeed velocity) results file (results/<machine>/<commit>-<env>.json)", &LooksLikeAsvResults,
           &ParseAsvResults},
    Format{"bmf", "Bencher Metric Format JSON ({name: {measure: {value}}})", &LooksLikeBencherMetricFormat,
           &ParseBencherMetricFormat},
    Format{"custom", "perfgate custom JSON (docs/custom-json.md)", &LooksLikeCustomJson, &ParseCustomJson},
    Format{"catch2", "Catch2 benchmarks (XML reporter -r xml, or the console reporter)", &LooksLikeCatch2,
           &ParseCatch2},
    Format{"gotest", "go test -bench output (-benchmem, -count, -cpu)", &LooksLikeGoTestBench, &ParseGoTestBench},
    Format{"libtest", "Rust libtest #[bench] / criterion --output-format bencher lines", &LooksLikeLibtestBench,
           &ParseLibtestBench},
    Format{"benchmarkjs", "benchmark.js text (name x N ops/sec \u00b1P% (R runs sampled))", &LooksLikeBenchmarkJs,
           &ParseBenchmarkJs},
};

std::string FormatNames() {
  std::string names;
  for (const Format& format : kFormats) {
    if (!names.empty()) names += ", ";
    names += format.name;
  }
  return names;
}

}  // namespace

std::span<const Format> Formats() { return kFormats; }

const Format* FindFormat(std::string_view name) {
  for (const Format& format : kFormats) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

ParseResult ParseAuto(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return tl::unexpected(ParseError{"", "the file is empty"});
  }
  std::vector<const Format*> matched;
  for (const Format& format : kFormats) {
    if (format.sniff(text)) matched.push_back(&format);
  }
  if (matched.empty()) {
    return tl::unexpected(
        ParseError{"format", "not a recognised results file (tried " + FormatNames() + "); pass --format"});
  }
  if (matched.size() > 1) {
    std::string names;
    for (const Format* format : matched) names += (names.empty() ? "" : ", ") + std::string(format->name);
    return tl::unexpected(ParseError{"format", "ambiguous: looks like " + names + "; pass --format"});
  }
  return matched.front()->parse(text);
}

ParseResult Parse(std::string_view text, std::string_view format_name) {
  if (format_name.empty() || format_name == "auto") return ParseAuto(text);
  const Format* format = FindFormat(format_name);
  if (format == nullptr) {
    return tl::unexpected(ParseError{"--format", "unknown format '" + std::string(format_name) +
                                                     "' (known: auto, " + FormatNames() + ")"});
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return tl::unexpected(ParseError{"", "the file is empty"});
  }
  return format->parse(text);
}

}  // namespace perfgate::parse
