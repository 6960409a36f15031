// Sampler: fills a message with deterministic, non-trivial values for exactly the fields a version carries
// (it walks the same io_<Struct> functions as the codec). Used by round-trip tests, the fuzz seed corpus and
// protocol_tool's sample responses. Invariants: 1. same seed, same values (splitmix64, no std distributions);
// 2. null only where the version allows it; 3. strings match Kafka's client software name pattern, so a
// sampled ApiVersions v3 request is valid; 4. arrays hold 0-2 elements, so samples stay small.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klab::protocol {

class Sampler {
 public:
  explicit Sampler(uint64_t seed) : state_(seed) {}

  uint64_t next();

  void int8(const char*, int8_t& x) { x = static_cast<int8_t>(small()); }
  void int16(const char*, int16_t& x) { x = static_cast<int16_t>(small()); }
  void int32(const char*, int32_t& x) { x = static_cast<int32_t>(small() * 1000 + static_cast<int64_t>(next() % 1000)); }
  void int64(const char*, int64_t& x) { x = small() * 1000000007LL; }
  void boolean(const char*, bool& x) { x = (next() & 1) != 0; }
  void string(const char*, std::string& x, bool) { x = text(); }
  void bytes(const char*, std::string& x, bool) { x = binary(); }
  void nullable_string(const char*, std::optional<std::string>& x, bool, bool nullable) {
    if (nullable && next() % 4 == 0) x.reset(); else x = text();
  }
  void nullable_bytes(const char*, std::optional<std::string>& x, bool, bool nullable) {
    if (nullable && next() % 4 == 0) x.reset(); else x = binary();
  }
  template <class T, class F>
  void array(const char*, std::vector<T>& x, bool, uint32_t, F&& element) {
    x.clear();
    auto count = next() % 3;
    for (uint64_t i = 0; i < count; ++i) element(x.emplace_back());
  }
  template <class T, class F>
  void nullable_array(const char*, std::optional<std::vector<T>>& x, bool flex, bool nullable, uint32_t, F&& element) {
    if (nullable && next() % 4 == 0) return x.reset();
    x.emplace();
    array("", *x, flex, 0, element);
  }
  void tagged_fields(bool) {}

 private:
  int64_t small() { return static_cast<int64_t>(next() % 200) - 20; }
  std::string text();
  std::string binary();
  uint64_t state_;
};

}  // namespace klab::protocol
