#include "serde/builtin_serdes.hpp"

#include <fmt/format.h>

#include <bit>
#include <climits>
#include <cstring>

namespace klab::serde {

namespace {

constexpr std::string_view kPackage = "org.apache.kafka.common.serialization.";

std::string_view short_name(BuiltinSerde serde) {
  switch (serde) {
    case BuiltinSerde::String: return "String";
    case BuiltinSerde::Integer: return "Integer";
    case BuiltinSerde::Long: return "Long";
    case BuiltinSerde::Double: return "Double";
    case BuiltinSerde::ByteArray: return "ByteArray";
  }
  return "?";
}

std::string big_endian(uint64_t value, int bytes) {
  std::string out(static_cast<std::size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, value >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFF);
  return out;
}

uint64_t read_big_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string lua_kind(const Datum& d) {
  if (d.is_string()) return "string";
  if (d.is_number_integer()) return "integer";
  if (d.is_number_float()) return "number";
  if (d.is_boolean()) return "boolean";
  return "table";
}

}  // namespace

std::optional<BuiltinSerde> builtin_serde_named(std::string_view name, bool deserializer) {
  if (name.substr(0, kPackage.size()) == kPackage) name.remove_prefix(kPackage.size());
  for (BuiltinSerde serde : {BuiltinSerde::String, BuiltinSerde::Integer, BuiltinSerde::Long, BuiltinSerde::Double,
                             BuiltinSerde::ByteArray})
    if (name == fmt::format("{}{}", short_name(serde), deserializer ? "Deserializer" : "Serializer")) return serde;
  return std::nullopt;
}

std::string builtin_class_name(BuiltinSerde serde, bool deserializer) {
  return fmt::format("{}{}{}", kPackage, short_name(serde), deserializer ? "Deserializer" : "Serializer");
}

SchemaResult<std::optional<std::string>> builtin_serialize(BuiltinSerde serde, const Datum& datum,
                                                           std::string_view config_key) {
  if (datum.is_null()) return std::optional<std::string>();
  auto refuse = [&] {
    return schema::serialization_error(fmt::format("Can't convert value of class {} to class {} specified in {}",
                                                   lua_kind(datum), builtin_class_name(serde, false), config_key));
  };
  switch (serde) {
    case BuiltinSerde::String:
    case BuiltinSerde::ByteArray:
      if (!datum.is_string()) return refuse();
      return std::optional<std::string>(datum.get<std::string>());
    case BuiltinSerde::Integer: {
      if (!datum.is_number_integer()) return refuse();
      const auto value = datum.get<int64_t>();
      if (value < INT32_MIN || value > INT32_MAX)
        return schema::serialization_error(
            fmt::format("{} does not fit in a Java Integer (32 bits): use LongSerializer", value));
      return std::optional<std::string>(big_endian(static_cast<uint32_t>(static_cast<int32_t>(value)), 4));
    }
    case BuiltinSerde::Long:
      if (!datum.is_number_integer()) return refuse();
      return std::optional<std::string>(big_endian(static_cast<uint64_t>(datum.get<int64_t>()), 8));
    case BuiltinSerde::Double:
      if (!datum.is_number()) return refuse();
      return std::optional<std::string>(big_endian(std::bit_cast<uint64_t>(datum.get<double>()), 8));
  }
  return refuse();
}

SchemaResult<Datum> builtin_deserialize(BuiltinSerde serde, std::optional<std::string_view> bytes) {
  if (!bytes) return Datum(nullptr);
  switch (serde) {
    case BuiltinSerde::String:
    case BuiltinSerde::ByteArray: return Datum(std::string(*bytes));
    case BuiltinSerde::Integer:
      if (bytes->size() != 4) return schema::serialization_error("Size of data received by IntegerDeserializer is not 4");
      return Datum(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(read_big_endian(*bytes)))));
    case BuiltinSerde::Long:
      if (bytes->size() != 8) return schema::serialization_error("Size of data received by LongDeserializer is not 8");
      return Datum(static_cast<int64_t>(read_big_endian(*bytes)));
    case BuiltinSerde::Double:
      if (bytes->size() != 8) return schema::serialization_error("Size of data received by Deserializer is not 8");
      return Datum(std::bit_cast<double>(read_big_endian(*bytes)));
  }
  return schema::serialization_error("unknown deserializer");
}

}  // namespace klab::serde
