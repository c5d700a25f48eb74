// perfgate's custom JSON (docs/custom-json.md): for results no adapter knows.
//   {"metadata"?: {"key": "value"}, "benchmarks": [ENTRY...]}   or just [ENTRY...]
//   ENTRY = {"name": "...", "metric"?: "value", "unit"?: "ms", "direction"?: "lower_is_better",
//            "value"?: 1.5 | "samples"?: [1.5, 1.6], "aggregates"?: {"p99": 2.0}}
// Values are converted from `unit` to perfgate's canonical unit; several entries
// may share a name (one per metric).

#include <string>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

const nlohmann::json* EntriesOf(const nlohmann::json& document) {
  if (document.is_array()) return &document;
  if (!document.is_object()) return nullptr;
  auto it = document.find("benchmarks");
  return it != document.end() && it->is_array() ? &*it : nullptr;
}

bool LooksLikeEntry(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("name")) return false;
  // Other formats' rows also have "name": Google Benchmark's, pytest-benchmark's.
  for (std::string_view foreign : {"run_name", "run_type", "stats", "real_time", "fullname"}) {
    if (entry.contains(foreign)) return false;
  }
  return entry.contains("value") || entry.contains("samples") || entry.contains("aggregates");
}

// "ms" -> (1e6, "ns"); "MB/s" -> (1e6, "B/s"); an unknown unit stays as it is.
std::pair<double, std::string> Canonical(const std::string& unit) {
  if (unit.empty()) return {1.0, ""};
  if (auto quantity = model::ParseQuantity("1" + unit)) return {quantity->value, quantity->unit};
  return {1.0, unit};
}

// True when the start of the text already rules custom JSON out: an object
// whose first key is neither "benchmarks" nor "metadata" (every key must be
// one of them), or an array that is empty or whose first element is not an
// entry. It reads a few bytes where the checks below read all of a large file
// (the Google Benchmark file of an ingest); false when the start cannot tell.
bool StartRulesOut(std::string_view text) {
  json_text::Glance glance(text);
  if (glance.Peek() == '[') {
    glance.Enter();
    if (glance.Peek() == ']') return true;
    auto first = glance.Skip();
    if (!first) return false;
    auto entry = json_text::ParseLenient(*first);
    return entry && !LooksLikeEntry(*entry);
  }
  if (!glance.Enter()) return false;
  while (auto key = glance.Key()) {
    // A key with escapes is left to the parse, which decodes it.
    if (key->find('\\') != std::string_view::npos || *key == "benchmarks") return false;
    if (*key != "metadata") return true;
    if (!glance.Skip() || !glance.Next()) return false;
  }
  return false;
}

}  // namespace

bool LooksLikeCustomJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text) || StartRulesOut(text)) return false;
  if (!json_text::Contains(text, "\"name\"")) return false;
  if (!json_text::Contains(text, "\"value\"") && !json_text::Contains(text, "\"samples\"") &&
      !json_text::Contains(text, "\"aggregates\"")) {
    return false;
  }
  auto document = json_text::ParseLenient(text);
  if (!document) return false;
  const nlohmann::json* entries = EntriesOf(*document);
  if (entries == nullptr || entries->empty()) return false;
  if (document->is_object()) {
    for (const auto& [key, value] : document->items()) {
      if (key != "benchmarks" && key != "metadata") return false;
    }
  }
  return LooksLikeEntry(entries->front());
}

