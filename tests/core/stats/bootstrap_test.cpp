#include "perfgate/stats/bootstrap.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "perfgate/stats/random.hpp"

using perfgate::stats::BootstrapOptions;
using perfgate::stats::BootstrapRatioOfMedians;

namespace {
std::vector<double> Noisy(double level, double cv, int count, std::uint64_t seed) {
  perfgate::stats::Xoshiro256 generator(seed);
  std::vector<double> values;
  for (int i = 0; i < count; ++i) values.push_back(level * (1 + cv * generator.Normal()));
  return values;
}
}  // namespace

TEST_CASE("Bootstrap interval is the same for the same input and seed", "[stats][bootstrap]") {
  const std::vector<double> base = Noisy(100, 0.02, 9, 1);
  const std::vector<double> head = Noisy(110, 0.02, 9, 2);
  const auto first = BootstrapRatioOfMedians(base, head);
  const auto second = BootstrapRatioOfMedians(base, head);
  REQUIRE(first.has_value());
  CHECK(first->low == second->low);
  CHECK(first->high == second->high);
  BootstrapOptions other;
  other.seed = 99;
  const auto reseeded = BootstrapRatioOfMedians(base, head, other);
  CHECK(reseeded->low == Approx(first->low).epsilon(0.02));
}

TEST_CASE("Bootstrap interval brackets the true ratio of a clear shift", "[stats][bootstrap]") {
  const std::vector<double> base = Noisy(100, 0.01, 30, 3);
  const std::vector<double> head = Noisy(120, 0.01, 30, 4);
  const auto interval = BootstrapRatioOfMedians(base, head);
  REQUIRE(interval.has_value());
  CHECK(interval->low < 1.2);
  CHECK(interval->high > 1.2);
  CHECK(interval->low > 1.18);
  CHECK(interval->high < 1.22);
}

TEST_CASE("Bootstrap of a single value per side is the plain ratio", "[stats][bootstrap]") {
  const auto interval = BootstrapRatioOfMedians(std::vector<double>{4}, std::vector<double>{5});
  REQUIRE(interval.has_value());
  CHECK(interval->low == 1.25);
  CHECK(interval->high == 1.25);
}

TEST_CASE("Bootstrap interval is absent for empty input or a zero base", "[stats][bootstrap]") {
  CHECK_FALSE(BootstrapRatioOfMedians(std::vector<double>{}, std::vector<double>{1}).has_value());
  CHECK_FALSE(BootstrapRatioOfMedians(std::vector<double>{0, 0, 0}, std::vector<double>{1}).has_value());
  BootstrapOptions no_resamples;
  no_resamples.resamples = 0;
  CHECK_FALSE(BootstrapRatioOfMedians(std::vector<double>{1}, std::vector<double>{1}, no_resamples).has_value());
}
