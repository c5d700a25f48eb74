#include "perfgate/config/config.hpp"

#include "perfgate/config/statistic.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

namespace perfgate::config {

namespace {

using nlohmann::json;

tl::unexpected<ConfigError> Fail(std::string where, std::string reason) {
  return tl::unexpected(ConfigError{std::move(where), std::move(reason)});
}

std::string TypeName(const json& value) { return value.type_name(); }

// Every key of `object` must be in `allowed`.
std::optional<ConfigError> CheckKeys(const json& object, const std::string& path,
                                     std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (auto name : allowed) known = known || key == name;
    if (!known) {
      std::string list;
      for (auto name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
      return ConfigError{path.empty() ? key : path + "." + key, "unknown key (expected one of: " + list + ")"};
    }
  }
  return std::nullopt;
}

tl::expected<std::string, ConfigError> String(const json& value, const std::string& where) {
  if (!value.is_string()) return Fail(where, "expected a string, got " + TypeName(value));
  return value.get<std::string>();
}

tl::expected<BudgetLevel, ConfigError> Level(const json& value, const std::string& where) {
  auto text = String(value, where);
  if (!text) return tl::unexpected(text.error());
  if (*text == "error") return BudgetLevel::kError;
  if (*text == "warn" || *text == "warning") return BudgetLevel::kWarn;
  if (*text == "off") return BudgetLevel::kOff;
  return Fail(where, "unknown level \"" + *text + "\" (expected error, warn or off)");
}

// A quantity: a string with a unit ("50ms", "100MB/s", "5%") or a plain number.
tl::expected<model::Quantity, ConfigError> QuantityAt(const json& value, const std::string& where) {
  if (value.is_number()) return model::Quantity{value.get<double>(), ""};
  if (!value.is_string()) return Fail(where, "expected a quantity such as \"50ms\", got " + TypeName(value));
  auto text = value.get<std::string>();
  auto quantity = model::ParseQuantity(text);
  if (!quantity) {
    return Fail(where, "\"" + text +
                           "\" is not a quantity with a known unit (ns, us, ms, s; B, KB, MB, GB, KiB, MiB, GiB; "
                           "/s, B/s, MB/s; %)");
  }
  return *quantity;
}

// A relative amount: "5%" or a plain fraction (0.05).
tl::expected<double, ConfigError> FractionAt(const json& value, const std::string& where) {
  auto quantity = QuantityAt(value, where);
  if (!quantity) return tl::unexpected(quantity.error());
  if (quantity->unit == "%") return quantity->value / 100.0;
  if (quantity->unit.empty()) return quantity->value;
  return Fail(where, "expected a percentage such as \"5%\", got a quantity in " + quantity->unit);
}

tl::expected<ConfigDefaults, ConfigError> ParseDefaults(const json& value) {
  ConfigDefaults defaults;
  if (!value.is_object()) return Fail("defaults", "expected an object, got " + TypeName(value));
  if (auto error = CheckKeys(value, "defaults", {"metric", "threshold", "alpha", "level"})) return tl::unexpected(*error);
  if (value.contains("metric")) {
    auto metric = String(value["metric"], "defaults.metric");
    if (!metric) return tl::unexpected(metric.error());
    if (metric->empty()) return Fail("defaults.metric", "must not be empty");
    defaults.metric = *metric;
  }
  if (value.contains("threshold")) {
    auto threshold = FractionAt(value["threshold"], "defaults.threshold");
    if (!threshold) return tl::unexpected(threshold.error());
    if (!(*threshold >= 0)) return Fail("defaults.threshold", "must not be negative");
    defaults.threshold = *threshold;
  }
  if (value.contains("alpha")) {
    const json& alpha = value["alpha"];
    if (!alpha.is_number()) return Fail("defaults.alpha", "expected a number, got " + TypeName(alpha));
    defaults.alpha = alpha.get<double>();
    if (!(defaults.alpha > 0 && defaults.alpha < 1)) return Fail("defaults.alpha", "must lie strictly between 0 and 1");
  }
  if (value.contains("level")) {
    auto level = Level(value["level"], "defaults.level");
    if (!level) return tl::unexpected(level.error());
    defaults.level = *level;
  }
  return defaults;
}

// Appends the Budgets of budgets[index].
std::optional<ConfigError> ParseBudgetEntry(const json& entry, std::size_t index, const ConfigDefaults& defaults,
                                            std::vector<Budget>& out) {
  std::string path = "budgets[" + std::to_string(index) + "]";
  if (!entry.is_object()) return ConfigError{path, "expected an object, got " + TypeName(entry)};
  if (auto error = CheckKeys(entry, path,
                             {"benchmark", "file", "metric", "statistic", "max", "min", "max_regression", "max_cv",
                              "max_size", "stretch", "level", "description", "min_ratio", "of_testbed", "of_benchmark"})) {
    return error;
  }
  Budget base;
  base.path = path;
  base.level = defaults.level;
  bool has_benchmark = entry.contains("benchmark"), has_file = entry.contains("file");
  if (has_benchmark == has_file) return ConfigError{path, "needs exactly one of \"benchmark\" or \"file\""};
  if (has_benchmark) {
    auto pattern = String(entry["benchmark"], path + ".benchmark");
    if (!pattern) return pattern.error();
    if (pattern->empty()) return ConfigError{path + ".benchmark", "must not be empty"};
    if (auto reason = GlobError(*pattern)) return ConfigError{path + ".benchmark", "bad glob \"" + *pattern + "\": " + *reason};
    base.pattern = *pattern;
  } else {
    auto file = String(entry["file"], path + ".file");
    if (!file) return file.error();
    auto name = std::filesystem::path(*file).filename().string();
    if (name.empty()) return ConfigError{path + ".file", "\"" + *file + "\" names no file"};
    base.file = *file;
    base.pattern = "size/" + name;
    base.metric = "value";
    for (const char* key : {"metric", "statistic", "max", "min", "max_regression", "max_cv"}) {
      if (entry.contains(key)) return ConfigError{path + "." + key, "not allowed in a file entry (use max_size)"};
    }
  }
  if (entry.contains("max_size") && !has_file) {
    return ConfigError{path + ".max_size", "only for a \"file\" entry (use max on a benchmark)"};
  }
  if (entry.contains("metric")) {
    auto metric = String(entry["metric"], path + ".metric");
    if (!metric) return metric.error();
    if (metric->empty()) return ConfigError{path + ".metric", "must not be empty"};
    base.metric = *metric;
  }
  if (entry.contains("statistic")) {
    auto statistic = String(entry["statistic"], path + ".statistic");
    if (!statistic) return statistic.error();
    if (!IsStatistic(*statistic)) {
      return ConfigError{path + ".statistic",
                         "unknown statistic \"" + *statistic +
                             "\" (expected median, mean, min, max, p50, p90, p95, p99, p99.9, stddev or cv)"};
    }
    base.statistic = *statistic;
  }
  if (entry.contains("level")) {
    auto level = Level(entry["level"], path + ".level");
    if (!level) return level.error();
    base.level = *level;
  }
  if (entry.contains("description")) {
    auto description = String(entry["description"], path + ".description");
    if (!description) return description.error();
    base.description = *description;
  }
  std::optional<model::Quantity> stretch;
  if (entry.contains("stretch")) {
    auto quantity = QuantityAt(entry["stretch"], path + ".stretch");
    if (!quantity) return quantity.error();
    stretch = *quantity;
  }

  std::size_t added = 0;
  std::vector<Budget> absolute;
  for (const char* key : {"max", "min", "max_size"}) {
    if (!entry.contains(key)) continue;
    auto quantity = QuantityAt(entry[key], path + "." + key);
    if (!quantity) return quantity.error();
    std::string key_text = key;
    if (key_text == "max_size" && quantity->unit != "B") {
      return ConfigError{path + ".max_size", "expected a size such as \"10MB\""};
    }
    Budget budget = base;
    budget.key = key_text;
    budget.kind = key_text == "min" ? BudgetKind::kMin : BudgetKind::kMax;
    budget.limit = *quantity;
    absolute.push_back(budget);
  }
  if (stretch) {
    if (absolute.size() != 1) {
      return ConfigError{path + ".stretch", "needs exactly one of max, min or max_size beside it"};
    }
    Budget& budget = absolute.front();
    std::string where = path + ".stretch";
    if (stretch->unit != budget.limit.unit) {
      return ConfigError{where, "unit " + (stretch->unit.empty() ? std::string("(none)") : stretch->unit) +
                                    " differs from the limit's " +
                                    (budget.limit.unit.empty() ? std::string("(none)") : budget.limit.unit)};
    }
    bool better = budget.kind == BudgetKind::kMin ? stretch->value >= budget.limit.value
                                                   : stretch->value <= budget.limit.value;
    if (!better) {
      return ConfigError{where, std::string("must be ") + (budget.kind == BudgetKind::kMin ? "at least" : "at most") +
                                    " the limit (" + budget.key + ")"};
    }
    budget.stretch = stretch;
  }
  for (auto& budget : absolute) {
    out.push_back(std::move(budget));
    ++added;
  }
  for (const char* key : {"max_regression", "max_cv"}) {
    if (!entry.contains(key)) continue;
    auto fraction = FractionAt(entry[key], path + "." + key);
    if (!fraction) return fraction.error();
    if (!(*fraction >= 0)) return ConfigError{path + "." + key, "must not be negative"};
    Budget budget = base;
    budget.key = key;
    budget.kind = std::string_view(key) == "max_regression" ? BudgetKind::kMaxRegression : BudgetKind::kMaxCv;
    budget.limit = model::Quantity{*fraction, ""};
    out.push_back(std::move(budget));
    ++added;
  }
  // min_ratio holds the head against one other: a testbed or a benchmark.
  bool has_other = entry.contains("of_testbed") || entry.contains("of_benchmark");
  if (entry.contains("of_testbed") && entry.contains("of_benchmark")) {
    return ConfigError{path + ".of_benchmark", "a min_ratio is of one testbed or of one benchmark, not both"};
  }
  if (entry.contains("min_ratio") != has_other) {
    return ConfigError{path + (entry.contains("min_ratio") ? ".min_ratio"
                               : entry.contains("of_testbed") ? ".of_testbed"
                                                              : ".of_benchmark"),
                       "min_ratio goes with of_testbed or of_benchmark (\"min_ratio\": \"95%\", \"of_testbed\": \"go\")"};
  }
  if (entry.contains("min_ratio")) {
    auto fraction = FractionAt(entry["min_ratio"], path + ".min_ratio");
    if (!fraction) return fraction.error();
    if (!(*fraction > 0)) return ConfigError{path + ".min_ratio", "must be above 0"};
    const char* other_key = entry.contains("of_testbed") ? "of_testbed" : "of_benchmark";
    auto other = String(entry[other_key], path + "." + other_key);
    if (!other) return other.error();
    if (other->empty()) return ConfigError{path + "." + other_key, "must not be empty"};
    Budget budget = base;
    budget.key = "min_ratio";
    budget.kind = BudgetKind::kMinRatio;
    budget.limit = model::Quantity{*fraction, ""};
    (entry.contains("of_testbed") ? budget.of_testbed : budget.of_benchmark) = *other;
    out.push_back(std::move(budget));
    ++added;
  }
  if (added == 0) {
    return ConfigError{path, "has no limit (expected max, min, max_regression, max_cv, max_size or min_ratio)"};
  }
  return std::nullopt;
}

// Length of the character class starting at pattern[start] == '[' (through its
// ']'), or absent when it is unclosed or empty.
std::optional<std::size_t> ClassLength(std::string_view pattern, std::size_t start) {
  std::size_t i = start + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
  std::size_t first = i;
  // A ']' right after the opening (or its negation) is a literal member.
  if (i < pattern.size() && pattern[i] == ']') ++i;
  while (i < pattern.size() && pattern[i] != ']') ++i;
  if (i >= pattern.size() || i == first) return std::nullopt;
  return i - start + 1;
}

}  // namespace

std::string_view ToString(BudgetLevel level) {
  switch (level) {
    case BudgetLevel::kError: return "error";
    case BudgetLevel::kWarn: return "warn";
    case BudgetLevel::kOff: return "off";
  }
  return "error";
}

std::string_view ToString(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::kMax: return "max";
    case BudgetKind::kMin: return "min";
    case BudgetKind::kMaxRegression: return "max_regression";
    case BudgetKind::kMaxCv: return "max_cv";
    case BudgetKind::kMinRatio: return "min_ratio";
  }
  return "max";
}

