// criterion (Rust) results. criterion writes, per benchmark, the files
// target/criterion/<id>/new/{benchmark,estimates,sample,tukey}.json; perfgate
// takes them concatenated (no separator needed), each benchmark's benchmark.json
// first, as sorted paths give them:
//   find target/criterion -path '*/new/*.json' | sort | xargs -d '\n' cat
// - benchmark.json {"group_id", "function_id", "value_str", "throughput", "full_id", ...}
//   starts a benchmark named full_id;
// - sample.json {"sampling_mode", "iters": [...], "times": [...]} (ns per sample)
//   gives one "real_time" sample per entry: times[i] / iters[i];
// - estimates.json {"mean": {"point_estimate", "confidence_interval": {...}}, ...}
//   gives aggregates; tukey.json (an array of fences) is ignored.
// Bencher-format lines (`-- --output-format bencher`) go to the libtest adapter.

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"
#include "criterion_console.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

// One top-level JSON value of the concatenation and where it starts.
struct Piece {
  std::string_view text;
  std::size_t offset = 0;
};

// Splits concatenated JSON values at depth zero, respecting strings. A trailing
// value that never closes is returned as it is, for the JSON parser to report.
tl::expected<std::vector<Piece>, ParseError> SplitValues(std::string_view text) {
  std::vector<Piece> pieces;
  std::size_t i = 0;
  while (true) {
    i = text.find_first_not_of(" \t\r\n", i);
    if (i == std::string_view::npos) break;
    if (text[i] != '{' && text[i] != '[') {
      return tl::unexpected(ParseError{text::LineWhere(json_text::LineOf(text, i)),
                                       "expected '{' starting one of criterion's JSON files"});
    }
    std::size_t start = i;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) break;
    }
    if (i >= text.size()) {
      pieces.push_back(Piece{text.substr(start), start});
      break;
    }
    ++i;
    pieces.push_back(Piece{text.substr(start, i - start), start});
  }
  return pieces;
}

// Re-bases an error of ParseLenient on one piece to the line of the whole text.
ParseError Rebase(ParseError error, std::size_t line_offset) {
  if (text::StartsWith(error.where, "line ")) {
    std::size_t end = error.where.find_first_not_of("0123456789", 5);
    auto line = text::ParseNumber(std::string_view(error.where).substr(5, end == std::string::npos ? end : end - 5));
    if (line) {
      error.where = "line " + std::to_string(static_cast<std::size_t>(*line) + line_offset) +
                    (end == std::string::npos ? "" : error.where.substr(end));
    }
  }
  return error;
}

// Builds a Report from criterion's files, one JSON value at a time, each
// benchmark's benchmark.json first. `fail` makes the error for a field of the
// value being added ("" for the value itself).
class Reader {
 public:
  using Fail = std::function<ParseError(const std::string& path, std::string reason)>;

  Reader() { report_.format = "criterion"; }

