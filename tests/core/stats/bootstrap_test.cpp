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

TEST_CASE("A sequential bootstrap that never settles is the full bootstrap, to the bit", "[stats][bootstrap]") {
  for (std::uint64_t seed = 10; seed < 20; ++seed) {
    const std::vector<double> base = Noisy(100, 0.03, 5 + static_cast<int>(seed % 7), seed);
    const std::vector<double> head = Noisy(104, 0.03, 9, seed + 100);
    const auto full = BootstrapRatioOfMedians(base, head);
    int calls = 0;
    const auto sequential = perfgate::stats::BootstrapRatioOfMediansUntil(
        base, head, BootstrapOptions{}, [&](const perfgate::stats::RatioInterval&) {
          ++calls;
          return false;
        });
    REQUIRE(full.has_value());
    REQUIRE(sequential.has_value());
    CHECK(sequential->low == full->low);
    CHECK(sequential->high == full->high);
    CHECK(calls == 7);  // after 250, 500, ..., 1750 of 2000 resamples
  }
}

TEST_CASE("A sequential bootstrap that settles at once keeps the first block's draws", "[stats][bootstrap]") {
  const std::vector<double> base = Noisy(100, 0.02, 9, 31);
  const std::vector<double> head = Noisy(130, 0.02, 9, 32);
  BootstrapOptions first_block;
  first_block.resamples = 250;
  const auto expected = BootstrapRatioOfMedians(base, head, first_block);
  perfgate::stats::RatioInterval guard;
  const auto settled = perfgate::stats::BootstrapRatioOfMediansUntil(
      base, head, BootstrapOptions{}, [&](const perfgate::stats::RatioInterval& interval) {
        guard = interval;
        return true;
      });
  REQUIRE(expected.has_value());
  REQUIRE(settled.has_value());
  CHECK(settled->low == expected->low);
  CHECK(settled->high == expected->high);
  // The guard interval (99.9 %) contains the reported one (95 %).
  CHECK(guard.low <= settled->low);
  CHECK(guard.high >= settled->high);
}

TEST_CASE("A sequential bootstrap refuses a guard narrower than the interval or an empty block",
          "[stats][bootstrap]") {
  const std::vector<double> values{1, 2, 3};
  const auto always = [](const perfgate::stats::RatioInterval&) { return true; };
  CHECK_FALSE(perfgate::stats::BootstrapRatioOfMediansUntil(values, values, BootstrapOptions{}, always,
                                                            {.block = 0, .guard_confidence = 0.999})
                  .has_value());
  CHECK_FALSE(perfgate::stats::BootstrapRatioOfMediansUntil(values, values, BootstrapOptions{}, always,
                                                            {.block = 250, .guard_confidence = 0.9})
                  .has_value());
}
