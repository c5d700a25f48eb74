// Seeded evaluation of the compare decision rule against the goals of issue 10:
// A/A pairs of 50-benchmark files give at most 1 % false verdicts (regressed or
// improved) per benchmark at n = 3, 5, 9 and 15 repetitions per side under
// Gaussian, log-normal and Student-t(3) noise; a lone +30 % slowdown among 50
// benchmarks at CV <= 2 % is regressed with 5 repetitions per side (>= 95 % of
// pairs). The rule has no fitted parameters, but its second (rank-test) path
// was added after measuring the full grid (seeds 1-4), so the brief run, part
// of scripts/test.sh, uses seeds 5-7, which no choice looked at;
// PERFGATE_EVALUATION_FULL=1 runs 40 pairs a cell, the hidden "[power_grid]"
// test the effect x CV x n x noise grid, and PERFGATE_EVALUATION_CSV=path
// writes CSV for docs/statistics/figures.py (docs/statistics/make-figures.sh).

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "noise.hpp"
#include "perfgate/detect/compare.hpp"
#include "perfgate/stats/random.hpp"

using perfgate::detect::CompareReports;
using perfgate::detect::Verdict;
using perfgate::detect::testing::Name;
using perfgate::detect::testing::Noise;
using perfgate::detect::testing::NoiseFactor;
using perfgate::stats::Xoshiro256;
namespace model = perfgate::model;

namespace {

constexpr std::size_t kBenchmarks = 50;

bool FullGrid() { return std::getenv("PERFGATE_EVALUATION_FULL") != nullptr; }

// One pair of results files: kBenchmarks benchmarks at levels spread over three
// decades, `changed` of them (the first ones) multiplied by 1 + effect in head.
struct Pair {
  model::Results base;
  model::Results head;
};

Pair Generate(Noise noise, double cv, std::size_t n, double effect, std::size_t changed, Xoshiro256& generator) {
  Pair pair;
  for (std::size_t b = 0; b < kBenchmarks; ++b) {
    const std::string name = "BM_" + std::to_string(b);
    const double level = 10 * std::pow(1000.0, generator.Uniform());
    const double factor = b < changed ? 1 + effect : 1;
    for (model::Results* report : {&pair.base, &pair.head}) {
      model::Metric& metric =
          model::MetricNamed(report->BenchmarkNamed(name), "real_time", "ns", model::Direction::kLowerIsBetter);
      const double scale = report == &pair.head ? factor : 1.0;
      for (std::size_t i = 0; i < n; ++i) metric.samples.push_back(level * scale * NoiseFactor(noise, cv, generator));
    }
  }
  return pair;
}

struct Cell {
  std::size_t rows = 0;
  std::size_t false_verdicts = 0;  // unchanged rows called regressed or improved
  std::size_t unchanged_called = 0;
  std::size_t changed_rows = 0;
  std::size_t found = 0;  // changed rows called regressed
  double RateFalse() const { return rows == 0 ? 0 : static_cast<double>(false_verdicts) / static_cast<double>(rows); }
  double Power() const { return changed_rows == 0 ? 0 : static_cast<double>(found) / static_cast<double>(changed_rows); }
  double Unchanged() const {
    return rows == 0 ? 0 : static_cast<double>(unchanged_called) / static_cast<double>(rows);
  }
};

Cell Run(Noise noise, double cv, std::size_t n, double effect, std::size_t changed, std::size_t pairs,
         std::uint64_t seed) {
  Xoshiro256 generator(seed * 1000003 + static_cast<std::uint64_t>(noise) * 101 + n * 7 +
                       static_cast<std::uint64_t>(cv * 1e5) + static_cast<std::uint64_t>(effect * 1e3) * 13 + changed);
  Cell cell;
  for (std::size_t p = 0; p < pairs; ++p) {
    const Pair pair = Generate(noise, cv, n, effect, changed, generator);
    const auto comparison = CompareReports(pair.base, pair.head);
    for (std::size_t b = 0; b < comparison.benchmarks.size(); ++b) {
      const Verdict verdict = comparison.benchmarks[b].verdict;
      if (b < changed) {
        ++cell.changed_rows;
        if (verdict == Verdict::kRegressed) ++cell.found;
      } else {
        ++cell.rows;
        if (verdict == Verdict::kRegressed || verdict == Verdict::kImproved) ++cell.false_verdicts;
        if (verdict == Verdict::kUnchanged) ++cell.unchanged_called;
      }
    }
  }
  return cell;
}

const std::vector<Noise> kNoises{Noise::kGaussian, Noise::kLogNormal, Noise::kHeavyTailed};

std::FILE* CsvOrNull() {
  const char* path = std::getenv("PERFGATE_EVALUATION_CSV");
  return path != nullptr ? std::fopen(path, "w") : nullptr;
}

}  // namespace

