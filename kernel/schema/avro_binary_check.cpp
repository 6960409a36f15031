// The bounds check that runs before libavro decodes untrusted bytes (see check_avro_binary). It
// follows the Avro binary encoding only far enough to know every length, count and index is sane;
// the values themselves are decoded by the library.
#include <fmt/format.h>

#include "schema/avro_datum.hpp"

namespace klab::schema {

namespace {

constexpr int kMaxDepth = 200;
constexpr int64_t kMaxEmptyItems = 65536;  // items that take no bytes (arrays of null)

struct Cursor {
  std::string_view bytes;
  std::size_t at = 0;
  std::string problem;

  std::size_t remaining() const { return bytes.size() - at; }
  bool fail(std::string what) {
    if (problem.empty()) problem = fmt::format("{} at byte {} of the Avro payload", what, at);
    return false;
  }
  bool varint(int64_t& out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.size()) return fail("truncated data (a varint runs past the end)");
      const auto byte = static_cast<uint8_t>(bytes[at++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) {
        out = static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
        return true;
      }
    }
    return fail("malformed varint (longer than 10 bytes)");
  }
  bool skip(int64_t count, const char* what) {
    if (count < 0) return fail(fmt::format("negative {} length {}", what, count));
    if (static_cast<uint64_t>(count) > remaining())
      return fail(fmt::format("truncated data ({} needs {} bytes, {} remain)", what, count, remaining()));
    at += static_cast<std::size_t>(count);
    return true;
  }
};

bool can_be_empty(const AvroNode& type, int depth = 0) {
  if (depth > 8) return false;
  switch (type.type) {
    case AvroType::Null: return true;
    case AvroType::Fixed: return type.fixed_size == 0;
    case AvroType::Record:
      for (const AvroField& f : type.fields)
        if (!can_be_empty(*f.type, depth + 1)) return false;
      return true;
    default: return false;
  }
}

bool check(const AvroNode& type, Cursor& cursor, int depth);

bool check_blocks(const AvroNode& type, const AvroNode& items, bool map, Cursor& cursor, int depth) {
  const bool empty_items = can_be_empty(items) && !map;
  int64_t total = 0;
  for (;;) {
    int64_t count = 0;
    if (!cursor.varint(count)) return false;
    if (count == 0) return true;
    if (count < 0) {
      if (count == INT64_MIN) return cursor.fail("invalid block count");
      count = -count;
      int64_t block_bytes = 0;
      if (!cursor.varint(block_bytes)) return false;
      if (block_bytes < 0 || static_cast<uint64_t>(block_bytes) > cursor.remaining())
        return cursor.fail(fmt::format("invalid block size {}", block_bytes));
    }
    total += count;
    const int64_t limit = empty_items ? kMaxEmptyItems : static_cast<int64_t>(cursor.remaining());
    if (total > limit) return cursor.fail(fmt::format("{} count {} is larger than the data", type.display_name(), count));
    for (int64_t i = 0; i < count; ++i) {
      if (map) {
        int64_t key_length = 0;
        if (!cursor.varint(key_length) || !cursor.skip(key_length, "map key")) return false;
      }
      if (!check(items, cursor, depth + 1)) return false;
    }
  }
}

bool check(const AvroNode& type, Cursor& cursor, int depth) {
  if (depth > kMaxDepth) return cursor.fail("data nested too deeply");
  int64_t value = 0;
  switch (type.type) {
    case AvroType::Null: return true;
    case AvroType::Boolean: return cursor.skip(1, "boolean");
    case AvroType::Int:
      if (!cursor.varint(value)) return false;
      if (value < INT32_MIN || value > INT32_MAX) return cursor.fail("int out of range");
      return true;
    case AvroType::Long: return cursor.varint(value);
    case AvroType::Float: return cursor.skip(4, "float");
    case AvroType::Double: return cursor.skip(8, "double");
    case AvroType::Bytes:
    case AvroType::String:
      return cursor.varint(value) && cursor.skip(value, type.type == AvroType::String ? "string" : "bytes");
    case AvroType::Fixed: return cursor.skip(type.fixed_size, "fixed");
    case AvroType::Enum:
      if (!cursor.varint(value)) return false;
      if (value < 0 || value >= static_cast<int64_t>(type.symbols.size()))
        return cursor.fail(fmt::format("enum index {} out of range for {}", value, type.full_name));
      return true;
    case AvroType::Union:
      if (!cursor.varint(value)) return false;
      if (value < 0 || value >= static_cast<int64_t>(type.branches.size()))
        return cursor.fail(fmt::format("union index {} out of range", value));
      return check(*type.branches[static_cast<std::size_t>(value)], cursor, depth + 1);
    case AvroType::Record:
      for (const AvroField& field : type.fields)
        if (!check(*field.type, cursor, depth + 1)) return false;
      return true;
    case AvroType::Array: return check_blocks(type, *type.items, false, cursor, depth);
    case AvroType::Map: return check_blocks(type, *type.values, true, cursor, depth);
  }
  return cursor.fail("unknown type");
}

}  // namespace

std::string check_avro_binary(const AvroNode& type, std::string_view bytes) {
  Cursor cursor{bytes, 0, {}};
  check(type, cursor, 0);
  return cursor.problem;
}

}  // namespace klab::schema
