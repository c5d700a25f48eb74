// Google Benchmark JSON (library versions 1.5 to 1.9): the reporter's "context"
// block and its "benchmarks" array of iteration rows (one per repetition) and
// aggregate rows (_mean, _median, _stddev, _cv, _BigO, _RMS and user statistics).

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
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

// What a row reports: the benchmark it belongs to and, for an aggregate row,
// the aggregate's name. nullopt for a run_type other than iteration/aggregate.
struct RowKind {
  std::string benchmark;
  std::optional<std::string> aggregate;
};
std::optional<RowKind> ClassifyRow(const std::string& name, const std::optional<std::string>& run_name,
                                   const std::optional<std::string>& run_type,
                                   const std::optional<std::string>& aggregate_name) {
  RowKind kind;
  if (run_type) {
    if (*run_type == "aggregate") {
      kind.aggregate = aggregate_name.value_or(AggregateSuffix(name).value_or("aggregate"));
    } else if (*run_type != "iteration") {
      return std::nullopt;
    }
  } else {
    kind.aggregate = AggregateSuffix(name);
  }
  kind.benchmark = run_name.value_or(name);
  if (!run_name && kind.aggregate) kind.benchmark = name.substr(0, name.size() - kind.aggregate->size() - 1);
  return kind;
}

// A "percentage" aggregate (the coefficient of variation) is a fraction, not a time.
bool IsFraction(const std::optional<std::string>& aggregate, const std::optional<std::string>& aggregate_unit) {
  return aggregate && (aggregate_unit.value_or("") == "percentage" || *aggregate == "cv");
}

// One numeric field of a row: a known metric in its canonical unit and
// direction, or a user counter (higher is better). True for a time field.
bool AddField(model::Benchmark& benchmark, const std::string& key, double number, double ns_per_unit,
              bool is_fraction, const std::optional<std::string>& aggregate) {
  const KnownMetric* known = FindKnown(key);
  std::string_view unit = known ? known->unit : "";
  Direction direction = known ? known->direction : Direction::kHigherIsBetter;
  bool is_time = known && known->kind == Kind::kTime;
  if (is_time && !is_fraction) number *= ns_per_unit;
  model::Metric& metric = model::MetricNamed(benchmark, key, unit, direction);
  if (aggregate) {
    metric.aggregates[*aggregate] = number;
  } else {
    metric.samples.push_back(number);
  }
  return is_time;
}

// The results being built, with each benchmark found by name.
class ResultsBuilder {
 public:
  ResultsBuilder() { results_.format = "gbench"; }
  model::Benchmark& BenchmarkFor(const std::string& name) {
    auto [it, inserted] = index_.try_emplace(name, results_.benchmarks.size());
    if (inserted) results_.benchmarks.push_back(model::Benchmark{.name = name});
    return results_.benchmarks[it->second];
  }
  model::Results& results() { return results_; }
  void Reserve(std::size_t benchmarks) {
    results_.benchmarks.reserve(benchmarks);
    index_.reserve(benchmarks);
  }

 private:
  model::Results results_;
  std::unordered_map<std::string, std::size_t> index_;
};

// The fast reader: SAX events straight into the results, no JSON object per
// row. It reads the shape every Google Benchmark version writes (flat rows of
// strings, numbers and booleans) and declines anything else: non-finite
// tokens, nested values in a row, duplicate keys, failed or skipped rows,
// complexity fits, any field the DOM reader below would refuse. A declined
// file is read by the DOM reader, whose messages name the line and field, so
// both give the same results for every file (tests/core/parse/gbench_test.cpp).
class FastReader final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::optional<model::Results> Run(std::string_view text) {
    if (json_text::MayHoldNonFiniteTokens(text)) return std::nullopt;
    // A row takes some 250 bytes; reserving for that many saves the rehashes
    // and moves of a growing suite (a few per cent of a large file's parse).
    builder_.Reserve(std::min<std::size_t>(text.size() / 256, 1 << 20));
    try {
      if (!nlohmann::json::sax_parse(text.begin(), text.end(), this) || declined_) return std::nullopt;
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
    if (!saw_rows_ || builder_.results().benchmarks.empty()) return std::nullopt;
    return std::move(builder_.results());
  }

