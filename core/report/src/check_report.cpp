#include "perfgate/report/check_report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "perfgate/model/units.hpp"
#include "perfgate/report/compare_report.hpp"
#include "text_format.hpp"

namespace perfgate::report {

namespace {

using config::BudgetKind;
using detect::BudgetResult;
using detect::BudgetStatus;
using detect::CheckResult;
using detect::Verdict;

std::string PlainPercent(double fraction) { return text::Format("%.2f%%", fraction * 100); }

std::string Code(std::string_view name) { return "`" + text::TableCell(name) + "`"; }

// A min_ratio's ratio: a percentage up to 1,000 % ("95.00%"), a factor beyond
// ("4470×": a yardstick's time held to thousands of times a small path's).
std::string Ratio(double ratio) { return ratio < 10 ? PlainPercent(ratio) : text::Format("%.4g×", ratio); }

// A value of a budget result: fractions as percentages, otherwise in its unit.
std::string Value(const std::optional<double>& value, const BudgetResult& result) {
  if (!value || !std::isfinite(*value)) return "-";
  if (result.unit.empty() && (result.budget.kind == BudgetKind::kMaxRegression ||
                              result.budget.kind == BudgetKind::kMaxCv || result.budget.kind == BudgetKind::kMinRatio ||
                              result.statistic == "cv")) {
    if (result.budget.kind == BudgetKind::kMinRatio) return Ratio(*value);
    if (result.budget.kind != BudgetKind::kMaxRegression) return PlainPercent(*value);
    // One definition of change everywhere: head / base - 1, with its sense beside it.
    if (!result.change || !std::isfinite(*result.change)) return "-";
    std::string text = text::SignedPercent(*result.change);
    if (*value > 0) text += " (worse)";
    if (*value < 0) text += " (better)";
    return text;
  }
  return model::FormatQuantity(*value, result.unit);
}

// The head's and base's value of the statistic (for relative budgets the
// statistic, not the regression).
std::string StatisticValue(const std::optional<double>& value, const BudgetResult& result) {
  if (!value || !std::isfinite(*value)) return "-";
  if (result.statistic == "cv") return PlainPercent(*value);
  return model::FormatQuantity(*value, result.value_unit);
}

std::string PValue(const std::optional<double>& p_value) {
  if (!p_value) return "-";
  return *p_value < 0.0001 ? text::Format("%.1e", *p_value) : text::Format("%.4f", *p_value);
}

std::string LimitText(const BudgetResult& result) {
  const char* relation = result.budget.kind == BudgetKind::kMin ? "≥ " : "≤ ";
  std::string text;
  switch (result.budget.kind) {
    case BudgetKind::kMaxRegression: text = "regression ≤ " + PlainPercent(result.limit); break;
    case BudgetKind::kMaxCv: text = "cv ≤ " + PlainPercent(result.limit); break;
    case BudgetKind::kMinRatio:
      text = "≥ " + Ratio(result.limit) + " of " +
             (result.budget.of_benchmark.empty() ? result.budget.of_testbed : result.budget.of_benchmark);
      break;
    default:
      if (result.unit.empty() && result.statistic == "cv") {
        text = relation + PlainPercent(result.limit);
      } else {
        // Before evaluation (pending) the unit is the limit's own.
        text = relation + model::FormatQuantity(result.limit, result.unit);
      }
  }
  if (result.stretch) {
    std::string stretch = result.unit.empty() && result.statistic == "cv"
                              ? PlainPercent(*result.stretch)
                              : model::FormatQuantity(*result.stretch, result.unit);
    text += " (stretch " + std::string(relation) + stretch + ")";
  }
  return text;
}

std::string MetricText(const BudgetResult& result) {
  std::string metric = result.metric.empty() ? result.budget.metric.value_or("") : result.metric;
  if (result.statistic.empty() || result.statistic == "median") return metric.empty() ? "-" : metric;
  if (metric.empty() || result.budget.kind == BudgetKind::kMaxCv) return result.statistic + (metric.empty() ? "" : " of " + metric);
  if (metric == result.statistic) return metric;
  return result.statistic + " of " + metric;
}

const char* StatusMark(BudgetStatus status) {
  switch (status) {
    case BudgetStatus::kMet: return "✅ met";
    case BudgetStatus::kBroken: return "❌ broken";
    case BudgetStatus::kWarning: return "⚠️ warning";
    case BudgetStatus::kPending: return "⏳ pending";
    case BudgetStatus::kStretchMet: return "🎯 stretch met";
  }
  return "";
}

int StatusOrder(BudgetStatus status) {
  switch (status) {
    case BudgetStatus::kBroken: return 0;
    case BudgetStatus::kWarning: return 1;
    case BudgetStatus::kPending: return 2;
    case BudgetStatus::kStretchMet: return 3;
    case BudgetStatus::kMet: return 4;
  }
  return 5;
}

std::string Plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::string ComparisonMetricName(const detect::BenchmarkComparison& row) {
  return row.metric == "real_time" || row.metric == "value" ? "" : " (" + row.metric + ")";
}

// "+37 %", "-4.2 %": the headline's short form of a change.
std::string ShortPercent(double fraction) {
  double percent = fraction * 100;
  return std::fabs(percent) >= 9.95 ? text::Format("%+.0f %%", percent) : text::Format("%+.1f %%", percent);
}

// Whether a change of this sign is worse for the metric.
bool IsWorse(double change, model::Direction direction) {
  return direction == model::Direction::kHigherIsBetter ? change < 0 : change > 0;
}

// How a changed row stands: against its max_regression budget when one covers
// it ("over its 50 % budget", "inside its 50 % budget"), else its verdict (and a better change its verdict).
std::string Standing(const detect::BenchmarkComparison& row, const CheckResult& check, bool plural) {
  if (!IsWorse(*row.change, row.direction)) return std::string(detect::ToString(row.verdict));
  for (const BudgetResult& result : check.budgets) {
    if (result.budget.kind != BudgetKind::kMaxRegression || result.benchmark != row.name || result.metric != row.metric) {
      continue;
    }
    if (result.budget.level == config::BudgetLevel::kOff || result.status == BudgetStatus::kPending) continue;
    std::string limit = text::Format("%g %%", result.limit * 100);
    std::string whose = plural ? "their " : "its ";
    std::string budget = plural ? " budgets" : " budget";
    if (result.status == BudgetStatus::kBroken) return "over " + whose + limit + budget;
    if (result.status == BudgetStatus::kWarning) return "over " + whose + limit + budget + " (warning)";
    return "inside " + whose + limit + budget;
  }
  return std::string(detect::ToString(row.verdict));
}

// The rows whose change is beyond the threshold, by size: the worse ones when
// there are any, else the better ones.
std::vector<const detect::BenchmarkComparison*> BiggestChanges(const CheckResult& check, std::size_t count) {
  std::vector<const detect::BenchmarkComparison*> rows;
  for (const auto& row : check.comparison.benchmarks) {
    if (!row.change || !std::isfinite(*row.change)) continue;
    if (std::fabs(*row.change) < check.comparison.threshold) continue;
    rows.push_back(&row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto* left, const auto* right) {
    bool left_worse = IsWorse(*left->change, left->direction);
    bool right_worse = IsWorse(*right->change, right->direction);
    if (left_worse != right_worse) return left_worse;
    return std::fabs(*left->change) > std::fabs(*right->change);
  });
  // Slower first and alone: a faster benchmark is news only when nothing got slower.
  if (!rows.empty() && IsWorse(*rows.front()->change, rows.front()->direction)) {
    std::erase_if(rows, [](const auto* row) { return !IsWorse(*row->change, row->direction); });
  }
  if (rows.size() > count) rows.resize(count);
  return rows;
}

// "### ✅ perfgate: pass — +37 % `BM_A`, +31 % `BM_B`, inside their 50 % budgets (demo)".
std::string Headline(const CheckResult& check) {
  const detect::CheckSummary& summary = check.summary;
  std::vector<std::string> problems;
  if (!check.has_baseline) problems.push_back("no baseline");
  if (summary.regressions) problems.push_back(Plural(summary.regressions, "regression", "regressions"));
  if (summary.broken) problems.push_back(Plural(summary.broken, "budget broken", "budgets broken"));
  if (summary.warnings) problems.push_back(Plural(summary.warnings, "warning", "warnings"));

  std::string changes;
  auto biggest = BiggestChanges(check, 3);
  std::vector<std::string> standings;
  for (const auto* row : biggest) standings.push_back(Standing(*row, check, false));
  // One budget standing shared by every change is said once: "..., inside their 50 % budgets".
  bool shared = !standings.empty() && (standings.front().starts_with("inside ") || standings.front().starts_with("over ")) &&
                std::all_of(standings.begin(), standings.end(), [&](const std::string& s) { return s == standings.front(); });
  for (std::size_t i = 0; i < biggest.size(); ++i) {
    if (i > 0) changes += ", ";
    changes += ShortPercent(*biggest[i]->change) + " " + Code(biggest[i]->name) + ComparisonMetricName(*biggest[i]);
    if (!shared) changes += " (" + standings[i] + ")";
  }
  if (shared) changes += (biggest.size() == 1 ? ", " + standings.front() : ", " + Standing(*biggest.front(), check, true));
  if (problems.empty() && changes.empty()) {
    problems.push_back("no change beyond ±" + text::Format("%g %%", check.comparison.threshold * 100));
  }

  std::string line = check.passed ? "### ✅ perfgate: pass" : "### ❌ perfgate: fail";
  std::string text;
  for (std::size_t i = 0; i < problems.size(); ++i) text += (i == 0 ? "" : ", ") + problems[i];
  if (!changes.empty()) text += (text.empty() ? "" : "; ") + changes;
  line += " — " + text;
  if (!check.project.empty()) line += " (" + text::TableCell(check.project) + ")";
  return line;
}

// The counts the headline leaves out: "1 improvement, 6 budgets met, ...".
std::string OtherCounts(const CheckResult& check) {
  const detect::CheckSummary& summary = check.summary;
  std::vector<std::string> parts;
  if (summary.improvements) parts.push_back(Plural(summary.improvements, "improvement", "improvements"));
  if (summary.met + summary.stretch_met) {
    parts.push_back(Plural(summary.met + summary.stretch_met, "budget met", "budgets met"));
  }
  if (summary.stretch_met) parts.push_back(Plural(summary.stretch_met, "stretch goal met", "stretch goals met"));
  if (summary.pending) parts.push_back(std::to_string(summary.pending) + " pending");
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? "" : ", ") + parts[i];
  return text;
}

// Percent-encodes everything but RFC 3986's unreserved characters, for a path
// segment or a query value.
std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += text::Format("%%%02X", c);
    }
  }
  return out;
}

