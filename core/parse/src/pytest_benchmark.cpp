// pytest-benchmark JSON: {"machine_info", "commit_info", "benchmarks": [{"name",
// "fullname", "group", "params", "stats": {"min", "max", "mean", "stddev",
// "median", "iqr", "q1", "q3", "ops", "rounds", "data"?}}], "datetime", "version"}.
// Times are in seconds; "data" (each round's time per iteration) is present in
// --benchmark-json output and in saved runs with --benchmark-save-data.

#include <string>
#include <vector>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

constexpr double kNanosecondsPerSecond = 1e9;

void CopyContext(const nlohmann::json& document, std::string_view section,
                 std::initializer_list<std::string_view> keys, model::Results& report) {
  auto it = document.find(section);
  if (it == document.end() || !it->is_object()) return;
  for (std::string_view key : keys) {
    auto value = it->find(key);
    if (value == it->end()) continue;
    std::string name = std::string(section) + "." + std::string(key);
    if (value->is_string()) report.context[name] = value->get<std::string>();
    else if (value->is_number() || value->is_boolean()) report.context[name] = value->dump();
  }
}

}  // namespace

bool LooksLikePytestBenchmarkJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 8192);
  return head.find("\"machine_info\"") != std::string_view::npos ||
         (head.find("\"benchmarks\"") != std::string_view::npos && head.find("\"fullname\"") != std::string_view::npos &&
          head.find("\"stats\"") != std::string_view::npos);
}

ParseResult ParsePytestBenchmarkJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) {
    return tl::unexpected(json_text::ErrorAt(text, path, std::move(reason)));
  };
  if (!document->is_object()) {
    return fail("", "expected an object with \"benchmarks\", got " + std::string(json_text::TypeName(*document)));
  }
  auto benchmarks = document->find("benchmarks");
  if (benchmarks == document->end()) return fail("benchmarks", "missing (not a pytest-benchmark JSON file?)");
  if (!benchmarks->is_array()) {
    return fail("benchmarks", "expected an array, got " + std::string(json_text::TypeName(*benchmarks)));
  }
  if (benchmarks->empty()) return fail("benchmarks", "no benchmark results: the array is empty");

  model::Results report;
  report.format = "pytest-benchmark";
  CopyContext(*document, "machine_info", {"node", "processor", "machine", "python_implementation", "python_version"},
              report);
  CopyContext(*document, "commit_info", {"id", "branch", "dirty"}, report);
  if (auto it = document->find("datetime"); it != document->end() && it->is_string()) {
    report.context["datetime"] = it->get<std::string>();
  }
  if (auto it = document->find("version"); it != document->end() && it->is_string()) {
    report.context["pytest_benchmark_version"] = it->get<std::string>();
  }

  for (std::size_t i = 0; i < benchmarks->size(); ++i) {
    const nlohmann::json& entry = (*benchmarks)[i];
    std::string path = "benchmarks[" + std::to_string(i) + "]";
    if (!entry.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(entry)));
    // fullname ("test_x.py::test_sort[10]") is unique across modules; name is not.
    auto fullname = json_text::OptionalString(entry, "fullname", path);
    if (!fullname) return tl::unexpected(json_text::WithLine(text, fullname.error()));
    std::string name;
    if (*fullname) {
      name = **fullname;
    } else {
      auto short_name = json_text::RequireString(entry, "name", path);
      if (!short_name) return tl::unexpected(json_text::WithLine(text, short_name.error()));
      name = *short_name;
    }
    if (report.FindBenchmark(name) != nullptr) return fail(path, "benchmark '" + name + "' appears twice");
    model::Benchmark& benchmark = report.BenchmarkNamed(name);
    if (auto group = entry.find("group"); group != entry.end() && group->is_string()) {
      benchmark.label = group->get<std::string>();
    }

    auto stats = entry.find("stats");
    std::string stats_path = path + ".stats";
    if (stats == entry.end()) return fail(stats_path, "missing");
    if (!stats->is_object()) return fail(stats_path, "expected an object, got " + std::string(json_text::TypeName(*stats)));
    model::Metric& real_time = model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);
    // stats.data holds every round only in --benchmark-json output and runs saved
    // with --benchmark-save-data; tools that post-process the file often shorten
    // it or null it. Its values are samples only when they are all numbers and
    // there is one per round; otherwise the stats block alone describes the run.
    if (auto data = stats->find("data"); data != stats->end() && data->is_array() && !data->empty()) {
      std::vector<double> samples;
      for (const nlohmann::json& value : *data) {
        auto seconds = json_text::Number(value);
        if (!seconds) {
          samples.clear();
          break;
        }
        samples.push_back(*seconds * kNanosecondsPerSecond);
      }
      auto rounds = json_text::Number(stats->value("rounds", nlohmann::json()));
      if (rounds && static_cast<double>(samples.size()) != *rounds) samples.clear();
      real_time.samples = std::move(samples);
    }
    auto mean = json_text::RequireNumber(*stats, "mean", stats_path);
    if (!mean) return tl::unexpected(json_text::WithLine(text, mean.error()));
    for (std::string_view key : {"mean", "median", "min", "max", "stddev", "iqr", "q1", "q3"}) {
      auto value = json_text::OptionalNumber(*stats, key, stats_path);
      if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
      if (*value) real_time.aggregates[std::string(key)] = **value * kNanosecondsPerSecond;
    }
    auto ops = json_text::OptionalNumber(*stats, "ops", stats_path);
    if (!ops) return tl::unexpected(json_text::WithLine(text, ops.error()));
    if (*ops) model::MetricNamed(benchmark, "ops", "/s", model::Direction::kHigherIsBetter).aggregates["mean"] = **ops;
  }
  return report;
}

}  // namespace perfgate::parse
