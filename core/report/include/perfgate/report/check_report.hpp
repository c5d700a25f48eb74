#pragma once
// Renderings of a detect::CheckResult (`perfgate check`): the Markdown of the
// pull-request comment and job summary, and JSON for machines.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "perfgate/detect/budget_check.hpp"
#include "perfgate/model/origin.hpp"

namespace perfgate::report {

// GitHub rejects issue and pull-request comments longer than this.
inline constexpr std::size_t kGithubCommentLimit = 65536;

struct CheckReportOptions {
  std::string dashboard_url;  // linked when not empty
  // Upper bound on the Markdown's size in bytes (which bounds its characters).
  std::size_t max_length = kGithubCommentLimit;
};

// The hidden first line by which a later run finds and updates the same
// comment: "<!-- perfgate:comment project=P -->".
std::string CommentMarker(std::string_view project);

// The pull-request comment, in this order: the marker; a one-line verdict
// ("### ❌ perfgate: fail — 1 regression, 2 budgets broken, ..."); base, head,
// threshold and the dashboard link; "Regressions and budget breaches"
// (| Benchmark | Metric | Base | Head | Change | p-value | Limit |); "Improvements";
// "Targets vs Actual" (✅ met, ❌ broken, ⚠️ warning, ⏳ pending, 🎯 stretch met;
// problems first); "| Component | Current | Baseline | Change |" over benchmarks
// present on both sides; "| Scenario | P50 | P95 | P99 | Target |" over
// benchmarks with percentile budgets or percentile aggregates; then every
// result (report::CompareMarkdown) collapsed in <details>. Sections without rows
// are left out. When longer than options.max_length, the details go first, then
// rows of the later tables, each table saying how many rows were omitted.
// Ends with a newline. Deterministic.
std::string CheckMarkdown(const detect::CheckResult& check, const CheckReportOptions& options = {});

// {"project","passed","verdict":"pass|fail","summary":{"regressions",
//  "failing_regressions","improvements","met","stretch_met","broken","warnings",
//  "pending"},"budgets":[{"budget","key","benchmark","metric","statistic","unit",
//  "level","status","actual","head","base","change","limit","stretch","verdict",
//  "p_value","note","description"}],"comparison": report::CompareJson(...)}
// Fractions (max_regression, max_cv, cv) have unit "" and are fractions.
// Absent or non-finite numbers are null.
nlohmann::json CheckJson(const detect::CheckResult& check);

// The same with "base" and "head" ({"commit","branch","time","testbed"}, null
// for a results file or no baseline) and "testbed" ("" when no side is stored):
// what `check --db`, `check --server` and the check route print.
nlohmann::json CheckJson(const detect::CheckResult& check, const std::optional<model::ResultsOrigin>& base,
                         const std::optional<model::ResultsOrigin>& head, const std::string& testbed);

}  // namespace perfgate::report
