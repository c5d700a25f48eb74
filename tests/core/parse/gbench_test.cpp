#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseGoogleBenchmarkJson;
using perfgate::testing::ReadFixture;

namespace {

double NanosecondsPerUnit(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  return 1e9;
}

// The fixture's own iteration rows, read independently of the adapter:
// run_name -> real_time samples in ns.
std::map<std::string, std::vector<double>> RealTimesOf(const std::string& text) {
  std::map<std::string, std::vector<double>> samples;
  std::string quoted = text;
  for (const char* token : {"NaN", "Infinity"}) {
    for (auto pos = quoted.find(token); pos != std::string::npos; pos = quoted.find(token, pos + 1)) {
      quoted.replace(pos, std::string(token).size(), "0");
    }
  }
  const nlohmann::json document = nlohmann::json::parse(quoted);
  for (const auto& row : document["benchmarks"]) {
    if (row.value("run_type", "") != "iteration" || row.value("error_occurred", false)) continue;
    samples[row["run_name"].get<std::string>()].push_back(row["real_time"].get<double>() *
                                                          NanosecondsPerUnit(row["time_unit"].get<std::string>()));
  }
  return samples;
}

}  // namespace

TEST_CASE("Every iteration row of a plain run becomes one sample in nanoseconds", "[parse][gbench]") {
  std::string text = ReadFixture("gbench/plain.json");
  auto report = ParseGoogleBenchmarkJson(text);
  REQUIRE(report);
  CHECK(report->format == "gbench");
  CHECK(report->context.at("num_cpus") == "2");
  auto all_expected = RealTimesOf(text);
  REQUIRE(all_expected.size() >= 8);
  for (const auto& [name, expected] : all_expected) {
    INFO(name);
    const auto* benchmark = report->FindBenchmark(name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    CHECK(real_time->direction == Direction::kLowerIsBetter);
    REQUIRE(real_time->samples.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(real_time->samples[i] == Approx(expected[i]));
  }
}

TEST_CASE("Time units ms, us and s are converted to nanoseconds", "[parse][gbench]") {
  std::string text = ReadFixture("gbench/plain.json");
  auto report = ParseGoogleBenchmarkJson(text);
  REQUIRE(report);
  auto expected = RealTimesOf(text);
  for (const char* name : {"BM_Accumulate_ms", "BM_Accumulate_us", "BM_Accumulate_s"}) {
    INFO(name);
    CHECK(report->FindBenchmark(name)->FindMetric("real_time")->samples.at(0) == Approx(expected.at(name).at(0)));
  }
}

TEST_CASE("Rates, user counters, labels and memory fields become metrics", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/plain.json"));
  REQUIRE(report);
  const auto* sort = report->FindBenchmark("BM_Sort/64");
  REQUIRE(sort);
  CHECK(sort->FindMetric("bytes_per_second")->unit == "B/s");
  CHECK(sort->FindMetric("bytes_per_second")->direction == Direction::kHigherIsBetter);
  CHECK(sort->FindMetric("items_per_second")->unit == "/s");
  CHECK(sort->FindMetric("max_bytes_used")->unit == "B");
  CHECK(sort->FindMetric("max_bytes_used")->samples.at(0) == 4096);
  CHECK(sort->FindMetric("allocs_per_iter")->direction == Direction::kLowerIsBetter);

  const auto* counters = report->FindBenchmark("BM_Counters");
  REQUIRE(counters);
  CHECK(counters->label == "label with \"quotes\" and ünïcode");
  CHECK(counters->FindMetric("hits")->direction == Direction::kHigherIsBetter);
  CHECK(counters->FindMetric("hit_rate")->samples.at(0) > 0);
  CHECK(std::isnan(counters->FindMetric("not_a_number")->samples.at(0)));
  CHECK(std::isinf(counters->FindMetric("unbounded")->samples.at(0)));
}

TEST_CASE("Thread variants are separate benchmarks", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/plain.json"));
  REQUIRE(report);
  CHECK(report->FindBenchmark("BM_Threads/threads:1"));
  CHECK(report->FindBenchmark("BM_Threads/threads:2"));
}

TEST_CASE("Error rows are stored as errors, never as times", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/plain.json"));
  REQUIRE(report);
  const auto* failed = report->FindBenchmark("BM_Fails");
  REQUIRE(failed);
  CHECK(failed->error == "the fixture could not be opened");
  CHECK_FALSE(failed->skipped);
  CHECK(failed->metrics.empty());
}

TEST_CASE("Skipped rows of library 1.8+ are stored as skipped errors", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/v1_8_skipped.json"));
  REQUIRE(report);
  CHECK(report->context.at("library_version") == "v1.8.3");
  const auto* skipped = report->FindBenchmark("BM_Parse/xml");
  REQUIRE(skipped);
  CHECK(skipped->skipped);
  CHECK(skipped->error == "xml support not built");
  CHECK(skipped->metrics.empty());
  CHECK(report->FindBenchmark("BM_Parse/json")->FindMetric("real_time")->samples.at(0) == Approx(1500));
}

TEST_CASE("Aggregate rows are not counted as repetitions", "[parse][gbench]") {
  std::string text = ReadFixture("gbench/repeated.json");
  auto report = ParseGoogleBenchmarkJson(text);
  REQUIRE(report);
  const auto* real_time = report->FindBenchmark("BM_Sort/256")->FindMetric("real_time");
  REQUIRE(real_time);
  CHECK(real_time->samples.size() == 3);
  CHECK(real_time->samples == RealTimesOf(text).at("BM_Sort/256"));
  REQUIRE(real_time->aggregates.count("mean"));
  double mean = (real_time->samples[0] + real_time->samples[1] + real_time->samples[2]) / 3;
  CHECK(real_time->aggregates.at("mean") == Approx(mean).epsilon(1e-9));
  // The coefficient of variation is a fraction, not a time: it is not scaled.
  CHECK(real_time->aggregates.at("cv") < 1.0);
}

TEST_CASE("An aggregates-only file keeps aggregates and no raw samples", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/aggregates_only.json"));
  REQUIRE(report);
  const auto* real_time = report->FindBenchmark("BM_Sort/64")->FindMetric("real_time");
  REQUIRE(real_time);
  CHECK_FALSE(real_time->HasSamples());
  for (const char* name : {"mean", "median", "stddev", "cv"}) CHECK(real_time->aggregates.count(name));
}

TEST_CASE("Complexity rows are stored as fits, not samples", "[parse][gbench]") {
  auto report = ParseGoogleBenchmarkJson(ReadFixture("gbench/repeated.json"));
  REQUIRE(report);
  const auto* family = report->FindBenchmark("BM_Sort");
  REQUIRE(family);
  CHECK(family->metrics.empty());
  REQUIRE(family->fits.size() == 2);
  CHECK(family->fits[0].complexity == "NlgN");
  CHECK(family->fits[0].metric == "real_time");
  CHECK(family->fits[0].rms.has_value());
  CHECK(report->FindBenchmark("BM_Sort_BigO") == nullptr);
}

TEST_CASE("Malformed Google Benchmark files name the line and field", "[parse][gbench]") {
  SECTION("truncated JSON") {
    std::string text = ReadFixture("gbench/plain.json");
    auto result = ParseGoogleBenchmarkJson(text.substr(0, text.size() / 2));
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().where, Catch::StartsWith("line "));
    CHECK_THAT(result.error().reason, Catch::Contains("truncated"));
  }
  SECTION("a wrong type") {
    auto result = ParseGoogleBenchmarkJson(
        "{\"context\":{},\n\"benchmarks\":[\n{\"name\":\"a\",\"real_time\":1,\"cpu_time\":1},\n"
        "{\"name\":\"b\",\n\"real_time\":\"fast\",\"cpu_time\":1}]}");
    REQUIRE_FALSE(result);
    CHECK(result.error().where == "line 5, benchmarks[1].real_time");
    CHECK_THAT(result.error().reason, Catch::Contains("expected a number, got a string"));
  }
  SECTION("an unknown time unit") {
    auto result = ParseGoogleBenchmarkJson(
        "{\"benchmarks\":[{\"name\":\"a\",\"real_time\":1,\"cpu_time\":1,\"time_unit\":\"fortnights\"}]}");
    REQUIRE_FALSE(result);
    CHECK(result.error().where == "line 1, benchmarks[0].time_unit");
    CHECK_THAT(result.error().reason, Catch::Contains("fortnights"));
  }
  SECTION("no benchmarks") {
    auto result = ParseGoogleBenchmarkJson("{\"context\":{},\"benchmarks\":[]}");
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().reason, Catch::Contains("no benchmark results"));
  }
  SECTION("a row without a name") {
    auto result = ParseGoogleBenchmarkJson("{\"benchmarks\":[{\"real_time\":1}]}");
    REQUIRE_FALSE(result);
    CHECK(result.error().where == "line 1, benchmarks[0].name");
  }
  SECTION("not an object") {
    CHECK_FALSE(ParseGoogleBenchmarkJson("[1,2,3]"));
    CHECK_FALSE(ParseGoogleBenchmarkJson("{\"benchmarks\": 3}"));
    CHECK_FALSE(ParseGoogleBenchmarkJson("{\"benchmarks\": [7]}"));
  }
}

