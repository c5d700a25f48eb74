// autocannon `--json`: one load test. {"title"?, "url", "connections", "duration",
// "errors", "timeouts", "non2xx", "latency": {...}, "requests": {...},
// "throughput": {...}}. Each of latency (ms), requests (per second) and
// throughput (bytes per second) carries mean/average, stddev, min, max and
// percentiles keyed "p50", "p97_5", "p99_9", ... over the per-second samples,
// which the file does not keep.

#include <cctype>
#include <string>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

struct Section {
  std::string_view key;
  std::string_view metric;
  std::string_view unit;
  double factor;
  model::Direction direction;
};

constexpr Section kSections[] = {
    {"latency", "latency", "ns", 1e6, model::Direction::kLowerIsBetter},
    {"requests", "requests_per_second", "/s", 1, model::Direction::kHigherIsBetter},
    {"throughput", "throughput", "B/s", 1, model::Direction::kHigherIsBetter},
};

// "p97_5" -> "p97.5"; absent for keys that are not percentiles.
std::optional<std::string> PercentileName(std::string_view key) {
  if (key.size() < 2 || key[0] != 'p' || !std::isdigit(static_cast<unsigned char>(key[1]))) return std::nullopt;
  std::string name(key);
  for (char& c : name) {
    if (c == '_') c = '.';
  }
  return name;
}

}  // namespace

bool LooksLikeAutocannonJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 8192);
  return head.find("\"latency\"") != std::string_view::npos && head.find("\"requests\"") != std::string_view::npos &&
         head.find("\"throughput\"") != std::string_view::npos;
}

ParseResult ParseAutocannonJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) {
    return tl::unexpected(json_text::ErrorAt(text, path, std::move(reason)));
  };
  if (!document->is_object()) {
    return fail("", "expected an autocannon result object, got " + std::string(json_text::TypeName(*document)));
  }

  // A run is named by --title, else by its URL(s).
  std::string name;
  auto title = json_text::OptionalString(*document, "title", "");
  if (!title) return tl::unexpected(json_text::WithLine(text, title.error()));
  if (*title && !(*title)->empty()) {
    name = **title;
  } else if (auto url = document->find("url"); url != document->end() && url->is_string()) {
    name = url->get<std::string>();
  } else if (url != document->end() && url->is_array()) {
    for (const auto& each : *url) {
      if (!each.is_string()) return fail("url", "expected strings in the array");
      name += (name.empty() ? "" : ", ") + each.get<std::string>();
    }
  }
  if (name.empty()) return fail("url", "missing (a run needs a \"title\" or a \"url\")");

  model::Results report;
  report.format = "autocannon";
  for (std::string_view key : {"connections", "pipelining", "duration", "workers"}) {
    if (auto it = document->find(key); it != document->end() && it->is_number()) {
      report.context[std::string(key)] = it->dump();
    }
  }
  for (std::string_view key : {"start", "finish"}) {
    if (auto it = document->find(key); it != document->end() && it->is_string()) {
      report.context[std::string(key)] = it->get<std::string>();
    }
  }

  model::Benchmark& benchmark = report.BenchmarkNamed(name);
  for (const Section& section : kSections) {
    std::string path(section.key);
    auto it = document->find(section.key);
    if (it == document->end()) return fail(path, "missing (not an autocannon --json result?)");
    if (!it->is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(*it)));
    model::Metric& metric = model::MetricNamed(benchmark, section.metric, section.unit, section.direction);
    for (const auto& [key, value] : it->items()) {
      std::string aggregate;
      if (key == "average" || key == "mean") aggregate = "mean";
      else if (key == "stddev" || key == "min" || key == "max") aggregate = key;
      else if (auto percentile = PercentileName(key)) aggregate = *percentile;
      else continue;  // totals and counts ("total", "sent", "totalCount")
      auto number = json_text::Number(value);
      if (!number) {
        return fail(path + "." + key, "expected a number, got " + std::string(json_text::TypeName(value)));
      }
      metric.aggregates[aggregate] = *number * section.factor;
    }
    if (metric.aggregates.empty()) return fail(path, "has no statistics (no \"mean\" or percentiles)");
  }
  // Failure counts are measured once per run: one sample each.
  for (std::string_view key : {"errors", "timeouts", "non2xx"}) {
    auto count = json_text::OptionalNumber(*document, key, "");
    if (!count) return tl::unexpected(json_text::WithLine(text, count.error()));
    if (*count) {
      model::MetricNamed(benchmark, key, "", model::Direction::kLowerIsBetter).samples.push_back(**count);
    }
  }
  return report;
}

}  // namespace perfgate::parse
