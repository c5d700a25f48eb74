// hyperfine `--export-json`: {"results": [{"command", "mean", "stddev", "median",
// "user", "system", "min", "max", "times": [...], "exit_codes": [...],
// "parameters"?: {...}, "memory_usage_byte"?: [...]}]}; times are in seconds.

#include <string>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

constexpr double kNanosecondsPerSecond = 1e9;

}  // namespace

bool LooksLikeHyperfineJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 4096);
  return head.find("\"results\"") != std::string_view::npos && head.find("\"command\"") != std::string_view::npos;
}

ParseResult ParseHyperfineJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) {
    return tl::unexpected(json_text::ErrorAt(text, path, std::move(reason)));
  };
  if (!document->is_object()) return fail("", "expected an object with \"results\", got " +
                                                  std::string(json_text::TypeName(*document)));
  auto results = document->find("results");
  if (results == document->end()) return fail("results", "missing (not a hyperfine --export-json file?)");
  if (!results->is_array()) return fail("results", "expected an array, got " + std::string(json_text::TypeName(*results)));
  if (results->empty()) return fail("results", "no benchmark results: the array is empty");

  model::Results report;
  report.format = "hyperfine";
  for (std::size_t i = 0; i < results->size(); ++i) {
    const nlohmann::json& result = (*results)[i];
    std::string path = "results[" + std::to_string(i) + "]";
    if (!result.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(result)));
    auto command = json_text::RequireString(result, "command", path);
    if (!command) return tl::unexpected(json_text::WithLine(text, command.error()));
    model::Benchmark& benchmark = report.BenchmarkNamed(*command);
    model::Metric& real_time = model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);

    if (auto times = result.find("times"); times != result.end() && !times->is_null()) {
      if (!times->is_array()) return fail(path + ".times", "expected an array, got " + std::string(json_text::TypeName(*times)));
      for (std::size_t j = 0; j < times->size(); ++j) {
        auto seconds = json_text::Number((*times)[j]);
        if (!seconds) {
          return fail(path + ".times[" + std::to_string(j) + "]",
                      "expected a number, got " + std::string(json_text::TypeName((*times)[j])));
        }
        real_time.samples.push_back(*seconds * kNanosecondsPerSecond);
      }
    }
    // "stddev" is null when there was a single run.
    for (std::string_view key : {"mean", "stddev", "median", "min", "max"}) {
      auto it = result.find(key);
      if (it == result.end() || it->is_null()) continue;
      auto seconds = json_text::OptionalNumber(result, key, path);
      if (!seconds) return tl::unexpected(json_text::WithLine(text, seconds.error()));
      real_time.aggregates[std::string(key)] = **seconds * kNanosecondsPerSecond;
    }
    if (!real_time.HasSamples() && real_time.aggregates.empty()) {
      return fail(path, "has neither \"times\" nor \"mean\"");
    }
    for (auto [key, metric] : {std::pair{"user", "user_time"}, std::pair{"system", "system_time"}}) {
      auto it = result.find(key);
      if (it == result.end() || it->is_null()) continue;
      auto seconds = json_text::OptionalNumber(result, key, path);
      if (!seconds) return tl::unexpected(json_text::WithLine(text, seconds.error()));
      model::MetricNamed(benchmark, metric, "ns", model::Direction::kLowerIsBetter).aggregates["mean"] =
          **seconds * kNanosecondsPerSecond;
    }
    // hyperfine >= 1.17 records each run's peak memory.
    if (auto memory = result.find("memory_usage_byte"); memory != result.end() && memory->is_array()) {
      model::Metric& rss = model::MetricNamed(benchmark, "max_rss", "B", model::Direction::kLowerIsBetter);
      for (std::size_t j = 0; j < memory->size(); ++j) {
        auto bytes = json_text::Number((*memory)[j]);
        if (!bytes) return fail(path + ".memory_usage_byte[" + std::to_string(j) + "]", "expected a number");
        rss.samples.push_back(*bytes);
      }
    }
    if (auto codes = result.find("exit_codes"); codes != result.end() && codes->is_array()) {
      std::size_t failures = 0;
      for (const auto& code : *codes) failures += code.is_number() && code.get<double>() != 0 ? 1 : 0;
      // Runs that failed under --ignore-failure are still timed; say so beside them.
      if (failures > 0) {
        benchmark.label = std::to_string(failures) + " of " + std::to_string(codes->size()) +
                          " runs exited non-zero";
      }
    }
  }
  return report;
}

}  // namespace perfgate::parse