TEST_CASE("Auto-detection recognises Google Benchmark JSON", "[parse][gbench]") {
  auto report = perfgate::parse::Parse(ReadFixture("gbench/repeated.json"), "auto");
  REQUIRE(report);
  CHECK(report->format == "gbench");
  auto empty = perfgate::parse::Parse("   \n", "auto");
  REQUIRE_FALSE(empty);
  CHECK_THAT(empty.error().reason, Catch::Contains("empty"));
}

namespace {

// A double by its bits, so two parses agree only on the very same value
// (-0 is not 0, and every NaN is the NaN both readers make).
std::string Bits(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(value)));
  return text;
}

// Everything a parse produced, in order, one line per benchmark, metric and
// fit (each text with its length, so any bytes compare): two parses agree when
// their dumps are equal.
void Put(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
  out += ' ';
}

std::string Dump(const perfgate::model::Results& results) {
  std::string out;
  Put(out, results.format);
  for (const auto& [key, value] : results.context) {
    Put(out, key);
    Put(out, value);
  }
  for (const auto& benchmark : results.benchmarks) {
    out += "\nbenchmark ";
    Put(out, benchmark.name);
    Put(out, benchmark.label);
    Put(out, benchmark.error.value_or("(none)"));
    out += benchmark.skipped ? "skipped" : "run";
    for (const auto& metric : benchmark.metrics) {
      out += "\n  metric ";
      Put(out, metric.name);
      Put(out, metric.unit);
      Put(out, perfgate::model::ToString(metric.direction));
      for (double sample : metric.samples) out += Bits(sample) + " ";
      for (const auto& [name, value] : metric.aggregates) {
        Put(out, name);
        out += Bits(value) + " ";
      }
    }
    for (const auto& fit : benchmark.fits) {
      out += "\n  fit ";
      Put(out, fit.metric);
      Put(out, fit.complexity);
      Put(out, fit.unit);
      out += Bits(fit.coefficient) + " " + (fit.rms ? Bits(*fit.rms) : std::string("(none)"));
    }
  }
  return out;
}

