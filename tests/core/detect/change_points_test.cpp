#include "perfgate/detect/change_points.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "perfgate/stats/random.hpp"

using perfgate::detect::ChangePointOptions;
using perfgate::detect::ChangePointState;
using perfgate::detect::DetectChangePoints;
using perfgate::detect::UpdateChangePoints;

namespace {

std::vector<double> Steady(double level, double cv, std::size_t count, std::uint64_t seed) {
  perfgate::stats::Xoshiro256 generator(seed);
  std::vector<double> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(level * (1 + cv * generator.Normal()));
  return values;
}

std::vector<double> WithStep(std::size_t at, double factor, std::vector<double> values) {
  for (std::size_t i = at; i < values.size(); ++i) values[i] *= factor;
  return values;
}

}  // namespace

TEST_CASE("A 10 % step is found at its first point", "[detect][change_points]") {
  const std::vector<double> series = WithStep(100, 1.10, Steady(1000, 0.01, 200, 1));
  const ChangePointState state = DetectChangePoints(series);
  REQUIRE(state.change_points.size() == 1);
  const auto& point = state.change_points[0];
  CHECK(point.index == 100);
  CHECK(point.detected_at <= 110);
  CHECK(point.relative_change == Approx(0.10).margin(0.01));
  CHECK(point.before_median == Approx(1000).epsilon(0.01));
  CHECK(point.after_median == Approx(1100).epsilon(0.01));
  CHECK(point.p_value < 1e-6);
  CHECK(state.length == 200);
}

TEST_CASE("A single spike never becomes a change point", "[detect][change_points]") {
  std::vector<double> series = Steady(1000, 0.01, 120, 2);
  series[60] *= 3.0;
  series[119] *= 3.0;  // and one on the newest point
  CHECK(DetectChangePoints(series).change_points.empty());
}

TEST_CASE("A short or constant series has no change points", "[detect][change_points]") {
  CHECK(DetectChangePoints(std::vector<double>{}).change_points.empty());
  CHECK(DetectChangePoints(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}).change_points.empty());
  CHECK(DetectChangePoints(std::vector<double>(100, 5.0)).change_points.empty());
}

TEST_CASE("A step in a constant series is certain", "[detect][change_points]") {
  std::vector<double> series(40, 5.0);
  for (std::size_t i = 20; i < 40; ++i) series[i] = 6.0;
  const ChangePointState state = DetectChangePoints(series);
  REQUIRE(state.change_points.size() == 1);
  CHECK(state.change_points[0].index == 20);
  CHECK(state.change_points[0].p_value == 0);
}

TEST_CASE("Appending points one at a time gives the batch result", "[detect][change_points]") {
  std::vector<double> series = WithStep(300, 0.8, WithStep(120, 1.3, Steady(50, 0.02, 400, 3)));
  series[200] *= 2;
  const ChangePointState batch = DetectChangePoints(series);
  REQUIRE(batch.change_points.size() == 2);
  ChangePointState incremental;
  for (std::size_t length = 1; length <= series.size(); length += (length % 7) + 1) {
    incremental = UpdateChangePoints(incremental, std::span<const double>(series).first(length));
  }
  incremental = UpdateChangePoints(incremental, series);
  REQUIRE(incremental.change_points.size() == batch.change_points.size());
  for (std::size_t i = 0; i < batch.change_points.size(); ++i) {
    CHECK(incremental.change_points[i].index == batch.change_points[i].index);
    CHECK(incremental.change_points[i].detected_at == batch.change_points[i].detected_at);
    CHECK(incremental.change_points[i].after_mean == batch.change_points[i].after_mean);
    CHECK(incremental.change_points[i].p_value == batch.change_points[i].p_value);
  }
}

TEST_CASE("A shorter series than the previous state restarts", "[detect][change_points]") {
  const std::vector<double> series = WithStep(50, 1.5, Steady(10, 0.01, 100, 4));
  const ChangePointState full = DetectChangePoints(series);
  const ChangePointState shorter = UpdateChangePoints(full, std::span<const double>(series).first(30));
  CHECK(shorter.change_points.empty());
  CHECK(shorter.length == 30);
}

TEST_CASE("min_magnitude hides statistically clear but small changes", "[detect][change_points]") {
  const std::vector<double> series = WithStep(100, 1.01, Steady(1000, 0.001, 200, 5));
  CHECK(DetectChangePoints(series).change_points.size() == 1);
  ChangePointOptions options;
  options.min_magnitude = 0.02;
  CHECK(DetectChangePoints(series, options).change_points.empty());
}

TEST_CASE("A large step leaves no second change point in its shadow", "[detect][change_points]") {
  // Issue 10: a second change point 8-12 points after a large one, where the new
  // window is short and the test repeats at every point.
  for (std::uint64_t seed = 100; seed < 130; ++seed) {
    std::vector<double> series = WithStep(120, seed % 2 == 0 ? 1.6 : 0.6, Steady(1000, 0.01, 260, seed));
    perfgate::stats::Xoshiro256 spikes(seed);
    for (double& value : series) {
      if (spikes.Uniform() < 0.01) value *= 1.2;
    }
    const auto points = DetectChangePoints(series).change_points;
    INFO("seed " << seed);
    REQUIRE(points.size() == 1);
    CHECK(points[0].index >= 119);
    CHECK(points[0].index <= 121);
  }
}