TEST_CASE("A/A pairs give at most 1% false verdicts per benchmark at n = 3..15", "[detect][compare][evaluation]") {
  const bool full = FullGrid();
  const std::vector<std::uint64_t> seeds = full ? std::vector<std::uint64_t>{1, 2, 3, 4} : std::vector<std::uint64_t>{5, 6};
  const std::size_t pairs = full ? 10 : 2;
  const std::vector<double> cvs = full ? std::vector<double>{0.005, 0.01, 0.02, 0.05, 0.1}
                                       : std::vector<double>{0.005, 0.02, 0.05};
  std::printf("A/A: false verdicts (regressed or improved) per benchmark; %zu pairs of %zu benchmarks a seed, seeds",
              pairs, kBenchmarks);
  for (std::uint64_t seed : seeds) std::printf(" %llu", static_cast<unsigned long long>(seed));
  std::printf("\n%-13s %6s %4s %8s %10s %10s\n", "noise", "cv", "n", "rows", "false", "unchanged");
  std::FILE* csv = full ? CsvOrNull() : nullptr;
  if (csv != nullptr) std::fprintf(csv, "noise,cv,n,rows,false_rate,unchanged_rate\n");
  double worst = 0;
  for (Noise noise : kNoises) {
    for (double cv : cvs) {
      for (std::size_t n : {std::size_t{3}, std::size_t{5}, std::size_t{9}, std::size_t{15}}) {
        Cell total;
        for (std::uint64_t seed : seeds) {
          const Cell cell = Run(noise, cv, n, 0, 0, pairs, seed);
          total.rows += cell.rows;
          total.false_verdicts += cell.false_verdicts;
          total.unchanged_called += cell.unchanged_called;
        }
        std::printf("%-13s %5.1f%% %4zu %8zu %9.2f%% %9.1f%%\n", Name(noise), cv * 100, n, total.rows,
                    100 * total.RateFalse(), 100 * total.Unchanged());
        if (csv != nullptr) {
          std::fprintf(csv, "%s,%g,%zu,%zu,%g,%g\n", Name(noise), cv, n, total.rows, total.RateFalse(),
                       total.Unchanged());
        }
        INFO(Name(noise) << " cv " << cv << " n " << n);
        CHECK(total.RateFalse() <= 0.01);
        worst = std::max(worst, total.RateFalse());
      }
    }
  }
  if (csv != nullptr) std::fclose(csv);
  std::printf("worst A/A cell: %.2f%%\n", 100 * worst);
}

TEST_CASE("A lone +30% slowdown among 50 benchmarks at CV <= 2% is found with 5 repetitions",
          "[detect][compare][evaluation]") {
  const bool full = FullGrid();
  const std::vector<std::uint64_t> seeds = full ? std::vector<std::uint64_t>{1, 2, 3, 4} : std::vector<std::uint64_t>{5, 6, 7};
  const std::size_t pairs = full ? 10 : 8;
  std::printf("lone +30%% slowdown among %zu benchmarks: pairs where it is regressed\n", kBenchmarks);
  std::printf("%-13s %6s %4s %8s %8s\n", "noise", "cv", "n", "pairs", "found");
  for (Noise noise : kNoises) {
    for (double cv : {0.005, 0.01, 0.02}) {
      for (std::size_t n : {std::size_t{3}, std::size_t{5}}) {
        Cell total;
        for (std::uint64_t seed : seeds) {
          const Cell cell = Run(noise, cv, n, 0.30, 1, pairs, seed);
          total.changed_rows += cell.changed_rows;
          total.found += cell.found;
        }
        std::printf("%-13s %5.1f%% %4zu %8zu %7.1f%%\n", Name(noise), cv * 100, n, total.changed_rows,
                    100 * total.Power());
        INFO(Name(noise) << " cv " << cv << " n " << n);
        if (n == 5) CHECK(total.Power() >= 0.95);
        if (n == 3) CHECK(total.Power() >= 0.80);
      }
    }
  }
}

