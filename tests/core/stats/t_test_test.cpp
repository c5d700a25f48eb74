#include "perfgate/stats/t_test.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "reference_fixture.hpp"

using perfgate::stats::StudentTTest;
using perfgate::stats::testing::Close;
using perfgate::stats::testing::Doubles;
using perfgate::stats::testing::LoadReference;

TEST_CASE("Student's t-test equals scipy's ttest_ind on every reference case", "[stats][t_test]") {
  const nlohmann::json reference = LoadReference("t_test_reference.json");
  REQUIRE(reference["cases"].size() > 20);
  for (const nlohmann::json& item : reference["cases"]) {
    INFO(item["name"].get<std::string>());
    const auto result = StudentTTest(Doubles(item["x"]), Doubles(item["y"]));
    REQUIRE(result.has_value());
    CHECK(Close(result->t_statistic, item["statistic"].get<double>(), 1e-9));
    INFO("p = " << result->p_value << ", scipy " << item["p_value"].get<double>());
    CHECK(Close(result->p_value, item["p_value"].get<double>(), 1e-8));
  }
}

TEST_CASE("t-test needs at least three values in all", "[stats][t_test]") {
  CHECK_FALSE(StudentTTest(std::vector<double>{1}, std::vector<double>{2}).has_value());
  CHECK_FALSE(StudentTTest(std::vector<double>{}, std::vector<double>{2, 3}).has_value());
}

TEST_CASE("t-test of constant but different samples is certain", "[stats][t_test]") {
  const auto result = StudentTTest(std::vector<double>{1, 1, 1}, std::vector<double>{2, 2});
  REQUIRE(result.has_value());
  CHECK(result->p_value == 0);
  const auto same = StudentTTest(std::vector<double>{1, 1, 1}, std::vector<double>{1, 1});
  CHECK(same->p_value == 1);
}

TEST_CASE("One-sided and shifted t-tests equal scipy's ttest_ind(alternative=...)", "[stats][t_test]") {
  using perfgate::stats::Alternative;
  using perfgate::stats::StudentTTestAgainst;
  const nlohmann::json reference = LoadReference("minimum_effect_reference.json");
  REQUIRE(reference["cases"].size() > 100);
  for (const nlohmann::json& item : reference["cases"]) {
    INFO(item["name"].get<std::string>());
    std::vector<double> log_base;
    std::vector<double> log_head;
    for (double value : Doubles(item["base"])) log_base.push_back(std::log(value));
    for (double value : Doubles(item["head"])) log_head.push_back(std::log(value));
    const double threshold = item["threshold"].get<double>();
    const auto slower = StudentTTestAgainst(log_head, log_base, std::log1p(threshold), Alternative::kGreater);
    const auto faster = StudentTTestAgainst(log_head, log_base, std::log1p(-threshold), Alternative::kLess);
    REQUIRE(slower.has_value());
    REQUIRE(faster.has_value());
    INFO("slower " << slower->p_value << " scipy " << item["p_slower"].get<double>());
    CHECK(Close(slower->p_value, item["p_slower"].get<double>(), 1e-8));
    INFO("faster " << faster->p_value << " scipy " << item["p_faster"].get<double>());
    CHECK(Close(faster->p_value, item["p_faster"].get<double>(), 1e-8));
    const auto shifted = StudentTTestAgainst(Doubles(item["base"]), Doubles(item["head"]), 0.5, Alternative::kTwoSided);
    CHECK(Close(shifted->p_value, item["two_sided_base_minus_half"].get<double>(), 1e-8));
  }
}

TEST_CASE("One-sided t-test of constant samples follows the side of the difference", "[stats][t_test]") {
  using perfgate::stats::Alternative;
  using perfgate::stats::StudentTTestAgainst;
  const std::vector<double> low{1, 1, 1};
  const std::vector<double> high{2, 2, 2};
  CHECK(StudentTTestAgainst(high, low, 0.5, Alternative::kGreater)->p_value == 0);
  CHECK(StudentTTestAgainst(high, low, 0.5, Alternative::kLess)->p_value == 1);
  CHECK(StudentTTestAgainst(high, low, 1.0, Alternative::kGreater)->p_value == 1);
  // t = 0 with spread: half of the distribution on either side, as scipy.
  CHECK(StudentTTestAgainst(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 3}, 0, Alternative::kLess)->p_value ==
        Approx(0.5));
}
