// vitest bench `--outputJson`: {"files": [{"filepath", "groups": [{"fullName",
// "benchmarks": [{"name", "hz", "min", "max", "mean", "median"?, "p75", "p99",
// "p995", "p999", "sd", "rme", "samples": [...], "sampleCount"}]}]}]}. Times are
// in milliseconds; `samples` is empty unless vitest was told to keep them.

#include <array>
#include <string>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

constexpr double kNanosecondsPerMillisecond = 1e6;

ParseError TypeError(std::string_view text, const std::string& path, std::string_view expected,
                     const nlohmann::json& value) {
  return json_text::ErrorAt(text, path,
                            "expected " + std::string(expected) + ", got " + std::string(json_text::TypeName(value)));
}

}  // namespace

bool LooksLikeVitestBenchJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 8192);
  return head.find("\"files\"") != std::string_view::npos && head.find("\"groups\"") != std::string_view::npos;
}

ParseResult ParseVitestBenchJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  if (!document->is_object()) return tl::unexpected(TypeError(text, "", "an object with \"files\"", *document));
  auto files = document->find("files");
  if (files == document->end()) {
    return tl::unexpected(json_text::ErrorAt(text, "files", "missing (not a vitest --outputJson file?)"));
  }
  if (!files->is_array()) return tl::unexpected(TypeError(text, "files", "an array", *files));

  model::Results report;
  report.format = "vitest";
  for (std::size_t f = 0; f < files->size(); ++f) {
    const nlohmann::json& file = (*files)[f];
    std::string file_path = "files[" + std::to_string(f) + "]";
    if (!file.is_object()) return tl::unexpected(TypeError(text, file_path, "an object", file));
    auto groups = file.find("groups");
    if (groups == file.end()) return tl::unexpected(json_text::ErrorAt(text, file_path + ".groups", "missing"));
    if (!groups->is_array()) return tl::unexpected(TypeError(text, file_path + ".groups", "an array", *groups));
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const nlohmann::json& group = (*groups)[g];
      std::string group_path = file_path + ".groups[" + std::to_string(g) + "]";
      if (!group.is_object()) return tl::unexpected(TypeError(text, group_path, "an object", group));
      auto group_name = json_text::RequireString(group, "fullName", group_path);
      if (!group_name) return tl::unexpected(json_text::WithLine(text, group_name.error()));
      auto benchmarks = group.find("benchmarks");
      if (benchmarks == group.end()) {
        return tl::unexpected(json_text::ErrorAt(text, group_path + ".benchmarks", "missing"));
      }
      if (!benchmarks->is_array()) {
        return tl::unexpected(TypeError(text, group_path + ".benchmarks", "an array", *benchmarks));
      }
      for (std::size_t b = 0; b < benchmarks->size(); ++b) {
        const nlohmann::json& entry = (*benchmarks)[b];
        std::string path = group_path + ".benchmarks[" + std::to_string(b) + "]";
        if (!entry.is_object()) return tl::unexpected(TypeError(text, path, "an object", entry));
        auto name = json_text::RequireString(entry, "name", path);
        if (!name) return tl::unexpected(json_text::WithLine(text, name.error()));
        std::string full_name = *group_name + " > " + *name;
        if (report.FindBenchmark(full_name) != nullptr) {
          return tl::unexpected(json_text::ErrorAt(text, path, "benchmark '" + full_name + "' appears twice"));
        }
        model::Benchmark& benchmark = report.BenchmarkNamed(full_name);
        model::Metric& real_time =
            model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);

        auto mean = json_text::RequireNumber(entry, "mean", path);
        if (!mean) return tl::unexpected(json_text::WithLine(text, mean.error()));
        constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kStatistics{{{"mean", "mean"},
                                                                                            {"median", "median"},
                                                                                            {"min", "min"},
                                                                                            {"max", "max"},
                                                                                            {"sd", "stddev"},
                                                                                            {"p75", "p75"},
                                                                                            {"p99", "p99"},
                                                                                            {"p995", "p99.5"},
                                                                                            {"p999", "p99.9"}}};
        for (const auto& [key, aggregate] : kStatistics) {
          auto value = json_text::OptionalNumber(entry, key, path);
          if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
          if (*value) real_time.aggregates[std::string(aggregate)] = **value * kNanosecondsPerMillisecond;
        }
        if (auto sd = real_time.aggregates.find("stddev"); sd != real_time.aggregates.end() && *mean != 0) {
          real_time.aggregates["cv"] = sd->second / (*mean * kNanosecondsPerMillisecond);
        }
        if (auto samples = entry.find("samples"); samples != entry.end()) {
          if (!samples->is_array()) return tl::unexpected(TypeError(text, path + ".samples", "an array", *samples));
          for (std::size_t s = 0; s < samples->size(); ++s) {
            auto milliseconds = json_text::Number((*samples)[s]);
            if (!milliseconds) {
              return tl::unexpected(
                  TypeError(text, path + ".samples[" + std::to_string(s) + "]", "a number", (*samples)[s]));
            }
            real_time.samples.push_back(*milliseconds * kNanosecondsPerMillisecond);
          }
        }
        auto hz = json_text::OptionalNumber(entry, "hz", path);
        if (!hz) return tl::unexpected(json_text::WithLine(text, hz.error()));
        auto rme = json_text::OptionalNumber(entry, "rme", path);
        if (!rme) return tl::unexpected(json_text::WithLine(text, rme.error()));
        if (*hz) {
          model::Metric& ops = model::MetricNamed(benchmark, "ops", "/s", model::Direction::kHigherIsBetter);
          ops.aggregates["mean"] = **hz;
          if (*rme) ops.aggregates["rme"] = **rme / 100.0;
        }
      }
    }
  }
  if (report.benchmarks.empty()) {
    return tl::unexpected(ParseError{"", "no benchmark results: the file lists no benchmarks"});
  }
  return report;
}

}  // namespace perfgate::parse
