// Seeded synthetic evaluation of change-point detection against the quality
// targets of issues 3 and 10: precision >= 0.95 and recall >= 0.95 for steps of
// at least 3 x CV (location within +-1 point, reported within 10 points of the
// step), and at most 1 false alarm per 1,000 points of series without a change
// (with single-point spikes and slow drift); recall of 1-3 x CV steps is
// reported beside. Seeds 16 and 17 run in scripts/test.sh; the detector was
// tuned on 20240604 (issue 3) and on 11-12 (issue 10: the 1.5-deviation shift
// gate), which neither run includes. PERFGATE_EVALUATION_FULL=1 runs seeds
// 13-17 over series of 200, 1,000 and 10,000 points. Prints the figures it
// measured.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "perfgate/detect/change_points.hpp"
#include "noise.hpp"
#include "perfgate/stats/random.hpp"

using perfgate::detect::DetectChangePoints;
using perfgate::stats::Xoshiro256;
using perfgate::detect::testing::Noise;
using perfgate::detect::testing::NoiseFactor;
using perfgate::detect::testing::Name;

namespace {

struct Step {
  std::size_t index = 0;
  double magnitude = 0;  // |relative change|
};

struct Synthetic {
  std::vector<double> values;
  std::vector<Step> steps;
};

// Level 1000 with steps (log-uniform 1 %..50 %, up or down) evenly spread with
// jitter, or without steps but with a slow drift (5 x CV per 1,000 points,
// up or down); single-point spikes (+5..30 x CV, 1 % of points) in both.
Synthetic Generate(std::size_t length, Noise noise, double cv, bool with_steps, Xoshiro256& generator) {
  Synthetic series;
  std::vector<double> level(length, 1000.0);
  if (with_steps) {
    const std::size_t count = length / 100;
    const std::size_t gap = length / (count + 1);
    double factor = 1;
    std::size_t next_step = 0;
    std::vector<std::size_t> positions;
    for (std::size_t i = 1; i <= count; ++i) positions.push_back(i * gap - 10 + generator.Below(21));
    for (std::size_t i = 0; i < length; ++i) {
      if (next_step < positions.size() && i == positions[next_step]) {
        const double magnitude = 0.01 * std::pow(50.0, generator.Uniform());
        factor *= generator.Uniform() < 0.5 ? 1 + magnitude : 1 - magnitude;
        series.steps.push_back(Step{i, magnitude});
        ++next_step;
      }
      level[i] *= factor;
    }
  } else {
    // Multiplicative, so that a long series never drifts through zero.
    const double drift_per_point = (generator.Uniform() < 0.5 ? 5.0 : -5.0) * cv / 1000.0;
    for (std::size_t i = 0; i < length; ++i) level[i] *= std::exp(drift_per_point * static_cast<double>(i));
  }
  for (std::size_t i = 0; i < length; ++i) {
    double value = level[i] * NoiseFactor(noise, cv, generator);
    if (generator.Uniform() < 0.01) value *= 1 + cv * (5 + 25 * generator.Uniform());
    series.values.push_back(value);
  }
  return series;
}

struct Tally {
  std::size_t true_alerts = 0;   // within +-1 of a true step
  std::size_t false_alerts = 0;  // anything else, mislocated large steps included
  // Alerts within +-5 (but not +-1) of a true step smaller than 3 x CV: a real
  // change, imprecisely located because it is within the noise. Outside the
  // targets' scope (steps of at least 3 x CV), so counted apart from precision.
  std::size_t small_step_alerts = 0;
  std::size_t required_steps = 0;  // steps of at least 3 x CV
  std::size_t required_found = 0;  // of those, located +-1 and reported within 10 points
  std::size_t small_steps = 0;     // steps of 1-3 x CV
  std::size_t small_found = 0;     // of those, located +-1
  std::size_t null_points = 0;
  std::size_t null_alerts = 0;

