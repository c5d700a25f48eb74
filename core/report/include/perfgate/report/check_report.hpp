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
  // The public URL of a perfgate server ("https://perf.example.com", its
  // dashboard at "/" and its API under "/api/v1"); "" = no links, no pictures.
  // With it the report links the dashboard's compare view of base and head,
  // and puts the trend picture (GET {url}/api/v1/projects/{p}/series.svg) beside
  // each regression and breach whose head is a stored commit.
  std::string dashboard_url;
  // Upper bound on the Markdown's size in bytes (which bounds its characters).
  std::size_t max_length = kGithubCommentLimit;
  // Where the sides came from when they are stored commits (gate::CheckOutcome's
  // base and head): the commits of the compare link, the testbed and baseline
  // branch of the trend pictures. Absent for results files.
  std::optional<model::ResultsOrigin> base;
  std::optional<model::ResultsOrigin> head;
};

// Why `url` cannot be CheckReportOptions::dashboard_url, absent when it can: an
// http:// or https:// URL with a host, without whitespace, control characters,
// quotes, angle brackets or parentheses (which would break the Markdown links).
std::optional<std::string> DashboardUrlProblem(std::string_view url);

// Whether an http(s) URL names this machine (localhost, *.localhost,
// 127.0.0.0/8, ::1, 0.0.0.0, ::): no link for a pull request's readers, so
// `check --server` does not default the dashboard URL to it.
bool IsLoopbackUrl(std::string_view url);

// The public URL a check report links, by precedence: `requested` (`check
// --dashboard-url`, the route's dashboard_url), else `configured` (`serve
// --public-url`), else `reached` (the URL the client reached the server by,
// `check --server`) unless it is loopback; "" = none. Both doors call it, so
// they agree.
std::string ChooseDashboardUrl(const std::string& requested, const std::string& configured, const std::string& reached);

// The hidden first line by which a later run finds and updates the same
// comment: "<!-- perfgate:comment project=P -->".
std::string CommentMarker(std::string_view project);

// The pull-request comment, read in ten seconds, in this order: the marker;
// the headline: the verdict, the problems ("1 regression, 2 budgets broken")
// and the biggest changes beyond the threshold, worse ones first, even inside
// their budgets ("### ✅ perfgate: pass — +37 % `BM_A`, +31 % `BM_B`, inside
// their 50 % budgets (demo)"); base, head, threshold, the other counts and the
// link to the dashboard's compare view; "Regressions and budget breaches"
// (| Benchmark | Metric | Base | Head | Change | p-value | Limit |, and a Trend
// column of series pictures when options give a dashboard URL and a stored
// head); "Improvements"; "Targets vs Actual" (❌ broken and ⚠️ warning rows
// shown, ✅ met, 🎯 stretch met and ⏳ pending rows folded in <details>);
// "| Component | Current | Baseline | Change |" over benchmarks present on both
// sides, folded; "| Scenario | P50 | P95 | P99 | Target |" over benchmarks with
// percentile budgets or percentile aggregates; then every result
// (report::CompareMarkdown) folded. Sections without rows are left out. When
// longer than options.max_length, the details go first, then rows of the later
// tables, each table saying how many rows were omitted. Ends with a newline.
// Deterministic.
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