std::string Query(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + name + "=" + UrlEncode(value);
  }
  return out;
}

// The dashboard's links, from a server's public URL: the compare view, the
// project page and the trend pictures (web/src/router.js, series.svg route).
struct Links {
  std::string root;  // the URL without a trailing '/'; "" = none
  std::string project;
  const std::optional<model::ResultsOrigin>* base = nullptr;
  const std::optional<model::ResultsOrigin>* head = nullptr;

  bool Pictures() const { return !root.empty() && !project.empty() && head->has_value(); }

  std::string Dashboard() const {
    if (root.empty()) return "";
    if (project.empty()) return "[Dashboard](" + root + "/)";
    if (base->has_value() && head->has_value()) {
      return "[Compare in the dashboard](" + root + "/projects/" + UrlEncode(project) + "/compare" +
             Query({{"base", (*base)->commit}, {"head", (*head)->commit}, {"testbed", (*head)->testbed}}) + ")";
    }
    return "[Dashboard](" + root + "/projects/" + UrlEncode(project) + ")";
  }

  // The trend of the baseline's branch with the head marked.
  std::string Picture(const std::string& benchmark, const std::string& metric) const {
    std::string branch = base->has_value() ? (*base)->branch : "";
    return "![trend of " + text::TableCell(benchmark) + "](" + root + "/api/v1/projects/" + UrlEncode(project) +
           "/series.svg" +
           Query({{"benchmark", benchmark}, {"metric", metric}, {"branch", branch}, {"testbed", (*head)->testbed},
                  {"head", (*head)->commit}}) +
           ")";
  }
};

