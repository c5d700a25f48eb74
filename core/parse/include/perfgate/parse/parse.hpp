#pragma once
// Adapters from harness output to model::Results, and the registry that picks one.
// One adapter per format, each in its own file (gbench.cpp, hyperfine.cpp, ...).
// Adapters never throw on bad input: they return a ParseError saying where and why.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "perfgate/model/results.hpp"

namespace perfgate::parse {

struct ParseError {
  std::string where;   // "line 12, benchmarks[3].real_time" or "line 4"
  std::string reason;  // "expected a number, got a string"

  // "where: reason" (just the reason when `where` is empty).
  std::string Message() const;
};

using ParseResult = tl::expected<model::Results, ParseError>;

// One supported harness output format.
struct Format {
  std::string_view name;         // "gbench", used by --format and stored with the run
  std::string_view description;  // "Google Benchmark JSON (--benchmark_format=json)"
  // True when `text` looks like this format. Cheap; reads only what it must.
  bool (*sniff)(std::string_view text);
  ParseResult (*parse)(std::string_view text);
};

// Every format, in the order auto-detection tries them.
std::span<const Format> Formats();

// The format named `name`, or nullptr.
const Format* FindFormat(std::string_view name);

// Detects the format from content and parses it. Fails with where = "format" when
// no format, or more than one, recognises the text, naming the formats tried.
ParseResult ParseAuto(std::string_view text);

// Parses with the named format, or auto-detects for "auto" or "".
ParseResult Parse(std::string_view text, std::string_view format_name);

// Google Benchmark JSON, library versions 1.5 to 1.9.
bool LooksLikeGoogleBenchmarkJson(std::string_view text);
ParseResult ParseGoogleBenchmarkJson(std::string_view text);
// ParseGoogleBenchmarkJson reads a file in one pass over its text and hands any
// file of a shape that pass declines to a DOM reader (whose errors name the
// line and field). For tests that hold the two alike: the DOM reader alone, and
// the one-pass reader alone (nullopt when it declines the file).
ParseResult ParseGoogleBenchmarkJsonWithDom(std::string_view text);
std::optional<model::Results> ParseGoogleBenchmarkJsonFast(std::string_view text);

// Catch2 2.x/3.x benchmark results, from the XML reporter (`-r xml`) or the console
// reporter. Catch2 reports statistics only: every value is an aggregate of metric
// "real_time" (ns): mean, mean_lower_bound, mean_upper_bound, stddev,
// stddev_lower_bound, stddev_upper_bound. A failed benchmark carries its error.
bool LooksLikeCatch2(std::string_view text);
ParseResult ParseCatch2(std::string_view text);

// criterion (Rust) 0.3-0.5 results, in three forms:
// - JSON: the concatenation of each benchmark's
//   `target/criterion/<id>/new/{benchmark,estimates,sample,tukey}.json`, each
//   benchmark's benchmark.json first, as sorted paths give them (the command is in
//   tests/fixtures/criterion/COMMAND.md). sample.json's per-iteration times become
//   "real_time" samples (ns); estimates.json's point estimates its aggregates; a
//   declared throughput adds "bytes_per_second" or "items_per_second" samples.
// - the console output of a plain `cargo bench` (`NAME  time: [lo est hi]`, `thrpt:`):
//   aggregates mean_lower_bound / mean / mean_upper_bound of "real_time" (ns) and of
//   "bytes_per_second" (B/s) or "items_per_second" (/s); `change:` blocks are skipped.
// - `cargo bench -- --output-format bencher` lines (as libtest).
bool LooksLikeCriterion(std::string_view text);
bool LooksLikeCriterionJson(std::string_view text);
ParseResult ParseCriterion(std::string_view text);

// One file of a results directory: its path relative to the directory, with "/"
// separators ("fib 10/new/sample.json"), and its content.
struct SourceFile {
  std::string path;
  std::string text;
};

// The files of criterion's directory (`target/criterion`, every file below it)
// that make one run: for each benchmark directory holding `<baseline>/benchmark.json`,
// its `<baseline>/{benchmark,estimates,sample}.json`, benchmark.json first, in
// path order. `baseline` is "new" (the latest run) or a name given to
// `--save-baseline`. Fails, naming the runs present, when no benchmark has that run.
// Concatenated, the selection is what ParseCriterion reads.
tl::expected<std::vector<SourceFile>, ParseError> SelectCriterionFiles(std::span<const SourceFile> files,
                                                                       std::string_view baseline);

// SelectCriterionFiles, then each file read as ParseCriterion reads the JSON form;
// errors name the file ("fib 10/new/sample.json: times[3]"). Context
// "criterion.baseline" records the run read.
ParseResult ParseCriterionDirectory(std::span<const SourceFile> files, std::string_view baseline);

// Rust libtest `#[bench]` lines and criterion's `--output-format bencher` lines:
// `test NAME ... bench: 1,234 ns/iter (+/- 56)` [`= 87 MB/s`]. The value is the
// harness's median (aggregate "median" of "real_time", ns) and the "+/-" figure
// its aggregate "deviation"; a throughput suffix adds "bytes_per_second".
// Other lines (unit tests, ignored benchmarks, cargo's chatter) are skipped.
bool LooksLikeLibtestBench(std::string_view text);
ParseResult ParseLibtestBench(std::string_view text);

// hyperfine `--export-json`: each command is a benchmark; every run in `times`
// is a "real_time" sample (ns); mean/stddev/median/min/max are aggregates, and
// `user`/`system` the mean of "user_time"/"system_time".
bool LooksLikeHyperfineJson(std::string_view text);
ParseResult ParseHyperfineJson(std::string_view text);

// `go test -bench` text output (with or without -benchmem, -count, -cpu, -v).
// Every result line is one sample of each of its value/unit pairs: ns/op ->
// "real_time" (ns), MB/s -> "bytes_per_second" (B/s), B/op -> "bytes_per_op" (B),
// allocs/op -> "allocs_per_op", any other unit U (b.ReportMetric) -> metric U.
// The "-N" GOMAXPROCS suffix is dropped when every result line carries the same
// one (context "gomaxprocs"); `--- FAIL` / `--- SKIP` mark errors and skips.
// When the output holds more than one `pkg:` header (`go test ./... -bench .`),
// every name is qualified by its package: "example.com/m/fast.BenchmarkHash".
bool LooksLikeGoTestBench(std::string_view text);
ParseResult ParseGoTestBench(std::string_view text);

// pytest-benchmark JSON (`--benchmark-json`, or a `--benchmark-save` file). Each
// benchmark is named by its `fullname`; `stats.data` (present with raw data) gives
// "real_time" samples (ns), the other stats aggregates; `stats.ops` is the mean of
// "ops" (/s, higher is better). A `stats.data` that is shortened (fewer entries than
// `rounds`), null or holds non-numbers is ignored: the stats block alone is read.
bool LooksLikePytestBenchmarkJson(std::string_view text);
ParseResult ParsePytestBenchmarkJson(std::string_view text);

// vitest bench `--outputJson`: benchmarks named "<group fullName> > <name>";
// statistics (ms in the file) become "real_time" aggregates in ns (and samples
// when the file kept them); `hz` is the mean of "ops" (/s).
bool LooksLikeVitestBenchJson(std::string_view text);
ParseResult ParseVitestBenchJson(std::string_view text);

// benchmark.js text: `name x 1,234 ops/sec ±0.50% (90 runs sampled)` lines. Each
// is metric "ops" (/s, higher is better) with aggregates "mean" and "rme" (the
// relative margin of error as a fraction).
bool LooksLikeBenchmarkJs(std::string_view text);
ParseResult ParseBenchmarkJs(std::string_view text);

// autocannon `--json`: one benchmark named by `title` (else the URL) with metrics
// "latency" (ns, aggregates mean/stddev/min/max/p50/p90/p97.5/p99/...),
// "requests_per_second" (/s), "throughput" (B/s), and one sample each of
// "errors", "timeouts" and "non2xx" (counts, lower is better).
bool LooksLikeAutocannonJson(std::string_view text);
ParseResult ParseAutocannonJson(std::string_view text);

// JMH (Java) `-rf json`: each run is a benchmark named "<benchmark>[/<param>=<value>]...".
// The primary score's metric follows the mode: thrpt -> "ops" (/s, higher is
// better), avgt -> "real_time", sample -> "sample_time", ss -> "single_shot_time"
// (ns, lower is better). Every iteration of every fork in rawData (or each timed
// call of rawDataHistogram) is a sample; score, scoreError, scoreConfidence and
// scorePercentiles are aggregates mean, error, mean_lower/upper_bound, min, p50,
// p90, p95, p99, p99.9, max. Secondary metrics keep their name without the "·"
// (`gc.alloc.rate.norm`, B, lower is better).
bool LooksLikeJmhJson(std::string_view text);
ParseResult ParseJmhJson(std::string_view text);

// BenchmarkDotNet's JSON exporter (full or brief): each entry is a benchmark named
// "<Namespace>.<Type>.<Method>[/<Parameter>=<value>]...". "real_time" (ns per
// operation, lower is better): samples from the Workload/Result Measurements
// (Nanoseconds / Operations), else Statistics.OriginalValues; Statistics' Mean,
// Median, Min, Max, StandardDeviation, Q1, Q3, P50/P90/P95 and confidence
// interval as aggregates. [MemoryDiagnoser]'s Memory.BytesAllocatedPerOperation
// is "allocated_bytes_per_op" (B, lower is better). Null Statistics is an error.
bool LooksLikeBenchmarkDotNetJson(std::string_view text);
ParseResult ParseBenchmarkDotNetJson(std::string_view text);

// Bencher Metric Format: {"NAME": {"MEASURE": {"value", "lower_value"?, "upper_value"?}}}.
// Each measure is a metric named by its slug with aggregates mean (the value),
// mean_lower_bound and mean_upper_bound: "latency" (ns, lower is better),
// "throughput" (/s, higher), "file-size" (B, lower), "build-time" (s -> ns,
// lower); any other slug unitless, with the default direction for its name.
bool LooksLikeBencherMetricFormat(std::string_view text);
ParseResult ParseBencherMetricFormat(std::string_view text);

// asv (airspeed velocity) results file, format version 2
// (`results/<machine>/<commit>-<env>.json`): each benchmark is named by its key,
// with "(<p1>, <p2>)" per parameter combination as asv prints it. The kind is the
// prefix of the name's last dotted part: time_/timeraw_ -> "real_time" (s -> ns)
// with asv's result as aggregate "median", stats_ci_99_a/b as
// median_lower/upper_bound, stats_q_25/q_75 as q1/q3, and `samples` (with
// --record-samples) as samples; mem_ -> "memory", peakmem_ -> "peak_memory" (B);
// track_ and others -> "value" (unitless); these measure once, so the result is
// one sample. All lower is better (asv counts any increase as a regression). A
// null result is a failed benchmark (error), NaN a skipped one. Context:
// commit_hash, env_name, python, machine.
bool LooksLikeAsvResults(std::string_view text);
ParseResult ParseAsvResults(std::string_view text);

// One results file of an asv results directory, as a run to store.
struct AsvRun {
  std::string path;       // relative to the directory: "ci-runner/4f2c9d1e-virtualenv-py3.11.json"
  std::string machine;    // the directory the file sits in (asv's machine name)
  std::string testbed;    // the machine, or "<machine>/<env_name>" when the machine ran several environments
  std::string commit;     // commit_hash
  std::int64_t time = 0;  // the commit's date (asv's `date`, ms) in seconds since the epoch
  model::Results report;  // as ParseAsvResults reads the file
};

// Reads asv's results directory (`.asv/results`, every file below it):
// each `<machine>/<name>.json` other than `machine.json` is a results file;
// `benchmarks.json` and files outside a machine directory are skipped. Runs are
// sorted by commit date, then commit, machine and path. Fails naming the first
// malformed file ("ci-runner/x.json: line 3, results.time_x: ..."), a file
// without `commit_hash` or `date`, or a directory without results files.
tl::expected<std::vector<AsvRun>, ParseError> ParseAsvResultsDirectory(std::span<const SourceFile> files);

// github-action-benchmark: one run of one suite on one commit from its data.js.
struct HistoryEntry {
  std::string commit;   // full SHA
  std::string message;  // the commit's message, "" when absent
  std::int64_t time = 0;  // the commit's timestamp (else the run's date), seconds since the epoch
  std::string suite;    // the key under "entries" ("Benchmark" unless named)
  model::Results report;  // format "github-action-benchmark"; one sample per bench
};

// Reads github-action-benchmark's gh-pages `data.js` (`window.BENCHMARK_DATA = {...}`,
// or the bare JSON) into its runs, oldest first. Each bench's unit decides its
// metric: ns/iter, ns/op, ns, us, ms, s -> "real_time" (ns, lower is better);
// B/op -> "bytes_per_op"; allocs/op -> "allocs_per_op"; iter/sec, ops/sec ->
// "ops" (/s, higher); anything else -> "value" in its canonical unit, higher is
// better for the tools the action treats so (customBiggerIsBetter, pytest,
// benchmarkjs), lower otherwise. With more than one suite, names are
// "<suite>/<name>". Fails with the line and field of the first malformed run.
tl::expected<std::vector<HistoryEntry>, ParseError> ParseGithubActionBenchmarkData(std::string_view text);

// "higher", "lower" (and "higher_is_better", ...), "bigger", "smaller",
// "customBiggerIsBetter", "customSmallerIsBetter"; absent for anything else.
std::optional<model::Direction> ParseDirectionName(std::string_view text);

// Gives every metric of `report` the direction (for files that cannot say it,
// such as github-action-benchmark's customBiggerIsBetter JSON).
void SetDirection(model::Results& report, model::Direction direction);

// perfgate's own JSON for anything else, documented in docs/custom-json.md:
// {"benchmarks": [{"name", "metric"?, "value"? | "samples"?, "aggregates"?,
// "unit"?, "direction"?}], "metadata"?: {...}} or just the array.
bool LooksLikeCustomJson(std::string_view text);
ParseResult ParseCustomJson(std::string_view text);

}  // namespace perfgate::parse
