#pragma once
// Value types for one parsed results file. Every adapter in core/parse produces a
// Results; the store, statistics and reports consume it. No I/O here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate::model {

// Whether a smaller or a larger value of a metric is the better one.
enum class Direction { kLowerIsBetter, kHigherIsBetter };

// "lower_is_better" / "higher_is_better".
std::string_view ToString(Direction direction);
// Inverse of ToString; also accepts "lower"/"higher". Absent for anything else.
std::optional<Direction> ParseDirection(std::string_view text);

// One metric of one benchmark in one results file, in canonical units: times in
// "ns", sizes in "B", rates in "/s" or "B/s", percentages as "%", anything else
// as the harness named it ("" for a dimensionless count).
struct Metric {
  std::string name;  // "real_time", "cpu_time", "bytes_per_second", a user counter
  std::string unit;
  Direction direction = Direction::kLowerIsBetter;
  // Raw measurements in the order they were taken (one per repetition / run).
  // Empty when the file carried only aggregates.
  std::vector<double> samples;
  // Aggregates the harness computed itself ("mean", "median", "stddev", "cv",
  // "p99", ...), in the metric's unit except "cv", which is a fraction.
  std::map<std::string, double> aggregates;

  bool HasSamples() const { return !samples.empty(); }
};

// A complexity fit reported by the harness (Google Benchmark's _BigO / _RMS rows).
struct ComplexityFit {
  std::string metric;      // "real_time" or "cpu_time"
  std::string complexity;  // "N", "NlgN", "N^2", "lgN", "1", "f(N)", ...
  double coefficient = 0;  // the _BigO value, in the unit below
  std::string unit;        // canonical unit of the coefficient ("ns")
  std::optional<double> rms;  // the _RMS row's value (a fraction), when present
};

// One benchmark (one named case) of a results file.
struct Benchmark {
  std::string name;   // full name as the harness printed it ("BM_Sort/1024/threads:2")
  std::string label;  // harness label, "" when none
  std::vector<Metric> metrics;
  // Set when the harness reported this benchmark as failed or skipped; such a
  // benchmark carries no metrics: an error is never stored as a time.
  std::optional<std::string> error;
  bool skipped = false;
  std::vector<ComplexityFit> fits;

  const Metric* FindMetric(std::string_view metric_name) const;
  Metric* FindMetric(std::string_view metric_name);
};

// One parsed results file.
struct Results {
  std::string format;  // the adapter that produced it: "gbench", "hyperfine", ...
  // Flat description of where it ran (host, cpu count, library version, date...).
  std::map<std::string, std::string> context;
  std::vector<Benchmark> benchmarks;

  const Benchmark* FindBenchmark(std::string_view benchmark_name) const;
  Benchmark* FindBenchmark(std::string_view benchmark_name);
  // Finds the benchmark by name, appending an empty one when absent.
  Benchmark& BenchmarkNamed(std::string_view benchmark_name);
  // Total number of raw samples over every metric of every benchmark.
  std::size_t SampleCount() const;
};

// Finds the metric by name in `benchmark`, appending an empty one (with the given
// unit and direction) when absent.
Metric& MetricNamed(Benchmark& benchmark, std::string_view metric_name, std::string_view unit,
                    Direction direction);

// Replaces each byte of the free text (labels, failure messages, units, fit
// strings, aggregate names, the context) that is not part of well-formed UTF-8
// with U+FFFD (model/names.hpp), so every backend stores the same text.
// Benchmark and metric names are not touched: the name rule refuses them.
void RepairFreeText(Results& results);

// The metric a command uses when the user named none: "real_time" when the
// benchmark has it, otherwise its only metric, otherwise absent (ambiguous/empty).
const Metric* DefaultMetric(const Benchmark& benchmark);

}  // namespace perfgate::model