std::string Dump(const perfgate::parse::ParseResult& result) {
  if (!result) return "error: " + result.error().where + ": " + result.error().reason;
  return Dump(*result);
}

// A file of one row per entry of `rows` (each the inside of a row object).
std::string FileOf(const std::vector<std::string>& rows, const std::string& context = R"({"num_cpus": 2})") {
  std::string text = R"({"context": )" + context + R"(, "benchmarks": [)";
  for (std::size_t i = 0; i < rows.size(); ++i) text += (i == 0 ? "{" : ", {") + rows[i] + "}";
  return text + "]}";
}

// A suite as the library writes it with --benchmark_repetitions: `repetitions`
// iteration rows of each benchmark, then its mean, median, stddev and cv rows.
std::string RepeatedSuite(int benchmarks, int repetitions) {
  std::vector<std::string> rows;
  for (int b = 0; b < benchmarks; ++b) {
    std::string name = "BM_Suite/" + std::to_string(b);
    auto row = [&](const std::string& extra, double real) {
      char numbers[128];
      std::snprintf(numbers, sizeof numbers, R"("real_time": %.17g, "cpu_time": %.17g, "time_unit": "us")", real,
                    real * 0.99);
      return R"("name": ")" + name + extra + R"(, "run_name": ")" + name + R"(", "repetitions": )" +
             std::to_string(repetitions) + ", " + numbers + R"(, "items_per_second": )" + std::to_string(b * 1000 + 7);
    };
    for (int i = 0; i < repetitions; ++i) {
      rows.push_back(row(R"(", "run_type": "iteration", "repetition_index": )" + std::to_string(i), 1.0 + b + i / 7.0));
    }
    for (const char* aggregate : {"mean", "median", "stddev", "cv"}) {
      std::string unit = std::string(aggregate) == "cv" ? R"(, "aggregate_unit": "percentage")" : "";
      rows.push_back(row(
          std::string("_") + aggregate + R"(", "run_type": "aggregate", "aggregate_name": ")" + aggregate + "\"" + unit,
          0.5 + b));
    }
  }
  return FileOf(rows);
}

