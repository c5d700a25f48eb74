#include "perfgate/stats/benjamini_hochberg.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "reference_fixture.hpp"

using perfgate::stats::BenjaminiHochberg;
using perfgate::stats::testing::Close;
using perfgate::stats::testing::Doubles;
using perfgate::stats::testing::LoadReference;

TEST_CASE("Benjamini-Hochberg adjustment equals scipy's false_discovery_control", "[stats][fdr]") {
  const nlohmann::json reference = LoadReference("benjamini_hochberg_reference.json");
  REQUIRE(reference["cases"].size() > 5);
  for (const nlohmann::json& item : reference["cases"]) {
    INFO(item["name"].get<std::string>());
    const std::vector<double> adjusted = BenjaminiHochberg(Doubles(item["p_values"]));
    const std::vector<double> expected = Doubles(item["adjusted"]);
    REQUIRE(adjusted.size() == expected.size());
    for (std::size_t i = 0; i < adjusted.size(); ++i) CHECK(Close(adjusted[i], expected[i]));
  }
}

TEST_CASE("Benjamini-Hochberg of nothing is nothing", "[stats][fdr]") {
  CHECK(BenjaminiHochberg(std::vector<double>{}).empty());
}

TEST_CASE("Benjamini-Hochberg keeps the input order and never lowers a p-value", "[stats][fdr]") {
  const std::vector<double> p_values{0.04, 0.001, 0.5, 0.03};
  const std::vector<double> adjusted = BenjaminiHochberg(p_values);
  CHECK(adjusted[1] == Approx(0.004));
  CHECK(adjusted[0] == Approx(0.04 * 4 / 3));
  CHECK(adjusted[3] == Approx(0.04 * 4 / 3));
  CHECK(adjusted[2] == Approx(0.5));
  for (std::size_t i = 0; i < p_values.size(); ++i) CHECK(adjusted[i] >= p_values[i]);
}
