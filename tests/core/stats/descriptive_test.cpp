#include "perfgate/stats/descriptive.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "reference_fixture.hpp"

namespace stats = perfgate::stats;
using perfgate::stats::testing::Close;
using perfgate::stats::testing::Doubles;
using perfgate::stats::testing::LoadReference;

TEST_CASE("Descriptive statistics equal numpy's on every reference case", "[stats][descriptive]") {
  const nlohmann::json reference = LoadReference("descriptive_reference.json");
  REQUIRE(reference["cases"].size() > 10);
  for (const nlohmann::json& item : reference["cases"]) {
    INFO(item["name"].get<std::string>());
    const std::vector<double> values = Doubles(item["values"]);
    CHECK(Close(*stats::Mean(values), item["mean"].get<double>()));
    CHECK(*stats::Median(values) == item["median"].get<double>());
    CHECK(*stats::Min(values) == item["min"].get<double>());
    CHECK(*stats::Max(values) == item["max"].get<double>());
    if (item.contains("relative_mad")) {
      CHECK(Close(*stats::RelativeMedianAbsoluteDeviation(values), item["relative_mad"].get<double>()));
    }
    if (item.contains("stddev")) {
      CHECK(Close(*stats::StandardDeviation(values), item["stddev"].get<double>()));
      CHECK(Close(*stats::CoefficientOfVariation(values), item["cv"].get<double>()));
    } else {
      CHECK_FALSE(stats::StandardDeviation(values).has_value());
    }
    const std::vector<double> probabilities = Doubles(item["probabilities"]);
    const std::vector<double> quantiles = Doubles(item["quantiles"]);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      INFO("q = " << probabilities[i]);
      CHECK(Close(*stats::Quantile(values, probabilities[i]), quantiles[i], 1e-12));
      // Selection gives the sorting quantile's value to the bit.
      std::vector<double> scratch = values;
      CHECK(*stats::QuantileInPlace(scratch, probabilities[i]) == *stats::Quantile(values, probabilities[i]));
    }
  }
}

TEST_CASE("Median of an empty sample is absent", "[stats][descriptive]") {
  const std::vector<double> empty;
  CHECK_FALSE(stats::Median(empty).has_value());
  CHECK_FALSE(stats::Mean(empty).has_value());
  CHECK_FALSE(stats::Quantile(empty, 0.5).has_value());
  const stats::Summary summary = stats::Summarize(empty);
  CHECK(summary.n == 0);
  CHECK_FALSE(summary.median.has_value());
  CHECK_FALSE(summary.p99.has_value());
}

TEST_CASE("Spread of a single value is absent, not zero", "[stats][descriptive]") {
  const std::vector<double> one{42};
  CHECK_FALSE(stats::StandardDeviation(one).has_value());
  CHECK_FALSE(stats::CoefficientOfVariation(one).has_value());
  const stats::Summary summary = stats::Summarize(one);
  CHECK(summary.median == 42);
  CHECK(summary.p999 == 42);
  CHECK_FALSE(summary.stddev.has_value());
}

TEST_CASE("Quantile by selection equals the sorting quantile on shuffled ties", "[stats][descriptive]") {
  std::vector<double> values;
  for (int i = 0; i < 2000; ++i) values.push_back(static_cast<double>((i * 7919) % 613) / 7.0);
  for (double probability : {0.0, 0.0005, 0.025, 0.5, 0.975, 0.9995, 1.0}) {
    std::vector<double> scratch = values;
    CHECK(*stats::QuantileInPlace(scratch, probability) == *stats::Quantile(values, probability));
  }
  std::vector<double> empty;
  CHECK_FALSE(stats::QuantileInPlace(empty, 0.5).has_value());
}

TEST_CASE("Quantile outside [0, 1] is absent", "[stats][descriptive]") {
  const std::vector<double> values{1, 2, 3};
  CHECK_FALSE(stats::Quantile(values, -0.1).has_value());
  CHECK_FALSE(stats::Quantile(values, 1.5).has_value());
  CHECK(stats::Quantile(values, 0.25) == 1.5);
}

TEST_CASE("Coefficient of variation of a zero-mean sample is absent", "[stats][descriptive]") {
  const std::vector<double> values{-1, 1};
  CHECK_FALSE(stats::CoefficientOfVariation(values).has_value());
}
