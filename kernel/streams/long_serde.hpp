// Kafka's Long serde (Serdes.Long()) inside a topology: the 8 bytes, big-endian two's complement,
// that count() writes to its store, its changelog and the records it forwards, so a consumer with
// a LongDeserializer reads klab's counts. User functions see such a value as its decimal text
// (klab's functions take and return strings); `shown` makes that text.
#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "streams/streams_types.hpp"

namespace klab::streams {

inline std::string long_bytes(int64_t value) {
  std::string out(8, '\0');
  auto bits = static_cast<uint64_t>(value);
  for (int i = 7; i >= 0; --i, bits >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(bits & 0xFF);
  return out;
}

// nullopt unless exactly 8 bytes (LongDeserializer's "Size of data received by LongDeserializer is not 8").
inline std::optional<int64_t> long_of(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t bits = 0;
  for (char c : bytes) bits = (bits << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(bits);
}

// A Long value as the decimal text a function sees; bytes that are not a Long stay as they are.
inline Bytes shown(const Bytes& value, bool is_long) {
  if (!is_long || !value) return value;
  std::optional<int64_t> number = long_of(*value);
  return number ? Bytes(std::to_string(*number)) : value;
}

// A function's decimal text back to a Long (a reduce over Long values), or nullopt.
inline std::optional<std::string> long_from_text(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return long_bytes(value);
}

}  // namespace klab::streams
