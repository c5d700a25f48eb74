// BenchmarkDotNet's JSON exporter (`JsonExporter.Full` / `--exporters json`,
// `*-report-full.json`; the brief `*-report.json` lacks Measurements):
//   {"HostEnvironmentInfo": {...}, "Benchmarks": [{"Namespace", "Type", "Method",
//    "Parameters": "N=1000&M=2", "FullName", "Statistics": {"OriginalValues",
//    "Mean", "Median", ...} | null, "Memory": {"BytesAllocatedPerOperation"},
//    "Measurements": [{"IterationMode", "IterationStage", "Operations", "Nanoseconds"}]}]}
// Times are nanoseconds per operation. A benchmark whose Statistics is null did
// not produce a result (it threw, or was cancelled).

#include <string>
#include <vector>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

using Fail = tl::unexpected<ParseError>;

std::string StringOr(const nlohmann::json& object, std::string_view key, std::string fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// "Perfgate.Benchmarks.Md5VsSha256.Sha256/N=1000": the parameters as path
// segments, so families plot against their parameter.
std::string NameOf(const nlohmann::json& entry) {
  std::string type = StringOr(entry, "Type");
  std::string method = StringOr(entry, "Method");
  if (type.empty() || method.empty()) return StringOr(entry, "FullName");
  std::string name_space = StringOr(entry, "Namespace");
  std::string name = (name_space.empty() ? "" : name_space + ".") + type + "." + method;
  std::string parameters = StringOr(entry, "Parameters");
  std::size_t start = 0;
  while (start < parameters.size()) {
    std::size_t end = parameters.find('&', start);
    if (end == std::string::npos) end = parameters.size();
    if (end > start) name += "/" + parameters.substr(start, end - start);
    start = end + 1;
  }
  return name;
}

}  // namespace

bool LooksLikeBenchmarkDotNetJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 8192);
  return head.find("\"Benchmarks\"") != std::string_view::npos &&
         (head.find("\"HostEnvironmentInfo\"") != std::string_view::npos ||
          head.find("\"BenchmarkDotNetVersion\"") != std::string_view::npos);
}

ParseResult ParseBenchmarkDotNetJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) { return Fail(json_text::ErrorAt(text, path, std::move(reason))); };
  if (!document->is_object()) return fail("", "expected an object with \"Benchmarks\", got " + std::string(json_text::TypeName(*document)));
  auto benchmarks = document->find("Benchmarks");
  if (benchmarks == document->end()) return fail("Benchmarks", "missing (not a BenchmarkDotNet JSON export?)");
  if (!benchmarks->is_array()) return fail("Benchmarks", "expected an array, got " + std::string(json_text::TypeName(*benchmarks)));
  if (benchmarks->empty()) return fail("Benchmarks", "no benchmark results: the array is empty");

  model::Results report;
  report.format = "benchmarkdotnet";
  if (auto host = document->find("HostEnvironmentInfo"); host != document->end() && host->is_object()) {
    for (std::string_view key : {"BenchmarkDotNetVersion", "OsVersion", "ProcessorName", "RuntimeVersion", "Architecture"}) {
      if (auto value = host->find(key); value != host->end() && value->is_string()) {
        report.context[std::string(key)] = value->get<std::string>();
      }
    }
  }
  for (std::size_t i = 0; i < benchmarks->size(); ++i) {
    const nlohmann::json& entry = (*benchmarks)[i];
    std::string path = "Benchmarks[" + std::to_string(i) + "]";
    if (!entry.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(entry)));
    std::string name = NameOf(entry);
    if (name.empty()) return fail(path, "no Type and Method, nor FullName, to name the benchmark");
    if (report.FindBenchmark(name) != nullptr) {
      return fail(path, "benchmark '" + name + "' appears twice (several jobs? " + StringOr(entry, "DisplayInfo") + ")");
    }
    model::Benchmark& benchmark = report.BenchmarkNamed(name);
    auto statistics = entry.find("Statistics");
    if (statistics == entry.end() || statistics->is_null()) {
      benchmark.error = "no result (BenchmarkDotNet wrote no Statistics)";
      continue;
    }
    std::string statistics_path = path + ".Statistics";
    if (!statistics->is_object()) return fail(statistics_path, "expected an object");
    model::Metric& real_time = model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);
    constexpr std::pair<std::string_view, std::string_view> kStatistics[] = {
        {"Mean", "mean"}, {"Median", "median"}, {"Min", "min"}, {"Max", "max"},
        {"StandardDeviation", "stddev"}, {"Q1", "q1"}, {"Q3", "q3"}, {"StandardError", "stderr"}};
    for (const auto& [key, aggregate] : kStatistics) {
      auto value = json_text::OptionalNumber(*statistics, key, statistics_path);
      if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
      if (*value) real_time.aggregates[std::string(aggregate)] = **value;
    }
    if (!real_time.aggregates.count("mean")) return fail(statistics_path + ".Mean", "missing");
    if (auto percentiles = statistics->find("Percentiles"); percentiles != statistics->end() && percentiles->is_object()) {
      for (auto [key, aggregate] : {std::pair{"P50", "p50"}, std::pair{"P90", "p90"}, std::pair{"P95", "p95"}}) {
        auto value = json_text::OptionalNumber(*percentiles, key, statistics_path + ".Percentiles");
        if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
        if (*value) real_time.aggregates[aggregate] = **value;
      }
    }
    if (auto interval = statistics->find("ConfidenceInterval"); interval != statistics->end() && interval->is_object()) {
      for (auto [key, aggregate] : {std::pair{"Lower", "mean_lower_bound"}, std::pair{"Upper", "mean_upper_bound"}}) {
        auto value = json_text::OptionalNumber(*interval, key, statistics_path + ".ConfidenceInterval");
        if (!value) return tl::unexpected(json_text::WithLine(text, value.error()));
        if (*value) real_time.aggregates[aggregate] = **value;
      }
    }
    // Samples: each Workload/Result iteration's time per operation (what the
    // statistics were computed from); else Statistics.OriginalValues.
    if (auto measurements = entry.find("Measurements"); measurements != entry.end() && measurements->is_array()) {
      for (std::size_t j = 0; j < measurements->size(); ++j) {
        const nlohmann::json& measurement = (*measurements)[j];
        std::string at = path + ".Measurements[" + std::to_string(j) + "]";
        if (!measurement.is_object()) return fail(at, "expected an object");
        if (StringOr(measurement, "IterationMode") != "Workload" || StringOr(measurement, "IterationStage") != "Result") continue;
        auto operations = json_text::RequireNumber(measurement, "Operations", at);
        if (!operations) return tl::unexpected(json_text::WithLine(text, operations.error()));
        auto nanoseconds = json_text::RequireNumber(measurement, "Nanoseconds", at);
        if (!nanoseconds) return tl::unexpected(json_text::WithLine(text, nanoseconds.error()));
        if (!(*operations > 0)) return fail(at + ".Operations", "expected a positive number");
        real_time.samples.push_back(*nanoseconds / *operations);
      }
    }
    if (real_time.samples.empty()) {
      if (auto original = statistics->find("OriginalValues"); original != statistics->end() && original->is_array()) {
        for (std::size_t j = 0; j < original->size(); ++j) {
          auto value = json_text::Number((*original)[j]);
          if (!value) return fail(statistics_path + ".OriginalValues[" + std::to_string(j) + "]", "expected a number");
          real_time.samples.push_back(*value);
        }
      }
    }
    // [MemoryDiagnoser]: bytes allocated per operation, a cost.
    if (auto memory = entry.find("Memory"); memory != entry.end() && memory->is_object()) {
      auto allocated = json_text::OptionalNumber(*memory, "BytesAllocatedPerOperation", path + ".Memory");
      if (!allocated) return tl::unexpected(json_text::WithLine(text, allocated.error()));
      if (*allocated) {
        model::MetricNamed(benchmark, "allocated_bytes_per_op", "B", model::Direction::kLowerIsBetter)
            .aggregates["mean"] = **allocated;
      }
    }
  }
  return report;
}

}  // namespace perfgate::parse
