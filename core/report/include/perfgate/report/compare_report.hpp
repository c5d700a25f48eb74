#pragma once
// Renderings of a detect::Comparison (`perfgate compare`, the compare route of
// the HTTP API, pull-request comments): plain text, Markdown and JSON.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "perfgate/detect/compare.hpp"
#include "perfgate/model/origin.hpp"

namespace perfgate::report {

// Fewer repetitions than this on a side are flagged as unreliable, as Google
// Benchmark's tools/compare.py does.
inline constexpr std::size_t kReliableRepetitions = 9;

// A fixed-width table in the manner of Google Benchmark's compare.py: one line per
// row (benchmark, metric, base and head medians, change, interval, p-value,
// verdict), a "WARNING: Results unreliable! 9+ repetitions recommended." line
// under rows with fewer than 9 repetitions on a side, and a summary line.
// Ends with a newline.
std::string CompareText(const detect::Comparison& comparison);

// A heading with the summary counts, one paragraph on the method, and a table
// "| Benchmark | Metric | Base | Head | Change | 95% CI | p-value | Verdict |";
// rows with fewer than 9 repetitions carry a warning sign explained below the
// table. Pipes in names are escaped. Ends with a newline.
std::string CompareMarkdown(const detect::Comparison& comparison);

// The object of `perfgate compare --format json` (DESIGN.md):
// {"base": {"label","format","context"}, "head": {...},
//  "benchmarks": [{"name","metric","unit","direction","base":{"n","median","mean",
//    "min","max","stddev","cv","p50","p95","p99"}|null (n = 0: the harness's own
//    summary, no raw samples),"head":{...}|null,"ratio","change","p_value",
//    "ci_low","ci_high","verdict"}],
//  "summary": {"regressed","improved","unchanged","inconclusive","geomean_ratio"}}
// Absent or non-finite numbers are null.
nlohmann::json CompareJson(const detect::Comparison& comparison);

// The same, with "commit", "branch", "time" (ISO 8601 UTC) and "testbed" added to
// "base" and "head" for each side that was a stored commit: what both the CLI
// with --db and the compare route print.
nlohmann::json CompareJson(const detect::Comparison& comparison, const std::optional<model::ResultsOrigin>& base,
                           const std::optional<model::ResultsOrigin>& head);

// {"commit","branch","time","testbed"}, or null when absent.
nlohmann::json OriginJson(const std::optional<model::ResultsOrigin>& origin);

}  // namespace perfgate::report