// Hidden from CTest (a few minutes on two cores); docs/statistics/make-figures.sh
// runs it by its tag: detect_tests "[power_grid]".
TEST_CASE("Power of the rule over effect x CV x n x noise", "[.][power_grid]") {
  const std::vector<std::uint64_t> seeds{1, 2, 3};
  const std::size_t pairs = 4;
  std::FILE* csv = nullptr;
  if (const char* path = std::getenv("PERFGATE_EVALUATION_CSV")) {
    csv = std::fopen((std::string(path) + ".power.csv").c_str(), "w");
    if (csv != nullptr) std::fprintf(csv, "noise,cv,n,effect,changed,power,unchanged_rate\n");
  }
  std::printf("power: changed rows called regressed (1 or 10 of %zu changed), %zu pairs x %zu seeds\n", kBenchmarks,
              pairs, seeds.size());
  std::printf("%-13s %6s %7s %8s %8s %8s %8s %8s\n", "noise", "cv", "effect", "changed", "n=3", "n=5", "n=9", "n=15");
  for (Noise noise : kNoises) {
    for (double cv : {0.005, 0.01, 0.02, 0.05}) {
      for (double effect : {0.06, 0.1, 0.2, 0.3, 0.5}) {
        for (std::size_t changed : {std::size_t{1}, std::size_t{10}}) {
          std::printf("%-13s %5.1f%% %+6.0f%% %8zu", Name(noise), cv * 100, effect * 100, changed);
          for (std::size_t n : {std::size_t{3}, std::size_t{5}, std::size_t{9}, std::size_t{15}}) {
            Cell total;
            for (std::uint64_t seed : seeds) {
              const Cell cell = Run(noise, cv, n, effect, changed, pairs, seed);
              total.changed_rows += cell.changed_rows;
              total.found += cell.found;
              total.rows += cell.rows;
              total.unchanged_called += cell.unchanged_called;
            }
            std::printf(" %7.1f%%", 100 * total.Power());
            INFO(Name(noise) << " cv " << cv << " +" << effect << " changed " << changed << " n " << n);
            if (effect >= 0.3 && cv <= 0.02 && n >= 5) CHECK(total.Power() >= 0.95);
            if (csv != nullptr) {
              std::fprintf(csv, "%s,%g,%zu,%g,%zu,%g,%g\n", Name(noise), cv, n, effect, changed, total.Power(),
                           total.Unchanged());
            }
          }
          std::printf("\n");
        }
      }
    }
  }
  if (csv != nullptr) std::fclose(csv);
}

TEST_CASE("One re-run with repetitions_needed decides a lone change among 50 benchmarks",
          "[detect][compare][evaluation]") {
  // Cases the first run cannot settle: a lone +12 % or +20 % slowdown at CV 3-5 %,
  // 3 repetitions per side. The advice accounts for the correction over all 50
  // rows and aims at 90 % power, so the re-run (fresh samples, as many
  // repetitions as advised) should call nearly all of them regressed. The
  // advice's spread bound was chosen on generator seed 77; this runs 5077.
  std::size_t advised = 0;
  std::size_t decided = 0;
  std::printf("re-run with the advised repetitions (lone slowdown among %zu benchmarks):\n", kBenchmarks);
  for (Noise noise : kNoises) {
    for (const auto& [effect, cv] : {std::pair{0.12, 0.03}, std::pair{0.2, 0.05}}) {
      Xoshiro256 generator(5077 + static_cast<std::uint64_t>(noise) + static_cast<std::uint64_t>(cv * 1000));
      for (int attempt = 0; attempt < 6; ++attempt) {
        const Pair first = Generate(noise, cv, 3, effect, 1, generator);
        const auto row = CompareReports(first.base, first.head).benchmarks[0];
        if (row.verdict != Verdict::kInconclusive || !row.repetitions_needed) continue;
        ++advised;
        const Pair again = Generate(noise, cv, *row.repetitions_needed, effect, 1, generator);
        const auto settled = CompareReports(again.base, again.head).benchmarks[0];
        std::printf("  %-13s %+.0f%% at CV %.0f%%: advised %zu, re-run says %s\n", Name(noise), effect * 100, cv * 100,
                    *row.repetitions_needed, std::string(perfgate::detect::ToString(settled.verdict)).c_str());
        if (settled.verdict == Verdict::kRegressed) ++decided;
      }
    }
  }
  std::printf("decided by one re-run: %zu of %zu\n", decided, advised);
  REQUIRE(advised >= 15);
  CHECK(static_cast<double>(decided) >= 0.8 * static_cast<double>(advised));
}
