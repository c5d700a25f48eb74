#include "perfgate/stats/t_test.hpp"

#include <cmath>
#include <limits>
#include <math.h>  // lgamma_r

#include "perfgate/stats/descriptive.hpp"

namespace perfgate::stats {

namespace {

// Continued fraction of the incomplete beta function, evaluated with the
// modified Lentz algorithm; converges quickly for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  constexpr int kMaxIterations = 10000;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double fraction = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m_real = m;
    const double two_m = 2.0 * m_real;
    // Even step.
    double coefficient = m_real * (b - m_real) * x / ((a + two_m - 1.0) * (a + two_m));
    d = 1.0 + coefficient * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + coefficient / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    fraction *= d * c;
    // Odd step.
    coefficient = -(a + m_real) * (a + b + m_real) * x / ((a + two_m) * (a + two_m + 1.0));
    d = 1.0 + coefficient * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + coefficient / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    fraction *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return fraction;
}

}  // namespace

double LogGamma(double x) {
  int sign = 0;
  return lgamma_r(x, &sign);
}

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1.0 - front * BetaContinuedFraction(b, a, 1.0 - x) / b;
}

double StudentTTwoSidedTail(double t_statistic, double degrees_of_freedom) {
  if (std::isnan(t_statistic)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t_statistic)) return 0.0;
  // P(|T| >= |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2); RegularizedIncompleteBeta
  // picks the continued fraction that converges for this x.
  const double x = degrees_of_freedom / (degrees_of_freedom + t_statistic * t_statistic);
  return RegularizedIncompleteBeta(degrees_of_freedom / 2, 0.5, x);
}

std::optional<TTestResult> StudentTTestFromStats(double mean1, double variance1, std::size_t n1, double mean2,
                                                 double variance2, std::size_t n2) {
  if (n1 == 0 || n2 == 0 || n1 + n2 < 3) return std::nullopt;
  const auto n1_real = static_cast<double>(n1);
  const auto n2_real = static_cast<double>(n2);
  const double degrees_of_freedom = n1_real + n2_real - 2;
  const double pooled =
      ((n1_real - 1) * (n1 > 1 ? variance1 : 0.0) + (n2_real - 1) * (n2 > 1 ? variance2 : 0.0)) / degrees_of_freedom;
  const double standard_error = std::sqrt(pooled * (1 / n1_real + 1 / n2_real));
  const double difference = mean1 - mean2;
  TTestResult result;
  result.degrees_of_freedom = degrees_of_freedom;
  if (standard_error == 0) {
    if (difference == 0) return result;  // t undefined, nothing to tell apart: p = 1
    result.t_statistic = difference > 0 ? std::numeric_limits<double>::infinity()
                                        : -std::numeric_limits<double>::infinity();
    result.p_value = 0;
    return result;
  }
  result.t_statistic = difference / standard_error;
  result.p_value = StudentTTwoSidedTail(result.t_statistic, degrees_of_freedom);
  return result;
}

std::optional<TTestResult> StudentTTest(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return std::nullopt;
  const double variance_x = x.size() > 1 ? std::pow(*StandardDeviation(x), 2) : 0.0;
  const double variance_y = y.size() > 1 ? std::pow(*StandardDeviation(y), 2) : 0.0;
  return StudentTTestFromStats(*Mean(x), variance_x, x.size(), *Mean(y), variance_y, y.size());
}

std::optional<TTestResult> StudentTTestAgainst(std::span<const double> x, std::span<const double> y,
                                               double null_difference, Alternative alternative) {
  if (x.empty() || y.empty()) return std::nullopt;
  const double variance_x = x.size() > 1 ? std::pow(*StandardDeviation(x), 2) : 0.0;
  const double variance_y = y.size() > 1 ? std::pow(*StandardDeviation(y), 2) : 0.0;
  std::optional<TTestResult> result =
      StudentTTestFromStats(*Mean(x) - null_difference, variance_x, x.size(), *Mean(y), variance_y, y.size());
  if (!result || alternative == Alternative::kTwoSided) return result;
  // One side of a symmetric distribution: half the two-sided tail when t points
  // the alternative's way, its complement otherwise.
  const double t = alternative == Alternative::kGreater ? result->t_statistic : -result->t_statistic;
  if (t == 0 && variance_x == 0 && variance_y == 0) return result;  // no difference, no spread: p 1
  result->p_value = t > 0 ? result->p_value / 2 : 1 - result->p_value / 2;
  return result;
}

}  // namespace perfgate::stats
