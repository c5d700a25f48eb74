#pragma once
// Seeded multiplicative noise for the detection evaluations: Gaussian,
// log-normal and heavy-tailed (Student t, 3 degrees of freedom), each with
// relative standard deviation `cv`.

#include <algorithm>
#include <cmath>

#include "perfgate/stats/random.hpp"

namespace perfgate::detect::testing {

enum class Noise { kGaussian, kLogNormal, kHeavyTailed };

inline const char* Name(Noise noise) {
  switch (noise) {
    case Noise::kGaussian: return "gaussian";
    case Noise::kLogNormal: return "log-normal";
    case Noise::kHeavyTailed: return "student-t(3)";
  }
  return "";
}

// Multiplicative noise factor with relative standard deviation `cv`.
inline double NoiseFactor(Noise noise, double cv, stats::Xoshiro256& generator) {
  switch (noise) {
    case Noise::kGaussian: return 1 + cv * generator.Normal();
    case Noise::kLogNormal: return std::exp(cv * generator.Normal() - cv * cv / 2);
    case Noise::kHeavyTailed: {
      // Student's t with 3 degrees of freedom, scaled to unit variance.
      double chi_square = 0;
      for (int i = 0; i < 3; ++i) chi_square += std::pow(generator.Normal(), 2);
      const double t = generator.Normal() / std::sqrt(chi_square / 3);
      return std::max(0.05, 1 + cv * t / std::sqrt(3.0));
    }
  }
  return 1;
}

}  // namespace perfgate::detect::testing
