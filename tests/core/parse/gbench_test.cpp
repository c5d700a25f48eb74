#include <catch2/catch.hpp>

#include <cmath>
#include <map>
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

// Everything a parse produced, in order, as JSON text: two parses agree when
// their dumps are equal (samples compared to the bit through their %.17g form).
std::string Dump(const perfgate::parse::ParseResult& result) {
  if (!result) return "error: " + result.error().where + ": " + result.error().reason;
  nlohmann::json out{{"format", result->format}, {"context", result->context}};
  for (const auto& benchmark : result->benchmarks) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& metric : benchmark.metrics) {
      metrics.push_back({{"name", metric.name},
                         {"unit", metric.unit},
                         {"direction", perfgate::model::ToString(metric.direction)},
                         {"samples", metric.samples},
                         {"aggregates", metric.aggregates}});
    }
    nlohmann::json fits = nlohmann::json::array();
    for (const auto& fit : benchmark.fits) {
      fits.push_back({fit.metric, fit.complexity, fit.coefficient, fit.unit, fit.rms.value_or(-1)});
    }
    out["benchmarks"].push_back({{"name", benchmark.name},
                                 {"label", benchmark.label},
                                 {"error", benchmark.error.value_or("-")},
                                 {"skipped", benchmark.skipped},
                                 {"metrics", metrics},
                                 {"fits", fits}});
  }
  return out.dump(1);
}

}  // namespace

// ParseGoogleBenchmarkJson reads through a SAX reader and hands any file it
// declines to the DOM reader; the two must give the same answer for every file.
TEST_CASE("The SAX reader and the DOM reader give the same results", "[parse][gbench]") {
  std::vector<std::string> texts;
  for (const char* fixture : {"gbench/plain.json", "gbench/repeated.json", "gbench/repeated9.json",
                              "gbench/aggregates_only.json", "gbench/v1_8_skipped.json"}) {
    texts.push_back(ReadFixture(fixture));
  }
  // The shapes the fixtures lack: keys in another order, user counters (integer
  // and huge), labels, every time unit, a percentage aggregate, rows of 1.4
  // (no run_type), context values of every type, unknown fields of every type.
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
  // Shapes the SAX reader declines, so the DOM reader answers (results or its message).
  const std::string row = R"({"name": "BM_D", "run_name": "BM_D", "run_type": "iteration", "real_time": 1, "time_unit": "ns")";
  for (const std::string& extra : {std::string(R"(, "error_occurred": true, "error_message": "boom")"),
                                   std::string(R"(, "skipped": true)"), std::string(R"(, "real_time": 2)"),
                                   std::string(R"(, "cpu_time": "slow")"), std::string(R"(, "cpu_time": NaN)"),
                                   std::string(R"(, "cpu_time": 1e400)"), std::string(R"(, "label": 3)"),
                                   std::string(R"(, "run_type": "other")"), std::string(R"(, "time_unit": "hours")"),
                                   std::string(R"(, "cpu_time": [1])"), std::string(R"(, "cpu_time": null)")}) {
    texts.push_back(R"({"benchmarks": [)" + row + "}, " + row + extra + "}]}");
  }
  texts.push_back(R"({"benchmarks": [{"name": "BM_E", "real_time": 1}], "benchmarks": [{"name": "BM_F", "real_time": 1}]})");
  texts.push_back(R"({"context": {"a": 1, "a": {"b": 2}}, "benchmarks": [{"name": "BM_G", "real_time": 1}]})");
  texts.push_back(R"({"benchmarks": [{"name": "BM_H", "real_time": 1}, 7]})");
  texts.push_back(R"({"benchmarks": []})");
  texts.push_back(R"({"context": [], "benchmarks": [{"name": "BM_I", "real_time": 1}]})");
  texts.push_back(R"({"benchmarks": [{"name": "BM_J", "real_time": 1})");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i << ": " << texts[i].substr(0, 300));
    CHECK(Dump(ParseGoogleBenchmarkJson(texts[i])) == Dump(perfgate::parse::ParseGoogleBenchmarkJsonWithDom(texts[i])));
  }
}
