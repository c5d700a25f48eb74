#pragma once
// The expected failures of a use case, as values: what the caller asked for is
// unusable (kInvalidInput) or names something the store does not have
// (kNotFound). The doors translate them: the CLI to exit 2, the server to 400 /
// 404, each with `message`, which names `where` and, when something did not
// match, what exists instead.

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "perfgate/model/results.hpp"

namespace perfgate::gate {

enum class ErrorKind { kInvalidInput, kNotFound };

struct GateError {
  ErrorKind kind = ErrorKind::kInvalidInput;
  std::string where;    // the parameter: "base", "metric", "testbed", "perfgate.json: budgets[2].max"
  std::string message;  // a whole sentence, starting with `where`
  // A machine-readable name for the server's {"error":{"code"}}: "commit_not_found",
  // "results_not_found", "unknown_metric", "invalid_config"; "" = by kind.
  std::string code = "";
};

template <typename T>
using Result = tl::expected<T, GateError>;

inline tl::unexpected<GateError> Fail(ErrorKind kind, std::string where, std::string message, std::string code = "") {
  return tl::unexpected(GateError{kind, std::move(where), std::move(message), std::move(code)});
}

// "5%" or "0.05" -> 0.05; a threshold is at least 0 and below 10 (1000 %).
Result<double> ParseThreshold(std::string_view where, std::string_view text);
// A number strictly between 0 and 1.
Result<double> ParseAlpha(std::string_view where, std::string_view text);
// "OLD=NEW" (split at the first '='): a base benchmark name and the head's name for it.
Result<std::pair<std::string, std::string>> ParseNameMapping(std::string_view where, std::string_view text);
// Refuses a name the model's rule refuses (model/names.hpp), naming `where`.
std::optional<GateError> CheckName(std::string_view where, std::string_view name);
// Readies parsed results for storing; every door calls it before anything is
// stored. Refuses the first benchmark or metric name the rule refuses, where
// "benchmark 3 (\"name\")", and then makes the free text valid UTF-8
// (model::RepairFreeText), so both backends store the same text (PostgreSQL
// refuses text that is not UTF-8; SQLite keeps whatever it gets).
std::optional<GateError> PrepareResults(model::Results& results);

}  // namespace perfgate::gate
