#pragma once
// The perfgate.json schema: the budgets a pull request is checked against
// (docs/architecture.md, README "Budgets"); its own module, so the schema is read
// without the evaluation. Parsing validates everything that can be validated without data:
// keys, types, units, globs, levels. Whether a budget's unit fits its metric is
// known only when the metric is seen, so that is checked by EvaluateCheck
// (detect/budget_check.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "perfgate/model/units.hpp"

namespace perfgate::config {

// error: a breach fails the check; warn: reported only; off: not evaluated.
enum class BudgetLevel { kError, kWarn, kOff };

// "error", "warn", "off".
std::string_view ToString(BudgetLevel level);

// What a budget limits.
//   kMax / kMin       an absolute limit on a metric or a statistic of its samples
//   kMaxRegression    head / baseline - 1 in the metric's bad direction (a fraction)
//   kMaxCv            coefficient of variation of the head's samples (a fraction)
// A `file` entry's max_size is a kMax on benchmark "size/<file name>", metric "value".
//   kMinRatio         the head's value against another testbed's on the same
//                     commit ("min_ratio": "95%", "of_testbed": "go"), or against
//                     another benchmark of the same run ("min_ratio": "40%",
//                     "of_benchmark": "BM_Yardstick"), in the metric's good
//                     direction: head / other for higher-is-better, other / head
//                     for lower-is-better; at least the limit
enum class BudgetKind { kMax, kMin, kMaxRegression, kMaxCv, kMinRatio };

// "max", "min", "max_regression", "max_cv".
std::string_view ToString(BudgetKind kind);

// One limit of one entry of "budgets" (an entry with both "max" and "min"
// becomes two Budgets sharing `path`).
struct Budget {
  std::string path;     // "budgets[2]", for messages
  std::string key;      // the limit's key: "max", "min", "max_regression", "max_cv", "max_size"
  std::string pattern;  // benchmark glob; "size/<file name>" for a file entry
  std::string file;     // the file entry as written, "" otherwise
  // The metric as written: a stored metric ("real_time", "bytes_per_second",
  // "value") or a statistic of the default metric's samples ("median", "mean",
  // "min", "max", "p50", "p90", "p95", "p99", "p99.9", "stddev", "cv"). Absent:
  // the defaults' metric.
  std::optional<std::string> metric;
  // A statistic of `metric`'s samples ("statistic": "p95"); absent: its median.
  std::optional<std::string> statistic;
  BudgetKind kind = BudgetKind::kMax;
  // The limit. kMax/kMin: a quantity in a canonical unit ("ns", "B", "/s", "B/s",
  // "%", "" for a plain number). kMaxRegression/kMaxCv: a fraction in `limit.value`
  // with unit "%" dropped (0.5 for "50%").
  model::Quantity limit;
  // A better value worth celebrating (kMax/kMin only): at or beyond it the budget
  // is "stretch met".
  std::optional<model::Quantity> stretch;
  BudgetLevel level = BudgetLevel::kError;
  std::string description;  // "" when none
  std::string of_testbed;   // kMinRatio: the testbed the head is held against, or
  std::string of_benchmark; // the benchmark of the same run it is held against (one is set)
};

struct ConfigDefaults {
  // The metric budgets and the comparison use; absent: real_time when a
  // benchmark has it, otherwise its only metric (model::DefaultMetric).
  std::optional<std::string> metric;
  double threshold = 0.05;  // fraction
  double alpha = 0.05;
  // Level of budgets that name none, and of regressions the comparison finds
  // (significant and beyond the threshold).
  BudgetLevel level = BudgetLevel::kError;
};

struct Config {
  std::string project;          // "" when absent
  std::string baseline_branch;  // "" when absent (then "main" is not assumed)
  ConfigDefaults defaults;
  std::vector<Budget> budgets;  // in file order; level-off budgets included
};

// Where (a JSON key path such as "budgets[2].max") and why a config is invalid.
struct ConfigError {
  std::string where;
  std::string reason;
};

// "budgets[2].max: unknown unit ..."
std::string ToString(const ConfigError& error);

// Parses and validates perfgate.json. Errors name the key path: unknown keys,
// wrong types, bad quantities or units, bad globs, unknown levels, an entry
// without a limit or with both "benchmark" and "file", a stretch that is not
// better than its limit. Never throws.
tl::expected<Config, ConfigError> ParseConfig(std::string_view json_text);

// Statistics a budget's metric may name: "median", "mean", "min", "max", "p50",
// "p90", "p95", "p99", "p99.9" (also "p999"), "stddev", "cv".
bool IsStatistic(std::string_view name);

// Checks a benchmark glob: `*` (any run, also across '/'), `?` (one character),
// `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`, `\x` (a literal x). Returns the reason
// when malformed (an unclosed '[', an empty class, a trailing '\'), else absent.
std::optional<std::string> GlobError(std::string_view pattern);

// True when the whole `name` matches the glob `pattern` (which must be valid;
// an invalid pattern matches nothing).
bool GlobMatch(std::string_view pattern, std::string_view name);

// True when the pattern has no glob metacharacters (it names one benchmark).
bool IsLiteralPattern(std::string_view pattern);

}  // namespace perfgate::config