// A table: heading, header lines and rows, of which the first `shown` are
// printed; a folded one sits in <details> under `summary`.
struct Table {
  std::string heading;  // "" = none (continues the table above)
  std::string header;
  std::vector<std::string> rows;
  std::size_t shown = 0;
  std::string summary;  // not empty: folded
};

void RenderTable(const Table& table, std::string& out) {
  if (table.rows.empty()) return;
  if (!table.heading.empty()) out += "\n#### " + table.heading + "\n";
  if (!table.summary.empty()) out += "\n<details><summary>" + table.summary + "</summary>\n";
  out += "\n" + table.header;
  for (std::size_t i = 0; i < table.shown && i < table.rows.size(); ++i) out += table.rows[i] + "\n";
  if (table.shown < table.rows.size()) {
    out += "\n_… " + Plural(table.rows.size() - table.shown, "more row", "more rows") +
           " omitted to fit GitHub's comment size limit; see the JSON report" + "._\n";
  }
  if (!table.summary.empty()) out += "\n</details>\n";
}

// "median" or one of p50..p99.9 (detect::Statistic), named by its string.
bool IsPercentile(std::string_view statistic) {
  auto parsed = detect::ParseStatistic(statistic);
  return parsed && (*parsed == detect::Statistic::kMedian || detect::IsPercentile(*parsed));
}

