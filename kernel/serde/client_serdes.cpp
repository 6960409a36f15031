#include "serde/client_serdes.hpp"

#include <fmt/format.h>

namespace klab::serde {

namespace {

Error config_error(std::string message) { return make_error(ErrorCode::INVALID_CONFIG, std::move(message)); }

}  // namespace

bool is_avro_serde_name(std::string_view name) {
  return name == "avro" || name == "KafkaAvroSerializer" || name == "KafkaAvroDeserializer" ||
         name == "io.confluent.kafka.serializers.KafkaAvroSerializer" ||
         name == "io.confluent.kafka.serializers.KafkaAvroDeserializer";
}

Result<ClientSerdes> ClientSerdes::for_producer(Cluster& cluster, const ConfigSet& config) {
  ClientSerdes serdes;
  for (bool is_key : {true, false}) {
    const std::string part = is_key ? "key" : "value";
    const std::string key = part + ".serializer";
    if (!config.is_set(key)) continue;
    const std::string name = config.get_string(key);
    Slot& slot = is_key ? serdes.key_ : serdes.value_;
    if (auto builtin = builtin_serde_named(name, false)) {
      slot = *builtin;
    } else if (is_avro_serde_name(name)) {
      const std::string schema_key = part + ".schema";
      if (!config.is_set(schema_key))
        return config_error(fmt::format("{}={} needs {}: the Avro schema (JSON) of the {}s this producer sends", key,
                                        name, schema_key, part));
      SchemaResult<schema::AvroSchemaPtr> parsed = schema::AvroSchema::parse(config.get_string(schema_key));
      if (!parsed) return config_error(fmt::format("{}: {}", schema_key, parsed.error().message));
      slot = std::make_shared<AvroSerializer>(schema::SchemaRegistry::of(cluster), *parsed,
                                              config.get_bool("auto.register.schemas"), is_key);
    } else {
      return config_error(fmt::format("{}: unknown serializer '{}'", key, name));
    }
  }
  return serdes;
}

Result<ClientSerdes> ClientSerdes::for_consumer(Cluster& cluster, const ConfigSet& config) {
  ClientSerdes serdes;
  for (bool is_key : {true, false}) {
    const std::string part = is_key ? "key" : "value";
    const std::string key = part + ".deserializer";
    if (!config.is_set(key)) continue;
    const std::string name = config.get_string(key);
    Slot& slot = is_key ? serdes.key_ : serdes.value_;
    if (auto builtin = builtin_serde_named(name, true)) {
      slot = *builtin;
    } else if (is_avro_serde_name(name)) {
      schema::AvroSchemaPtr reader;
      if (!is_key && config.is_set("specific.reader.schema")) {
        SchemaResult<schema::AvroSchemaPtr> parsed = schema::AvroSchema::parse(config.get_string("specific.reader.schema"));
        if (!parsed) return config_error("specific.reader.schema: " + parsed.error().message);
        reader = *parsed;
      }
      slot = std::make_shared<AvroDeserializer>(schema::SchemaRegistry::of(cluster), reader, is_key);
    } else {
      return config_error(fmt::format("{}: unknown deserializer '{}'", key, name));
    }
  }
  return serdes;
}

SchemaResult<std::optional<std::string>> ClientSerdes::serialize(std::string_view topic, bool is_key, const Datum& datum) {
  const Slot& chosen = slot(is_key);
  if (const auto* builtin = std::get_if<BuiltinSerde>(&chosen))
    return builtin_serialize(*builtin, datum, is_key ? "key.serializer" : "value.serializer");
  if (const auto* avro = std::get_if<std::shared_ptr<AvroSerializer>>(&chosen)) return (*avro)->serialize(topic, datum);
  if (datum.is_null()) return std::optional<std::string>();
  if (!datum.is_string())
    return schema::serialization_error(fmt::format("{} must be a string (bytes) unless {}.serializer is set",
                                                   is_key ? "key" : "value", is_key ? "key" : "value"));
  return std::optional<std::string>(datum.get<std::string>());
}

SchemaResult<Datum> ClientSerdes::deserialize(bool is_key, std::optional<std::string_view> bytes) const {
  const Slot& chosen = slot(is_key);
  if (const auto* builtin = std::get_if<BuiltinSerde>(&chosen)) return builtin_deserialize(*builtin, bytes);
  if (const auto* avro = std::get_if<std::shared_ptr<AvroDeserializer>>(&chosen)) return (*avro)->deserialize(bytes);
  if (!bytes) return Datum(nullptr);
  return Datum(std::string(*bytes));
}

}  // namespace klab::serde
