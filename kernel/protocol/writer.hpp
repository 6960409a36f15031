// Writer: appends Kafka's primitive types, big-endian, to a growing byte string.
// Invariant: what Writer::x writes, Reader::x reads back unchanged. A string longer than its length field
// can say (32767 for int16 lengths) is a programmer error and throws std::length_error.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace klab::protocol {

class Writer {
 public:
  void int8(int8_t value);
  void int16(int16_t value);
  void int32(int32_t value);
  void int64(int64_t value);
  void uint32(uint32_t value);
  void unsigned_varint(uint32_t value);
  void varint(int32_t value);   // zigzag
  void varlong(int64_t value);  // zigzag

  void string(std::string_view value);
  void nullable_string(const std::optional<std::string>& value);
  void compact_string(std::string_view value);
  void compact_nullable_string(const std::optional<std::string>& value);
  void bytes(std::string_view value);
  void nullable_bytes(const std::optional<std::string>& value);
  void compact_bytes(std::string_view value);
  void compact_nullable_bytes(const std::optional<std::string>& value);

  void array_count(int32_t count);  // -1 for null
  void compact_array_count(int32_t count);
  void empty_tagged_fields() { unsigned_varint(0); }
  void raw(std::string_view value) { out_ += value; }
  // Overwrites 4 bytes written earlier (a size field known only afterwards).
  void patch_int32(size_t position, int32_t value);

  size_t size() const { return out_.size(); }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void big_endian(uint64_t value, int size);
  void unsigned_varlong(uint64_t value);
  std::string out_;
};

}  // namespace klab::protocol