  bool null() override { return Scalar(Field::Type::kOther); }
  bool boolean(bool value) override {
    if (InRow()) NextField(Field::Type::kBool).flag = value;
    return Scalar(Field::Type::kBool, value ? "true" : "false");
  }
  bool number_integer(number_integer_t value) override { return Number(static_cast<double>(value), value); }
  bool number_unsigned(number_unsigned_t value) override { return Number(static_cast<double>(value), value); }
  bool number_float(number_float_t value, const string_t&) override {
    if (!std::isfinite(value)) return Decline();  // the DOM reader names the overflow
    return Number(value, value);
  }
  bool string(string_t& value) override {
    if (InRow()) {
      NextField(Field::Type::kString).text.swap(value);
      return true;
    }
    return Scalar(Field::Type::kString, value);
  }
  bool binary(binary_t&) override { return Decline(); }
  bool start_object(std::size_t) override { return Open(true); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& key) override {
    if (depth_ == 1) {
      top_key_ = key;
      if ((key == "context" || key == "benchmarks") && !top_keys_.insert(key).second) return Decline();
    } else if (depth_ == 2 && in_context_) {
      context_key_ = key;
      if (!context_keys_.insert(key).second) return Decline();
    } else if (InRow()) {
      row_key_.swap(key);
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return Decline(); }

 private:
  struct Field {
    enum class Type { kString, kNumber, kBool, kOther };
    std::string key;
    Type type = Type::kOther;
    std::string text;
    double number = 0;
    bool flag = false;
  };

  bool InRow() const { return depth_ == 3 && in_rows_; }

  bool Decline() {
    declined_ = true;
    return false;
  }

  // Fields are kept between rows, so their strings keep their capacity.
  Field& NextField(Field::Type type) {
    if (used_ == fields_.size()) fields_.emplace_back();
    Field& field = fields_[used_++];
    field.key.swap(row_key_);
    field.type = type;
    return field;
  }

  bool Number(double value, auto exact) {
    if (InRow()) {
      NextField(Field::Type::kNumber).number = value;
      return true;
    }
    return Scalar(Field::Type::kNumber, depth_ == 2 && in_context_ ? nlohmann::json(exact).dump() : std::string());
  }

  // A scalar outside a row: the context's strings, numbers and booleans are kept.
  bool Scalar(Field::Type type, std::string_view text = {}) {
    if (InRow()) {
      if (type == Field::Type::kOther) NextField(type);
      return true;
    }
    if (depth_ == 0) return Decline();
    if (depth_ == 1 && (top_key_ == "context" || top_key_ == "benchmarks")) return Decline();
    if (depth_ == 2 && in_rows_) return Decline();
    if (depth_ == 2 && in_context_ && type != Field::Type::kOther) {
      builder_.results().context[context_key_] = std::string(text);
    }
    return true;
  }

  bool Open(bool object) {
    ++depth_;
    if (depth_ == 1 && !object) return Decline();
    if (depth_ == 2 && top_key_ == "context") {
      if (!object) return Decline();
      in_context_ = true;
    } else if (depth_ == 2 && top_key_ == "benchmarks") {
      if (object) return Decline();
      in_rows_ = saw_rows_ = true;
    } else if (InRow()) {
      if (!object) return Decline();
      used_ = 0;
    } else if (depth_ >= 4 && in_rows_) {
      return Decline();
    }
    return true;
  }

  bool Close() {
    if (InRow() && !ReadRow()) return Decline();
    if (depth_ == 2) in_context_ = in_rows_ = false;
    --depth_;
    return true;
  }

  const Field* Find(std::string_view key) const {
    for (std::size_t i = 0; i < used_; ++i) {
      if (fields_[i].key == key) return &fields_[i];
    }
    return nullptr;
  }

  // An optional string field; false when it is there with another type.
  bool OptionalText(std::string_view key, std::optional<std::string>& out) const {
    const Field* field = Find(key);
    if (field == nullptr) return true;
    if (field->type != Field::Type::kString) return false;
    out = field->text;
    return true;
  }

  // GoogleBenchmarkParser::ReadRow for the rows this reader accepts.
  bool ReadRow() {
    const Field* name = Find("name");
    if (name == nullptr || name->type != Field::Type::kString) return false;
    std::optional<std::string> run_name, run_type, aggregate_name, label, time_unit, aggregate_unit;
    if (!OptionalText("run_name", run_name) || !OptionalText("run_type", run_type) ||
        !OptionalText("aggregate_name", aggregate_name) || !OptionalText("label", label) ||
        !OptionalText("time_unit", time_unit) || !OptionalText("aggregate_unit", aggregate_unit)) {
      return false;
    }
    for (std::string_view flag : {"error_occurred", "skipped"}) {
      const Field* field = Find(flag);
      if (field != nullptr && (field->type != Field::Type::kBool || field->flag)) return false;
    }
    auto kind = ClassifyRow(name->text, run_name, run_type, aggregate_name);
    if (!kind || kind->aggregate == "BigO" || kind->aggregate == "RMS") return false;
    auto ns_per_unit = model::NanosecondsPer(time_unit.value_or("ns"));
    if (!ns_per_unit) return false;

    // The DOM reader sees a row's keys sorted (nlohmann's objects are
    // std::maps), and a benchmark's metrics are made in that order.
    order_.clear();
    for (std::size_t i = 0; i < used_; ++i) order_.push_back(&fields_[i]);
    std::sort(order_.begin(), order_.end(), [](const Field* a, const Field* b) { return a->key < b->key; });
    for (std::size_t i = 1; i < order_.size(); ++i) {
      if (order_[i - 1]->key == order_[i]->key) return false;  // the DOM keeps the last; leave it to it
    }

    model::Benchmark& benchmark = builder_.BenchmarkFor(kind->benchmark);
    if (label && benchmark.label.empty()) benchmark.label = *label;
    bool is_fraction = IsFraction(kind->aggregate, aggregate_unit);
    bool has_time = false;
    for (const Field* field : order_) {
      if (IsMetadata(field->key)) continue;
      if (field->type == Field::Type::kNumber) {
        has_time |= AddField(benchmark, field->key, field->number, *ns_per_unit, is_fraction, kind->aggregate);
      } else if (FindKnown(field->key) != nullptr) {
        return false;
      }
    }
    return has_time || kind->aggregate.has_value();
  }

  ResultsBuilder builder_;
  int depth_ = 0;
  bool in_context_ = false, in_rows_ = false, saw_rows_ = false, declined_ = false;
  std::string top_key_, context_key_, row_key_;
  std::set<std::string> top_keys_, context_keys_;
  std::vector<Field> fields_;
  std::size_t used_ = 0;
  std::vector<const Field*> order_;
};

class GoogleBenchmarkParser {
 public:
  explicit GoogleBenchmarkParser(std::string_view text) : text_(text) {}

