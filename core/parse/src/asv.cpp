// asv (airspeed velocity) results files, format version 2:
// results/<machine>/<commit>-<env>.json =
//   {"version": 2, "commit_hash", "env_name", "date", "params": {"machine", ...},
//    "result_columns": ["result", "params", "version", "started_at", "duration",
//                       "stats_ci_99_a", "stats_ci_99_b", "stats_q_25", "stats_q_75",
//                       "stats_number", "stats_repeat", "samples", "profile"],
//    "results": {"NAME": [column values in that order; trailing ones may be dropped]}}
// `result`, `stats_*` and `samples` hold one entry per parameter combination, in
// itertools.product(*params) order (the last parameter varying fastest). The
// benchmark's kind is the prefix of its last dotted part, as asv decides it.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <optional>
#include <string>
#include <vector>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

using Fail = tl::unexpected<ParseError>;

struct Kind {
  std::string_view prefix;
  std::string_view metric;
  std::string_view unit;
  double factor;      // to the canonical unit
  bool is_timing;     // asv's result is the median of repeated timings
};

// asv reports an increase of any benchmark as a regression: all lower is better.
constexpr Kind kKinds[] = {
    {"time_", "real_time", "ns", 1e9, true},
    {"timeraw_", "real_time", "ns", 1e9, true},
    {"peakmem_", "peak_memory", "B", 1, false},
    {"mem_", "memory", "B", 1, false},
    {"track_", "value", "", 1, false},
};

Kind KindOf(std::string_view name) {
  std::string_view last = name.substr(name.rfind('.') == std::string_view::npos ? 0 : name.rfind('.') + 1);
  for (const Kind& kind : kKinds) {
    if (last.substr(0, kind.prefix.size()) == kind.prefix) return kind;
  }
  return {"", "value", "", 1, false};
}

// The column named `column` of one result row, or nullptr when the file has no such
// column or the row was cut before it.
const nlohmann::json* Column(const nlohmann::json& row, const std::vector<std::string>& columns,
                             std::string_view column) {
  for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    if (columns[i] == column) return row[i].is_null() ? nullptr : &row[i];
  }
  return nullptr;
}

}  // namespace

bool LooksLikeAsvResults(std::string_view text) {
  if (!json_text::StartsLikeJson(text) || !json_text::Contains(text, "\"result_columns\"") ||
      !json_text::Contains(text, "\"commit_hash\"")) {
    return false;
  }
  auto document = json_text::ParseLenient(text);
  return document && document->is_object() && document->contains("results") && document->contains("result_columns");
}

ParseResult ParseAsvResults(std::string_view text) {
  auto document = json_text::ParseLenient(text);
  if (!document) return tl::unexpected(document.error());
  auto fail = [&](const std::string& path, std::string reason) {
    return Fail(json_text::ErrorAt(text, path, std::move(reason)));
  };
  if (!document->is_object()) return fail("", "expected an asv results object, got " + std::string(json_text::TypeName(*document)));
  if (auto version = document->find("version"); version != document->end() && !(version->is_number() && *version == 2)) {
    return fail("version", "only asv results format version 2 is read (asv 0.5 and later), got " + version->dump());
  }
  auto columns_json = document->find("result_columns");
  if (columns_json == document->end() || !columns_json->is_array()) return fail("result_columns", "missing (a list of column names is required)");
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < columns_json->size(); ++i) {
    if (!(*columns_json)[i].is_string()) return fail("result_columns[" + std::to_string(i) + "]", "expected a column name");
    columns.push_back((*columns_json)[i].get<std::string>());
  }
  auto results = document->find("results");
  if (results == document->end() || !results->is_object()) return fail("results", "missing (an object of benchmarks is required)");
  if (results->empty()) return fail("results", "no benchmark results: the object is empty");

  model::Results report;
  report.format = "asv";
  for (std::string_view key : {"commit_hash", "env_name", "python"}) {
    if (auto it = document->find(key); it != document->end() && it->is_string()) report.context[std::string(key)] = it->get<std::string>();
  }
  if (auto params = document->find("params"); params != document->end() && params->is_object()) {
    if (auto machine = params->find("machine"); machine != params->end() && machine->is_string()) {
      report.context["machine"] = machine->get<std::string>();
    }
  }

  for (const auto& item : results->items()) {
    // Named, not structured bindings: the lambdas below capture them.
    const std::string& name = item.key();
    const nlohmann::json& row = item.value();
    std::string path = "results." + name;
    if (name.empty()) return fail("results", "a benchmark with an empty name");
    if (!row.is_array()) return fail(path, "expected a list of column values, got " + std::string(json_text::TypeName(row)));
    const nlohmann::json* result = Column(row, columns, "result");
    if (result == nullptr) {
      model::Benchmark& failed = report.BenchmarkNamed(name);
      failed.error = "asv recorded no result (the benchmark failed)";
      continue;
    }
    if (!result->is_array()) return fail(path, "expected 'result' to be a list (one value per parameter combination)");
    // The parameter combinations, last parameter varying fastest.
    std::vector<std::string> combinations{""};
    if (const nlohmann::json* params = Column(row, columns, "params")) {
      if (!params->is_array()) return fail(path, "expected 'params' to be a list of lists of values");
      for (const nlohmann::json& values : *params) {
        if (!values.is_array() || values.empty()) return fail(path, "expected each parameter to be a non-empty list of values");
        if (combinations.size() * values.size() > result->size()) {
          // Caught before the names are made: a hostile params list cannot blow up memory.
          return fail(path, "'result' has " + std::to_string(result->size()) + " values for " +
                                std::to_string(combinations.size() * values.size()) + " or more parameter combinations");
        }
        std::vector<std::string> next;
        for (const std::string& prefix : combinations) {
          for (const nlohmann::json& value : values) {
            std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
            next.push_back(prefix.empty() ? shown : prefix + ", " + shown);
          }
        }
        combinations = std::move(next);
      }
    }
    if (result->size() != combinations.size()) {
      return fail(path, "'result' has " + std::to_string(result->size()) + " values for " +
                            std::to_string(combinations.size()) + " parameter combinations");
    }
    Kind kind = KindOf(name);
    for (std::size_t i = 0; i < combinations.size(); ++i) {
      std::string full_name = combinations[i].empty() ? name : name + "(" + combinations[i] + ")";
      if (report.FindBenchmark(full_name) != nullptr) return fail(path, "benchmark '" + full_name + "' appears twice");
      model::Benchmark& benchmark = report.BenchmarkNamed(full_name);
      const nlohmann::json& value_json = (*result)[i];
      if (value_json.is_null()) {
        benchmark.error = "asv recorded no result (the benchmark failed)";
        continue;
      }
      auto value = json_text::Number(value_json);
      if (!value) return fail(path, "expected a number, null or NaN in 'result', got " + std::string(json_text::TypeName(value_json)));
      if (std::isnan(*value)) {
        benchmark.skipped = true;
        continue;
      }
      model::Metric& metric = model::MetricNamed(benchmark, kind.metric, kind.unit, model::Direction::kLowerIsBetter);
      auto entry = [&](std::string_view column) -> std::optional<double> {
        const nlohmann::json* values = Column(row, columns, column);
        if (values == nullptr || !values->is_array() || i >= values->size()) return std::nullopt;
        auto number = json_text::Number((*values)[i]);
        if (!number || !std::isfinite(*number)) return std::nullopt;
        return *number;
      };
      if (const nlohmann::json* samples = Column(row, columns, "samples");
          samples != nullptr && samples->is_array() && i < samples->size() && (*samples)[i].is_array()) {
        for (const nlohmann::json& sample : (*samples)[i]) {
          auto number = json_text::Number(sample);
          if (!number || !std::isfinite(*number)) return fail(path + ".samples", "expected numbers");
          metric.samples.push_back(*number * kind.factor);
        }
      }
      if (!kind.is_timing) {
        // mem_, peakmem_ and track_ measure once: the result is that measurement.
        if (metric.samples.empty()) metric.samples.push_back(*value * kind.factor);
        continue;
      }
      metric.aggregates["median"] = *value * kind.factor;
      for (auto [column, aggregate] : {std::pair{"stats_ci_99_a", "median_lower_bound"}, std::pair{"stats_ci_99_b", "median_upper_bound"},
                                       std::pair{"stats_q_25", "q1"}, std::pair{"stats_q_75", "q3"}}) {
        if (auto number = entry(column)) metric.aggregates[aggregate] = *number * kind.factor;
      }
    }
  }
  return report;
}

