#include "perfgate/report/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

#include "perfgate/model/units.hpp"

namespace perfgate::report {

namespace {

using detect::BenchmarkComparison;
using detect::Comparison;
using detect::Verdict;

std::string Format(const char* format, auto... arguments) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, arguments...);
  return buffer;
}

std::string Percent(double fraction) { return Format("%+.2f%%", fraction * 100); }

std::string OptionalQuantity(const std::optional<double>& value, const std::string& unit) {
  return value ? model::FormatQuantity(*value, unit) : "-";
}

std::string Median(const std::optional<stats::Summary>& side, const std::string& unit) {
  return side ? OptionalQuantity(side->median, unit) : "-";
}

std::string Change(const BenchmarkComparison& row) { return row.change ? Percent(*row.change) : "-"; }

std::string Interval(const BenchmarkComparison& row, std::string_view separator) {
  if (!row.ci_low || !row.ci_high) return "-";
  return Percent(*row.ci_low - 1) + std::string(separator) + Percent(*row.ci_high - 1);
}

std::string PValue(const BenchmarkComparison& row) {
  if (!row.p_value) return "-";
  return *row.p_value < 0.0001 ? Format("%.1e", *row.p_value) : Format("%.4f", *row.p_value);
}

std::string VerdictText(const BenchmarkComparison& row) {
  std::string text(detect::ToString(row.verdict));
  if (row.verdict == Verdict::kInconclusive && row.repetitions_needed) {
    text += Format(" (needs %zu repetitions)", *row.repetitions_needed);
  }
  if (row.history_noise_used) text += " (vs history noise)";
  return text;
}

bool Unreliable(const BenchmarkComparison& row) {
  return row.base && row.head && (row.base->n < kReliableRepetitions || row.head->n < kReliableRepetitions);
}

std::string SummaryLine(const Comparison& comparison) {
  const detect::ComparisonSummary& summary = comparison.summary;
  std::string line = Format("%zu regressed, %zu improved, %zu unchanged, %zu inconclusive, %zu new, %zu missing",
                            summary.regressed, summary.improved, summary.unchanged, summary.inconclusive,
                            summary.added, summary.missing);
  if (summary.geomean_ratio) {
    line += Format("; geometric mean ratio %.4f (%s)", *summary.geomean_ratio,
                   Percent(*summary.geomean_ratio - 1).c_str());
  }
  return line;
}

std::string SideName(const detect::ComparedSide& side, const char* fallback) {
  std::string name = side.label.empty() ? fallback : side.label;
  if (!side.format.empty()) name += " (" + side.format + ")";
  return name;
}

std::string MarkdownEscape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
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

nlohmann::json Number(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

nlohmann::json SideStats(const std::optional<stats::Summary>& side) {
  if (!side) return nullptr;
  return nlohmann::json{{"n", side->n},           {"median", Number(side->median)}, {"mean", Number(side->mean)},
                        {"min", Number(side->min)}, {"max", Number(side->max)},     {"stddev", Number(side->stddev)},
                        {"cv", Number(side->cv)}};
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
  text += Format("threshold %.1f%%, alpha %g (Benjamini-Hochberg), 95%% bootstrap interval of the median ratio\n",
                 comparison.threshold * 100, comparison.alpha);
  const std::string header = Format("%-*s  %-*s  %12s  %12s  %9s  %20s  %8s  %s", name_column, "Benchmark",
                                    metric_column, "Metric", "Base", "Head", "Change", "95% CI", "p-value", "Verdict");
  text += header + "\n" + std::string(header.size(), '-') + "\n";
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    text += Format("%-*s  %-*s  %12s  %12s  %9s  %20s  %8s  ", name_column, row.name.c_str(), metric_column,
                   row.metric.c_str(), Median(row.base, row.unit).c_str(), Median(row.head, row.unit).c_str(),
                   Change(row).c_str(), Interval(row, ", ").c_str(), PValue(row).c_str());
    text += VerdictText(row) + "\n";
    if (Unreliable(row)) {
      text += Format("  WARNING: Results unreliable! %zu+ repetitions recommended. (repetitions: %zu vs %zu)\n",
                     kReliableRepetitions, row.base->n, row.head->n);
    }
  }
  text += SummaryLine(comparison) + "\n";
  return text;
}

std::string CompareMarkdown(const Comparison& comparison) {
  const detect::ComparisonSummary& summary = comparison.summary;
  std::string text = Format("### perfgate compare: %zu regressed, %zu improved, %zu unchanged, %zu inconclusive\n\n",
                            summary.regressed, summary.improved, summary.unchanged, summary.inconclusive);
  text += "Base " + MarkdownEscape(SideName(comparison.base, "base")) + " → head " +
          MarkdownEscape(SideName(comparison.head, "head")) + ". ";
  text += Format(
      "Threshold %.1f%%; two-sided Mann-Whitney U p-values, Benjamini-Hochberg adjusted at alpha %g; 95%% "
      "bootstrap interval of the ratio of medians.",
      comparison.threshold * 100, comparison.alpha);
  if (summary.geomean_ratio) {
    text += Format(" Geometric mean of ratios: %.4f (%s).", *summary.geomean_ratio,
                   Percent(*summary.geomean_ratio - 1).c_str());
  }
  if (summary.added > 0 || summary.missing > 0) {
    text += Format(" %zu new, %zu missing.", summary.added, summary.missing);
  }
  text += "\n\n| Benchmark | Metric | Base | Head | Change | 95% CI | p-value | Verdict |\n";
  text += "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n";
  bool any_unreliable = false;
  for (const BenchmarkComparison& row : comparison.benchmarks) {
    const bool unreliable = Unreliable(row);
    any_unreliable = any_unreliable || unreliable;
    text += "| `" + MarkdownEscape(row.name) + "` | " + MarkdownEscape(row.metric) + " | " +
            Median(row.base, row.unit) + " | " + Median(row.head, row.unit) + " | " + Change(row) + " | " +
            Interval(row, " … ") + " | " + PValue(row) + " | " + VerdictMark(row.verdict) + " " + VerdictText(row) +
            (unreliable ? " ⚠️" : "") + " |\n";
  }
  if (any_unreliable) {
    text += Format("\n⚠️ fewer than %zu repetitions on a side: results unreliable, %zu+ repetitions recommended.\n",
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
                                        {"ratio", Number(row.ratio)},
                                        {"change", Number(row.change)},
                                        {"p_value", Number(row.p_value)},
                                        {"ci_low", Number(row.ci_low)},
                                        {"ci_high", Number(row.ci_high)},
                                        {"verdict", detect::ToString(row.verdict)}});
  }
  const detect::ComparisonSummary& summary = comparison.summary;
  return nlohmann::json{{"base", SideJson(comparison.base)},
                        {"head", SideJson(comparison.head)},
                        {"benchmarks", std::move(benchmarks)},
                        {"summary",
                         {{"regressed", summary.regressed},
                          {"improved", summary.improved},
                          {"unchanged", summary.unchanged},
                          {"inconclusive", summary.inconclusive},
                          {"geomean_ratio", Number(summary.geomean_ratio)}}}};
}

}  // namespace perfgate::report
