// Sampler: see sampler.hpp.
#include "protocol/sampler.hpp"

namespace klab::protocol {

uint64_t Sampler::next() {  // splitmix64
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string Sampler::text() {
  static constexpr const char* kWords[] = {"orders", "payments", "klab-1", "group.a", "rdkafka", "2.0.2", "c0", "x"};
  std::string value = kWords[next() % 8];
  if (next() % 2 == 0) {
    value += '-';
    value += std::to_string(next() % 100);
  }
  return value;
}

std::string Sampler::binary() {
  std::string value;
  auto length = next() % 6;
  for (uint64_t i = 0; i < length; ++i) value.push_back(static_cast<char>(next() & 0xff));
  return value;
}

}  // namespace klab::protocol
