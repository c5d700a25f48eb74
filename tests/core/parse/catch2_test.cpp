#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../../test_support.hpp"
#include "perfgate/parse/parse.hpp"

using perfgate::model::Direction;
using perfgate::parse::ParseCatch2;
using perfgate::testing::ReadFixture;

namespace {

std::string DecodeXml(std::string text) {
  for (auto [entity, plain] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
                               std::pair{"&amp;", "&"}}) {
    for (auto pos = text.find(entity); pos != std::string::npos; pos = text.find(entity, pos + 1)) {
      text.replace(pos, std::string(entity).size(), plain);
    }
  }
  return text;
}

struct XmlRow {
  std::string name;
  double mean = 0;
};

// The fixture's own <BenchmarkResults name> / <mean value>, read with a regex.
std::vector<XmlRow> XmlRowsOf(const std::string& text) {
  std::vector<XmlRow> rows;
  std::regex pattern(R"re(<BenchmarkResults name="([^"]*)"[\s\S]*?<mean value="([^"]+)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    rows.push_back({DecodeXml((*it)[1]), std::stod((*it)[2])});
  }
  return rows;
}

}  // namespace

TEST_CASE("Every Catch2 XML benchmark becomes aggregates of real_time in ns", "[parse][catch2]") {
  std::string text = ReadFixture("catch2/bench.xml");
  auto report = ParseCatch2(text);
  REQUIRE(report);
  CHECK(report->format == "catch2");
  auto rows = XmlRowsOf(text);
  REQUIRE(rows.size() == 5);
  REQUIRE(report->benchmarks.size() == rows.size());
  for (const XmlRow& row : rows) {
    INFO(row.name);
    const auto* benchmark = report->FindBenchmark(row.name);
    REQUIRE(benchmark);
    const auto* real_time = benchmark->FindMetric("real_time");
    REQUIRE(real_time);
    CHECK(real_time->unit == "ns");
    CHECK(real_time->direction == Direction::kLowerIsBetter);
    CHECK_FALSE(real_time->HasSamples());
    CHECK(real_time->aggregates.at("mean") == Approx(row.mean));
    CHECK(real_time->aggregates.count("stddev") == 1);
    CHECK(real_time->aggregates.at("mean_lower_bound") <= real_time->aggregates.at("mean_upper_bound"));
  }
  CHECK(report->FindBenchmark("string concat größe"));
  CHECK(report->FindBenchmark("vector/accumulate/1000"));
}

TEST_CASE("Catch2 XML escapes are decoded and a failed benchmark is an error, not a time", "[parse][catch2]") {
  auto report = ParseCatch2(ReadFixture("catch2/failing.xml"));
  REQUIRE(report);
  const auto* works = report->FindBenchmark("works <fine> & \"quoted\"");
  REQUIRE(works);
  CHECK(works->FindMetric("real_time"));
  const auto* throws = report->FindBenchmark("throws");
  REQUIRE(throws);
  REQUIRE(throws->error);
  CHECK(*throws->error == "disk on fire");
  CHECK(throws->metrics.empty());
}

TEST_CASE("Catch2 console rows are read with their units, wrapped and non-ASCII names", "[parse][catch2]") {
  std::string text = ReadFixture("catch2/console.txt");
  auto report = ParseCatch2(text);
  REQUIRE(report);
  CHECK(report->format == "catch2");
  REQUIRE(report->benchmarks.size() == 5);
  CHECK(report->benchmarks[0].name == "fib 10");
  CHECK(report->FindBenchmark("a benchmark name long enough to wrap in the console reporter"));
  CHECK(report->FindBenchmark("string concat größe"));
  // The mean rows, read independently: "<mean> <unit> <low> <unit> <high> <unit>"
  // lines alternate mean / std dev after each benchmark's first row.
  std::regex triple(R"(^\s+([0-9.e+-]+) (ns|us|ms|s)\s+([0-9.e+-]+) (ns|us|ms|s)\s+([0-9.e+-]+) (ns|us|ms|s)\s*$)");
  std::vector<double> means;
  std::istringstream lines(text);
  bool mean_row = true;
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, triple)) continue;
    double scale = match[2] == "ns" ? 1 : match[2] == "us" ? 1e3 : match[2] == "ms" ? 1e6 : 1e9;
    if (mean_row) means.push_back(std::stod(match[1]) * scale);
    mean_row = !mean_row;
  }
  REQUIRE(means.size() == report->benchmarks.size());
  for (std::size_t i = 0; i < means.size(); ++i) {
    INFO(report->benchmarks[i].name);
    CHECK(report->benchmarks[i].FindMetric("real_time")->aggregates.at("mean") == Approx(means[i]));
  }
}

