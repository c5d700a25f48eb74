// JMH (Java) `-rf json` results: an array of runs
//   {"jmhVersion", "benchmark", "mode", "params"?, "primaryMetric": {"score",
//    "scoreError", "scoreConfidence", "scorePercentiles", "scoreUnit", "rawData" |
//    "rawDataHistogram"}, "secondaryMetrics": {NAME: {same shape}}}
// The mode says what the score is: thrpt is operations per time unit (higher is
// better); avgt, sample and ss are time per operation (lower is better).

#include <optional>
#include <string>
#include <vector>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

struct Unit {
  std::string name;  // canonical
  double factor = 1;
};

// "ops/ms" -> (/s, 1e3); "us/op" -> (ns, 1e3); "B/op" -> (B, 1); "MB/sec" -> (B/s, 1e6).
// Absent for a unit perfgate does not know.
std::optional<Unit> CanonicalUnit(std::string_view unit) {
  if (text::StartsWith(unit, "ops/")) {
    if (auto per = model::NanosecondsPer(unit.substr(4))) return Unit{"/s", 1e9 / *per};
  }
  if (text::EndsWith(unit, "/op")) {
    std::string base(unit.substr(0, unit.size() - 3));
    if (auto per = model::NanosecondsPer(base)) return Unit{"ns", *per};
    if (auto size = model::ParseQuantity("1" + base); size && size->unit == "B") return Unit{"B", size->value};
  }
  std::string rate(unit);
  if (text::EndsWith(rate, "/sec")) rate = rate.substr(0, rate.size() - 4) + "/s";
  if (auto quantity = model::ParseQuantity("1" + rate); quantity && quantity->unit == "B/s") {
    return Unit{"B/s", quantity->value};
  }
  return std::nullopt;
}

// The metric a primary score becomes, by mode.
struct ModeSpec {
  std::string_view mode;
  std::string_view metric;
  model::Direction direction;
};

constexpr ModeSpec kModes[] = {
    {"thrpt", "ops", model::Direction::kHigherIsBetter},
    {"avgt", "real_time", model::Direction::kLowerIsBetter},
    {"sample", "sample_time", model::Direction::kLowerIsBetter},
    {"ss", "single_shot_time", model::Direction::kLowerIsBetter},
};

using Fail = tl::unexpected<ParseError>;

// Reads one metric block ({"score", "scoreUnit", ...}) into `metric`.
tl::expected<void, ParseError> ReadScore(std::string_view text, const nlohmann::json& block, const std::string& path,
                                         model::Metric& metric) {
  auto fail = [&](const std::string& at, std::string reason) { return Fail(json_text::ErrorAt(text, at, std::move(reason))); };
  if (!block.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(block)));
  auto unit_text = json_text::RequireString(block, "scoreUnit", path);
  if (!unit_text) return Fail(json_text::WithLine(text, unit_text.error()));
  auto score = json_text::RequireNumber(block, "score", path);
  if (!score) return Fail(json_text::WithLine(text, score.error()));
  auto unit = CanonicalUnit(*unit_text);
  double factor = unit ? unit->factor : 1;
  metric.unit = unit ? unit->name : *unit_text;
  metric.aggregates["mean"] = *score * factor;
  auto error = json_text::OptionalNumber(block, "scoreError", path);
  if (!error) return Fail(json_text::WithLine(text, error.error()));
  if (*error) metric.aggregates["error"] = **error * factor;  // half-width of the 99.9% interval
  if (auto confidence = block.find("scoreConfidence"); confidence != block.end()) {
    if (!confidence->is_array() || confidence->size() != 2 || !json_text::Number((*confidence)[0]) ||
        !json_text::Number((*confidence)[1])) {
      return fail(path + ".scoreConfidence", "expected [lower, upper]");
    }
    // Throughput rates keep their order; a rate's bounds are not inverted by the factor.
    metric.aggregates["mean_lower_bound"] = *json_text::Number((*confidence)[0]) * factor;
    metric.aggregates["mean_upper_bound"] = *json_text::Number((*confidence)[1]) * factor;
  }
  if (auto percentiles = block.find("scorePercentiles"); percentiles != block.end()) {
    if (!percentiles->is_object()) return fail(path + ".scorePercentiles", "expected an object");
    constexpr std::pair<std::string_view, std::string_view> kPercentiles[] = {
        {"0.0", "min"}, {"50.0", "p50"}, {"90.0", "p90"}, {"95.0", "p95"},
        {"99.0", "p99"}, {"99.9", "p99.9"}, {"100.0", "max"}};
    for (const auto& [key, aggregate] : kPercentiles) {
      auto value = percentiles->find(key);
      if (value == percentiles->end()) continue;
      auto number = json_text::Number(*value);
      if (!number) return fail(path + ".scorePercentiles." + std::string(key), "expected a number");
      metric.aggregates[std::string(aggregate)] = *number * factor;
    }
    if (metric.aggregates.count("p50")) metric.aggregates["median"] = metric.aggregates["p50"];
  }
  // Every measurement iteration of every fork is one sample.
  if (auto raw = block.find("rawData"); raw != block.end()) {
    if (!raw->is_array()) return fail(path + ".rawData", "expected an array of forks");
    for (std::size_t fork = 0; fork < raw->size(); ++fork) {
      const nlohmann::json& iterations = (*raw)[fork];
      std::string at = path + ".rawData[" + std::to_string(fork) + "]";
      if (!iterations.is_array()) return fail(at, "expected an array of iteration scores");
      for (std::size_t i = 0; i < iterations.size(); ++i) {
        auto number = json_text::Number(iterations[i]);
        if (!number) return fail(at + "[" + std::to_string(i) + "]", "expected a number");
        metric.samples.push_back(*number * factor);
      }
    }
  } else if (auto histogram = block.find("rawDataHistogram"); histogram != block.end()) {
    // Sample mode: per fork, per iteration, [value, count] pairs; each timed call is a sample.
    if (!histogram->is_array()) return fail(path + ".rawDataHistogram", "expected an array of forks");
    for (std::size_t fork = 0; fork < histogram->size(); ++fork) {
      const nlohmann::json& iterations = (*histogram)[fork];
      std::string fork_at = path + ".rawDataHistogram[" + std::to_string(fork) + "]";
      if (!iterations.is_array()) return fail(fork_at, "expected an array of iterations");
      for (std::size_t i = 0; i < iterations.size(); ++i) {
        std::string at = fork_at + "[" + std::to_string(i) + "]";
        if (!iterations[i].is_array()) return fail(at, "expected an array of [value, count] pairs");
        for (std::size_t j = 0; j < iterations[i].size(); ++j) {
          const nlohmann::json& pair = iterations[i][j];
          auto value = pair.is_array() && pair.size() == 2 ? json_text::Number(pair[0]) : std::nullopt;
          auto count = pair.is_array() && pair.size() == 2 ? json_text::Number(pair[1]) : std::nullopt;
          if (!value || !count || *count < 0 || *count > 1e7 || *count != static_cast<double>(static_cast<long>(*count))) {
            return fail(at + "[" + std::to_string(j) + "]", "expected [value, count] with a whole count");
          }
          metric.samples.insert(metric.samples.end(), static_cast<std::size_t>(*count), *value * factor);
        }
      }
    }
  }
  return {};
}

}  // namespace

