// Kafka's zig-zag varints (protobuf style), used inside v2 records.
#pragma once
#include <cstdint>
#include <string>

namespace klab {

inline uint64_t zigzag(int64_t value) { return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63); }
inline int64_t unzigzag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

inline int varint_size(int64_t value) {
  uint64_t v = zigzag(value);
  int bytes = 1;
  while (v >= 0x80) v >>= 7, ++bytes;
  return bytes;
}

inline void put_varint(std::string& out, int64_t value) {
  uint64_t v = zigzag(value);
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint at `pos` and moves `pos` past it. The caller guarantees the bytes are ours.
inline int64_t get_varint(const char* data, std::size_t& pos) {
  uint64_t v = 0;
  int shift = 0;
  while (true) {
    auto byte = static_cast<unsigned char>(data[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  return unzigzag(v);
}

}  // namespace klab