// Rows of counters written every way a number can be: 1 to 20 digits, a point
// anywhere, exponents from -280 to 280 (a double holds them all without
// overflow or underflow), signs; from a fixed seed.
std::string RandomNumbers() {
  std::mt19937 random(20240601);
  auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  std::vector<std::string> rows;
  for (int r = 0; r < 40; ++r) {
    std::string row = R"("name": "BM_Random/)" + std::to_string(r) + R"(", "real_time": 1)";
    for (int c = 0; c < 100; ++c) {
      std::string number = pick(0, 3) == 0 ? "-" : "";
      int digits = pick(1, 20), point = pick(0, digits);
      for (int d = 0; d < digits; ++d) {
        if (d == point && d > 0) number += '.';
        number += static_cast<char>('0' + (d == 0 && digits > 1 && point != 1 ? pick(1, 9) : pick(0, 9)));
      }
      if (pick(0, 2) != 0) {
        number += (pick(0, 1) ? "e" : "E") + std::string(pick(0, 2) == 0 ? "-" : "+") +
                  std::to_string(pick(0, 1) ? pick(0, 25) : pick(0, 280));
      }
      row += ", \"n" + std::to_string(c) + "\": " + number;
    }
    rows.push_back(row);
  }
  return FileOf(rows);
}

