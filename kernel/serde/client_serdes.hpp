// The serializers of one producer or the deserializers of one consumer, chosen by its configs as
// Kafka chooses them: key.serializer / value.serializer (producer), key.deserializer /
// value.deserializer (consumer). Besides Kafka's class names, "avro" (or Confluent's
// KafkaAvroSerializer / KafkaAvroDeserializer) selects the Avro serde over the cluster's schema
// registry, configured by key.schema / value.schema (the writer's schema, klab's stand-in for the
// schema a Java GenericRecord carries), auto.register.schemas and specific.reader.schema (the
// consumer's reader schema for values). Unset: klab passes Lua strings through as bytes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/config.hpp"
#include "base/result.hpp"
#include "cluster/cluster.hpp"
#include "serde/avro_serde.hpp"
#include "serde/builtin_serdes.hpp"

namespace klab::serde {

class ClientSerdes {
 public:
  // INVALID_CONFIG for an unknown serde name, an Avro serde without its schema, or a bad schema.
  static Result<ClientSerdes> for_producer(Cluster& cluster, const ConfigSet& config);
  static Result<ClientSerdes> for_consumer(Cluster& cluster, const ConfigSet& config);

  // Whether a key / value goes through a configured serde (else the raw bytes are used).
  bool has(bool is_key) const { return !std::holds_alternative<std::monostate>(slot(is_key)); }
  SchemaResult<std::optional<std::string>> serialize(std::string_view topic, bool is_key, const Datum& datum);
  SchemaResult<Datum> deserialize(bool is_key, std::optional<std::string_view> bytes) const;

 private:
  using Slot = std::variant<std::monostate, BuiltinSerde, std::shared_ptr<AvroSerializer>, std::shared_ptr<AvroDeserializer>>;
  const Slot& slot(bool is_key) const { return is_key ? key_ : value_; }
  Slot key_, value_;
};

// Every name key.serializer / value.serializer (or the deserializer keys) accept, for the config catalog.
bool is_avro_serde_name(std::string_view name);

}  // namespace klab::serde
