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

  // Inline: the bootstrap draws tens of millions of these per comparison.
  std::uint64_t Next() {
    const std::uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }
  // Uniform integer in [0, bound) without modulo bias (Lemire's multiply-shift with rejection).
  // `bound` must be > 0.
  std::uint64_t Below(std::uint64_t bound) {
    // The high word of a 128-bit product, rejecting the few low words that
    // would make some results more likely than others.
    __extension__ using Wide = unsigned __int128;
    Wide product = static_cast<Wide>(Next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<Wide>(Next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }
  // Uniform double in [0, 1) with 53 random bits.
  double Uniform();
  // Standard normal variate (Box-Muller, one value per call; no cached state
  // beyond the generator).
  double Normal();

 private:
  static std::uint64_t RotateLeft(std::uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }
  std::uint64_t state_[4];
};

}  // namespace perfgate::stats