  void Add(const Tally& other) {
    true_alerts += other.true_alerts;
    false_alerts += other.false_alerts;
    small_step_alerts += other.small_step_alerts;
    required_steps += other.required_steps;
    required_found += other.required_found;
    small_steps += other.small_steps;
    small_found += other.small_found;
    null_points += other.null_points;
    null_alerts += other.null_alerts;
  }
  double Precision() const {
    const std::size_t alerts = true_alerts + false_alerts;
    return alerts == 0 ? 1.0 : static_cast<double>(true_alerts) / static_cast<double>(alerts);
  }
  // Precision with the small-step alerts counted as false.
  double StrictPrecision() const {
    const std::size_t alerts = true_alerts + false_alerts + small_step_alerts;
    return alerts == 0 ? 1.0 : static_cast<double>(true_alerts) / static_cast<double>(alerts);
  }
  double Recall() const {
    return required_steps == 0 ? 1.0 : static_cast<double>(required_found) / static_cast<double>(required_steps);
  }
  double SmallRecall() const {
    return small_steps == 0 ? 1.0 : static_cast<double>(small_found) / static_cast<double>(small_steps);
  }
  double FalseAlarmsPerThousand() const {
    return null_points == 0 ? 0.0 : 1000.0 * static_cast<double>(null_alerts) / static_cast<double>(null_points);
  }
};

void Score(const Synthetic& series, double cv, Tally& tally) {
  const auto detected = DetectChangePoints(series.values).change_points;
  std::vector<bool> matched(series.steps.size(), false);
  for (const auto& point : detected) {
    bool is_true = false;
    for (std::size_t s = 0; s < series.steps.size(); ++s) {
      const Step& step = series.steps[s];
      const std::size_t distance = point.index > step.index ? point.index - step.index : step.index - point.index;
      if (!matched[s] && distance <= 1) {
        matched[s] = true;
        is_true = true;
        if (step.magnitude >= 3 * cv && point.detected_at <= step.index + 10) ++tally.required_found;
        if (step.magnitude >= cv && step.magnitude < 3 * cv) ++tally.small_found;
        break;
      }
    }
    bool near_small_step = false;
    for (const Step& step : series.steps) {
      const std::size_t distance = point.index > step.index ? point.index - step.index : step.index - point.index;
      if (distance <= 5 && step.magnitude < 3 * cv) near_small_step = true;
    }
    if (is_true) {
      ++tally.true_alerts;
    } else if (near_small_step) {
      ++tally.small_step_alerts;
    } else {
      ++tally.false_alerts;
    }
    if (!is_true && !near_small_step && std::getenv("PERFGATE_EVALUATION_VERBOSE") != nullptr) {
      std::printf("  false alert at %zu (reported at %zu, %+.2f%%, p %.2g); cv %.1f%%, steps:", point.index,
                  point.detected_at, point.relative_change * 100, point.p_value, cv * 100);
      for (const Step& step : series.steps) std::printf(" %zu(%.1f%%)", step.index, step.magnitude * 100);
      std::printf("\n");
    }
  }
  for (std::size_t s = 0; s < series.steps.size(); ++s) {
    const Step& step = series.steps[s];
    if (step.magnitude >= cv && step.magnitude < 3 * cv) ++tally.small_steps;
    if (step.magnitude < 3 * cv) continue;
    ++tally.required_steps;
    if (std::getenv("PERFGATE_EVALUATION_VERBOSE") != nullptr) {
      bool found = false;
      for (const auto& point : detected) {
        const std::size_t distance = point.index > step.index ? point.index - step.index : step.index - point.index;
        if (distance <= 1 && point.detected_at <= step.index + 10) found = true;
      }
      if (!found) {
        std::printf("  missed step at %zu (%.1f%%, cv %.1f%%); detected:", step.index, step.magnitude * 100, cv * 100);
        for (const auto& point : detected) std::printf(" %zu@%zu", point.index, point.detected_at);
        std::printf("\n");
      }
    }
  }
}

}  // namespace