ParseResult ParseCustomJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) {
    return tl::unexpected(json_text::ErrorAt(text, path, std::move(reason)));
  };
  const nlohmann::json* entries = EntriesOf(*document);
  std::string prefix = document->is_array() ? "" : "benchmarks";
  if (entries == nullptr) {
    return fail("benchmarks", "expected an array of benchmarks, or an object whose \"benchmarks\" is one");
  }
  if (entries->empty()) return fail(prefix, "no benchmark results: the array is empty");

  model::Results report;
  report.format = "custom";
  if (document->is_object()) {
    if (auto metadata = document->find("metadata"); metadata != document->end()) {
      if (!metadata->is_object()) return fail("metadata", "expected an object of strings");
      for (const auto& [key, value] : metadata->items()) {
        if (value.is_string()) report.context[key] = value.get<std::string>();
        else if (value.is_number() || value.is_boolean()) report.context[key] = value.dump();
        else return fail("metadata." + key, "expected a string, number or boolean");
      }
    }
  }

  for (std::size_t i = 0; i < entries->size(); ++i) {
    const nlohmann::json& entry = (*entries)[i];
    std::string path = prefix + "[" + std::to_string(i) + "]";
    if (!entry.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(entry)));
    auto name = json_text::RequireString(entry, "name", path);
    if (!name) return tl::unexpected(json_text::WithLine(text, name.error()));
    if (name->empty()) return fail(path + ".name", "is empty");
    auto metric_name = json_text::OptionalString(entry, "metric", path);
    auto unit_text = json_text::OptionalString(entry, "unit", path);
    auto direction_text = json_text::OptionalString(entry, "direction", path);
    for (const auto* field : {&metric_name, &unit_text, &direction_text}) {
      if (!*field) return tl::unexpected(json_text::WithLine(text, field->error()));
    }
    std::string metric = metric_name->value_or("value");
    if (metric.empty()) return fail(path + ".metric", "is empty");
    auto [factor, unit] = Canonical(unit_text->value_or(""));
    model::Direction direction = model::DefaultDirection(metric, unit);
    if (*direction_text) {
      auto parsed = model::ParseDirection(**direction_text);
      if (!parsed) {
        return fail(path + ".direction", "'" + **direction_text + "' is not lower_is_better or higher_is_better");
      }
      direction = *parsed;
    }

    bool has_value = entry.contains("value");
    bool has_samples = entry.contains("samples");
    bool has_aggregates = entry.contains("aggregates");
    if (has_value && has_samples) return fail(path, "give \"value\" or \"samples\", not both");
    if (!has_value && !has_samples && !has_aggregates) {
      return fail(path, "has no \"value\", \"samples\" or \"aggregates\"");
    }
    model::Benchmark& benchmark = report.BenchmarkNamed(*name);
    if (benchmark.FindMetric(metric) != nullptr) {
      return fail(path, "metric '" + metric + "' of '" + *name + "' appears twice");
    }
    model::Metric& target = model::MetricNamed(benchmark, metric, unit, direction);
    if (has_value) {
      auto value = json_text::RequireNumber(entry, "value", path);
      if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
      target.samples.push_back(*value * factor);
    }
    if (has_samples) {
      const nlohmann::json& samples = entry["samples"];
      if (!samples.is_array()) {
        return fail(path + ".samples", "expected an array of numbers, got " + std::string(json_text::TypeName(samples)));
      }
      for (std::size_t j = 0; j < samples.size(); ++j) {
        auto number = json_text::Number(samples[j]);
        if (!number) {
          return fail(path + ".samples[" + std::to_string(j) + "]",
                      "expected a number, got " + std::string(json_text::TypeName(samples[j])));
        }
        target.samples.push_back(*number * factor);
      }
    }
    if (has_aggregates) {
      const nlohmann::json& aggregates = entry["aggregates"];
      if (!aggregates.is_object()) {
        return fail(path + ".aggregates", "expected an object such as {\"mean\": 1.5}");
      }
      for (const auto& [key, value] : aggregates.items()) {
        auto number = json_text::Number(value);
        if (!number) {
          return fail(path + ".aggregates." + key, "expected a number, got " + std::string(json_text::TypeName(value)));
        }
        // The coefficient of variation is a fraction; every other aggregate is in `unit`.
        target.aggregates[key] = key == "cv" ? *number : *number * factor;
      }
    }
    if (!target.HasSamples() && target.aggregates.empty()) {
      return fail(path, "has no values (\"samples\" and \"aggregates\" are empty)");
    }
  }
  return report;
}

}  // namespace perfgate::parse
