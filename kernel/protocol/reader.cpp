// Reader: see reader.hpp. Every read goes through need(), which is the only place that compares a length
// with the bytes left; Kafka's limits are applied as Kafka 3.7's generated readers apply them.
#include "protocol/reader.hpp"

#include <fmt/format.h>

namespace klab::protocol {

void Reader::fail(const std::string& what) {
  if (!ok()) return;
  std::string path;
  for (const auto& segment : path_) {
    if (segment.index >= 0) {
      path += fmt::format("[{}]", segment.index);
    } else if (!segment.name.empty()) {
      if (!path.empty()) path += '.';
      path += segment.name;
    }
  }
  error_ = context_.empty() ? "" : context_ + ": ";
  if (!path.empty()) error_ += path + ": ";
  error_ += what;
  position_ = bytes_.size();  // nothing more is read after an error
}

bool Reader::need(size_t count, const char* what) {
  if (!ok()) return false;
  if (count > remaining()) {
    fail(fmt::format("{} needs {} bytes but {} are left", what, count, remaining()));
    return false;
  }
  return true;
}

namespace {
uint64_t big_endian(const char* p, int size) {
  uint64_t value = 0;
  for (int i = 0; i < size; ++i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  return value;
}
}  // namespace

#define KLAB_READ_FIXED(type, name, size)                                        \
  type Reader::name() {                                                          \
    if (!need(size, #name)) return 0;                                            \
    auto value = static_cast<type>(big_endian(bytes_.data() + position_, size)); \
    position_ += size;                                                           \
    return value;                                                                \
  }
KLAB_READ_FIXED(int8_t, int8, 1)
KLAB_READ_FIXED(int16_t, int16, 2)
KLAB_READ_FIXED(int32_t, int32, 4)
KLAB_READ_FIXED(int64_t, int64, 8)
KLAB_READ_FIXED(uint32_t, uint32, 4)
#undef KLAB_READ_FIXED

uint64_t Reader::read_varint(int max_bytes, const char* what) {
  uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (!need(1, what)) return 0;
    auto byte = static_cast<uint8_t>(bytes_[position_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  fail(fmt::format("{} is longer than {} bytes", what, max_bytes));
  return 0;
}

uint32_t Reader::unsigned_varint() { return static_cast<uint32_t>(read_varint(5, "unsigned varint")); }

int32_t Reader::varint() {
  auto raw_value = static_cast<uint32_t>(read_varint(5, "varint"));
  return static_cast<int32_t>((raw_value >> 1) ^ (~(raw_value & 1) + 1));
}

int64_t Reader::varlong() {
  uint64_t raw_value = read_varint(10, "varlong");
  return static_cast<int64_t>((raw_value >> 1) ^ (~(raw_value & 1) + 1));
}

std::optional<std::string> Reader::take_string(int64_t length, bool nullable, const char* what) {
  if (!ok()) return nullable ? std::nullopt : std::optional<std::string>(std::string{});
  if (length < 0) {
    if (nullable) return std::nullopt;
    fail(fmt::format("{} is null (length {}) but the field is not nullable", what, length));
    return std::string{};
  }
  if (static_cast<uint64_t>(length) > remaining()) {
    fail(fmt::format("length {} exceeds the {} bytes left", length, remaining()));
    return nullable ? std::nullopt : std::optional<std::string>(std::string{});
  }
  std::string value(bytes_.substr(position_, static_cast<size_t>(length)));
  position_ += static_cast<size_t>(length);
  return value;
}

std::string Reader::string() { return *take_string(int16(), false, "string"); }
std::optional<std::string> Reader::nullable_string() { return take_string(int16(), true, "string"); }
std::string Reader::bytes() { return *take_string(int32(), false, "bytes"); }
std::optional<std::string> Reader::nullable_bytes() { return take_string(int32(), true, "bytes"); }
std::string Reader::compact_bytes() {
  return *take_string(static_cast<int64_t>(unsigned_varint()) - 1, false, "compact bytes");
}
std::optional<std::string> Reader::compact_nullable_bytes() {
  return take_string(static_cast<int64_t>(unsigned_varint()) - 1, true, "compact bytes");
}

// Kafka's readers refuse a compact string longer than Short.MAX_VALUE, as the int16 form cannot say more.
std::string Reader::compact_string() {
  int64_t length = static_cast<int64_t>(unsigned_varint()) - 1;
  if (ok() && length > 0x7fff) fail(fmt::format("compact string length {} exceeds 32767", length));
  return *take_string(length, false, "compact string");
}
std::optional<std::string> Reader::compact_nullable_string() {
  int64_t length = static_cast<int64_t>(unsigned_varint()) - 1;
  if (ok() && length > 0x7fff) fail(fmt::format("compact string length {} exceeds 32767", length));
  return take_string(length, true, "compact string");
}

int32_t Reader::check_count(int64_t count, uint32_t min_element_size) {
  if (!ok()) return 0;
  if (count < 0) return -1;
  uint64_t needed = static_cast<uint64_t>(count) * (min_element_size == 0 ? 1 : min_element_size);
  if (needed > remaining()) {
    fail(fmt::format("count {} needs at least {} bytes but {} are left", count, needed, remaining()));
    return 0;
  }
  return static_cast<int32_t>(count);
}

int32_t Reader::array_count(uint32_t min_element_size) { return check_count(int32(), min_element_size); }
int32_t Reader::compact_array_count(uint32_t min_element_size) {
  return check_count(static_cast<int64_t>(unsigned_varint()) - 1, min_element_size);
}

void Reader::skip_tagged_fields() {
  uint32_t count = unsigned_varint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    unsigned_varint();  // tag
    uint32_t size = unsigned_varint();
    if (ok() && size > remaining()) {
      fail(fmt::format("tagged field size {} exceeds the {} bytes left", size, remaining()));
      return;
    }
    position_ += ok() ? size : 0;
  }
}

std::string_view Reader::raw(size_t length) {
  if (!need(length, "raw bytes")) return {};
  auto view = bytes_.substr(position_, length);
  position_ += length;
  return view;
}

}  // namespace klab::protocol
