#include "perfgate/stats/t_test.hpp"

#include <catch2/catch.hpp>
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