TEST_CASE("Change-point detection meets its precision, recall and false-alarm targets",
          "[detect][change_points][evaluation]") {
  const bool full = std::getenv("PERFGATE_EVALUATION_FULL") != nullptr;
  const std::vector<std::uint64_t> seeds = full ? std::vector<std::uint64_t>{13, 14, 15, 16, 17}
                                                : std::vector<std::uint64_t>{16, 17};
  const std::vector<std::size_t> lengths = full ? std::vector<std::size_t>{200, 1000, 10000}
                                                : std::vector<std::size_t>{200, 1000};
  Tally overall;
  std::printf("change-point evaluation (window 50, p < 0.001, min segment 5), seeds");
  for (std::uint64_t seed : seeds) std::printf(" %llu", static_cast<unsigned long long>(seed));
  std::printf("\nprecision: alerts within +-1 of a step / alerts, leaving out alerts near steps < 3 x CV\n");
  std::printf("strict: the same with those counted as false; recall: steps >= 3 x CV located +-1 within 10 points\n");
  std::printf("small: recall of 1-3 x CV steps located +-1\n");
  std::printf("%-13s %6s %9s %7s %9s %7s %7s %6s %7s %12s\n", "noise", "cv", "precision", "strict", "recall", "steps",
              "alerts", "near", "small", "false/1000");
  for (Noise noise : {Noise::kGaussian, Noise::kLogNormal, Noise::kHeavyTailed}) {
    for (double cv : {0.005, 0.01, 0.02, 0.05}) {
      Tally tally;
      for (std::uint64_t seed : seeds) {
        Xoshiro256 generator(seed * 7919 + static_cast<std::uint64_t>(noise) * 131 + static_cast<std::uint64_t>(cv * 1e4));
        for (std::size_t length : lengths) {
          // As many points per length: 10 series of 200, 2 of 1,000, 1 of 10,000 (a quarter in the brief run).
          const std::size_t repeats = length <= 200 ? 10 : length <= 1000 ? 2 : 1;
          for (std::size_t repeat = 0; repeat < repeats; ++repeat) {
            Score(Generate(length, noise, cv, true, generator), cv, tally);
            const Synthetic quiet = Generate(length, noise, cv, false, generator);
            tally.null_points += quiet.values.size();
            tally.null_alerts += DetectChangePoints(quiet.values).change_points.size();
          }
        }
      }
      std::printf("%-13s %5.1f%% %9.3f %7.3f %9.3f %7zu %7zu %6zu %7.3f %12.2f\n", Name(noise), cv * 100,
                  tally.Precision(), tally.StrictPrecision(), tally.Recall(), tally.required_steps,
                  tally.true_alerts + tally.false_alerts + tally.small_step_alerts, tally.small_step_alerts,
                  tally.SmallRecall(), tally.FalseAlarmsPerThousand());
      overall.Add(tally);
    }
  }
  std::printf("%-13s %6s %9.3f %7.3f %9.3f %7zu %7zu %6zu %7.3f %12.2f  (%zu points without change)\n", "overall", "",
              overall.Precision(), overall.StrictPrecision(), overall.Recall(), overall.required_steps,
              overall.true_alerts + overall.false_alerts + overall.small_step_alerts, overall.small_step_alerts,
              overall.SmallRecall(), overall.FalseAlarmsPerThousand(), overall.null_points);
  CHECK(overall.Precision() >= 0.95);
  CHECK(overall.StrictPrecision() >= 0.95);
  CHECK(overall.Recall() >= 0.95);
  CHECK(overall.FalseAlarmsPerThousand() <= 1.0);
  // Before issue 10 the detector found 0.717 (full grid) / 0.729 (these seeds).
  CHECK(overall.SmallRecall() >= 0.72);
}
