// Bencher Metric Format (BMF) JSON, what `bencher run` reads from any harness:
//   {"BENCHMARK": {"MEASURE": {"value": 88.0, "lower_value"?: 87.4, "upper_value"?: 88.9}}}
// Bencher's built-in measures have fixed units: latency in nanoseconds,
// throughput in operations per second, file-size in bytes, build-time in
// seconds. Any other measure slug is kept as the metric's name, unitless.

#include <algorithm>
#include <string>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

using Fail = tl::unexpected<ParseError>;

struct Measure {
  std::string_view slug;
  std::string_view unit;
  double factor;
  model::Direction direction;
};

constexpr Measure kMeasures[] = {
    {"latency", "ns", 1, model::Direction::kLowerIsBetter},
    {"throughput", "/s", 1, model::Direction::kHigherIsBetter},
    {"file-size", "B", 1, model::Direction::kLowerIsBetter},
    {"build-time", "ns", 1e9, model::Direction::kLowerIsBetter},
};

bool IsMeasureObject(const nlohmann::json& value) {
  return value.is_object() && value.contains("value") &&
         std::all_of(value.items().begin(), value.items().end(), [](const auto& item) {
           return item.key() == "value" || item.key() == "lower_value" || item.key() == "upper_value";
         });
}

// True when the start of the text already rules BMF out: its first benchmark
// or that benchmark's first measure is not an object, which the parser refuses
// (every benchmark maps measures to objects). It reads a few bytes where the
// checks below read all of a large file (a Google Benchmark file's "context"
// holds strings); false when the start cannot tell.
bool StartRulesOut(std::string_view text) {
  json_text::Glance glance(text);
  for (int level = 0; level < 2; ++level) {
    if (!glance.Enter() || !glance.Key()) return false;
    if (glance.Peek() != '{') return true;
  }
  return false;
}

}  // namespace

bool LooksLikeBencherMetricFormat(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{' || StartRulesOut(text) ||
      !json_text::Contains(text, "\"value\"")) {
    return false;
  }
  auto document = json_text::ParseLenient(text);
  if (!document || !document->is_object() || document->empty()) return false;
  // Every benchmark maps measures to {value, lower_value?, upper_value?}; check the first.
  const nlohmann::json& benchmark = document->begin().value();
  return benchmark.is_object() && !benchmark.empty() && IsMeasureObject(benchmark.begin().value());
}

ParseResult ParseBencherMetricFormat(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) { return Fail(json_text::ErrorAt(text, path, std::move(reason))); };
  if (!document->is_object()) {
    return fail("", "expected an object of benchmarks, got " + std::string(json_text::TypeName(*document)));
  }
  if (document->empty()) return fail("", "no benchmark results: the object is empty");
  model::Results report;
  report.format = "bmf";
  for (const auto& [name, measures] : document->items()) {
    if (name.empty()) return fail("", "a benchmark with an empty name");
    if (!measures.is_object()) return fail(name, "expected an object of measures, got " + std::string(json_text::TypeName(measures)));
    if (measures.empty()) return fail(name, "no measures");
    model::Benchmark& benchmark = report.BenchmarkNamed(name);
    for (const auto& [slug, measure] : measures.items()) {
      std::string path = name + "." + slug;
      if (!measure.is_object()) return fail(path, "expected {\"value\": N}, got " + std::string(json_text::TypeName(measure)));
      auto value = json_text::RequireNumber(measure, "value", path);
      if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
      Measure spec{slug, "", 1, model::DefaultDirection(slug, "")};
      for (const Measure& known : kMeasures) {
        if (known.slug == slug) spec = known;
      }
      model::Metric& metric = model::MetricNamed(benchmark, slug, spec.unit, spec.direction);
      // BMF carries one value per measure (a harness's own summary) and its bounds.
      metric.aggregates["mean"] = *value * spec.factor;
      for (auto [key, aggregate] : {std::pair{"lower_value", "mean_lower_bound"}, std::pair{"upper_value", "mean_upper_bound"}}) {
        auto bound = json_text::OptionalNumber(measure, key, path);
        if (!bound) return tl::unexpected(json_text::WithLine(text, bound.error()));
        if (*bound) metric.aggregates[aggregate] = **bound * spec.factor;
      }
    }
  }
  return report;
}

}  // namespace perfgate::parse
