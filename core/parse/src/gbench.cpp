// Google Benchmark JSON (library versions 1.5 to 1.9): the reporter's "context"
// block and its "benchmarks" array of iteration rows (one per repetition) and
// aggregate rows (_mean, _median, _stddev, _cv, _BigO, _RMS and user statistics).

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"
#include "json_scanner.hpp"

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
std::optional<std::string_view> AggregateSuffix(std::string_view name) {
  for (std::string_view suffix : {"_mean", "_median", "_stddev", "_cv", "_BigO", "_RMS"}) {
    if (EndsWith(name, suffix)) return suffix.substr(1);
  }
  return std::nullopt;
}

// What a row reports: the benchmark it belongs to and, for an aggregate row,
// the aggregate's name (views of the row's strings, or of literals).
// nullopt for a run_type other than iteration/aggregate.
struct RowKind {
  std::string_view benchmark;
  std::optional<std::string_view> aggregate;
};
std::optional<RowKind> ClassifyRow(std::string_view name, std::optional<std::string_view> run_name,
                                   std::optional<std::string_view> run_type,
                                   std::optional<std::string_view> aggregate_name) {
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
  // The length wraps when the aggregate's name is longer: substr keeps the whole name then.
  if (!run_name && kind.aggregate) kind.benchmark = name.substr(0, name.size() - kind.aggregate->size() - 1);
  return kind;
}

// A "percentage" aggregate (the coefficient of variation) is a fraction, not a time.
bool IsFraction(std::optional<std::string_view> aggregate, std::optional<std::string_view> aggregate_unit) {
  return aggregate && (aggregate_unit.value_or("") == "percentage" || *aggregate == "cv");
}

// How AddField finds its metric: by name, or (`kNew`, for a caller that knows
// the benchmark has no metric of that name) by appending it.
enum class Lookup { kByName, kNew };

// One numeric field of a row: a known metric in its canonical unit and
// direction, or a user counter (higher is better). True for a time field. A
// metric made for a sample reserves `expected_samples` (the row's repetitions).
bool AddField(model::Benchmark& benchmark, std::string_view key, double number, double ns_per_unit, bool is_fraction,
              std::optional<std::string_view> aggregate, std::size_t expected_samples = 0,
              Lookup lookup = Lookup::kByName) {
  const KnownMetric* known = FindKnown(key);
  std::string_view unit = known ? known->unit : "";
  Direction direction = known ? known->direction : Direction::kHigherIsBetter;
  bool is_time = known && known->kind == Kind::kTime;
  if (is_time && !is_fraction) number *= ns_per_unit;
  model::Metric* metric = nullptr;
  if (lookup == Lookup::kNew) {
    // Braces, not emplace_back's parentheses: clang 14 (the fuzzers' compiler) has no parenthesized aggregate init.
    metric = &benchmark.metrics.emplace_back(
        model::Metric{.name = std::string(key), .unit = std::string(unit), .direction = direction});
  } else {
    metric = &model::MetricNamed(benchmark, key, unit, direction);
  }
  if (aggregate) {
    metric->aggregates.insert_or_assign(std::string(*aggregate), number);
  } else {
    if (metric->samples.empty()) metric->samples.reserve(expected_samples);
    metric->samples.push_back(number);
  }
  return is_time;
}

// The results being built, with each benchmark found by name: an open-addressing
// table of indices into results().benchmarks (a name's key is the benchmark's
// own name, so nothing is copied), and the last benchmark found checked first
// (a benchmark's repetitions and aggregates come one after another).
class ResultsBuilder {
 public:
  ResultsBuilder() { results_.format = "gbench"; }

  // Starts loading the slot of a name BenchmarkFor will likely be asked for
  // (the table is larger than the caches; the rest of the row hides the miss).
  void Prefetch(std::string_view name) {
    hinted_ = name;
    has_hint_ = true;
    hinted_hash_ = Hash(name);
    if (!slots_.empty()) __builtin_prefetch(&slots_[hinted_hash_ & (slots_.size() - 1)]);
  }
  void ClearHint() { has_hint_ = false; }