bool LooksLikeJmhJson(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '[') return false;
  std::string_view head = text.substr(0, 8192);
  return head.find("\"primaryMetric\"") != std::string_view::npos &&
         (head.find("\"jmhVersion\"") != std::string_view::npos || head.find("\"benchmark\"") != std::string_view::npos);
}

ParseResult ParseJmhJson(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) { return Fail(json_text::ErrorAt(text, path, std::move(reason))); };
  if (!document->is_array()) return fail("", "expected an array of JMH runs, got " + std::string(json_text::TypeName(*document)));
  if (document->empty()) return fail("", "no benchmark results: the array is empty");
  model::Results report;
  report.format = "jmh";
  for (std::size_t i = 0; i < document->size(); ++i) {
    const nlohmann::json& run = (*document)[i];
    std::string path = "[" + std::to_string(i) + "]";
    if (!run.is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(run)));
    auto name = json_text::RequireString(run, "benchmark", path);
    if (!name) return tl::unexpected(json_text::WithLine(text, name.error()));
    auto mode = json_text::RequireString(run, "mode", path);
    if (!mode) return tl::unexpected(json_text::WithLine(text, mode.error()));
    const ModeSpec* spec = nullptr;
    for (const ModeSpec& candidate : kModes) {
      if (candidate.mode == *mode) spec = &candidate;
    }
    if (spec == nullptr) return fail(path + ".mode", "unknown mode '" + *mode + "' (expected thrpt, avgt, sample or ss)");
    // Parameters become path segments ("...encode/size=1024") so families plot by parameter.
    std::string full_name = *name;
    if (auto params = run.find("params"); params != run.end() && !params->is_null()) {
      if (!params->is_object()) return fail(path + ".params", "expected an object");
      for (const auto& [key, value] : params->items()) {
        full_name += "/" + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    model::Benchmark& benchmark = report.BenchmarkNamed(full_name);
    if (benchmark.FindMetric(spec->metric) != nullptr) {
      return fail(path, "benchmark '" + full_name + "' in mode " + *mode + " appears twice");
    }
    auto primary = run.find("primaryMetric");
    if (primary == run.end()) return fail(path + ".primaryMetric", "missing");
    model::Metric& metric = model::MetricNamed(benchmark, spec->metric, "", spec->direction);
    if (auto read = ReadScore(text, *primary, path + ".primaryMetric", metric); !read) return tl::unexpected(read.error());
    if (auto secondary = run.find("secondaryMetrics"); secondary != run.end() && !secondary->is_null()) {
      if (!secondary->is_object()) return fail(path + ".secondaryMetrics", "expected an object");
      for (const auto& [key, block] : secondary->items()) {
        // Profiler metrics start with a middle dot: "·gc.alloc.rate.norm".
        std::string metric_name = key;
        if (text::StartsWith(metric_name, "\u00b7")) metric_name = metric_name.substr(2);
        if (metric_name.empty() || benchmark.FindMetric(metric_name) != nullptr) continue;
        model::Metric secondary_metric;
        secondary_metric.name = metric_name;
        std::string at = path + ".secondaryMetrics." + key;
        if (auto read = ReadScore(text, block, at, secondary_metric); !read) return tl::unexpected(read.error());
        // -prof gc's allocation and collection figures are costs, whatever their unit.
        secondary_metric.direction = text::StartsWith(metric_name, "gc.")
                                         ? model::Direction::kLowerIsBetter
                                         : model::DefaultDirection(metric_name, secondary_metric.unit);
        benchmark.metrics.push_back(std::move(secondary_metric));
      }
    }
    if (auto version = run.find("jmhVersion"); version != run.end() && version->is_string()) {
      report.context["jmh_version"] = version->get<std::string>();
    }
    for (std::string_view key : {"jdkVersion", "vmName", "vmVersion"}) {
      if (auto value = run.find(key); value != run.end() && value->is_string()) {
        report.context[std::string(key)] = value->get<std::string>();
      }
    }
  }
  return report;
}

}  // namespace perfgate::parse
