// Kafka's built-in serializers and deserializers (org.apache.kafka.common.serialization): the
// bytes a Java client writes for a String, Integer (4 bytes, big-endian), Long (8), Double (8,
// IEEE 754) and byte[]. A null value stays null (no bytes), as in Kafka.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "schema/avro_schema.hpp"
#include "schema/schema_error.hpp"

namespace klab::serde {

using schema::Datum;
using schema::SchemaError;
using schema::SchemaResult;

enum class BuiltinSerde { String, Integer, Long, Double, ByteArray };

// "StringSerializer" or "org.apache.kafka.common.serialization.StringSerializer" (and the
// deserializer names when `deserializer`).
std::optional<BuiltinSerde> builtin_serde_named(std::string_view name, bool deserializer);
std::string builtin_class_name(BuiltinSerde serde, bool deserializer);

// `config_key` ("value.serializer") names the setting in the error, as KafkaProducer does.
SchemaResult<std::optional<std::string>> builtin_serialize(BuiltinSerde serde, const Datum& datum,
                                                           std::string_view config_key);
SchemaResult<Datum> builtin_deserialize(BuiltinSerde serde, std::optional<std::string_view> bytes);

}  // namespace klab::serde