TEST_CASE("A failed benchmark in the Catch2 console carries the failure message", "[parse][catch2]") {
  auto report = ParseCatch2(ReadFixture("catch2/failing_console.txt"));
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == 2);
  CHECK(report->benchmarks[0].name == "works <fine> & \"quoted\"");
  CHECK(report->benchmarks[0].FindMetric("real_time")->aggregates.at("stddev_lower_bound") ==
        Approx(3.44157e-05));
  REQUIRE(report->benchmarks[1].error);
  CHECK(*report->benchmarks[1].error == "disk on fire");
}

TEST_CASE("Catch2 console values in us, ms and s become ns", "[parse][catch2]") {
  std::string text =
      "benchmark name                       samples       iterations    estimated\n"
      "                                     mean          low mean      high mean\n"
      "                                     std dev       low std dev   high std dev\n"
      "-------------------------------------------------------------------------------\n"
      "slow                                           10             1      1.2 s \n"
      "                                        1.5 ms        1.25 ms        2 ms \n"
      "                                        3 us          2 us           4 us \n"
      "\n";
  auto report = ParseCatch2(text);
  REQUIRE(report);
  const auto& aggregates = report->benchmarks.at(0).metrics.at(0).aggregates;
  CHECK(aggregates.at("mean") == Approx(1.5e6));
  CHECK(aggregates.at("mean_upper_bound") == Approx(2e6));
  CHECK(aggregates.at("stddev") == Approx(3e3));
}

TEST_CASE("A truncated Catch2 console table names the line of the unfinished benchmark", "[parse][catch2]") {
  std::string text = ReadFixture("catch2/console.txt");
  text = text.substr(0, text.find('\n', text.find("fib 15")) + 1);
  auto report = ParseCatch2(text);
  REQUIRE_FALSE(report);
  CHECK(report.error().where.rfind("line ", 0) == 0);
  CHECK(report.error().reason.find("fib 15") != std::string::npos);
}

TEST_CASE("Malformed Catch2 XML is rejected with the line and attribute", "[parse][catch2]") {
  std::string text = ReadFixture("catch2/bench.xml");
  SECTION("a mean that is not a number") {
    auto at = text.find("<mean value=\"") + 13;
    text.replace(at, 1, "x");
    auto report = ParseCatch2(text);
    REQUIRE_FALSE(report);
    CHECK(report.error().where.find("line 7") == 0);
    CHECK(report.error().where.find("BenchmarkResults[0].mean.value") != std::string::npos);
  }
  SECTION("a file cut inside a tag") {
    auto report = ParseCatch2(text.substr(0, text.find("<mean") + 20));
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("truncated") != std::string::npos);
  }
  SECTION("a file cut inside a benchmark") {
    auto report = ParseCatch2(text.substr(0, text.find("<standardDeviation")));
    REQUIRE_FALSE(report);
    CHECK(report.error().reason.find("truncated") != std::string::npos);
  }
}

TEST_CASE("Catch2 output without benchmarks says there were no results", "[parse][catch2]") {
  auto xml = ParseCatch2("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Catch name=\"t\">\n  <Group name=\"t\"/>\n</Catch>\n");
  REQUIRE_FALSE(xml);
  CHECK(xml.error().reason.find("no benchmark results") != std::string::npos);
  auto console = ParseCatch2("All tests passed (3 assertions in 1 test case)\n");
  REQUIRE_FALSE(console);
  CHECK(console.error().reason.find("no benchmark results") != std::string::npos);
}

TEST_CASE("A Catch2 console name that continues beside the mean and std dev is read whole", "[parse][catch2]") {
  // The real console fixture's wrapped row, with the name's remainder moved into
  // the name column of the mean and std dev lines, as reporters that wrap the
  // name column in place print it.
  std::string text = ReadFixture("catch2/console.txt");
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("a benchmark name long enough to                                                \n"
          "wrap in the console reporter           ",
          "a benchmark name long enough to        ");
  auto mean_at = text.find('\n', text.find("a benchmark name long enough to")) + 1;
  text.replace(mean_at, 15, "wrap in the    ");
  auto stddev_at = text.find('\n', mean_at) + 1;
  text.replace(stddev_at, 15, "console report");
  auto report = ParseCatch2(text);
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == 5);
  const auto* wrapped = report->FindBenchmark("a benchmark name long enough to wrap in the console report");
  REQUIRE(wrapped);
  auto unchanged = ParseCatch2(ReadFixture("catch2/console.txt"));
  REQUIRE(unchanged);
  const auto* original = unchanged->FindBenchmark("a benchmark name long enough to wrap in the console reporter");
  REQUIRE(original);
  CHECK(wrapped->FindMetric("real_time")->aggregates == original->FindMetric("real_time")->aggregates);
}