// The fixtures and the shapes Google Benchmark writes, or that the DOM reader
// reads without an error: the fast reader must read each itself.
std::vector<std::string> AcceptedShapes() {
  std::vector<std::string> texts;
  for (const char* fixture : {"gbench/plain.json", "gbench/repeated.json", "gbench/repeated9.json",
                              "gbench/aggregates_only.json", "gbench/v1_8_skipped.json"}) {
    texts.push_back(ReadFixture(fixture));
  }
  // Keys in another order, user counters (integer and huge), labels, every time
  // unit, a percentage aggregate, rows of 1.4 (no run_type), context values of
  // every type, unknown fields of every type, nested ones.
  texts.push_back(R"({"context": {"date": "x", "num_cpus": 2, "mhz_per_cpu": 2.5e3, "cpu_scaling_enabled": false,
    "caches": [{"type": "Data", "size": 32768}], "load_avg": [0.5, 1], "nothing": null, "huge": 18446744073709551615},
    "other": {"benchmarks": [1]}, "benchmarks": [
    {"time_unit": "us", "real_time": 1.5, "name": "BM_A/8", "run_name": "BM_A/8", "run_type": "iteration",
     "cpu_time": 1.25, "items_per_second": 12345, "Counter": 18446744073709551615, "label": "8 items",
     "future": {"nested": [1]}, "note": "text", "flag": true, "missing": null, "iterations": 3},
    {"name": "BM_A/8", "run_name": "BM_A/8", "run_type": "iteration", "real_time": 2, "cpu_time": 1.5,
     "time_unit": "us", "items_per_second": 11000, "Counter": 3, "label": "another label"},
    {"name": "BM_A/8_mean", "run_name": "BM_A/8", "run_type": "aggregate", "aggregate_name": "mean",
     "real_time": 1.75, "cpu_time": 1.375, "time_unit": "us"},
    {"name": "BM_A/8_cv", "run_name": "BM_A/8", "run_type": "aggregate", "aggregate_name": "cv",
     "aggregate_unit": "percentage", "real_time": 0.1, "cpu_time": 0.09, "time_unit": "us"},
    {"name": "BM_B", "real_time": 3, "cpu_time": 3, "time_unit": "ms", "bytes_per_second": 1e9},
    {"name": "BM_B", "real_time": 4, "cpu_time": 4, "time_unit": "s", "bytes_per_second": 2e9},
    {"name": "BM_B_median", "real_time": 3.5, "cpu_time": 3.5, "time_unit": "s"},
    {"name": "BM_C", "run_type": "iteration", "real_time": 7, "error_occurred": false}
  ]})");
  const std::string row = R"("name": "BM_D", "run_name": "BM_D", "run_type": "iteration", "real_time": 1)";
  // Escapes in names, labels, messages, context keys and values, and in field
  // names (real\u005ftime is real_time); non-ASCII text as written.
  texts.push_back(FileOf(
      {R"("name": "BM_\"quoted\"\\back\/slash\b\f\n\r\t", "real_time": 1, "label": "caf\u00e9 \u20ac \ud83d\ude00")",
       R"("name": "BM_\u0041\u00DF\uFFFF\u0000end", "real\u005ftime": 2, "cpu\u005Ftime": 3, "\u0063ounter": 4)",
       R"("name": "BM_ünïcode/€/😀", "real_time": 5, "label": "ünïcode")",
       R"("name": "BM_E", "run_type": "iteration", "real_time": 1, "error_occurred": true, "error_message": "bad \"input\"\n\u00e9")"},
      R"({"host_\u006eame": "h\u00f6st", "esc\"aped": "a\\b", "empty": ""})"));
  // Numbers: exponents, signs, -0, integers past 64 bits, denormals, the largest double.
  texts.push_back(
      FileOf({R"("name": "BM_Numbers", "real_time": 1.5e3, "cpu_time": 2E-7, "c01": -3.25e+2,
      "c02": 0.1, "c03": 0.30000000000000004, "c04": 1e-320, "c05": 2.2250738585072011e-308, "c06": 4.9e-324,
      "c07": 1.7976931348623157e308, "c08": 9007199254740993, "c09": -9223372036854775808,
      "c10": 18446744073709551615, "c11": 18446744073709551616, "c12": 123456789012345678901234567890,
      "c13": -0, "c14": -0.0, "c15": 0, "c16": 5e-1, "c17": 1E+2, "c18": -7, "c19": 100000000000000000000000000000000000000000000,
      "c20": 3.141592653589793238462643383279502884197169399375105820974944592307816406286, "c21": 0e0, "c22": -0E-0,
      "c23": 123456789012345e7, "c24": 1234567890123456e-5, "c25": 1e22, "c26": 1e23, "c27": 1.5e-22,
      "c28": 9.99999999999999e-8, "c29": 4.35e+21, "c30": 12345678901234567e-3, "c31": 1.000000e+02, "c32": 1E022)"},
             R"({"neg": -0, "small": 1e-7, "int": -12, "big": 1e300, "many": 123456789012345678901234567890})"));
  // Bare and quoted non-finite values (as ParseLenient reads them: strings that
  // numeric fields accept), in counters, known metrics and free text.
  texts.push_back(FileOf({R"("name": "BM_NonFinite", "real_time": NaN, "cpu_time": Infinity, "a": -Infinity,
      "b": "NaN", "c": "Infinity", "d": "-Infinity", "e": "nan", "label": NaN)",
                          R"("name": NaN, "real_time": 1, "bytes_per_second": "Infinity")"},
                         R"({"bare": NaN, "inf": -Infinity, "text": "Infinity"})"));
  // Failed and skipped rows: with and without messages, before and after other
  // rows of their benchmark, as aggregates; fields the DOM reader does not read
  // in such rows (a time unit of any type).
  texts.push_back(FileOf({row, row + R"(, "error_occurred": true, "error_message": "boom")", row,
                          row + R"(, "error_occurred": true, "time_unit": 3)",
                          R"("name": "BM_D_mean", "run_name": "BM_D", "run_type": "aggregate", "real_time": 1)", row,
                          R"("name": "BM_S", "real_time": 1, "skipped": true)",
                          R"("name": "BM_S2", "real_time": 1, "skipped": true, "skip_message": "no \"xml\"")",
                          R"("name": "BM_S3", "real_time": 1, "error_occurred": false, "skipped": false)",
                          R"("name": "BM_S4", "error_occurred": true, "skipped": "not read")",
                          R"("name": "BM_S5", "skipped": true, "error_occurred": false, "error_message": 7)"}));
  // Aggregates: named by suffix (no run_type, no run_name), by aggregate_name,
  // neither ("aggregate"), user statistics, names longer than the row's.
  texts.push_back(FileOf(
      {R"("name": "BM_F", "real_time": 1)", R"("name": "BM_F_mean", "real_time": 1)",
       R"("name": "BM_F_stddev", "real_time": 0.1, "run_type": "aggregate")",
       R"("name": "BM_F_p99", "run_type": "aggregate", "aggregate_name": "p99", "real_time": 9)",
       R"("name": "BM_F_x", "run_type": "aggregate", "real_time": 9)",
       R"("name": "BM_G", "run_type": "aggregate", "aggregate_name": "a_very_long_statistic", "real_time": 2)",
       R"("name": "BM_G_cv", "run_type": "aggregate", "aggregate_name": "cv", "real_time": 0.2, "time_unit": "ms")",
       R"("name": "BM_G_rel", "run_type": "aggregate", "aggregate_name": "rel", "aggregate_unit": "percentage", "real_time": 0.2, "time_unit": "ms")",
       R"("name": "BM_G_ms", "run_type": "aggregate", "aggregate_name": "ms", "aggregate_unit": "time", "real_time": 0.2, "time_unit": "ms")"}));
  // Complexity fits: _BigO then _RMS rows, in any time unit, with NaN coefficients.
  texts.push_back(FileOf(
      {R"("name": "BM_H/8", "run_name": "BM_H/8", "run_type": "iteration", "real_time": 8)",
       R"("name": "BM_H_BigO", "run_name": "BM_H", "run_type": "aggregate", "aggregate_name": "BigO",
                             "big_o": "N", "real_coefficient": 1.5, "cpu_coefficient": NaN, "time_unit": "ms")",
       R"("name": "BM_H_RMS", "run_name": "BM_H", "run_type": "aggregate", "aggregate_name": "RMS", "rms": 0.25)",
       R"("name": "BM_I_RMS", "rms": "Infinity")"}));
  // Fields the DOM reader never reads, of any type; a row of names only the
  // aggregate keeps; interleaved benchmarks; blanks of every kind; an empty
  // context; the benchmarks before the context; deep nesting in an unknown field.
  texts.push_back(FileOf({R"("name": "BM_J", "iterations": "many", "threads": null, "family_index": [1, {"a": []}],
                             "repetitions": {"x": 1}, "repetition_index": true, "per_family_instance_index": -1, "real_time": 1)",
                          R"("name": "BM_K", "real_time": 1)", R"("name": "BM_J", "real_time": 2, "extra": 5)",
                          R"("name": "BM_K", "real_time": 2, "deep": )" + std::string(300, '[') + std::string(300, ']'),
                          "\t\r\n \"name\"\t:\r\n\"BM_L\" ,\"real_time\" :1 \n"},
                         "{}"));
  texts.push_back(
      R"( {"benchmarks": [{"name": "BM_M", "real_time": 1}], "context": {"a": 1}, "z": [1, "]", {"}": 2}]} )");
  texts.push_back(RandomNumbers());
  texts.push_back(RepeatedSuite(300, 9));
  texts.push_back(RepeatedSuite(3000, 1));
  return texts;
}