  model::Benchmark& BenchmarkFor(std::string_view name) {
    std::vector<model::Benchmark>& benchmarks = results_.benchmarks;
    if (last_ < benchmarks.size() && benchmarks[last_].name == name) return benchmarks[last_];
    if ((benchmarks.size() + 1) * 2 > slots_.size()) Rehash(std::max<std::size_t>(64, slots_.size() * 2));
    bool hinted = has_hint_ && name.data() == hinted_.data() && name.size() == hinted_.size();
    std::uint32_t hash = hinted ? hinted_hash_ : Hash(name);
    for (std::size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.index == 0) {
        benchmarks.emplace_back().name = name;
        slot = Slot{hash, static_cast<std::uint32_t>(benchmarks.size())};
        last_ = benchmarks.size() - 1;
        return benchmarks.back();
      }
      if (slot.hash == hash && benchmarks[slot.index - 1].name == name) {
        last_ = slot.index - 1;
        return benchmarks[last_];
      }
    }
  }
  model::Results& results() { return results_; }
  void Reserve(std::size_t benchmarks) {
    results_.benchmarks.reserve(benchmarks);
    std::size_t slots = 64;
    while (slots < benchmarks * 2) slots *= 2;
    if (slots > slots_.size()) Rehash(slots);
  }

 private:
  // index is 1 + the benchmark's position, 0 for a free slot (4e9 benchmarks
  // would take terabytes: 32 bits are enough).
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t index = 0;
  };

  static std::uint32_t Hash(std::string_view name) {
    std::size_t hash = std::hash<std::string_view>{}(name);
    return static_cast<std::uint32_t>(hash ^ (hash >> 32));
  }

  void Rehash(std::size_t size) {
    std::vector<Slot> slots(size);
    for (const Slot& slot : slots_) {
      if (slot.index == 0) continue;
      std::size_t i = slot.hash & (size - 1);
      while (slots[i].index != 0) i = (i + 1) & (size - 1);
      slots[i] = slot;
    }
    slots_ = std::move(slots);
  }

  model::Results results_;
  std::vector<Slot> slots_;
  std::size_t last_ = 0;
  std::string_view hinted_;  // the very view Prefetch was given, with its hash
  bool has_hint_ = false;
  std::uint32_t hinted_hash_ = 0;
};

// The fast reader's fields, those the DOM reader reads or skips by name:
// kMetadataFields then kKnownMetrics, in their order.
constexpr std::size_t kFieldCount = kMetadataFields.size() + kKnownMetrics.size();
enum Field : std::uint8_t {
  kName = 0,
  kRunName = 3,
  kRunType = 4,
  kRepetitions = 5,
  kTimeUnit = 9,
  kLabel = 10,
  kErrorOccurred = 11,
  kErrorMessage = 12,
  kSkipped = 13,
  kSkipMessage = 14,
  kAggregateName = 15,
  kAggregateUnit = 16,
  kBigO = 17,
  kRealCoefficient = 18,
  kCpuCoefficient = 19,
  kRms = 20,
  kFirstMetric = 21,
  kOther = 0xFF,
};
constexpr std::string_view FieldName(std::size_t field) {
  return field < kFirstMetric ? kMetadataFields[field] : kKnownMetrics[field - kFirstMetric].name;
}
static_assert(FieldName(kRunName) == "run_name" && FieldName(kRepetitions) == "repetitions" &&
              FieldName(kTimeUnit) == "time_unit" && FieldName(kSkipMessage) == "skip_message" &&
              FieldName(kAggregateName) == "aggregate_name" && FieldName(kRms) == "rms" &&
              FieldName(kFirstMetric) == "real_time" && kFieldCount <= 64);

// The fields by length, so a key is compared with at most four of them.
constexpr std::size_t kLongestField = 25;
struct ByLength {
  std::array<std::array<std::uint8_t, 4>, kLongestField + 1> fields{};
  std::array<std::uint8_t, kLongestField + 1> count{};
};
constexpr ByLength kByLength = [] {
  ByLength table;
  for (std::size_t field = 0; field < kFieldCount; ++field) {
    std::size_t length = FieldName(field).size();
    if (length > kLongestField || table.count[length] == 4) throw "kByLength is too small";
    table.fields[length][table.count[length]++] = static_cast<std::uint8_t>(field);
  }
  return table;
}();

