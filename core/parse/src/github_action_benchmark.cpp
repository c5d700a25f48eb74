// github-action-benchmark's history, the `data.js` it keeps on gh-pages:
//   window.BENCHMARK_DATA = {"lastUpdate": ms, "repoUrl": "...", "entries": {
//     "SUITE": [{"commit": {"id", "message", "timestamp", "url", ...}, "date": ms,
//                "tool": "cargo", "benches": [{"name", "value", "unit", "range"?, "extra"?}]}]}}
// One entry is one run of one suite on one commit.

#include <algorithm>
#include <string>
#include <vector>

#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

using Fail = tl::unexpected<ParseError>;

// Tools whose values github-action-benchmark itself treats as bigger-is-better.
bool BiggerIsBetter(std::string_view tool) {
  return tool == "customBiggerIsBetter" || tool == "pytest" || tool == "benchmarkjs" || tool == "benchmarkluau";
}

struct MetricSpec {
  std::string name;
  std::string unit;
  double factor = 1;
  model::Direction direction = model::Direction::kLowerIsBetter;
};

// What one bench's unit becomes: times per iteration or operation are
// "real_time" (ns); go's other -benchmem units keep go's metric names; rates
// per second are "ops"; anything else is "value" in its canonical unit.
MetricSpec SpecFor(std::string_view unit, std::string_view tool) {
  std::string_view base = unit;
  for (std::string_view suffix : {"/iter", "/op"}) {
    if (text::EndsWith(base, suffix)) base.remove_suffix(suffix.size());
  }
  if (auto per = model::NanosecondsPer(base)) return {"real_time", "ns", *per, model::Direction::kLowerIsBetter};
  if (unit == "B/op") return {"bytes_per_op", "B", 1, model::Direction::kLowerIsBetter};
  if (unit == "allocs/op") return {"allocs_per_op", "", 1, model::Direction::kLowerIsBetter};
  if (unit == "iter/sec" || unit == "ops/sec" || unit == "ops/s" || unit == "op/s") {
    return {"ops", "/s", 1, model::Direction::kHigherIsBetter};
  }
  MetricSpec spec{"value", std::string(unit), 1, model::Direction::kLowerIsBetter};
  if (auto quantity = model::ParseQuantity("1" + std::string(unit)); quantity && !unit.empty()) {
    spec.unit = quantity->unit;
    spec.factor = quantity->value;
  }
  if (tool == "customBiggerIsBetter" || tool == "customSmallerIsBetter" || BiggerIsBetter(tool)) {
    spec.direction = BiggerIsBetter(tool) ? model::Direction::kHigherIsBetter : model::Direction::kLowerIsBetter;
  } else {
    spec.direction = model::DefaultDirection(spec.name, spec.unit);
  }
  return spec;
}

}  // namespace

std::optional<model::Direction> ParseDirectionName(std::string_view text) {
  if (text == "bigger" || text == "customBiggerIsBetter") return model::Direction::kHigherIsBetter;
  if (text == "smaller" || text == "customSmallerIsBetter") return model::Direction::kLowerIsBetter;
  return model::ParseDirection(text);
}

void SetDirection(model::Results& report, model::Direction direction) {
  for (model::Benchmark& benchmark : report.benchmarks) {
    for (model::Metric& metric : benchmark.metrics) metric.direction = direction;
  }
}

