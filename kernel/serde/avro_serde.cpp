#include "serde/avro_serde.hpp"

#include <fmt/format.h>

#include "schema/avro_datum.hpp"

namespace klab::serde {

namespace {

// The Java client shows the registry's error as "<message>; error code: <code>".
std::string caused_by(const schema::SchemaError& error) {
  return fmt::format("{}; error code: {}", error.message, error.code);
}

}  // namespace

SchemaResult<WireRecord> parse_wire_format(std::string_view bytes) {
  if (bytes.size() < 5 || static_cast<uint8_t>(bytes[0]) != kMagicByte)
    return schema::serialization_error("Unknown magic byte!");
  uint32_t id = 0;
  for (std::size_t i = 1; i < 5; ++i) id = (id << 8) | static_cast<uint8_t>(bytes[i]);
  return WireRecord{static_cast<int32_t>(id), bytes.substr(5)};
}

std::string wire_format(int32_t schema_id, std::string_view avro_binary) {
  std::string out;
  out.reserve(5 + avro_binary.size());
  out.push_back(static_cast<char>(kMagicByte));
  const auto id = static_cast<uint32_t>(schema_id);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((id >> shift) & 0xFF));
  out.append(avro_binary);
  return out;
}

SchemaResult<AvroBytesExplained> explain_avro_bytes(const schema::SchemaRegistry& registry, std::string_view bytes) {
  SchemaResult<WireRecord> wire = parse_wire_format(bytes);
  if (!wire) return wire.error();
  SchemaResult<schema::AvroSchemaPtr> writer = registry.schema_by_id(wire->schema_id);
  if (!writer) return writer.error();
  SchemaResult<Datum> datum = schema::avro_decode(**writer, nullptr, wire->payload);
  if (!datum) return datum.error();
  std::string json = datum->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return AvroBytesExplained{wire->schema_id, wire->payload, std::move(*datum), std::move(json)};
}

SchemaResult<std::optional<std::string>> AvroSerializer::serialize(std::string_view topic, const Datum& datum) {
  if (datum.is_null() && schema_->root().type != schema::AvroType::Null) return std::optional<std::string>();
  const std::string subject = schema::topic_subject(topic, is_key_);
  if (!id_ || id_subject_ != subject) {
    SchemaResult<schema::RegisteredSchema> found = auto_register_ ? registry_.register_schema(subject, schema_->canonical())
                                                                  : registry_.lookup(subject, schema_->canonical());
    if (!found)
      return schema::serialization_error(fmt::format("Error {} Avro schema: {}: {}",
                                                     auto_register_ ? "registering" : "retrieving",
                                                     schema_->canonical(), caused_by(found.error())),
                                         found.error().code);
    id_ = found->id;
    id_subject_ = subject;
  }
  SchemaResult<std::string> binary = schema::avro_encode(*schema_, datum);
  if (!binary) return binary.error();
  return std::optional<std::string>(wire_format(*id_, *binary));
}

SchemaResult<Datum> AvroDeserializer::deserialize(std::optional<std::string_view> bytes) const {
  if (!bytes) return Datum(nullptr);
  SchemaResult<WireRecord> wire = parse_wire_format(*bytes);
  if (!wire) return wire.error();
  SchemaResult<schema::AvroSchemaPtr> writer = registry_.schema_by_id(wire->schema_id);
  if (!writer)
    return schema::serialization_error(fmt::format("Error retrieving Avro {} schema for id {}: {}",
                                                   is_key_ ? "key" : "value", wire->schema_id, caused_by(writer.error())),
                                       writer.error().code);
  return schema::avro_decode(**writer, reader_.get(), wire->payload);
}

}  // namespace klab::serde
