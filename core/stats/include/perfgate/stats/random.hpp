#pragma once
// A small deterministic pseudo-random generator. perfgate never uses
// std::*_distribution for anything that reaches output, because their results
// differ between standard libraries; everything here is specified to the bit.

#include <cstdint>

namespace perfgate::stats {

// splitmix64: expands one 64-bit seed into a well-mixed stream (used to seed
// Xoshiro256).
std::uint64_t SplitMix64(std::uint64_t& state);

// xoshiro256** (Blackman & Vigna). Same seed, same sequence, on every platform.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed);

  std::uint64_t Next();
  // Uniform integer in [0, bound) without modulo bias (Lemire's multiply-shift with rejection).
  // `bound` must be > 0.
  std::uint64_t Below(std::uint64_t bound);
  // Uniform double in [0, 1) with 53 random bits.
  double Uniform();
  // Standard normal variate (Box-Muller, one value per call; no cached state
  // beyond the generator).
  double Normal();

 private:
  std::uint64_t state_[4];
};

}  // namespace perfgate::stats
