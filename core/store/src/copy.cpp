#include "perfgate/store/copy.hpp"

namespace perfgate::store {

namespace {

// "runs: source 12, target 10" for each count the target lacks.
std::string Shortfall(const StoreTotals& source, const StoreTotals& target, bool exact) {
  std::string out;
  auto compare = [&](const char* name, std::int64_t from, std::int64_t to) {
    if (exact ? to == from : to >= from) return;
    if (!out.empty()) out += "; ";
    out += std::string(name) + ": source " + std::to_string(from) + ", target " + std::to_string(to);
  };
  compare("projects", source.projects, target.projects);
  compare("commits", source.commits, target.commits);
  compare("runs", source.runs, target.runs);
  compare("measurements", source.measurements, target.measurements);
  compare("samples", source.samples, target.samples);
  compare("tokens", source.tokens, target.tokens);
  return out;
}

}  // namespace

CopyOutcome CopyStore(Store& from, Store& to, std::size_t batch_runs,
                      const std::function<void(const CopyProgress&)>& progress) {
  CopyOutcome outcome;
  outcome.source = from.Totals();
  bool target_was_empty = to.Totals() == StoreTotals{};
  CopyProgress step{.runs_total = outcome.source.runs};
  if (progress) progress(step);
  for (std::int64_t after = 0;;) {
    std::vector<StoredRun> runs = from.RunsAfter(after, batch_runs);
    if (runs.empty()) break;
    for (StoredRun& run : runs) {
      after = run.id;
      if (to.Ingest(run.input).created) {
        ++outcome.runs_copied;
      } else {
        ++outcome.runs_present;
      }
      ++step.runs_done;
    }
    if (progress) progress(step);
  }
  for (const StoredToken& token : from.AllTokens()) {
    if (to.ImportToken(token)) ++outcome.tokens_copied;
  }
  outcome.target = to.Totals();
  outcome.mismatch = Shortfall(outcome.source, outcome.target, target_was_empty);
  outcome.verified = outcome.mismatch.empty() && outcome.runs_copied + outcome.runs_present == outcome.source.runs;
  if (outcome.verified) return outcome;
  if (outcome.mismatch.empty()) {
    outcome.mismatch = "runs: " + std::to_string(outcome.runs_copied + outcome.runs_present) + " of " +
                       std::to_string(outcome.source.runs) + " reached the target";
  }
  return outcome;
}

}  // namespace perfgate::store
