// Connect's data model as klab holds it: a value with an optional schema (SchemaAndValue), both as
// ordered JSON. A schema is kept in the JSON form JsonConverter writes in its envelope
// ({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}),
// so the converter, the transforms and the sinks share one representation. A schemaless value
// (JsonConverter with schemas.enable=false) has no schema: an object is Java's Map, an array its List.
// Bytes (schema type "bytes") are held as a JSON string of the raw bytes.
//
// A failure inside the pipeline is a Failure: the Java exception Kafka would throw (class name and
// message) and its causes, which is what status traces and dead-letter headers show.
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace klab::connect {

using Json = nlohmann::ordered_json;

struct SchemaAndValue {
  std::optional<Json> schema;  // nullopt: schemaless
  Json value;                  // null for a null value
};

Json schema_of_type(std::string_view type, bool optional);  // {"type":type,"optional":optional}
std::string schema_type(const std::optional<Json>& schema);  // "" when schemaless
// JSON text that never throws: a string holding bytes that are not UTF-8 (from a Lua table, say) is
// written with U+FFFD in their place, as Java decodes such bytes, instead of nlohmann's type_error.316.
std::string json_text(const Json& value);
bool schema_optional(const Json& schema);

// What Java's String.valueOf prints for the Connect value: the text FileStreamSink writes and
// StringConverter serializes. Strings as they are, Map as {k=v, ...} in java.util.HashMap order,
// List as [a, b], Struct as Struct{f=v,...} (null fields left out), doubles as Double.toString.
std::string java_string(const SchemaAndValue& data);

// A Java exception as Connect reports it.
struct Failure {
  std::string exception_class;  // "org.apache.kafka.connect.errors.DataException"
  std::string message;
  std::vector<std::pair<std::string, std::string>> causes;  // (class, message), outermost first

  // Java's printStackTrace text without frames: "Class: message" then "Caused by: ..." lines.
  std::string trace() const;
};

inline constexpr const char* kDataException = "org.apache.kafka.connect.errors.DataException";
inline constexpr const char* kConnectException = "org.apache.kafka.connect.errors.ConnectException";

// A value or the Failure that stopped it.
template <class T>
struct Attempt {
  std::optional<T> value;
  std::optional<Failure> failure;
  Attempt(T v) : value(std::move(v)) {}              // NOLINT: implicit on purpose
  Attempt(Failure f) : failure(std::move(f)) {}      // NOLINT
  bool ok() const { return !failure.has_value(); }
};

}  // namespace klab::connect
