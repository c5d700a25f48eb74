#include "perfgate/store/copy.hpp"

#include <map>

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

bool Same(const AlertTriage& a, const AlertTriage& b) {
  return a.status == b.status && a.note == b.note && a.updated_by == b.updated_by && a.updated_at == b.updated_at;
}

// Alert triage and the stored perfgate.json of every project, where the target
// lacks them or holds something else (the source wins, as for runs).
void CopyProjectState(Store& from, Store& to, CopyOutcome& outcome) {
  for (const std::string& project : from.Projects()) {
    std::map<std::string, AlertTriage> present;
    for (AlertTriage& triage : to.AlertTriages(project)) present[triage.group] = std::move(triage);
    for (const AlertTriage& triage : from.AlertTriages(project)) {
      auto it = present.find(triage.group);
      if (it != present.end() && Same(it->second, triage)) continue;
      if (to.SetAlertTriage(project, triage)) ++outcome.triages_copied;
    }
    auto config = from.LoadProjectConfig(project);
    if (!config) continue;
    auto existing = to.LoadProjectConfig(project);
    if (existing && existing->text == config->text && existing->updated_at == config->updated_at) continue;
    if (to.SetProjectConfig(project, *config)) ++outcome.configs_copied;
  }
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
      // A SQLite store written before free text was repaired on ingest may hold
      // bytes that are not UTF-8, which PostgreSQL refuses.
      model::RepairFreeText(run.input.report);
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
  CopyProjectState(from, to, outcome);
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