  tl::expected<void, ParseError> Add(const nlohmann::json& value, const Fail& make_error) {
    auto fail = [&](const std::string& path, std::string reason) {
      return tl::unexpected(make_error(path, std::move(reason)));
    };
    model::Results& report = report_;
    model::Benchmark*& current = current_;
    double& throughput_bytes = throughput_bytes_;
    double& throughput_elements = throughput_elements_;
    bool& has_sample = has_sample_;
    bool& has_estimates = has_estimates_;
    if (value.is_array()) return {};  // tukey.json
    if (!value.is_object()) return fail("", "expected an object, got " + std::string(json_text::TypeName(value)));

    if (value.contains("full_id") || value.contains("group_id")) {
      auto name = json_text::OptionalString(value, "full_id", "");
      if (!name) return fail("full_id", name.error().reason);
      if (!*name || (*name)->empty()) return fail("full_id", "missing (benchmark.json names the benchmark)");
      if (report.FindBenchmark(**name) != nullptr) {
        return fail("full_id", "benchmark '" + **name +
                                   "' appears twice (were base/ or another baseline's files included with new/?)");
      }
      current = &report.BenchmarkNamed(**name);
      has_sample = has_estimates = false;
      throughput_bytes = throughput_elements = 0;
      if (auto throughput = value.find("throughput"); throughput != value.end() && !throughput->is_null()) {
        if (!throughput->is_object()) return fail("throughput", "expected an object such as {\"Bytes\": 64}");
        for (const auto& [kind, amount] : throughput->items()) {
          auto number = json_text::Number(amount);
          if (!number || *number <= 0) return fail("throughput." + kind, "expected a positive number");
          if (kind == "Bytes" || kind == "BytesDecimal") throughput_bytes = *number;
          else if (kind == "Elements") throughput_elements = *number;
          else return fail("throughput." + kind, "unknown throughput kind (expected Bytes or Elements)");
        }
      }
      return {};
    }

    bool is_sample = value.contains("iters") || value.contains("times");
    bool is_estimates = value.contains("mean") || value.contains("median") || value.contains("slope");
    if (!is_sample && !is_estimates) {
      return fail("", "not one of criterion's benchmark.json, estimates.json or sample.json");
    }
    if (current == nullptr) {
      return fail("", std::string(is_sample ? "sample.json" : "estimates.json") +
                          " before any benchmark.json: concatenate each benchmark's files with benchmark.json first");
    }
    model::Metric& real_time = model::MetricNamed(*current, "real_time", "ns", model::Direction::kLowerIsBetter);

    if (is_sample) {
      if (has_sample) return fail("", "a second sample.json for '" + current->name + "'");
      has_sample = true;
      auto iters = value.find("iters");
      auto times = value.find("times");
      if (iters == value.end() || !iters->is_array()) return fail("iters", "expected an array of iteration counts");
      if (times == value.end() || !times->is_array()) return fail("times", "expected an array of times in ns");
      if (iters->size() != times->size()) {
        return fail("times", "has " + std::to_string(times->size()) + " entries but iters has " +
                                 std::to_string(iters->size()));
      }
      std::vector<double> per_iteration;
      for (std::size_t i = 0; i < iters->size(); ++i) {
        auto count = json_text::Number((*iters)[i]);
        auto nanoseconds = json_text::Number((*times)[i]);
        std::string at = "[" + std::to_string(i) + "]";
        if (!count || !(*count > 0)) return fail("iters" + at, "expected a positive number");
        if (!nanoseconds) return fail("times" + at, "expected a number");
        per_iteration.push_back(*nanoseconds / *count);
      }
      real_time.samples = per_iteration;
      // Throughput per sample: the declared amount over that sample's time per iteration.
      for (auto [amount, metric, unit] : {std::tuple{throughput_bytes, "bytes_per_second", "B/s"},
                                          std::tuple{throughput_elements, "items_per_second", "/s"}}) {
        if (amount <= 0) continue;
        model::Metric& rate = model::MetricNamed(*current, metric, unit, model::Direction::kHigherIsBetter);
        for (double nanoseconds : per_iteration) {
          if (nanoseconds > 0) rate.samples.push_back(amount * 1e9 / nanoseconds);
        }
      }
      return {};
    }

    if (has_estimates) return fail("", "a second estimates.json for '" + current->name + "'");
    has_estimates = true;
    constexpr std::pair<std::string_view, std::string_view> kEstimates[] = {
        {"mean", "mean"}, {"median", "median"}, {"std_dev", "stddev"}, {"median_abs_dev", "mad"}, {"slope", "slope"}};
    for (const auto& [key, aggregate] : kEstimates) {
      auto estimate = value.find(key);
      if (estimate == value.end() || estimate->is_null()) continue;  // slope is null in flat sampling
      std::string path(key);
      if (!estimate->is_object()) return fail(path, "expected an object, got " + std::string(json_text::TypeName(*estimate)));
      auto point = json_text::RequireNumber(*estimate, "point_estimate", "");
      if (!point) return fail(path + ".point_estimate", point.error().reason);
      real_time.aggregates[std::string(aggregate)] = *point;
      if (key != "mean" && key != "slope") continue;
      auto interval = estimate->find("confidence_interval");
      if (interval == estimate->end() || !interval->is_object()) continue;
      for (auto [bound, suffix] : {std::pair{"lower_bound", "_lower_bound"}, std::pair{"upper_bound", "_upper_bound"}}) {
        auto number = json_text::OptionalNumber(*interval, bound, "");
        if (!number) return fail(path + ".confidence_interval." + bound, number.error().reason);
        if (*number) real_time.aggregates[std::string(aggregate) + suffix] = **number;
      }
    }
      return {};
  }

  ParseResult Finish() && {
    if (report_.benchmarks.empty()) {
      return tl::unexpected(ParseError{"", "no benchmark results: no criterion benchmark.json in the input"});
    }
    for (const model::Benchmark& benchmark : report_.benchmarks) {
      if (benchmark.metrics.empty()) {
        return tl::unexpected(ParseError{"", "benchmark '" + benchmark.name +
                                                 "' has a benchmark.json but no sample.json or estimates.json"});
      }
    }
    return std::move(report_);
  }

 private:
  model::Results report_;
  model::Benchmark* current_ = nullptr;
  double throughput_bytes_ = 0;
  double throughput_elements_ = 0;
  bool has_sample_ = false;
  bool has_estimates_ = false;
};

}  // namespace