// Whether the `size` bytes at `a` and `b` are the same, a word at a time: a
// field name is compared in two or three loads rather than a call to memcmp.
bool SameBytes(const char* a, const char* b, std::size_t size) {
  auto word = [](const char* at) {
    std::uint64_t value;
    std::memcpy(&value, at, sizeof value);
    return value;
  };
  auto half = [](const char* at) {
    std::uint32_t value;
    std::memcpy(&value, at, sizeof value);
    return value;
  };
  if (size >= 8) {
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      if (word(a + i) != word(b + i)) return false;
    }
    return word(a + size - 8) == word(b + size - 8);
  }
  if (size >= 4) return half(a) == half(b) && half(a + size - 4) == half(b + size - 4);
  return size == 0 || (a[0] == b[0] && a[size / 2] == b[size / 2] && a[size - 1] == b[size - 1]);
}

Field FieldOf(std::string_view key) {
  if (key.size() > kLongestField) return kOther;
  for (std::size_t i = 0; i < kByLength.count[key.size()]; ++i) {
    std::uint8_t field = kByLength.fields[key.size()][i];
    // The first and middle bytes rule most candidates out.
    std::string_view name = FieldName(field);
    if (name[0] != key[0] || name[key.size() / 2] != key[key.size() / 2]) continue;
    if (SameBytes(name.data(), key.data(), key.size())) return static_cast<Field>(field);
  }
  return kOther;
}

// The fast reader: one pass over the text (json_scan::Scanner) straight into
// the results, no JSON value per row. It reads the shape every Google Benchmark
// version writes (a context object, a "benchmarks" array of flat rows of
// strings, numbers and booleans, failed and skipped rows, aggregates, complexity
// fits) with the DOM reader's rules, and declines anything else: duplicate keys,
// a field of a type the DOM reader refuses, a row of a shape it refuses, any
// JSON it does not accept. A declined file is read by the DOM reader, whose
// messages name the line and field, so both give the same results for every
// file (tests/core/parse/gbench_test.cpp).
class FastReader {
 public:
  std::optional<model::Results> Run(std::string_view text) {
    // A row takes some 250 bytes; reserving for that many saves the rehashes
    // and moves of a growing suite (a few per cent of a large file's parse).
    builder_.Reserve(std::min<std::size_t>(text.size() / 256, 1 << 20));
    json_scan::Scanner scanner(text);
    if (!scanner.Consume('{') || !ReadTop(scanner) || !scanner.AtEnd()) return std::nullopt;
    if (!saw_rows_ || builder_.results().benchmarks.empty()) return std::nullopt;
    return std::move(builder_.results());
  }

 private:
  // One field's value; storage holds a string that had escapes.
  struct Slot {
    json_scan::Value value;
    std::string storage;
  };
  // A field the DOM reader knows nothing of (user counters, newer fields). In a
  // deque, so the views into a growing row's storage stay valid.
  struct OtherField {
    std::string_view key;
    json_scan::Value value;
    std::string key_storage, storage;
  };
  // A numeric field of a row, in the order the DOM reader meets them.
  struct Number {
    std::string_view key;
    double value;
  };

  bool ReadTop(json_scan::Scanner& scanner) {
    if (scanner.Consume('}')) return true;
    std::string_view key;
    bool saw_context = false;
    do {
      if (!scanner.String(key, key_storage_) || !scanner.Consume(':')) return false;
      if (key == "context") {
        if (saw_context || scanner.Peek() != '{' || !ReadContext(scanner)) return false;
        saw_context = true;
      } else if (key == "benchmarks") {
        if (saw_rows_ || !scanner.Consume('[') || !ReadRows(scanner)) return false;
        saw_rows_ = true;
      } else if (!scanner.Skip()) {
        return false;
      }
    } while (scanner.Consume(','));
    return scanner.Consume('}');
  }

  // The DOM reader's ReadContext: strings, numbers and booleans kept as text.
  bool ReadContext(json_scan::Scanner& scanner) {
    scanner.Consume('{');
    if (scanner.Consume('}')) return true;
    std::map<std::string, std::string>& context = builder_.results().context;
    std::string_view key;
    json_scan::Value value;
    do {
      if (!scanner.String(key, key_storage_) || !scanner.Consume(':')) return false;
      // The DOM keeps the last of repeated keys; leave those to it.
      if (!context_keys_.emplace(key).second) return false;
      if (!scanner.Read(value, value_storage_)) return false;
      switch (value.type) {
        case json_scan::Value::Type::kString: context[std::string(key)] = value.text; break;
        case json_scan::Value::Type::kNumber: context[std::string(key)] = json_scan::DumpNumber(value.text); break;
        case json_scan::Value::Type::kBool: context[std::string(key)] = value.flag ? "true" : "false"; break;
        default: break;
      }
    } while (scanner.Consume(','));
    return scanner.Consume('}');
  }