  ParseResult Run() {
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
    if (builder_.results().benchmarks.empty()) {
      return tl::unexpected(ErrorAt(text_, "benchmarks", "no benchmark results in the file"));
    }
    return std::move(builder_.results());
  }

 private:
  void ReadContext(const json& context) {
    for (const auto& [key, value] : context.items()) {
      if (value.is_string()) {
        builder_.results().context[key] = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        builder_.results().context[key] = value.dump();
      }
    }
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

    auto kind = ClassifyRow(*name, *run_name, *run_type, *aggregate_name);
    if (!kind) return Fail(path + ".run_type", "expected \"iteration\" or \"aggregate\", got \"" + **run_type + "\"");
    const std::optional<std::string>& aggregate = kind->aggregate;
    model::Benchmark& benchmark = builder_.BenchmarkFor(kind->benchmark);
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
    bool is_fraction = IsFraction(aggregate, *aggregate_unit);

    bool has_time = false;
    for (const auto& [key, value] : row.items()) {
      if (IsMetadata(key)) continue;
      auto number = json_text::Number(value);
      if (!number) {
        // Unknown non-numeric fields from newer library versions are descriptive.
        if (FindKnown(key) == nullptr) continue;
        return Fail(path + "." + key, "expected a number, got " + std::string(json_text::TypeName(value)));
      }
      has_time |= AddField(benchmark, key, *number, *ns_per_unit, is_fraction, aggregate);
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
  ResultsBuilder builder_;
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

ParseResult ParseGoogleBenchmarkJson(std::string_view text) {
  if (auto results = FastReader().Run(text)) return std::move(*results);
  return GoogleBenchmarkParser(text).Run();
}

ParseResult ParseGoogleBenchmarkJsonWithDom(std::string_view text) { return GoogleBenchmarkParser(text).Run(); }

}  // namespace perfgate::parse