tl::expected<std::vector<HistoryEntry>, ParseError> ParseGithubActionBenchmarkData(std::string_view text) {
  // data.js is JavaScript: one assignment of a JSON object. A bare JSON file is accepted too.
  std::string_view json = text;
  if (std::size_t brace = text.find('{'); brace != std::string_view::npos && !json_text::StartsLikeJson(text)) {
    std::string_view before = text::Trim(text.substr(0, brace));
    if (!text::EndsWith(before, "=")) {
      return tl::unexpected(ParseError{"line 1", "expected 'window.BENCHMARK_DATA = {...}' (github-action-benchmark's data.js)"});
    }
    json = text.substr(brace);
    std::size_t end = json.find_last_not_of(" \t\r\n;");
    json = json.substr(0, end == std::string_view::npos ? 0 : end + 1);
  }
  std::size_t line_offset = json_text::LineOf(text, static_cast<std::size_t>(json.data() - text.data())) - 1;
  auto document = json_text::ParseLenient(json);
  auto rebase = [&](ParseError error) {
    if (text::StartsWith(error.where, "line ")) {
      std::size_t end = error.where.find_first_not_of("0123456789", 5);
      if (auto line = text::ParseNumber(std::string_view(error.where).substr(5, end == std::string::npos ? end : end - 5))) {
        error.where = "line " + std::to_string(static_cast<std::size_t>(*line) + line_offset) +
                      (end == std::string::npos ? "" : error.where.substr(end));
      }
    }
    return error;
  };
  if (!document) return tl::unexpected(rebase(document.error()));
  auto fail = [&](const std::string& path, std::string reason) {
    return Fail(rebase(json_text::ErrorAt(json, path, std::move(reason))));
  };
  if (!document->is_object()) return fail("", "expected an object with \"entries\"");
  auto entries = document->find("entries");
  if (entries == document->end()) return fail("entries", "missing (not github-action-benchmark's data.js?)");
  if (!entries->is_object()) return fail("entries", "expected an object of suites, got " + std::string(json_text::TypeName(*entries)));
  // Over several suites one bench name may mean two things: prefix the suite.
  bool qualify = entries->size() > 1;
  std::vector<HistoryEntry> history;
  for (const auto& [suite, runs] : entries->items()) {
    std::string suite_path = "entries." + suite;
    if (!runs.is_array()) return fail(suite_path, "expected an array of runs");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const nlohmann::json& run = runs[i];
      std::string path = suite_path + "[" + std::to_string(i) + "]";
      if (!run.is_object()) return fail(path, "expected an object");
      auto commit = run.find("commit");
      if (commit == run.end() || !commit->is_object()) return fail(path + ".commit", "expected an object with \"id\"");
      auto sha = json_text::RequireString(*commit, "id", path + ".commit");
      if (!sha) return Fail(rebase(json_text::WithLine(json, sha.error())));
      if (sha->empty()) return fail(path + ".commit.id", "empty");
      HistoryEntry entry;
      entry.commit = *sha;
      entry.suite = suite;
      if (auto message = commit->find("message"); message != commit->end() && message->is_string()) {
        entry.message = message->get<std::string>();
      }
      // The commit's own time, else when the action ran (ms since the epoch).
      std::optional<std::int64_t> time;
      if (auto timestamp = commit->find("timestamp"); timestamp != commit->end() && timestamp->is_string()) {
        time = model::ParseIsoTime(timestamp->get<std::string>());
        if (!time) return fail(path + ".commit.timestamp", "not an ISO 8601 time: " + timestamp->get<std::string>());
      }
      if (!time) {
        auto date = json_text::OptionalNumber(run, "date", path);
        if (!date) return Fail(rebase(json_text::WithLine(json, date.error())));
        if (!*date || **date < 0 || **date > 253402300799000.0) return fail(path + ".date", "missing or out of range (ms since the epoch)");
        time = static_cast<std::int64_t>(**date / 1000);
      }
      entry.time = *time;
      std::string tool;
      if (auto value = run.find("tool"); value != run.end() && value->is_string()) tool = value->get<std::string>();
      entry.report.format = "github-action-benchmark";
      entry.report.context["tool"] = tool;
      entry.report.context["suite"] = suite;
      auto benches = run.find("benches");
      if (benches == run.end() || !benches->is_array()) return fail(path + ".benches", "expected an array");
      for (std::size_t j = 0; j < benches->size(); ++j) {
        const nlohmann::json& bench = (*benches)[j];
        std::string at = path + ".benches[" + std::to_string(j) + "]";
        if (!bench.is_object()) return fail(at, "expected an object");
        auto name = json_text::RequireString(bench, "name", at);
        if (!name) return Fail(rebase(json_text::WithLine(json, name.error())));
        auto value = json_text::RequireNumber(bench, "value", at);
        if (!value) return Fail(rebase(json_text::WithLine(json, value.error())));
        auto unit = json_text::OptionalString(bench, "unit", at);
        if (!unit) return Fail(rebase(json_text::WithLine(json, unit.error())));
        std::string unit_text = unit->value_or("");
        // Newer versions split go's -benchmem figures: "BenchmarkX - B/op".
        std::string bench_name = *name;
        if (!unit_text.empty() && text::EndsWith(bench_name, " - " + unit_text)) {
          bench_name.resize(bench_name.size() - unit_text.size() - 3);
        }
        if (bench_name.empty()) return fail(at + ".name", "empty");
        if (qualify) bench_name = suite + "/" + bench_name;
        MetricSpec spec = SpecFor(unit_text, tool);
        model::Benchmark& benchmark = entry.report.BenchmarkNamed(bench_name);
        model::Metric& metric = model::MetricNamed(benchmark, spec.name, spec.unit, spec.direction);
        if (!metric.samples.empty()) return fail(at, "bench '" + bench_name + "' (" + spec.name + ") appears twice in one run");
        metric.samples.push_back(*value * spec.factor);
      }
      if (entry.report.benchmarks.empty()) continue;  // a run that recorded nothing
      history.push_back(std::move(entry));
    }
  }
  if (history.empty()) return fail("entries", "no benchmark results: no run has benches");
  std::stable_sort(history.begin(), history.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) { return a.time < b.time; });
  return history;
}

}  // namespace perfgate::parse