std::string ToString(const ConfigError& error) {
  return error.where.empty() ? error.reason : error.where + ": " + error.reason;
}

bool IsStatistic(std::string_view name) { return ParseStatistic(name).has_value(); }

std::optional<std::string> GlobError(std::string_view pattern) {
  if (pattern.find('\0') != std::string_view::npos) return "contains a NUL character";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (i + 1 == pattern.size()) return "a trailing '\\' escapes nothing";
      ++i;
    } else if (pattern[i] == '[') {
      auto length = ClassLength(pattern, i);
      if (!length) return "'[' at offset " + std::to_string(i) + " opens an unclosed or empty character class";
      i += *length - 1;
    } else if (pattern[i] == ']') {
      return "']' at offset " + std::to_string(i) + " closes no character class";
    }
  }
  return std::nullopt;
}

bool GlobMatch(std::string_view pattern, std::string_view name) {
  if (GlobError(pattern)) return false;
  // fnmatch(3) without flags is exactly the glob documented in budget.hpp: '*'
  // crosses '/', a leading '.' is not special, '\' escapes; the C locale the
  // program runs in makes '?' and classes match bytes.
  return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

bool IsLiteralPattern(std::string_view pattern) {
  return pattern.find_first_of("*?[\\") == std::string_view::npos;
}

tl::expected<Config, ConfigError> ParseConfig(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Fail("", "not valid JSON");
  if (!document.is_object()) return Fail("", "expected a JSON object at the top level, got " + TypeName(document));
  if (auto error = CheckKeys(document, "", {"$schema", "project", "baseline", "defaults", "budgets"})) {
    return tl::unexpected(*error);
  }
  Config config;
  if (document.contains("project")) {
    auto project = String(document["project"], "project");
    if (!project) return tl::unexpected(project.error());
    config.project = *project;
  }
  if (document.contains("baseline")) {
    const json& baseline = document["baseline"];
    if (!baseline.is_object()) return Fail("baseline", "expected an object, got " + TypeName(baseline));
    if (auto error = CheckKeys(baseline, "baseline", {"branch"})) return tl::unexpected(*error);
    if (baseline.contains("branch")) {
      auto branch = String(baseline["branch"], "baseline.branch");
      if (!branch) return tl::unexpected(branch.error());
      config.baseline_branch = *branch;
    }
  }
  if (document.contains("defaults")) {
    auto defaults = ParseDefaults(document["defaults"]);
    if (!defaults) return tl::unexpected(defaults.error());
    config.defaults = *defaults;
  }
  if (document.contains("budgets")) {
    const json& budgets = document["budgets"];
    if (!budgets.is_array()) return Fail("budgets", "expected an array, got " + TypeName(budgets));
    for (std::size_t i = 0; i < budgets.size(); ++i) {
      if (auto error = ParseBudgetEntry(budgets[i], i, config.defaults, config.budgets)) return tl::unexpected(*error);
    }
  }
  return config;
}

}  // namespace perfgate::config
