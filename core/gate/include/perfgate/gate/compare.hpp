#pragma once
// "Compare two refs": both sides resolved (a results file, or a commit or branch
// in the store on a testbed), the head's names mapped onto the base's, history
// noise from the base branch, then detect::CompareReports.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfgate/detect/compare.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/model/origin.hpp"
#include "perfgate/model/results.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// One side of a comparison or check: parsed results (a file) or a ref in the store.
struct SideRequest {
  std::string ref;                       // a commit or branch; ignored when `results` is set
  std::optional<model::Results> results;  // a results file, already parsed
  std::string label;                     // the file's name, for reports
  std::string testbed;                   // "" = the request's testbed, else chosen
};

struct CompareRequest {
  std::string project;
  SideRequest base;
  SideRequest head;
  std::string testbed;  // both sides, unless a side names its own
  // Base benchmark name -> the head's name for it, for two suites that name
  // the same thing differently (an implementation in Go, another in Rust).
  std::vector<std::pair<std::string, std::string>> name_map;
  // metric, threshold, alpha; history_noise is filled here.
  detect::CompareOptions options;
};

struct CompareOutcome {
  detect::Comparison comparison;
  std::optional<model::ResultsOrigin> base;  // absent for a results file
  std::optional<model::ResultsOrigin> head;
};

// Resolves both sides and compares them. `store` may be null when both sides
// are files. Errors: a ref or testbed the store does not have (kNotFound); a
// metric no benchmark of either side has, or a mapped name the head lacks
// (kInvalidInput, naming what exists). Throws store::StoreError only.
Result<CompareOutcome> CompareSides(store::Store* store, const CompareRequest& request);

// The head renamed through `name_map` (head name -> base name); kInvalidInput
// naming the head's benchmarks when a mapped head name is absent.
Result<model::Results> MapNames(model::Results head, const std::vector<std::pair<std::string, std::string>>& name_map);

// kInvalidInput naming the metrics that exist when no benchmark of `reports`
// has `metric`.
std::optional<GateError> CheckMetricExists(const std::string& metric, const std::vector<const model::Results*>& reports);

}  // namespace perfgate::gate
