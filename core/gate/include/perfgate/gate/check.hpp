#pragma once
// "Check a head against its baseline and budgets": the head (a results file or
// a stored commit), its baseline (given, or found by gate::FindBaseline), the
// testbed, history noise, then detect::EvaluateCheck.

#include <optional>
#include <string>

#include "perfgate/config/config.hpp"
#include "perfgate/detect/budget_check.hpp"
#include "perfgate/gate/compare.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/model/origin.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

struct CheckRequest {
  std::string project;
  // A results file (`results` set; `ref` may name its commit, to search the
  // store for its ancestors) or a stored ref.
  SideRequest head;
  // Absent: found by FindBaseline (when there is a store).
  std::optional<SideRequest> base;
  std::string testbed;         // "" = "default" when the head ran there, else a testbed it ran on
  std::string event_base_sha;  // the pull request's base commit, "" when unknown
};

struct CheckOutcome {
  detect::CheckResult result;
  std::optional<model::ResultsOrigin> base;  // absent: a file, or no baseline
  std::optional<model::ResultsOrigin> head;  // absent: a file not in the store
  std::string testbed;                       // of the stored sides; "" when none is stored
  std::string baseline_reason;               // how the baseline was found; "" when it was given or none was
};

// Errors: refs or testbeds the store lacks (kNotFound), a ref without a store
// and a budget that does not fit its metric (kInvalidInput; `where` is
// "perfgate.json: budgets[1].max"). Throws store::StoreError only.
Result<CheckOutcome> Check(store::Store* store, const config::Config& config, const CheckRequest& request);

}  // namespace perfgate::gate
