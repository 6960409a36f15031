// Converters: between a record's key or value bytes and Connect data (SchemaAndValue).
//   StringConverter     bytes <-> string (schema: optional string); from Connect: String.valueOf(value)
//   ByteArrayConverter  bytes <-> bytes (schema: optional bytes); only bytes go back to Kafka
//   JsonConverter       schemas.enable=true (Kafka's default): {"schema":...,"payload":...} both ways;
//                       schemas.enable=false: plain JSON, schemaless (objects become Java Maps)
// Names: Kafka's full class names, the simple class names and the simple names without
// "Converter" (plugin aliases), e.g. org.apache.kafka.connect.json.JsonConverter, JsonConverter, Json.
// Failures are Kafka's DataExceptions with Kafka's messages.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "connect/connect_data.hpp"

namespace klab::connect {

class Converter {
 public:
  virtual ~Converter() = default;
  virtual const char* class_name() const = 0;  // Kafka's full class name
  virtual Attempt<SchemaAndValue> to_connect(std::string_view topic, const std::optional<std::string_view>& bytes) const = 0;
  virtual Attempt<std::optional<std::string>> from_connect(std::string_view topic, const SchemaAndValue& data) const = 0;
};

// INVALID_CONFIG listing the known converters for an unknown name.
Result<std::unique_ptr<Converter>> make_converter(std::string_view name, bool schemas_enable);
// The full class name a name or alias stands for, or nullopt.
std::optional<std::string> converter_class(std::string_view name);
const std::vector<std::string>& known_converter_classes();

// The schema in the form and key order JsonConverter writes it (type, fields/items/keys/values,
// optional, name, version, doc, parameters).
Json canonical_schema(const Json& schema);

}  // namespace klab::connect