// Cuts at a UTF-8 character boundary so the text stays valid.
std::string CutUtf8(std::string text, std::size_t length) {
  if (text.size() <= length) return text;
  while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;
  text.resize(length);
  return text;
}

}  // namespace

std::optional<std::string> DashboardUrlProblem(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return "expected an http:// or https:// URL, got '" + std::string(url) + "'";
  }
  if (rest.empty() || rest.front() == '/') return "'" + std::string(url) + "' has no host";
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' || c == '`') {
      return "'" + std::string(url) + "' holds a space, control character, quote, bracket or parenthesis; percent-encode it";
    }
  }
  return std::nullopt;
}

bool IsLoopbackUrl(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view host = url.substr(scheme_end + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (host.starts_with("[")) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? std::string_view::npos : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  std::string lower;
  for (char c : host) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (lower.ends_with(".")) lower.pop_back();
  return lower.empty() || lower == "localhost" || lower.ends_with(".localhost") || lower == "::1" || lower == "::" ||
         lower == "0.0.0.0" || (lower.starts_with("127.") && lower.find_first_not_of("0123456789.") == std::string::npos);
}

std::string ChooseDashboardUrl(const std::string& requested, const std::string& configured, const std::string& reached) {
  if (!requested.empty()) return requested;
  if (!configured.empty()) return configured;
  if (!reached.empty() && !IsLoopbackUrl(reached) && !DashboardUrlProblem(reached)) return reached;
  return "";
}

std::string CommentMarker(std::string_view project) {
  return "<!-- perfgate:comment project=" + std::string(project) + " -->";
}

std::string CheckMarkdown(const CheckResult& check, const CheckReportOptions& options) {
  const detect::Comparison& comparison = check.comparison;
  Links links{options.dashboard_url, check.project, &options.base, &options.head};
  while (!links.root.empty() && links.root.back() == '/') links.root.pop_back();

  std::string head_text = CommentMarker(check.project) + "\n" + Headline(check) + "\n\n";
  std::string context;
  context += "Base " + (check.has_baseline ? Code(comparison.base.label.empty() ? "base" : comparison.base.label)
                                           : std::string("(none found)"));
  context += " → head " + Code(comparison.head.label.empty() ? "head" : comparison.head.label);
  context += ". Threshold " + PlainPercent(comparison.threshold) + ", alpha " + text::Format("%g", comparison.alpha) + ".";
  if (std::string counts = OtherCounts(check); !counts.empty()) context += " " + counts + ".";
  if (std::string dashboard = links.Dashboard(); !dashboard.empty()) context += " " + dashboard;
  head_text += context + "\n";

  // Regressions and breaches, each (benchmark, metric) with its trend beside its first row.
  const bool pictures = links.Pictures();
  std::set<std::pair<std::string, std::string>> pictured;
  auto trend = [&](const std::string& benchmark, const std::string& metric) -> std::string {
    if (!pictures) return "";
    if (metric.empty() || !pictured.insert({benchmark, metric}).second) return " |";
    return " " + links.Picture(benchmark, metric) + " |";
  };
  Table breaches{"Regressions and budget breaches",
                 pictures ? "| Benchmark | Metric | Base | Head | Change | p-value | Limit | Trend |\n"
                            "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
                          : "| Benchmark | Metric | Base | Head | Change | p-value | Limit |\n"
                            "| --- | --- | ---: | ---: | ---: | ---: | --- |\n",
                 {},
                 0,
                 ""};
  for (const auto& row : comparison.benchmarks) {
    if (row.verdict != Verdict::kRegressed) continue;
    std::string mark = check.regression_level == config::BudgetLevel::kError ? "🔴 " : "⚠️ ";
    breaches.rows.push_back("| " + mark + Code(row.name) + " | " + row.metric + " | " +
                            (row.base && row.base->median ? model::FormatQuantity(*row.base->median, row.unit) : "-") +
                            " | " +
                            (row.head && row.head->median ? model::FormatQuantity(*row.head->median, row.unit) : "-") +
                            " | " + (row.change ? text::SignedPercent(*row.change) : "-") + " | " + PValue(row.p_value_adjusted) +
                            " | threshold ±" + PlainPercent(comparison.threshold) + " |" + trend(row.name, row.metric));
  }
  std::vector<const BudgetResult*> budgets;
  for (const auto& result : check.budgets) budgets.push_back(&result);
  std::stable_sort(budgets.begin(), budgets.end(), [](const BudgetResult* left, const BudgetResult* right) {
    return StatusOrder(left->status) < StatusOrder(right->status);
  });
  for (const BudgetResult* result : budgets) {
    if (result->status != BudgetStatus::kBroken && result->status != BudgetStatus::kWarning) continue;
    std::string mark = result->status == BudgetStatus::kBroken ? "❌ " : "⚠️ ";
    breaches.rows.push_back("| " + mark + Code(result->benchmark) + " | " + MetricText(*result) + " | " +
                            StatisticValue(result->base_value, *result) + " | " +
                            StatisticValue(result->head_value, *result) + " | " +
                            (result->change ? text::SignedPercent(*result->change) : "-") + " | " + PValue(result->p_value) +
                            " | " + LimitText(*result) + " (" + result->budget.path + ") |" +
                            trend(result->benchmark, result->metric));
  }

  Table improvements{"Improvements",
                     "| Benchmark | Metric | Base | Head | Change | p-value |\n| --- | --- | ---: | ---: | ---: | ---: |\n",
                     {},
                     0,
                     ""};
  for (const auto& row : comparison.benchmarks) {
    if (row.verdict != Verdict::kImproved) continue;
    improvements.rows.push_back(
        "| 🟢 " + Code(row.name) + " | " + row.metric + " | " +
        (row.base && row.base->median ? model::FormatQuantity(*row.base->median, row.unit) : "-") + " | " +
        (row.head && row.head->median ? model::FormatQuantity(*row.head->median, row.unit) : "-") + " | " +
        (row.change ? text::SignedPercent(*row.change) : "-") + " | " + PValue(row.p_value_adjusted) + " |");
  }

  // Targets vs Actual: the problems shown, met and pending folded below them.
  const std::string targets_header =
      "| Target | Benchmark | Metric | Limit | Actual | Status |\n| --- | --- | --- | --- | ---: | --- |\n";
  Table targets{"Targets vs Actual", targets_header, {}, 0, ""};
  Table targets_folded{"", targets_header, {}, 0, ""};
  std::size_t met = 0, stretch_met = 0, pending = 0;
  for (const BudgetResult* result : budgets) {
    std::string target = result->budget.description.empty() ? result->budget.path : text::TableCell(result->budget.description);
    std::string actual = result->status == BudgetStatus::kPending ? "no data yet" : Value(result->actual, *result);
    std::string status = StatusMark(result->status);
    if (result->status == BudgetStatus::kPending && !result->note.empty()) status += " (" + text::TableCell(result->note) + ")";
    std::string row = "| " + target + " | " + Code(result->benchmark) + " | " + MetricText(*result) + " | " +
                      LimitText(*result) + " | " + actual + " | " + status + " |";
    bool problem = result->status == BudgetStatus::kBroken || result->status == BudgetStatus::kWarning;
    (problem ? targets : targets_folded).rows.push_back(row);
    if (result->status == BudgetStatus::kMet) ++met;
    if (result->status == BudgetStatus::kStretchMet) ++stretch_met;
    if (result->status == BudgetStatus::kPending) ++pending;
  }
  {
    std::vector<std::string> parts;
    if (met) parts.push_back(std::to_string(met) + " ✅ met");
    if (stretch_met) parts.push_back(std::to_string(stretch_met) + " 🎯 stretch met");
    if (pending) parts.push_back(std::to_string(pending) + " ⏳ pending");
    for (std::size_t i = 0; i < parts.size(); ++i) targets_folded.summary += (i == 0 ? "" : ", ") + parts[i];
    if (targets.rows.empty()) targets_folded.heading = targets.heading;
  }

  Table components{"Component | Current | Baseline | Change",
                   "| Component | Current | Baseline | Change |\n| --- | ---: | ---: | ---: |\n",
                   {},
                   0,
                   ""};
  for (const auto& row : comparison.benchmarks) {
    if (!row.base || !row.head || !row.base->median || !row.head->median) continue;
    std::string mark = row.verdict == Verdict::kRegressed ? " 🔴" : row.verdict == Verdict::kImproved ? " 🟢" : "";
    components.rows.push_back("| " + Code(row.name) + ComparisonMetricName(row) + " | " +
                              model::FormatQuantity(*row.head->median, row.unit) + " | " +
                              model::FormatQuantity(*row.base->median, row.unit) + " | " +
                              (row.change ? text::SignedPercent(*row.change) : "-") + mark + " |");
  }
  components.summary = Plural(components.rows.size(), "component", "components");

  // Scenarios: benchmarks with percentile budgets or percentile aggregates.
  Table scenarios{"Scenario | P50 | P95 | P99 | Target",
                  "| Scenario | P50 | P95 | P99 | Target |\n| --- | ---: | ---: | ---: | --- |\n",
                  {},
                  0,
                  ""};
  std::map<std::string, std::vector<const BudgetResult*>> percentile_budgets;
  for (const auto& result : check.budgets) {
    if (result.status == BudgetStatus::kPending || result.metric.empty()) continue;
    if (result.budget.kind != BudgetKind::kMax && result.budget.kind != BudgetKind::kMin) continue;
    if (!IsPercentile(result.statistic) || result.statistic == "median") continue;
    percentile_budgets[result.benchmark].push_back(&result);
  }
  for (const auto& scenario : check.scenarios) {
    std::string target;
    if (auto found = percentile_budgets.find(scenario.benchmark); found != percentile_budgets.end()) {
      for (const BudgetResult* result : found->second) {
        if (result->metric != scenario.metric) continue;
        std::string mark = StatusMark(result->status);
        if (!target.empty()) target += ", ";
        target += result->statistic + " " + LimitText(*result) + " " + mark.substr(0, mark.find(' '));
      }
    }
    auto value = [&](const std::optional<double>& v) { return v ? model::FormatQuantity(*v, scenario.unit) : "-"; };
    scenarios.rows.push_back("| " + Code(scenario.benchmark) + ComparisonMetricName({.name = "", .metric = scenario.metric}) +
                             " | " + value(scenario.p50) + " | " + value(scenario.p95) + " | " + value(scenario.p99) +
                             " | " + (target.empty() ? "-" : target) + " |");
  }

  std::string details;
  if (!comparison.benchmarks.empty()) {
    details = "\n<details><summary>All results (" + Plural(comparison.benchmarks.size(), "row", "rows") +
              ")</summary>\n\n" + CompareMarkdown(comparison) + "\n</details>\n";
  }

  std::array<Table*, 6> tables = {&breaches, &improvements, &targets, &targets_folded, &components, &scenarios};
  for (Table* table : tables) table->shown = table->rows.size();
  bool show_details = true;
  auto render = [&] {
    std::string out = head_text;
    for (Table* table : tables) RenderTable(*table, out);
    if (show_details) {
      out += details;
    } else if (!details.empty()) {
      out += "\n_All results omitted to fit GitHub's comment size limit; see the JSON report._\n";
    }
    return out;
  };
  std::string out = render();
  // Shed detail first: the collapsed results, then the rows of the later tables
  // (halving until empty), keeping regressions and breaches to the last.
  std::array<Table*, 6> shedding_order = {&scenarios, &components, &improvements, &targets_folded, &targets, &breaches};
  if (out.size() > options.max_length && show_details) {
    show_details = false;
    out = render();
  }
  for (Table* table : shedding_order) {
    while (out.size() > options.max_length && table->shown > 0) {
      table->shown /= 2;
      out = render();
    }
  }
  if (out.size() > options.max_length) {
    const std::string note = "\n\n_… cut to fit GitHub's comment size limit._\n";
    out = CutUtf8(out, options.max_length > note.size() ? options.max_length - note.size() : 0) + note;
    out = CutUtf8(out, options.max_length);
  }
  return out;
}

nlohmann::json CheckJson(const CheckResult& check) {
  nlohmann::json budgets = nlohmann::json::array();
  for (const auto& result : check.budgets) {
    budgets.push_back({{"budget", result.budget.path},
                       {"key", result.budget.key},
                       {"description", result.budget.description},
                       {"benchmark", result.benchmark},
                       {"metric", result.metric},
                       {"statistic", result.statistic},
                       {"unit", result.unit},
                       {"level", config::ToString(result.budget.level)},
                       {"status", detect::ToString(result.status)},
                       {"actual", text::FiniteOrNull(result.actual)},
                       {"head", text::FiniteOrNull(result.head_value)},
                       {"base", text::FiniteOrNull(result.base_value)},
                       {"change", text::FiniteOrNull(result.change)},
                       {"limit", text::FiniteOrNull(result.limit)},
                       {"stretch", text::FiniteOrNull(result.stretch)},
                       {"verdict", result.verdict ? nlohmann::json(detect::ToString(*result.verdict)) : nullptr},
                       {"p_value", text::FiniteOrNull(result.p_value)},
                       {"note", result.note}});
  }
  const detect::CheckSummary& summary = check.summary;
  return nlohmann::json{{"project", check.project},
                        {"passed", check.passed},
                        {"verdict", check.passed ? "pass" : "fail"},
                        {"has_baseline", check.has_baseline},
                        {"summary",
                         {{"regressions", summary.regressions},
                          {"failing_regressions", summary.failing_regressions},
                          {"improvements", summary.improvements},
                          {"met", summary.met},
                          {"stretch_met", summary.stretch_met},
                          {"broken", summary.broken},
                          {"warnings", summary.warnings},
                          {"pending", summary.pending}}},
                        {"budgets", budgets},
                        {"comparison", CompareJson(check.comparison)}};
}

nlohmann::json CheckJson(const detect::CheckResult& check, const std::optional<model::ResultsOrigin>& base,
                         const std::optional<model::ResultsOrigin>& head, const std::string& testbed) {
  nlohmann::json body = CheckJson(check);
  body["base"] = OriginJson(base);
  body["head"] = OriginJson(head);
  body["testbed"] = testbed;
  return body;
}

}  // namespace perfgate::report
