#pragma once
// Student's two-sample t-test (pooled variance, scipy.stats.ttest_ind with
// equal_var=True), the significance check of change-point detection.

#include <cstddef>
#include <optional>
#include <span>

namespace perfgate::stats {

struct TTestResult {
  double t_statistic = 0;  // (mean1 - mean2) / standard error
  double p_value = 1;      // two-sided unless an Alternative says otherwise, in [0, 1]
  double degrees_of_freedom = 0;
};

// From summary statistics: `variance` is the sample variance (divisor n - 1).
// Absent when n1 + n2 < 3 or either n is 0. When both variances are 0 the
// statistic is +-inf (p = 0) for different means and the p-value is 1 for equal
// ones.
std::optional<TTestResult> StudentTTestFromStats(double mean1, double variance1, std::size_t n1, double mean2,
                                                 double variance2, std::size_t n2);

// From the samples themselves; same rules.
std::optional<TTestResult> StudentTTest(std::span<const double> x, std::span<const double> y);

// The alternative hypothesis about mean(x) - mean(y) - null_difference, as
// scipy's `alternative` argument names it.
enum class Alternative {
  kTwoSided,  // != 0
  kGreater,   // > 0: p = P(T >= t)
  kLess,      // < 0: p = P(T <= t)
};

// Student's pooled-variance t-test of H0: mean(x) - mean(y) = null_difference
// against `alternative`, which is scipy.stats.ttest_ind(x - null_difference, y,
// equal_var=True, alternative=...). With both variances 0 the statistic is +-inf
// for a nonzero difference (p 0 or 1 by side) and p is 1 for none. Absent as
// StudentTTest is.
std::optional<TTestResult> StudentTTestAgainst(std::span<const double> x, std::span<const double> y,
                                               double null_difference, Alternative alternative);

// Two-sided tail probability of Student's t distribution: P(|T| >= |t|) with
// `degrees_of_freedom` > 0. Uses the regularized incomplete beta function.
double StudentTTwoSidedTail(double t_statistic, double degrees_of_freedom);

// log |Gamma(x)|, safe to call from several threads at once (std::lgamma
// writes the global signgam; this is glibc's lgamma_r).
double LogGamma(double x);

// Regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1].
double RegularizedIncompleteBeta(double a, double b, double x);

}  // namespace perfgate::stats