TEST_CASE("A spike right at a step is removed and does not move the change point", "[detect][change_points]") {
  for (std::uint64_t seed = 200; seed < 220; ++seed) {
    std::vector<double> series = WithStep(80, 1.08, Steady(1000, 0.01, 200, seed));
    // Spikes on either side of the step and inside the new level: clipped to
    // 5 deviations they would still pull the split and the means; removed they
    // do not.
    series[78] *= 1.4;
    series[79] *= 0.7;
    series[82] *= 1.5;
    const auto points = DetectChangePoints(series).change_points;
    INFO("seed " << seed);
    REQUIRE(points.size() == 1);
    CHECK(points[0].index == 80);
    CHECK(points[0].after_median / points[0].before_median == Approx(1.08).margin(0.01));
  }
}

TEST_CASE("A small step's place keeps being re-estimated for a whole window", "[detect][change_points]") {
  // A 3 x CV step: confirmed a few points after it, often placed off first; by
  // the time a window of points follows, it sits at +-1 in nearly every series.
  std::size_t exact = 0;
  for (std::uint64_t seed = 300; seed < 340; ++seed) {
    const std::vector<double> series = WithStep(100, 1.03, Steady(1000, 0.01, 200, seed));
    const auto points = DetectChangePoints(series).change_points;
    if (points.size() == 1 && points[0].index + 1 >= 100 && points[0].index <= 101) ++exact;
  }
  CHECK(exact >= 36);
}

TEST_CASE("Replaying seeded series point by point gives the batch result exactly", "[detect][change_points]") {
  for (std::uint64_t seed = 40; seed < 46; ++seed) {
    perfgate::stats::Xoshiro256 generator(seed);
    // Steps of 3-30 % every 60-180 points, spikes, and a CV of 0.5-3 %.
    std::vector<double> series;
    double level = 1000;
    const double cv = 0.005 * static_cast<double>(1 + seed % 6);
    std::size_t next_step = 60 + generator.Below(120);
    for (std::size_t i = 0; i < 700; ++i) {
      if (i == next_step) {
        level *= generator.Uniform() < 0.5 ? 1 + 0.03 + 0.27 * generator.Uniform() : 1 - 0.03 - 0.2 * generator.Uniform();
        next_step += 60 + generator.Below(120);
      }
      double value = level * (1 + cv * generator.Normal());
      if (generator.Below(40) == 0) value *= 1.5;
      series.push_back(value);
    }
    INFO("seed " << seed);
    const ChangePointState batch = DetectChangePoints(series);
    CHECK(batch.change_points.size() >= 2);
    ChangePointState replayed;
    for (std::size_t length = 1; length <= series.size(); ++length) {
      replayed = UpdateChangePoints(replayed, std::span<const double>(series).first(length));
    }
    CHECK(replayed.length == batch.length);
    REQUIRE(replayed.change_points.size() == batch.change_points.size());
    for (std::size_t i = 0; i < batch.change_points.size(); ++i) {
      const auto& want = batch.change_points[i];
      const auto& got = replayed.change_points[i];
      CHECK(got.index == want.index);
      CHECK(got.detected_at == want.detected_at);
      CHECK(got.before_mean == want.before_mean);
      CHECK(got.before_median == want.before_median);
      CHECK(got.after_mean == want.after_mean);
      CHECK(got.after_median == want.after_median);
      CHECK(got.relative_change == want.relative_change);
      CHECK(got.p_value == want.p_value);
    }
  }
}

TEST_CASE("The scan's shortcuts change no answer", "[detect][change_points]") {
  // DetectChangePoints reuses what successive windows share and rules windows out
  // by a t-test bound; DetectChangePointsWithoutShortcuts computes every window
  // from scratch. Seeded series of every shape the shortcuts could get wrong:
  // random walks of levels, CV from 0.1 % to 10 %, integer values (exact sums),
  // coarse ties, exact repeats, spikes, and other windows and segment lengths.
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    perfgate::stats::Xoshiro256 generator(5000 + seed);
    const std::size_t length = 30 + generator.Below(500);
    const double cv = std::pow(10.0, -3 + 2 * generator.Uniform());
    double level = 100 + 900 * generator.Uniform();
    std::vector<double> series;
    for (std::size_t i = 0; i < length; ++i) {
      if (generator.Uniform() < 0.01) level *= 1 + (generator.Uniform() - 0.5) * 0.3;
      double value = level * (1 + cv * generator.Normal());
      switch (seed % 5) {
        case 1: value = std::round(value); break;
        case 2: value = generator.Uniform() < 0.03 ? value * 1.5 : value; break;
        case 3: value = std::round(value / 10) * 10; break;
        case 4: value = generator.Uniform() < 0.2 ? level : value; break;
        default: break;
      }
      series.push_back(value);
    }
    ChangePointOptions options;
    if (seed % 7 == 3) options.window = 30;
    if (seed % 11 == 5) options.min_segment = 3;
    if (seed % 13 == 6) options.min_magnitude = 0.02;
    const ChangePointState fast = DetectChangePoints(series, options);
    const ChangePointState plain = perfgate::detect::DetectChangePointsWithoutShortcuts(series, options);
    INFO("seed " << seed);
    REQUIRE(fast.change_points.size() == plain.change_points.size());
    for (std::size_t i = 0; i < plain.change_points.size(); ++i) {
      CHECK(fast.change_points[i].index == plain.change_points[i].index);
      CHECK(fast.change_points[i].detected_at == plain.change_points[i].detected_at);
      CHECK(fast.change_points[i].after_mean == plain.change_points[i].after_mean);
      CHECK(fast.change_points[i].p_value == plain.change_points[i].p_value);
    }
  }
}