TEST_CASE("Catch2 XML is read by a real XML parser: declared encodings, character references, CDATA", "[parse][catch2]") {
  std::string text = ReadFixture("catch2/bench.xml");
  // The same report re-encoded as ISO-8859-1 ("größe" becomes two single bytes).
  std::string latin1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3 && i + 1 < text.size()) {
      latin1 += static_cast<char>(static_cast<unsigned char>(text[++i]) + 0x40);
    } else {
      latin1 += text[i];
    }
  }
  auto at = latin1.find("encoding=\"UTF-8\"");
  REQUIRE(at != std::string::npos);
  latin1.replace(at, 16, "encoding=\"ISO-8859-1\"");
  auto report = ParseCatch2(latin1);
  REQUIRE(report);
  CHECK(report->FindBenchmark("string concat größe"));
  auto references = ParseCatch2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Catch name=\"t\"><Group name=\"t\"><TestCase name=\"x\">\n"
      "<BenchmarkResults name=\"caf&#xE9; &#8364; &lt;&amp;&gt;\" samples=\"1\">"
      "<!-- <BenchmarkResults name=\"commented out\"> -->"
      "<mean value=\"1.5\" lowerBound=\"1\" upperBound=\"2\"/><![CDATA[<failed message=\"not a tag\"/>]]>"
      "</BenchmarkResults></TestCase></Group></Catch>\n");
  REQUIRE(references);
  REQUIRE(references->benchmarks.size() == 1);
  CHECK(references->benchmarks[0].name == "caf\u00e9 \u20ac <&>");
  CHECK_FALSE(references->benchmarks[0].error);
  CHECK(references->benchmarks[0].FindMetric("real_time")->aggregates.at("mean") == 1.5);
  auto malformed = ParseCatch2("<?xml version=\"1.0\"?>\n<Catch name=\"t\">\n<BenchmarkResults name=\"a\"></Catch>\n");
  REQUIRE_FALSE(malformed);
  CHECK(malformed.error().where.rfind("line 3", 0) == 0);
  CHECK_THAT(malformed.error().reason, Catch::Contains("XML"));
}

TEST_CASE("Catch2 console names wrapped over several lines, or cut mid-word, are read whole", "[parse][catch2]") {
  // Real Catch2 2.13.10 output (long_names.cpp): names of three and five lines,
  // and a word too long for the name column, cut with a "-" Catch2 adds.
  auto report = ParseCatch2(ReadFixture("catch2/long_names_console.txt"));
  REQUIRE(report);
  REQUIRE(report->benchmarks.size() == 4);
  const auto* three = report->FindBenchmark(
      "a benchmark whose name is long enough to wrap over three lines of the console reporter's name column");
  const auto* five = report->FindBenchmark(
      "a much longer benchmark name that keeps going past three lines of the name column, so that a fourth and a "
      "fifth line are needed to print it whole");
  const auto* cut =
      report->FindBenchmark("an_identifier_like_name_without_any_spaces_that_the_reporter_must_cut_mid_word/1024");
  const auto* plain = report->FindBenchmark("short");
  REQUIRE(three);
  REQUIRE(five);
  REQUIRE(cut);
  REQUIRE(plain);
  // The values printed beside and below each name's last line.
  CHECK(three->FindMetric("real_time")->aggregates.at("mean") == Approx(50.4706));
  CHECK(three->FindMetric("real_time")->aggregates.at("stddev_upper_bound") == Approx(6.01789));
  CHECK(five->FindMetric("real_time")->aggregates.at("mean_lower_bound") == Approx(21.1292));
  CHECK(cut->FindMetric("real_time")->aggregates.at("mean_upper_bound") == Approx(1939.13));
  CHECK(cut->FindMetric("real_time")->aggregates.at("stddev") == Approx(1148.08));
  CHECK(plain->FindMetric("real_time")->aggregates.at("mean") == Approx(10.2789));
}
