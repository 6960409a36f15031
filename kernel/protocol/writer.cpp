// Writer: see writer.hpp.
#include "protocol/writer.hpp"

#include <stdexcept>

namespace klab::protocol {

void Writer::big_endian(uint64_t value, int size) {
  for (int i = size - 1; i >= 0; --i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void Writer::int8(int8_t value) { big_endian(static_cast<uint8_t>(value), 1); }
void Writer::int16(int16_t value) { big_endian(static_cast<uint16_t>(value), 2); }
void Writer::int32(int32_t value) { big_endian(static_cast<uint32_t>(value), 4); }
void Writer::int64(int64_t value) { big_endian(static_cast<uint64_t>(value), 8); }
void Writer::uint32(uint32_t value) { big_endian(value, 4); }

void Writer::unsigned_varlong(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void Writer::unsigned_varint(uint32_t value) { unsigned_varlong(value); }
void Writer::varint(int32_t value) {
  auto u = static_cast<uint32_t>(value);
  unsigned_varlong((u << 1) ^ static_cast<uint32_t>(value >> 31));
}
void Writer::varlong(int64_t value) {
  auto u = static_cast<uint64_t>(value);
  unsigned_varlong((u << 1) ^ static_cast<uint64_t>(value >> 63));
}

void Writer::string(std::string_view value) {
  if (value.size() > 0x7fff) throw std::length_error("protocol string longer than 32767 bytes");
  int16(static_cast<int16_t>(value.size()));
  out_ += value;
}
void Writer::nullable_string(const std::optional<std::string>& value) {
  if (!value) return int16(-1);
  string(*value);
}
void Writer::compact_string(std::string_view value) {
  if (value.size() > 0x7fff) throw std::length_error("protocol string longer than 32767 bytes");
  unsigned_varint(static_cast<uint32_t>(value.size() + 1));
  out_ += value;
}
void Writer::compact_nullable_string(const std::optional<std::string>& value) {
  if (!value) return unsigned_varint(0);
  compact_string(*value);
}
void Writer::bytes(std::string_view value) {
  if (value.size() > 0x7fffffff) throw std::length_error("protocol bytes longer than 2^31-1");
  int32(static_cast<int32_t>(value.size()));
  out_ += value;
}
void Writer::nullable_bytes(const std::optional<std::string>& value) {
  if (!value) return int32(-1);
  bytes(*value);
}
void Writer::compact_bytes(std::string_view value) {
  if (value.size() >= 0xffffffffu) throw std::length_error("protocol bytes too long");
  unsigned_varint(static_cast<uint32_t>(value.size() + 1));
  out_ += value;
}
void Writer::compact_nullable_bytes(const std::optional<std::string>& value) {
  if (!value) return unsigned_varint(0);
  compact_bytes(*value);
}

void Writer::array_count(int32_t count) { int32(count < 0 ? -1 : count); }
void Writer::compact_array_count(int32_t count) { unsigned_varint(count < 0 ? 0 : static_cast<uint32_t>(count) + 1); }

void Writer::patch_int32(size_t position, int32_t value) {
  if (position + 4 > out_.size()) throw std::out_of_range("patch_int32 past the end");
  auto u = static_cast<uint32_t>(value);
  for (int i = 0; i < 4; ++i) out_[position + static_cast<size_t>(i)] = static_cast<char>((u >> (8 * (3 - i))) & 0xff);
}

}  // namespace klab::protocol