  bool ReadRows(json_scan::Scanner& scanner) {
    if (scanner.Consume(']')) return true;
    do {
      if (!scanner.Consume('{') || !ReadFields(scanner) || !ReadRow()) return false;
    } while (scanner.Consume(','));
    return scanner.Consume(']');
  }

  // A row's fields into slots_ and others_, refusing repeated keys.
  bool ReadFields(json_scan::Scanner& scanner) {
    present_ = 0;
    others_used_ = 0;
    builder_.ClearHint();
    if (scanner.Consume('}')) return true;
    std::string_view key;
    do {
      if (!scanner.String(key, key_storage_) || !scanner.Consume(':')) return false;
      Field field = FieldOf(key);
      if (field != kOther) {
        std::uint64_t bit = std::uint64_t{1} << field;
        if ((present_ & bit) != 0) return false;
        present_ |= bit;
        Slot& slot = slots_[field];
        if (!scanner.Read(slot.value, slot.storage)) return false;
        if ((field == kName || field == kRunName) && slot.value.type == json_scan::Value::Type::kString) {
          builder_.Prefetch(slot.value.text);
        }
        continue;
      }
      if (others_used_ == others_.size()) others_.emplace_back();
      OtherField& other = others_[others_used_];
      if (key.data() == key_storage_.data()) {
        other.key_storage = key;
        key = other.key_storage;
      }
      for (std::size_t i = 0; i < others_used_; ++i) {
        if (others_[i].key == key) return false;
      }
      other.key = key;
      ++others_used_;
      if (!scanner.Read(other.value, other.storage)) return false;
    } while (scanner.Consume(','));
    return scanner.Consume('}');
  }

  const json_scan::Value* Get(Field field) const {
    return ((present_ >> field) & 1) != 0 ? &slots_[field].value : nullptr;
  }
  // An optional string field; false when it is there with another type.
  bool OptionalText(Field field, std::optional<std::string_view>& out) const {
    const json_scan::Value* value = Get(field);
    if (value == nullptr) return true;
    if (value->type != json_scan::Value::Type::kString) return false;
    out = value->text;
    return true;
  }
  // A required number (json_text::RequireNumber).
  std::optional<double> RequireNumber(Field field) const {
    const json_scan::Value* value = Get(field);
    return value != nullptr ? json_scan::NumberOf(*value) : std::nullopt;
  }

  // GoogleBenchmarkParser::ReadRow, step for step; false wherever it fails.
  bool ReadRow() {
    const json_scan::Value* name = Get(kName);
    if (name == nullptr || name->type != json_scan::Value::Type::kString) return false;
    std::optional<std::string_view> run_name, run_type, aggregate_name, label;
    if (!OptionalText(kRunName, run_name) || !OptionalText(kRunType, run_type) ||
        !OptionalText(kAggregateName, aggregate_name) || !OptionalText(kLabel, label)) {
      return false;
    }
    auto kind = ClassifyRow(name->text, run_name, run_type, aggregate_name);
    if (!kind) return false;
    const std::optional<std::string_view>& aggregate = kind->aggregate;
    model::Benchmark& benchmark = builder_.BenchmarkFor(kind->benchmark);
    if (label && benchmark.label.empty()) benchmark.label = *label;

    if (!ReadFailure(benchmark)) return false;
    if (benchmark.error && benchmark.metrics.empty() && !aggregate) return true;

    std::optional<std::string_view> time_unit;
    if (!OptionalText(kTimeUnit, time_unit)) return false;
    auto ns_per_unit = model::NanosecondsPer(time_unit.value_or("ns"));
    if (!ns_per_unit) return false;
    if (aggregate == "BigO" || aggregate == "RMS") return ReadFit(*aggregate, *ns_per_unit, benchmark);

    std::optional<std::string_view> aggregate_unit;
    if (!OptionalText(kAggregateUnit, aggregate_unit)) return false;
    bool is_fraction = IsFraction(aggregate, aggregate_unit);

    // The DOM reader meets a row's fields in key order (nlohmann's objects are
    // std::maps), and a benchmark's metrics are made in that order.
    numbers_.clear();
    for (std::size_t field = kFirstMetric; field < kFieldCount; ++field) {
      const json_scan::Value* value = Get(static_cast<Field>(field));
      if (value == nullptr) continue;
      auto number = json_scan::NumberOf(*value);
      if (!number) return false;  // a known metric must be a number
      numbers_.push_back(Number{FieldName(field), *number});
    }
    for (std::size_t i = 0; i < others_used_; ++i) {
      // Unknown non-numeric fields from newer library versions are descriptive.
      if (auto number = json_scan::NumberOf(others_[i].value)) numbers_.push_back(Number{others_[i].key, *number});
    }
    if (numbers_.size() > 1) {
      std::sort(numbers_.begin(), numbers_.end(), [](const Number& a, const Number& b) { return a.key < b.key; });
    }
    // A benchmark without metrics gets each of the row's (its keys are distinct).
    Lookup lookup = benchmark.metrics.empty() ? Lookup::kNew : Lookup::kByName;
    if (lookup == Lookup::kNew) benchmark.metrics.reserve(numbers_.size());
    std::size_t repetitions = Repetitions();
    bool has_time = false;
    for (const Number& number : numbers_) {
      has_time |=
          AddField(benchmark, number.key, number.value, *ns_per_unit, is_fraction, aggregate, repetitions, lookup);
    }
    return has_time || aggregate.has_value();
  }

