#include "base/hashing.hpp"

#include <zlib.h>

namespace klab {

int32_t murmur2(std::string_view bytes) {
  const uint32_t seed = 0x9747b28c;
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint32_t length = static_cast<uint32_t>(bytes.size());
  uint32_t h = seed ^ length;
  const uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; ++i) {
    const unsigned char* b = data + i * 4;
    uint32_t k = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const unsigned char* tail = data + (length & ~3u);
  switch (length % 4) {
    case 3: h ^= uint32_t(tail[2]) << 16; [[fallthrough]];
    case 2: h ^= uint32_t(tail[1]) << 8; [[fallthrough]];
    case 1:
      h ^= uint32_t(tail[0]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

uint32_t crc32(std::string_view bytes) {
  return static_cast<uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

int32_t java_string_hash(std::string_view utf8) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  std::size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    uint32_t code_point = c;
    std::size_t extra = 0;
    if (c >= 0xF0) code_point = c & 0x07, extra = 3;
    else if (c >= 0xE0) code_point = c & 0x0F, extra = 2;
    else if (c >= 0xC0) code_point = c & 0x1F, extra = 1;
    for (std::size_t k = 1; k <= extra && i + k < utf8.size(); ++k)
      code_point = (code_point << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += 1 + extra;
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      add(0xD800 + (code_point >> 10));
      add(0xDC00 + (code_point & 0x3FF));
    } else {
      add(code_point);
    }
  }
  return static_cast<int32_t>(h);
}

}  // namespace klab
