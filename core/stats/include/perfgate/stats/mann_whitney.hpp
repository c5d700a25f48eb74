#pragma once
// Two-sided Mann-Whitney U test, computed exactly as scipy.stats.mannwhitneyu
// (scipy 1.10, Debian 12) does with its defaults: use_continuity=True,
// alternative="two-sided", method="auto".

#include <optional>
#include <span>

namespace perfgate::stats {

enum class MannWhitneyMethod {
  kExact,       // exact null distribution of U (no tie correction)
  kAsymptotic,  // normal approximation with tie and continuity corrections
};

struct MannWhitneyResult {
  double u_statistic = 0;  // U of the first sample (scipy's `statistic`)
  double p_value = 1;      // two-sided, in [0, 1]
  MannWhitneyMethod method = MannWhitneyMethod::kExact;
};

// Method "auto" as scipy chooses it: asymptotic when both samples have more than
// 8 values or when any value is tied (within or across the samples), exact
// otherwise. The exact two-sided p is min(2 * P(U >= max(U1, U2)), 1).
// Absent when either sample is empty or contains NaN (scipy raises or returns
// NaN there). Never throws.
std::optional<MannWhitneyResult> MannWhitneyU(std::span<const double> x, std::span<const double> y);

}  // namespace perfgate::stats
