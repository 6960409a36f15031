// The cluster's one source of randomness, seeded. Distributions are written here rather than
// taken from <random>, whose distributions differ between standard libraries and would break
// replay across machines; std::mt19937_64 itself is fully specified by the standard.
#pragma once
#include <cstdint>
#include <random>

namespace klab {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, bound); bound must be positive. Rejection sampling keeps it unbiased.
  uint64_t uniform(uint64_t bound) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t draw;
    do draw = engine_();
    while (draw >= limit);
    return draw % bound;
  }
  int32_t uniform_int(int32_t bound) { return static_cast<int32_t>(uniform(static_cast<uint64_t>(bound))); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform_unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace klab
