// Small, serializable, counter-friendly random numbers.
//
// Data-side randomness (masking, shuffling, random arcs) is derived from a key such as (seed, step, sequence)
// with mix64, so a batch's masking is a pure function of (batch, rng key) and resuming needs no RNG replay.
#pragma once

#include <cstdint>

namespace sasmlm {

// SplitMix64 finaliser: a strong 64-bit bijective mixer.
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Derives an independent stream key from a parent key and up to three counters.
inline uint64_t derive_key(uint64_t key, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  return mix64(mix64(mix64(key ^ mix64(a)) ^ mix64(b + 0x632BE59BD9B4E019ull)) ^ mix64(c + 0x85157AF5ull));
}

// xoshiro256** generator; its whole state is four words, so saving and restoring it is O(1).
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) {
      x += 0x9E3779B97F4A7C15ull;
      s = mix64(x);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-64 * n, negligible here).
  uint64_t below(uint64_t n) { return uint64_t((__uint128_t(next()) * n) >> 64); }

  const uint64_t* state() const { return s_; }
  void set_state(const uint64_t* s) {
    for (int i = 0; i < 4; ++i) s_[i] = s[i];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace sasmlm