// Shapes the fast reader declines: the DOM reader answers (results or its message).
std::vector<std::string> DeclinedShapes() {
  std::vector<std::string> texts;
  const std::string row =
      R"("name": "BM_D", "run_name": "BM_D", "run_type": "iteration", "real_time": 1, "time_unit": "ns")";
  for (const std::string extra : {R"(, "real_time": 2)",
                                  R"(, "cpu_time": "slow")",
                                  R"(, "cpu_time": 1e400)",
                                  R"(, "cpu_time": 1e-400)",
                                  R"(, "label": 3)",
                                  R"(, "run_type": "other")",
                                  R"(, "time_unit": "hours")",
                                  R"(, "cpu_time": [1])",
                                  R"(, "cpu_time": null)",
                                  R"(, "cpu_time": true)",
                                  R"(, "c": 1, "c": 2)",
                                  R"(, "real\u005ftime": 2)",
                                  R"(, "error_occurred": "yes")",
                                  R"(, "error_occurred": true, "error_message": 3)",
                                  R"(, "skipped": 1)",
                                  R"(, "run_name": 5)",
                                  R"(, "aggregate_name": null, "run_type": "aggregate")",
                                  R"(, "time_unit": 1)",
                                  R"(, "x": "\x")",
                                  R"(, "x": "\ud800")",
                                  R"(, "x": "\udc00\ud800")",
                                  R"(, "x": "\ud800\u0041")",
                                  R"(, "x": "\u12")",
                                  "\n, \"x\": \"a\tb\"",
                                  ", \"x\": \"\xff\"",
                                  ", \"x\": \"\xc0\x80\"",
                                  ", \"x\": \"\xed\xa0\x80\"",
                                  ", \"x\": \"\xf4\x90\x80\x80\"",
                                  ", \"x\": \"\xe2\x82\"",
                                  ", \"x\": \"\xe0\x80\x80\"",
                                  ", \"x\": \"\xf0\x80\x80\x80\"",
                                  ", \"x\": \"\xf5\x80\x80\x80\"",
                                  ", \"x\": \"\xc1\xbf\"",
                                  ", \"x\": \"\x80\"",
                                  R"(, "x": 01)",
                                  R"(, "x": +1)",
                                  R"(, "x": 1.)",
                                  R"(, "x": .5)",
                                  R"(, "x": 1e)",
                                  R"(, "x": -)",
                                  R"(, "x": -NaN)",
                                  R"(, "x": NaNx)",
                                  R"(, "x": Infinityy)",
                                  R"(, "x": nul)",
                                  R"(, "x": tru)",
                                  R"(, "x": 1 2)",
                                  R"(, "x": [1,])",
                                  R"(, "x": {"a" 1})",
                                  R"(, "x": {1: 2})",
                                  R"(, "x": [})",
                                  R"(, )",
                                  R"(, "x")"}) {
    texts.push_back(FileOf({row, row + extra}));
  }
  texts.push_back(FileOf(
      {R"("name": "BM_N", "run_type": "aggregate", "aggregate_name": "BigO", "real_coefficient": 1, "cpu_coefficient": 1)"}));
  texts.push_back(FileOf(
      {R"("name": "BM_N", "run_type": "aggregate", "aggregate_name": "BigO", "big_o": "N", "real_coefficient": 1)"}));
  texts.push_back(FileOf({R"("name": "BM_N", "run_type": "aggregate", "aggregate_name": "RMS")"}));
  texts.push_back(FileOf({R"("name": "BM_N", "counter": 1)"}));
  texts.push_back(FileOf({R"("name": "BM_N_x", "run_type": "aggregate", "aggregate_unit": 1, "real_time": 1)"}));
  texts.push_back(FileOf({R"("name": "BM_N_x", "run_type": "aggregate", "aggregate_name": 1, "real_time": 1)"}));
  texts.push_back(FileOf({R"("real_time": 1)"}));
  texts.push_back(FileOf({R"("name": 1, "real_time": 1)"}));
  texts.push_back(R"({"benchmarks": [{"name": "BM_E", "real_time": 1}], "benchmarks": [{"name": "BM_F", "real_time": 1}]})");
  texts.push_back(R"({"context": {"a": 1, "a": {"b": 2}}, "benchmarks": [{"name": "BM_G", "real_time": 1}]})");
  texts.push_back(R"({"context": {}, "context": {}, "benchmarks": [{"name": "BM_G", "real_time": 1}]})");
  texts.push_back(R"({"benchmarks": [{"name": "BM_H", "real_time": 1}, 7]})");
  texts.push_back(R"({"benchmarks": [[1], {"name": "BM_H", "real_time": 1}]})");
  texts.push_back(R"({"benchmarks": []})");
  texts.push_back(R"({"benchmarks": {}})");
  texts.push_back(R"({"context": {}})");
  texts.push_back(R"({"context": [], "benchmarks": [{"name": "BM_I", "real_time": 1}]})");
  texts.push_back(R"({"benchmarks": [{"name": "BM_J", "real_time": 1})");
  texts.push_back(R"({"benchmarks": [{"name": "BM_J", "real_time": 1}]} x)");
  texts.push_back(R"({"benchmarks": [{"name": "BM_J", "real_time": 1}],})");
  texts.push_back(R"({NaN: 1, "benchmarks": [{"name": "BM_J", "real_time": 1}]})");
  texts.push_back(
      "\xEF\xBB\xBF"
      R"({"benchmarks": [{"name": "BM_J", "real_time": 1}]})");
  texts.push_back(R"([{"name": "BM_J", "real_time": 1}])");
  texts.push_back(R"("text")");
  texts.push_back("");
  return texts;
}

}  // namespace

