#include "perfgate/report/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "text_format.hpp"

namespace perfgate::report {

namespace {

using detect::BenchmarkComparison;
using detect::Comparison;
using detect::Verdict;

std::string OptionalQuantity(const std::optional<double>& value, const std::string& unit) {
  return value ? model::FormatQuantity(*value, unit) : "-";
}

std::string Median(const std::optional<stats::Summary>& side, const std::string& unit) {
  return side ? OptionalQuantity(side->median, unit) : "-";
}

std::string Change(const BenchmarkComparison& row) { return row.change ? text::SignedPercent(*row.change) : "-"; }

std::string Interval(const BenchmarkComparison& row, std::string_view separator) {
  if (!row.ci_low || !row.ci_high) return "-";
  return text::SignedPercent(*row.ci_low - 1) + std::string(separator) + text::SignedPercent(*row.ci_high - 1);
}

std::string PValue(const BenchmarkComparison& row) {
  if (!row.p_value) return "-";
  return *row.p_value < 0.0001 ? text::Format("%.1e", *row.p_value) : text::Format("%.4f", *row.p_value);
}

std::string VerdictText(const BenchmarkComparison& row) {
  std::string text(detect::ToString(row.verdict));
  if (row.verdict == Verdict::kInconclusive && row.repetitions_needed) {
    text += text::Format(" (needs %zu repetitions)", *row.repetitions_needed);
  }
  if (row.history_noise_used) text += " (vs history noise)";
  return text;
}

bool Unreliable(const BenchmarkComparison& row) {
  return row.base && row.head && (row.base->n < kReliableRepetitions || row.head->n < kReliableRepetitions);
}

std::string SummaryLine(const Comparison& comparison) {
  const detect::ComparisonSummary& summary = comparison.summary;
  std::string line = text::Format("%zu regressed, %zu improved, %zu unchanged, %zu inconclusive, %zu new, %zu missing",
                            summary.regressed, summary.improved, summary.unchanged, summary.inconclusive,
                            summary.added, summary.missing);
  if (summary.geomean_ratio) {
    line += text::Format("; geometric mean ratio %.4f (%s)", *summary.geomean_ratio,
                   text::SignedPercent(*summary.geomean_ratio - 1).c_str());
  }
  return line;
}

std::string SideName(const detect::ComparedSide& side, const char* fallback) {
  std::string name = side.label.empty() ? fallback : side.label;
  if (!side.format.empty()) name += " (" + side.format + ")";
  return name;
}

const char* VerdictMark(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegressed: return "🔴";
    case Verdict::kImproved: return "🟢";
    case Verdict::kUnchanged: return "⚪";
    case Verdict::kInconclusive: return "🟡";
    case Verdict::kNew: return "🆕";
    case Verdict::kMissing: return "⚫";
  }
  return "";
}

nlohmann::json SideStats(const std::optional<stats::Summary>& side) {
  if (!side) return nullptr;
  return nlohmann::json{{"n", side->n},           {"median", text::FiniteOrNull(side->median)}, {"mean", text::FiniteOrNull(side->mean)},
                        {"min", text::FiniteOrNull(side->min)}, {"max", text::FiniteOrNull(side->max)},     {"stddev", text::FiniteOrNull(side->stddev)},
                        {"cv", text::FiniteOrNull(side->cv)}, {"p50", text::FiniteOrNull(side->p50)},
                        {"p95", text::FiniteOrNull(side->p95)}, {"p99", text::FiniteOrNull(side->p99)}};
}

nlohmann::json SideJson(const detect::ComparedSide& side) {
  return nlohmann::json{{"label", side.label}, {"format", side.format}, {"context", side.context}};
}

}  // namespace

std::string CompareText(const Comparison& comparison) {
  std::size_t name_width = 9;
  std::size_t metric_width = 6;
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    name_width = std::max(name_width, row.name.size());
    metric_width = std::max(metric_width, row.metric.size());
  }
  const auto name_column = static_cast<int>(name_width);
  const auto metric_column = static_cast<int>(metric_width);
  std::string text = "Comparing " + SideName(comparison.base, "base") + " to " + SideName(comparison.head, "head") +
                     "\n";
  if (comparison.sample_size_notice) text += comparison.sample_size_notice->message + "\n";
  text += text::Format("threshold %.1f%%, alpha %g (Benjamini-Hochberg), 95%% bootstrap interval of the median ratio\n",
                 comparison.threshold * 100, comparison.alpha);
  const std::string header = text::Format("%-*s  %-*s  %12s  %12s  %9s  %20s  %8s  %s", name_column, "Benchmark",
                                    metric_column, "Metric", "Base", "Head", "Change", "95% CI", "p-value", "Verdict");
  text += header + "\n" + std::string(header.size(), '-') + "\n";
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    text += text::Format("%-*s  %-*s  %12s  %12s  %9s  %20s  %8s  ", name_column, row.name.c_str(), metric_column,
                   row.metric.c_str(), Median(row.base, row.unit).c_str(), Median(row.head, row.unit).c_str(),
                   Change(row).c_str(), Interval(row, ", ").c_str(), PValue(row).c_str());
    text += VerdictText(row) + "\n";
    if (Unreliable(row)) {
      text += text::Format("  WARNING: Results unreliable! %zu+ repetitions recommended. (repetitions: %zu vs %zu)\n",
                     kReliableRepetitions, row.base->n, row.head->n);
    }
  }
  text += SummaryLine(comparison) + "\n";
  return text;
}