  // The row's repetitions, to reserve a new metric's samples: 1 unless it is a
  // small whole number.
  std::size_t Repetitions() const {
    const json_scan::Value* value = Get(kRepetitions);
    if (value == nullptr || value->type != json_scan::Value::Type::kNumber) return 1;
    auto number = json_scan::NumberOf(value->text);
    return number && *number >= 1 && *number <= 1024 ? static_cast<std::size_t>(*number) : 1;
  }

  // GoogleBenchmarkParser::ReadFailure.
  bool ReadFailure(model::Benchmark& benchmark) const {
    for (auto [flag, message_field] : {std::pair{kErrorOccurred, kErrorMessage}, std::pair{kSkipped, kSkipMessage}}) {
      const json_scan::Value* value = Get(flag);
      if (value == nullptr) continue;
      if (value->type != json_scan::Value::Type::kBool) return false;
      if (!value->flag) continue;
      std::optional<std::string_view> message;
      if (!OptionalText(message_field, message)) return false;
      benchmark.error = std::string(message.value_or(flag == kSkipped ? "skipped" : "error"));
      benchmark.skipped = flag == kSkipped;
      benchmark.metrics.clear();
      return true;
    }
    return true;
  }

  // GoogleBenchmarkParser::ReadFit.
  bool ReadFit(std::string_view aggregate, double ns_per_unit, model::Benchmark& benchmark) const {
    if (aggregate == "RMS") {
      auto rms = RequireNumber(kRms);
      if (!rms) return false;
      for (model::ComplexityFit& fit : benchmark.fits) fit.rms = *rms;
      return true;
    }
    std::optional<std::string_view> complexity;
    if (!OptionalText(kBigO, complexity) || !complexity) return false;
    auto real = RequireNumber(kRealCoefficient), cpu = RequireNumber(kCpuCoefficient);
    if (!real || !cpu) return false;
    for (auto [metric, coefficient] : {std::pair{"real_time", *real}, std::pair{"cpu_time", *cpu}}) {
      benchmark.fits.push_back(model::ComplexityFit{.metric = metric,
                                                    .complexity = std::string(*complexity),
                                                    .coefficient = coefficient * ns_per_unit,
                                                    .unit = "ns",
                                                    .rms = std::nullopt});
    }
    return true;
  }

  ResultsBuilder builder_;
  bool saw_rows_ = false;
  std::set<std::string, std::less<>> context_keys_;
  std::string key_storage_, value_storage_;
  std::array<Slot, kFieldCount> slots_;
  std::uint64_t present_ = 0;
  std::deque<OtherField> others_;
  std::size_t others_used_ = 0;
  std::vector<Number> numbers_;
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
    const std::optional<std::string_view>& aggregate = kind->aggregate;
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

  std::optional<ParseError> ReadFit(const json& row, const std::string& path, std::string_view aggregate,
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

std::optional<model::Results> ParseGoogleBenchmarkJsonFast(std::string_view text) { return FastReader().Run(text); }

}  // namespace perfgate::parse
