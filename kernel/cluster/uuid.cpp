#include "cluster/uuid.hpp"

#include <fmt/format.h>

namespace klab {

std::string Uuid::to_string() const {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(most_significant >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(least_significant >> (56 - 8 * i));
  }
  std::string out;
  int i = 0;
  for (; i + 3 <= 16; i += 3) {
    uint32_t chunk = uint32_t(bytes[i]) << 16 | uint32_t(bytes[i + 1]) << 8 | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(chunk >> shift) & 0x3f]);
  }
  uint32_t last = uint32_t(bytes[15]) << 16;  // one byte left: two characters, no padding
  out.push_back(kAlphabet[(last >> 18) & 0x3f]);
  out.push_back(kAlphabet[(last >> 12) & 0x3f]);
  return out;
}

std::string Uuid::to_java_string() const {
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", most_significant >> 32, (most_significant >> 16) & 0xFFFF,
                     most_significant & 0xFFFF, least_significant >> 48, least_significant & 0xFFFFFFFFFFFFull);
}

Uuid Uuid::random(Rng& rng) {
  while (true) {
    // As java.util.UUID.randomUUID(): version 4, IETF variant.
    Uuid id{(rng.next_u64() & ~0xF000ull) | 0x4000ull, (rng.next_u64() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull};
    if (id == Uuid{} || id == Uuid{0, 1}) continue;  // the zero id and the metadata topic's id
    if (id.to_string().front() == '-') continue;
    return id;
  }
}

}  // namespace klab