std::string CompareMarkdown(const Comparison& comparison) {
  const detect::ComparisonSummary& summary = comparison.summary;
  std::string text = text::Format("### perfgate compare: %zu regressed, %zu improved, %zu unchanged, %zu inconclusive\n\n",
                            summary.regressed, summary.improved, summary.unchanged, summary.inconclusive);
  if (comparison.sample_size_notice) text += "> ⚠️ " + comparison.sample_size_notice->message + ".\n\n";
  text += "Base " + text::TableCell(SideName(comparison.base, "base")) + " → head " +
          text::TableCell(SideName(comparison.head, "head")) + ". ";
  text += text::Format("Threshold %.1f%%; a change needs its 95%% bootstrap interval of the ratio of medians beyond ",
                       comparison.threshold * 100);
  text += text::Format("the threshold and, Benjamini-Hochberg adjusted at alpha %g, either a t-test on log values ",
                       comparison.alpha);
  text += "that it exceeds the threshold or the two-sided Mann-Whitney U test shown.";
  if (summary.geomean_ratio) {
    text += text::Format(" Geometric mean of ratios: %.4f (%s).", *summary.geomean_ratio,
                   text::SignedPercent(*summary.geomean_ratio - 1).c_str());
  }
  if (summary.added > 0 || summary.missing > 0) {
    text += text::Format(" %zu new, %zu missing.", summary.added, summary.missing);
  }
  text += "\n\n| Benchmark | Metric | Base | Head | Change | 95% CI | p-value | Verdict |\n";
  text += "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n";
  bool any_unreliable = false;
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    const bool unreliable = Unreliable(row);
    any_unreliable = any_unreliable || unreliable;
    text += "| `" + text::TableCell(row.name) + "` | " + text::TableCell(row.metric) + " | " +
            Median(row.base, row.unit) + " | " + Median(row.head, row.unit) + " | " + Change(row) + " | " +
            Interval(row, " … ") + " | " + PValue(row) + " | " + VerdictMark(row.verdict) + " " + VerdictText(row) +
            (unreliable ? " ⚠️" : "") + " |\n";
  }
  if (any_unreliable) {
    text += text::Format("\n⚠️ fewer than %zu repetitions on a side: results unreliable, %zu+ repetitions recommended.\n",
                   kReliableRepetitions, kReliableRepetitions);
  }
  return text;
}

nlohmann::json CompareJson(const Comparison& comparison) {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    benchmarks.push_back(nlohmann::json{{"name", row.name},
                                        {"metric", row.metric},
                                        {"unit", row.unit},
                                        {"direction", model::ToString(row.direction)},
                                        {"base", SideStats(row.base)},
                                        {"head", SideStats(row.head)},
                                        {"ratio", text::FiniteOrNull(row.ratio)},
                                        {"change", text::FiniteOrNull(row.change)},
                                        {"p_value", text::FiniteOrNull(row.p_value)},
                                        {"ci_low", text::FiniteOrNull(row.ci_low)},
                                        {"ci_high", text::FiniteOrNull(row.ci_high)},
                                        {"verdict", detect::ToString(row.verdict)},
                                        // Beyond DESIGN.md's shape: the BH-adjusted p-value that
                                        // decided, and for an inconclusive row the repetitions per
                                        // side that would settle it.
                                        {"p_value_adjusted", text::FiniteOrNull(row.p_value_adjusted)},
                                        {"effect_p_value", text::FiniteOrNull(row.effect_p_value)},
                                        {"effect_p_value_adjusted", text::FiniteOrNull(row.effect_p_value_adjusted)},
                                        {"repetitions_needed", row.repetitions_needed
                                                                   ? nlohmann::json(*row.repetitions_needed)
                                                                   : nlohmann::json()}});
  }
  const detect::ComparisonSummary& summary = comparison.summary;
  return nlohmann::json{{"base", SideJson(comparison.base)},
                        {"head", SideJson(comparison.head)},
                        {"benchmarks", std::move(benchmarks)},
                        {"notice", comparison.sample_size_notice
                                       ? nlohmann::json(comparison.sample_size_notice->message)
                                       : nlohmann::json()},
                        {"summary",
                         {{"regressed", summary.regressed},
                          {"improved", summary.improved},
                          {"unchanged", summary.unchanged},
                          {"inconclusive", summary.inconclusive},
                          {"geomean_ratio", text::FiniteOrNull(summary.geomean_ratio)}}}};
}

nlohmann::json OriginJson(const std::optional<model::ResultsOrigin>& origin) {
  if (!origin) return nullptr;
  return nlohmann::json{{"commit", origin->commit},
                        {"branch", origin->branch},
                        {"time", model::FormatIsoTime(origin->time)},
                        {"testbed", origin->testbed}};
}

nlohmann::json CompareJson(const Comparison& comparison, const std::optional<model::ResultsOrigin>& base,
                           const std::optional<model::ResultsOrigin>& head) {
  nlohmann::json body = CompareJson(comparison);
  for (auto [key, origin] : {std::pair{"base", &base}, std::pair{"head", &head}}) {
    if (!*origin) continue;
    body[key].update(OriginJson(*origin));
  }
  return body;
}

}  // namespace perfgate::report