// ParseGoogleBenchmarkJson reads in one pass over the text and hands any file it
// declines to the DOM reader; the two must give the same answer for every file.
TEST_CASE("The one-pass reader reads every fixture and written shape itself, as the DOM reader does",
          "[parse][gbench]") {
  auto texts = AcceptedShapes();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i << ": " << texts[i].substr(0, 400));
    auto fast = perfgate::parse::ParseGoogleBenchmarkJsonFast(texts[i]);
    REQUIRE(fast);
    auto dom = perfgate::parse::ParseGoogleBenchmarkJsonWithDom(texts[i]);
    REQUIRE(dom);
    CHECK(Dump(*fast) == Dump(*dom));
  }
}

TEST_CASE("Files the one-pass reader declines are read by the DOM reader", "[parse][gbench]") {
  auto texts = DeclinedShapes();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i << ": " << texts[i].substr(0, 400));
    CHECK_FALSE(perfgate::parse::ParseGoogleBenchmarkJsonFast(texts[i]));
    CHECK(Dump(ParseGoogleBenchmarkJson(texts[i])) == Dump(perfgate::parse::ParseGoogleBenchmarkJsonWithDom(texts[i])));
  }
}

// Every field the DOM reader reads or skips by name, with a value of every type,
// in rows of each kind: the one-pass reader must tell each field and type as
// the DOM reader does.
TEST_CASE("The one-pass reader and the DOM reader agree on every field with every type", "[parse][gbench]") {
  const std::vector<std::string> fields{"name",
                                        "family_index",
                                        "per_family_instance_index",
                                        "run_name",
                                        "run_type",
                                        "repetitions",
                                        "repetition_index",
                                        "threads",
                                        "iterations",
                                        "time_unit",
                                        "label",
                                        "error_occurred",
                                        "error_message",
                                        "skipped",
                                        "skip_message",
                                        "aggregate_name",
                                        "aggregate_unit",
                                        "big_o",
                                        "real_coefficient",
                                        "cpu_coefficient",
                                        "rms",
                                        "real_time",
                                        "cpu_time",
                                        "bytes_per_second",
                                        "items_per_second",
                                        "allocs_per_iter",
                                        "max_bytes_used",
                                        "total_allocated_bytes",
                                        "net_heap_growth",
                                        "counter"};
  const std::vector<std::string> values{"7",        "2.5e1", "\"ms\"", "\"percentage\"", "\"aggregate\"",
                                        "\"BigO\"", "true",  "false",  "null",           "{}",
                                        "[1]",      "NaN",   "\"NaN\""};
  const std::vector<std::vector<std::pair<std::string, std::string>>> rows{
      {{"name", "\"BM_A\""}, {"real_time", "3"}, {"cpu_time", "2"}, {"time_unit", "\"us\""}},
      {{"name", "\"BM_A_mean\""},
       {"run_name", "\"BM_A\""},
       {"run_type", "\"aggregate\""},
       {"aggregate_name", "\"mean\""},
       {"real_time", "3"},
       {"time_unit", "\"ms\""}},
      {{"name", "\"BM_A_cv\""},
       {"run_type", "\"aggregate\""},
       {"aggregate_name", "\"rel\""},
       {"aggregate_unit", "\"percentage\""},
       {"real_time", "0.5"},
       {"time_unit", "\"ms\""}},
      {{"name", "\"BM_A\""}, {"error_occurred", "true"}, {"error_message", "\"boom\""}},
      {{"name", "\"BM_A\""}, {"skipped", "true"}, {"skip_message", "\"later\""}, {"real_time", "1"}},
      {{"name", "\"BM_A_BigO\""},
       {"run_type", "\"aggregate\""},
       {"aggregate_name", "\"BigO\""},
       {"big_o", "\"N\""},
       {"real_coefficient", "2"},
       {"cpu_coefficient", "1"},
       {"time_unit", "\"ms\""}},
      {{"name", "\"BM_A_RMS\""}, {"run_type", "\"aggregate\""}, {"aggregate_name", "\"RMS\""}, {"rms", "0.5"}},
  };
  const std::string first = R"("name": "BM_A", "run_type": "iteration", "real_time": 1, "time_unit": "ns")";
  std::size_t read_fast = 0;
  for (const auto& row : rows) {
    for (const std::string& field : fields) {
      for (const std::string& value : values) {
        std::string text;
        bool replaced = false;
        for (const auto& [key, written] : row) {
          text += (text.empty() ? "" : ", ") + ("\"" + key + "\": ") + (key == field ? value : written);
          replaced |= key == field;
        }
        if (!replaced) text += ", \"" + field + "\": " + value;
        std::string file = FileOf({first, text, first});
        INFO(file);
        auto fast = perfgate::parse::ParseGoogleBenchmarkJsonFast(file);
        auto dom = perfgate::parse::ParseGoogleBenchmarkJsonWithDom(file);
        CHECK(bool(fast) <= bool(dom));
        if (fast && dom) {
          ++read_fast;
          CHECK(Dump(*fast) == Dump(*dom));
        }
      }
    }
  }
  CHECK(read_fast > 1000);
}

