// Google Benchmark JSON (library versions 1.5 to 1.9): the reporter's "context"
// block and its "benchmarks" array of iteration rows (one per repetition) and
// aggregate rows (_mean, _median, _stddev, _cv, _BigO, _RMS and user statistics).

#include <array>
#include <string>
#include <unordered_map>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

namespace {

using json = nlohmann::json;
using json_text::ErrorAt;
using model::Direction;

// Fields describing a row rather than measuring it.
constexpr std::array<std::string_view, 21> kMetadataFields{
    "name",           "family_index",   "per_family_instance_index", "run_name",    "run_type",
    "repetitions",    "repetition_index", "threads",                 "iterations",  "time_unit",
    "label",          "error_occurred", "error_message",             "skipped",     "skip_message",
    "aggregate_name", "aggregate_unit", "big_o",                     "real_coefficient",
    "cpu_coefficient", "rms"};

enum class Kind { kTime, kFixed };

struct KnownMetric {
  std::string_view name;
  Kind kind;
  std::string_view unit;  // canonical unit for kFixed
  Direction direction;
};

constexpr std::array kKnownMetrics{
    KnownMetric{"real_time", Kind::kTime, "ns", Direction::kLowerIsBetter},
    KnownMetric{"cpu_time", Kind::kTime, "ns", Direction::kLowerIsBetter},
    KnownMetric{"bytes_per_second", Kind::kFixed, "B/s", Direction::kHigherIsBetter},
    KnownMetric{"items_per_second", Kind::kFixed, "/s", Direction::kHigherIsBetter},
    // Memory-manager fields.
    KnownMetric{"allocs_per_iter", Kind::kFixed, "", Direction::kLowerIsBetter},
    KnownMetric{"max_bytes_used", Kind::kFixed, "B", Direction::kLowerIsBetter},
    KnownMetric{"total_allocated_bytes", Kind::kFixed, "B", Direction::kLowerIsBetter},
    KnownMetric{"net_heap_growth", Kind::kFixed, "B", Direction::kLowerIsBetter},
};

bool IsMetadata(std::string_view key) {
  for (std::string_view field : kMetadataFields) {
    if (field == key) return true;
  }
  return false;
}

const KnownMetric* FindKnown(std::string_view key) {
  for (const KnownMetric& metric : kKnownMetrics) {
    if (metric.name == key) return &metric;
  }
  return nullptr;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Before 1.5 rows carried no run_type; an aggregate is then known by its suffix.
std::optional<std::string> AggregateSuffix(std::string_view name) {
  for (std::string_view suffix : {"_mean", "_median", "_stddev", "_cv", "_BigO", "_RMS"}) {
    if (EndsWith(name, suffix)) return std::string(suffix.substr(1));
  }
  return std::nullopt;
}

class GoogleBenchmarkParser {
 public:
  explicit GoogleBenchmarkParser(std::string_view text) : text_(text) {}

  ParseResult Run() {
    report_.format = "gbench";
    // Each row of "benchmarks" is read as soon as the parser completes it and is
    // then dropped, so a large file never holds its whole tree: on 100,000 rows
    // the tree alone cost two thirds of the parse (cache misses, allocations).
    using Event = nlohmann::json::parse_event_t;
    std::string top_key;
    bool in_rows = false;
    std::size_t row_index = 0;
    std::optional<ParseError> row_error;
    struct StopParsing {};
    auto on_value = [&](int depth, Event event, nlohmann::json& parsed) {
      if (depth == 1 && event == Event::key) top_key = parsed.get<std::string>();
      if (depth == 1 && top_key == "benchmarks" && (event == Event::array_start || event == Event::array_end)) {
        in_rows = event == Event::array_start;
      }
      if (!in_rows || depth != 2 || (event != Event::object_end && event != Event::value)) return true;
      if (auto error = ReadRow(parsed, "benchmarks[" + std::to_string(row_index++) + "]")) {
        row_error = std::move(error);
        throw StopParsing{};
      }
      return false;  // read: drop it from the document
    };
    tl::expected<nlohmann::json, ParseError> document;
    try {
      document = json_text::ParseLenient(text_, on_value);
    } catch (const StopParsing&) {
      return tl::unexpected(std::move(*row_error));
    }
    if (!document) return tl::unexpected(document.error());
    if (!document->is_object()) {
      return tl::unexpected(ErrorAt(text_, "", "expected a JSON object with \"context\" and \"benchmarks\""));
    }
    if (auto context = document->find("context"); context != document->end()) {
      if (!context->is_object()) return tl::unexpected(ErrorAt(text_, "context", "expected an object"));
      ReadContext(*context);
    }
    auto rows = document->find("benchmarks");
    if (rows == document->end()) {
      return tl::unexpected(ErrorAt(text_, "benchmarks", "missing: not a Google Benchmark results file"));
    }
    if (!rows->is_array()) {
      return tl::unexpected(ErrorAt(text_, "benchmarks",
                                    "expected an array, got " + std::string(json_text::TypeName(*rows))));
    }
    if (report_.benchmarks.empty()) {
      return tl::unexpected(ErrorAt(text_, "benchmarks", "no benchmark results in the file"));
    }
    return std::move(report_);
  }

 private:
  void ReadContext(const json& context) {
    for (const auto& [key, value] : context.items()) {
      if (value.is_string()) {
        report_.context[key] = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        report_.context[key] = value.dump();
      }
    }
  }

  model::Benchmark& BenchmarkFor(const std::string& name) {
    auto [it, inserted] = index_.try_emplace(name, report_.benchmarks.size());
    if (inserted) report_.benchmarks.push_back(model::Benchmark{.name = name});
    return report_.benchmarks[it->second];
  }

  std::optional<ParseError> Fail(const std::string& path, std::string reason) const {
    return ErrorAt(text_, path, std::move(reason));
  }
  std::optional<ParseError> Fail(ParseError error) const { return json_text::WithLine(text_, std::move(error)); }

  std::optional<ParseError> ReadRow(const json& row, const std::string& path) {
    if (!row.is_object()) return Fail(path, "expected an object, got " + std::string(json_text::TypeName(row)));
    auto name = json_text::RequireString(row, "name", path);
    if (!name) return Fail(name.error());
    auto run_name = json_text::OptionalString(row, "run_name", path);
    auto run_type = json_text::OptionalString(row, "run_type", path);
    auto aggregate_name = json_text::OptionalString(row, "aggregate_name", path);
    auto label = json_text::OptionalString(row, "label", path);
    for (auto* field : {&run_name, &run_type, &aggregate_name, &label}) {
      if (!*field) return Fail(field->error());
    }

    std::optional<std::string> aggregate;
    if (*run_type) {
      if (**run_type == "aggregate") {
        aggregate = aggregate_name->value_or(AggregateSuffix(*name).value_or("aggregate"));
      } else if (**run_type != "iteration") {
        return Fail(path + ".run_type", "expected \"iteration\" or \"aggregate\", got \"" + **run_type + "\"");
      }
    } else {
      aggregate = AggregateSuffix(*name);
    }
    std::string benchmark_name = run_name->value_or(*name);
    if (!*run_name && aggregate) benchmark_name = name->substr(0, name->size() - aggregate->size() - 1);
    model::Benchmark& benchmark = BenchmarkFor(benchmark_name);
    if (*label && benchmark.label.empty()) benchmark.label = **label;

    if (auto failed = ReadFailure(row, path, benchmark)) return failed;
    if (benchmark.error && benchmark.metrics.empty() && !aggregate) return std::nullopt;

    auto time_unit = json_text::OptionalString(row, "time_unit", path);
    if (!time_unit) return Fail(time_unit.error());
    std::string unit_name = time_unit->value_or("ns");
    auto ns_per_unit = model::NanosecondsPer(unit_name);
    if (!ns_per_unit) {
      return Fail(path + ".time_unit", "unknown time unit \"" + unit_name + "\" (expected ns, us, ms or s)");
    }
    if (aggregate == "BigO" || aggregate == "RMS") return ReadFit(row, path, *aggregate, *ns_per_unit, benchmark);

    auto aggregate_unit = json_text::OptionalString(row, "aggregate_unit", path);
    if (!aggregate_unit) return Fail(aggregate_unit.error());
    // A "percentage" aggregate (the coefficient of variation) is a fraction, not a time.
    bool is_fraction = aggregate && (aggregate_unit->value_or("") == "percentage" || *aggregate == "cv");

    bool has_time = false;
    for (const auto& [key, value] : row.items()) {
      if (IsMetadata(key)) continue;
      const KnownMetric* known = FindKnown(key);
      auto number = json_text::Number(value);
      if (!number) {
        // Unknown non-numeric fields from newer library versions are descriptive.
        if (known == nullptr) continue;
        return Fail(path + "." + key, "expected a number, got " + std::string(json_text::TypeName(value)));
      }
      double scaled = *number;
      std::string_view unit = known ? known->unit : "";
      Direction direction = known ? known->direction : Direction::kHigherIsBetter;  // user counters
      if (known && known->kind == Kind::kTime) {
        has_time = true;
        if (!is_fraction) scaled *= *ns_per_unit;
      }
      model::Metric& metric = model::MetricNamed(benchmark, key, unit, direction);
      if (aggregate) {
        metric.aggregates[*aggregate] = scaled;
      } else {
        metric.samples.push_back(scaled);
      }
    }
    if (!has_time && !aggregate) return Fail(path + ".real_time", "missing (a number is required)");
    return std::nullopt;
  }

  // error_occurred (SkipWithError) and skipped (SkipWithMessage, 1.8+) rows.
  std::optional<ParseError> ReadFailure(const json& row, const std::string& path, model::Benchmark& benchmark) {
    for (auto [flag, message_key] : {std::pair{"error_occurred", "error_message"}, std::pair{"skipped", "skip_message"}}) {
      auto it = row.find(flag);
      if (it == row.end()) continue;
      if (!it->is_boolean()) {
        return Fail(path + "." + flag, "expected true or false, got " + std::string(json_text::TypeName(*it)));
      }
      if (!it->get<bool>()) continue;
      auto message = json_text::OptionalString(row, message_key, path);
      if (!message) return Fail(message.error());
      benchmark.error = message->value_or(flag == std::string_view("skipped") ? "skipped" : "error");
      benchmark.skipped = flag == std::string_view("skipped");
      benchmark.metrics.clear();
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<ParseError> ReadFit(const json& row, const std::string& path, const std::string& aggregate,
                                    double ns_per_unit, model::Benchmark& benchmark) {
    if (aggregate == "RMS") {
      auto rms = json_text::RequireNumber(row, "rms", path);
      if (!rms) return Fail(rms.error());
      for (model::ComplexityFit& fit : benchmark.fits) fit.rms = *rms;
      return std::nullopt;
    }
    auto complexity = json_text::RequireString(row, "big_o", path);
    if (!complexity) return Fail(complexity.error());
    for (auto [metric, key] : {std::pair{"real_time", "real_coefficient"}, std::pair{"cpu_time", "cpu_coefficient"}}) {
      auto coefficient = json_text::RequireNumber(row, key, path);
      if (!coefficient) return Fail(coefficient.error());
      benchmark.fits.push_back(model::ComplexityFit{.metric = metric,
                                                    .complexity = *complexity,
                                                    .coefficient = *coefficient * ns_per_unit,
                                                    .unit = "ns",
                                                    .rms = std::nullopt});
    }
    return std::nullopt;
  }

  std::string_view text_;
  model::Results report_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace

bool LooksLikeGoogleBenchmarkJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  // Rows of 1.5+ carry run_name/run_type; older files a context with the
  // library's own keys. A bare "real_time" string is not enough: custom JSON
  // may name that metric.
  std::string_view head = text.substr(0, 8192);
  auto has = [&](std::string_view key) { return head.find(key) != std::string_view::npos; };
  return has("\"benchmarks\"") &&
         (has("\"run_name\"") || has("\"run_type\"") ||
          (has("\"context\"") && (has("\"num_cpus\"") || has("\"library_build_type\""))));
}

ParseResult ParseGoogleBenchmarkJson(std::string_view text) { return GoogleBenchmarkParser(text).Run(); }

}  // namespace perfgate::parse