bool LooksLikeCriterion(std::string_view text) {
  return LooksLikeCriterionJson(text) || (!json_text::StartsLikeJson(text) && LooksLikeCriterionConsole(text));
}

bool LooksLikeCriterionJson(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) return false;
  std::string_view head = text.substr(0, 4096);
  bool has = head.find("\"full_id\"") != std::string_view::npos ||
             head.find("\"point_estimate\"") != std::string_view::npos ||
             (head.find("\"iters\"") != std::string_view::npos && head.find("\"times\"") != std::string_view::npos);
  return has;
}

ParseResult ParseCriterion(std::string_view text) {
  if (!json_text::StartsLikeJson(text)) {
    if (LooksLikeCriterionConsole(text)) return ParseCriterionConsole(text);
    auto report = ParseLibtestBench(text);
    if (report) report->format = "criterion";
    return report;
  }
  auto pieces = SplitValues(text);
  if (!pieces) return tl::unexpected(pieces.error());

  Reader reader;
  std::size_t index = 0;
  for (const Piece& piece : *pieces) {
    std::size_t first_line = json_text::LineOf(text, piece.offset);
    std::string file = "file " + std::to_string(++index);
    auto make_error = [&](const std::string& path, std::string reason) {
      return ParseError{"line " + std::to_string(first_line) + ", " + file + (path.empty() ? "" : "." + path),
                        std::move(reason)};
    };
    auto parsed = json_text::ParseLenient(piece.text);
    if (!parsed) return tl::unexpected(Rebase(parsed.error(), first_line - 1));
    if (auto added = reader.Add(*parsed, make_error); !added) return tl::unexpected(added.error());
  }
  return std::move(reader).Finish();
}

tl::expected<std::vector<SourceFile>, ParseError> SelectCriterionFiles(std::span<const SourceFile> files,
                                                                       std::string_view baseline) {
  // <benchmark directory>/<baseline>/<file>.json, grouped by benchmark directory.
  std::map<std::string, std::array<const SourceFile*, 3>> benchmarks;
  std::set<std::string> baselines;
  constexpr std::array<std::string_view, 3> kFiles{"benchmark.json", "estimates.json", "sample.json"};
  for (const SourceFile& file : files) {
    std::string_view path = file.path;
    std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) continue;
    std::string_view name = path.substr(slash + 1);
    std::string_view directory = path.substr(0, slash);
    std::size_t parent_slash = directory.rfind('/');
    if (parent_slash == std::string_view::npos) continue;
    std::string_view run = directory.substr(parent_slash + 1);
    if (name == "benchmark.json") baselines.insert(std::string(run));
    if (run != baseline) continue;
    for (std::size_t i = 0; i < kFiles.size(); ++i) {
      if (name == kFiles[i]) benchmarks[std::string(directory.substr(0, parent_slash))][i] = &file;
    }
  }
  std::vector<SourceFile> selected;
  for (const auto& [directory, found] : benchmarks) {
    if (found[0] == nullptr) continue;  // not a benchmark's run directory
    for (const SourceFile* file : found) {
      if (file != nullptr) selected.push_back(*file);
    }
  }
  if (selected.empty()) {
    std::string known;
    for (const std::string& name : baselines) known += (known.empty() ? "" : ", ") + name;
    return tl::unexpected(ParseError{
        "", "no benchmark has a '" + std::string(baseline) + "' run (<benchmark>/" + std::string(baseline) +
                "/benchmark.json)" + (known.empty() ? "; this is not a target/criterion directory"
                                                    : "; runs found: " + known)});
  }
  return selected;
}

ParseResult ParseCriterionDirectory(std::span<const SourceFile> files, std::string_view baseline) {
  auto selected = SelectCriterionFiles(files, baseline);
  if (!selected) return tl::unexpected(selected.error());
  Reader reader;
  for (const SourceFile& file : *selected) {
    auto parsed = json_text::ParseLenient(file.text);
    if (!parsed) {
      ParseError error = parsed.error();
      error.where = file.path + (error.where.empty() ? "" : ", " + error.where);
      return tl::unexpected(error);
    }
    auto make_error = [&](const std::string& path, std::string reason) {
      return ParseError{file.path + (path.empty() ? "" : ": " + path), std::move(reason)};
    };
    if (auto added = reader.Add(*parsed, make_error); !added) return tl::unexpected(added.error());
  }
  auto report = std::move(reader).Finish();
  if (report) report->context["criterion.baseline"] = std::string(baseline);
  return report;
}

}  // namespace perfgate::parse