tl::expected<std::vector<AsvRun>, ParseError> ParseAsvResultsDirectory(std::span<const SourceFile> files) {
  std::vector<AsvRun> runs;
  for (const SourceFile& file : files) {
    std::size_t slash = file.path.find('/');
    // Only <machine>/<file>.json, one level down; benchmarks.json sits at the top.
    if (slash == std::string::npos || file.path.find('/', slash + 1) != std::string::npos) continue;
    std::string_view base = std::string_view(file.path).substr(slash + 1);
    if (base == "machine.json" || base.size() < 6 || base.substr(base.size() - 5) != ".json") continue;
    auto named = [&](const ParseError& error) { return ParseError{file.path + (error.where.empty() ? "" : ": " + error.where), error.reason}; };
    auto report = ParseAsvResults(file.text);
    if (!report) return tl::unexpected(named(report.error()));
    auto document = json_text::ParseLenient(file.text);
    if (!document) return tl::unexpected(named(document.error()));
    auto commit = json_text::RequireString(*document, "commit_hash", "");
    if (!commit || commit->empty()) return tl::unexpected(ParseError{file.path + ": commit_hash", "missing (each results file names its commit)"});
    auto date = json_text::RequireNumber(*document, "date", "");
    if (!date || !std::isfinite(*date) || *date < 0 || *date > 1e15) {
      return tl::unexpected(ParseError{file.path + ": date", "missing or not a JavaScript timestamp (ms since the epoch)"});
    }
    AsvRun run;
    run.path = file.path;
    run.machine = file.path.substr(0, slash);
    run.commit = *commit;
    run.time = static_cast<std::int64_t>(*date / 1000);
    run.report = std::move(*report);
    runs.push_back(std::move(run));
  }
  if (runs.empty()) {
    return tl::unexpected(ParseError{"", "no asv results files (expected <machine>/<commit>-<env>.json below the directory)"});
  }
  // A machine that ran several environments keeps them apart as testbeds.
  std::map<std::string, std::set<std::string>> environments;
  for (const AsvRun& run : runs) {
    auto env = run.report.context.find("env_name");
    environments[run.machine].insert(env == run.report.context.end() ? "" : env->second);
  }
  for (AsvRun& run : runs) {
    run.testbed = run.machine;
    auto env = run.report.context.find("env_name");
    if (environments[run.machine].size() > 1 && env != run.report.context.end()) run.testbed += "/" + env->second;
  }
  std::sort(runs.begin(), runs.end(), [](const AsvRun& a, const AsvRun& b) {
    return std::tie(a.time, a.commit, a.machine, a.path) < std::tie(b.time, b.commit, b.machine, b.path);
  });
  return runs;
}

}  // namespace perfgate::parse
