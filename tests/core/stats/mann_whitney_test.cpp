#include "perfgate/stats/mann_whitney.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "reference_fixture.hpp"

using perfgate::stats::MannWhitneyMethod;
using perfgate::stats::MannWhitneyU;
using perfgate::stats::testing::Close;
using perfgate::stats::testing::Doubles;
using perfgate::stats::testing::LoadReference;

TEST_CASE("Mann-Whitney p-values equal scipy's on every reference case", "[stats][mann_whitney]") {
  const nlohmann::json reference = LoadReference("mannwhitney_reference.json");
  REQUIRE(reference["cases"].size() > 100);
  int exact_cases = 0;
  int asymptotic_cases = 0;
  for (const nlohmann::json& item : reference["cases"]) {
    const std::vector<double> x = Doubles(item["x"]);
    const std::vector<double> y = Doubles(item["y"]);
    const auto result = MannWhitneyU(x, y);
    INFO(item["name"].get<std::string>());
    REQUIRE(result.has_value());
    CHECK(result->u_statistic == item["statistic"].get<double>());
    const double expected = item["p_value"].get<double>();
    INFO("p = " << result->p_value << ", scipy " << expected);
    CHECK(Close(result->p_value, expected));
    (result->method == MannWhitneyMethod::kExact ? exact_cases : asymptotic_cases)++;
  }
  CHECK(exact_cases > 20);
  CHECK(asymptotic_cases > 20);
}

TEST_CASE("Mann-Whitney is exact up to 8 values on a side without ties", "[stats][mann_whitney]") {
  const std::vector<double> small{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<double> large;
  for (int i = 0; i < 30; ++i) large.push_back(10.5 + i);
  CHECK(MannWhitneyU(small, large)->method == MannWhitneyMethod::kExact);
  const std::vector<double> nine{1, 2, 3, 4, 5, 6, 7, 8, 9};
  CHECK(MannWhitneyU(nine, large)->method == MannWhitneyMethod::kAsymptotic);
  const std::vector<double> tied{1, 2, 2};
  CHECK(MannWhitneyU(tied, large)->method == MannWhitneyMethod::kAsymptotic);
}

TEST_CASE("Mann-Whitney of completely separated small samples is 2 / C(n1+n2, n1)", "[stats][mann_whitney]") {
  const std::vector<double> x{1, 2, 3};
  const std::vector<double> y{4, 5, 6};
  CHECK(MannWhitneyU(x, y)->p_value == Approx(0.1));
  CHECK(MannWhitneyU(y, x)->p_value == Approx(0.1));
}

TEST_CASE("Mann-Whitney of an empty or NaN sample is absent", "[stats][mann_whitney]") {
  const std::vector<double> empty;
  const std::vector<double> some{1, 2};
  const std::vector<double> with_nan{1, std::nan("")};
  CHECK_FALSE(MannWhitneyU(empty, some).has_value());
  CHECK_FALSE(MannWhitneyU(some, empty).has_value());
  CHECK_FALSE(MannWhitneyU(with_nan, some).has_value());
}

TEST_CASE("Mann-Whitney of identical samples has p-value 1", "[stats][mann_whitney]") {
  const std::vector<double> same(12, 5.0);
  CHECK(MannWhitneyU(same, same)->p_value == 1.0);
}