// Each byte of a fixture replaced, a byte inserted, the text cut: whatever the
// one-pass reader makes of it (results, or declining) must be the DOM reader's answer.
TEST_CASE("The one-pass reader and the DOM reader agree on every damaged fixture", "[parse][gbench]") {
  std::size_t compared = 0, read_fast = 0;
  auto compare = [&](const std::string& damaged) {
    auto fast = perfgate::parse::ParseGoogleBenchmarkJsonFast(damaged);
    if (fast) {
      ++read_fast;
      INFO(damaged);
      auto dom = perfgate::parse::ParseGoogleBenchmarkJsonWithDom(damaged);
      REQUIRE(dom);
      REQUIRE(Dump(*fast) == Dump(*dom));
    }
    ++compared;
  };
  std::string replacements = "\"\\{}[],:0-.eE tnNI\x80\xC3\x01";
  replacements += '\0';
  for (auto [fixture, stride] : {std::pair{"gbench/plain.json", 7}, std::pair{"gbench/v1_8_skipped.json", 2}}) {
    std::string text = ReadFixture(fixture);
    for (std::size_t at = 0; at < text.size(); at += static_cast<std::size_t>(stride)) {
      for (char replacement : replacements) {
        std::string damaged = text;
        damaged[at] = replacement;
        compare(damaged);
      }
      compare(text.substr(0, at) + "\"" + text.substr(at));
      compare(text.substr(0, at) + "\\u00e9" + text.substr(at));
      compare(text.substr(0, at));
    }
  }
  CHECK(compared > 35000);
  CHECK(read_fast > 10000);  // much damage leaves a file both read
}
