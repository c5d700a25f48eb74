#include "perfgate/gate/error.hpp"

#include <cmath>
#include <cstdlib>

#include "perfgate/model/names.hpp"

namespace perfgate::gate {

namespace {

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

Result<double> ParseThreshold(std::string_view where, std::string_view text) {
  std::optional<double> value;
  if (!text.empty() && text.back() == '%') {
    if (auto percent = ParseNumber(text.substr(0, text.size() - 1))) value = *percent / 100;
  } else {
    value = ParseNumber(text);
  }
  if (!value || *value < 0 || *value >= 10) {
    return Fail(ErrorKind::kInvalidInput, std::string(where),
                std::string(where) + ": expected a percentage such as 5% or a fraction such as 0.05, got " +
                    std::string(text));
  }
  return *value;
}

Result<double> ParseAlpha(std::string_view where, std::string_view text) {
  auto value = ParseNumber(text);
  if (!value || !(*value > 0 && *value < 1)) {
    return Fail(ErrorKind::kInvalidInput, std::string(where),
                std::string(where) + ": expected a number between 0 and 1, got " + std::string(text));
  }
  return *value;
}

Result<std::pair<std::string, std::string>> ParseNameMapping(std::string_view where, std::string_view text) {
  std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return Fail(ErrorKind::kInvalidInput, std::string(where),
                std::string(where) + ": expected BASE_NAME=HEAD_NAME, got " + std::string(text));
  }
  std::pair<std::string, std::string> mapping{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
  for (const std::string* name : {&mapping.first, &mapping.second}) {
    if (auto problem = CheckName(where, *name)) return tl::unexpected(*problem);
  }
  return mapping;
}

std::optional<GateError> CheckName(std::string_view where, std::string_view name) {
  if (auto problem = model::NameProblem(name)) {
    return GateError{ErrorKind::kInvalidInput, std::string(where), std::string(where) + ": " + *problem};
  }
  return std::nullopt;
}

std::optional<GateError> PrepareResults(model::Results& results) {
  for (std::size_t i = 0; i < results.benchmarks.size(); ++i) {
    const model::Benchmark& benchmark = results.benchmarks[i];
    // Made only for a refusal: made for every row, it was 4 % of a large ingest.
    auto where = [i] { return "benchmark " + std::to_string(i + 1); };
    if (auto problem = model::NameProblem(benchmark.name)) {
      return GateError{ErrorKind::kInvalidInput, where(), where() + " name: " + *problem};
    }
    for (const model::Metric& metric : benchmark.metrics) {
      if (auto problem = model::NameProblem(metric.name)) {
        return GateError{ErrorKind::kInvalidInput, where(), where() + " (" + benchmark.name + "), metric name: " + *problem};
      }
    }
  }
  // Only once nothing is refused: free text is made valid UTF-8 in place.
  model::RepairFreeText(results);
  return std::nullopt;
}

}  // namespace perfgate::gate
