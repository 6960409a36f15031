// Confluent's Avro serializer and deserializer over klab's schema registry.
//
// Wire format of every serialized key or value:
//   byte 0      magic byte 0
//   bytes 1-4   the schema id, a 4-byte big-endian integer (the registry's global id)
//   bytes 5-    the datum in Avro binary, written with that schema
// The serializer finds the id of its schema under the subject <topic>-value (or -key): it
// registers the schema when auto.register.schemas is true (the registry refuses an incompatible
// one), else looks it up. The deserializer reads the id, fetches the writer's schema from the
// registry and resolves the data against its reader schema (specific.reader.schema) if it has one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "schema/schema_registry.hpp"

namespace klab::serde {

using schema::Datum;
using schema::SchemaResult;

inline constexpr uint8_t kMagicByte = 0;

struct WireRecord {
  int32_t schema_id = 0;
  std::string_view payload;  // the Avro binary, a view into the bytes given
};

// "Unknown magic byte!" (Confluent's message) when the bytes do not start with magic byte 0 and an id.
SchemaResult<WireRecord> parse_wire_format(std::string_view bytes);
std::string wire_format(int32_t schema_id, std::string_view avro_binary);

// What a serialized record is made of, for students: its schema id, the Avro payload, the record
// decoded with the writer's schema, and the same record as JSON text (to compare sizes).
struct AvroBytesExplained {
  int32_t schema_id = 0;
  std::string_view payload;
  Datum datum;
  std::string json;
};
SchemaResult<AvroBytesExplained> explain_avro_bytes(const schema::SchemaRegistry& registry, std::string_view bytes);

class AvroSerializer {
 public:
  AvroSerializer(schema::SchemaRegistry& registry, schema::AvroSchemaPtr schema, bool auto_register, bool is_key)
      : registry_(registry), schema_(std::move(schema)), auto_register_(auto_register), is_key_(is_key) {}
  // Null stays null. SerializationException: the datum does not fit the schema, or the registry
  // refused the schema (the registry's error code is kept in the error).
  SchemaResult<std::optional<std::string>> serialize(std::string_view topic, const Datum& datum);
  const schema::AvroSchema& schema() const { return *schema_; }

 private:
  schema::SchemaRegistry& registry_;
  schema::AvroSchemaPtr schema_;
  bool auto_register_;
  bool is_key_;
  std::optional<int32_t> id_;  // cached after the first successful registration or lookup
  std::string id_subject_;
};

class AvroDeserializer {
 public:
  AvroDeserializer(schema::SchemaRegistry& registry, schema::AvroSchemaPtr reader, bool is_key)
      : registry_(registry), reader_(std::move(reader)), is_key_(is_key) {}
  SchemaResult<Datum> deserialize(std::optional<std::string_view> bytes) const;

 private:
  schema::SchemaRegistry& registry_;
  schema::AvroSchemaPtr reader_;
  bool is_key_;
};

}  // namespace klab::serde
