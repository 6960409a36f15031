#include "connect/converters.hpp"

#include <fmt/format.h>

#include <set>

#include "connect/json_reader.hpp"

namespace klab::connect {
namespace {

constexpr const char* kString = "org.apache.kafka.connect.storage.StringConverter";
constexpr const char* kByteArray = "org.apache.kafka.connect.converters.ByteArrayConverter";
constexpr const char* kJson = "org.apache.kafka.connect.json.JsonConverter";
constexpr const char* kSerializationException = "org.apache.kafka.common.errors.SerializationException";
constexpr const char* kJsonParseException = "com.fasterxml.jackson.core.JsonParseException";

Failure data_exception(std::string message) { return Failure{kDataException, std::move(message), {}}; }

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

class StringConverter final : public Converter {
 public:
  const char* class_name() const override { return kString; }
  Attempt<SchemaAndValue> to_connect(std::string_view, const std::optional<std::string_view>& bytes) const override {
    SchemaAndValue data{schema_of_type("string", true), nullptr};
    if (bytes) data.value = std::string(*bytes);
    return data;
  }
  Attempt<std::optional<std::string>> from_connect(std::string_view, const SchemaAndValue& data) const override {
    if (data.value.is_null()) return std::optional<std::string>();
    return std::optional<std::string>(java_string(data));
  }
};

class ByteArrayConverter final : public Converter {
 public:
  const char* class_name() const override { return kByteArray; }
  Attempt<SchemaAndValue> to_connect(std::string_view, const std::optional<std::string_view>& bytes) const override {
    SchemaAndValue data{schema_of_type("bytes", true), nullptr};
    if (bytes) data.value = std::string(*bytes);
    return data;
  }
  Attempt<std::optional<std::string>> from_connect(std::string_view, const SchemaAndValue& data) const override {
    const std::string type = schema_type(data.schema);
    if (!type.empty() && type != "bytes") return data_exception("Invalid schema type for ByteArrayConverter: " + upper(type));
    if (data.value.is_null()) return std::optional<std::string>();
    if (!data.value.is_string())
      return data_exception("ByteArrayConverter is not compatible with objects of type " + java_class_of(data.value));
    return std::optional<std::string>(data.value.get<std::string>());
  }

 private:
  static std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
  }
  static std::string java_class_of(const Json& value) {
    if (value.is_object()) return "class java.util.HashMap";
    if (value.is_array()) return "class java.util.ArrayList";
    if (value.is_boolean()) return "class java.lang.Boolean";
    if (value.is_number_float()) return "class java.lang.Double";
    return "class java.lang.Long";
  }
};

const std::set<std::string, std::less<>> kPrimitiveTypes = {"int8",  "int16",   "int32",  "int64", "float32",
                                                            "float64", "boolean", "string", "bytes"};

// The payload of an envelope checked against its schema, as JsonConverter.convertToConnect does
// where Kafka throws (a missing required value, a malformed schema); Jackson's lenient coercions
// (a string read as int32 gives 0) are not reproduced: the value is kept as sent.
std::optional<Failure> check_payload(const Json& schema, const Json& value) {
  if (!schema.is_object()) return data_exception("Schema must be an object");  // unreachable from envelopes
  auto type_it = schema.find("type");
  if (type_it == schema.end() || !type_it->is_string())
    return data_exception("Schema must contain 'type' field");
  const std::string type = type_it->get<std::string>();
  if (value.is_null()) {
    if (schema_optional(schema) || schema.contains("default")) return std::nullopt;
    std::string upper = type;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return data_exception("Invalid null value for required " + upper + " field");
  }
  if (kPrimitiveTypes.count(type)) return std::nullopt;
  if (type == "struct") {
    auto fields = schema.find("fields");
    if (fields == schema.end() || !fields->is_array())
      return data_exception("Struct schema's \"fields\" argument is not an array.");
    if (!value.is_object()) return data_exception("Struct schema value must be an object");
    for (const Json& field : *fields) {
      if (!field.is_object() || !field.contains("field") || !field["field"].is_string())
        return data_exception("Struct schema's field name not specified properly");
      auto found = value.find(field["field"].get<std::string>());
      if (auto failure = check_payload(field, found == value.end() ? Json(nullptr) : *found)) return failure;
    }
    return std::nullopt;
  }
  if (type == "array") {
    auto items = schema.find("items");
    if (items == schema.end()) return data_exception("Array schema did not specify the element type");
    if (!value.is_array()) return std::nullopt;
    for (const Json& element : value)
      if (auto failure = check_payload(*items, element)) return failure;
    return std::nullopt;
  }
  if (type == "map") {
    if (!schema.contains("keys") || !schema.contains("values"))
      return data_exception("Map schema did not specify the key type");
    return std::nullopt;
  }
  return data_exception("Unknown schema type: " + type);
}

class JsonConverter final : public Converter {
 public:
  explicit JsonConverter(bool schemas_enable) : schemas_enable_(schemas_enable) {}
  const char* class_name() const override { return kJson; }

  Attempt<SchemaAndValue> to_connect(std::string_view, const std::optional<std::string_view>& bytes) const override {
    if (!bytes) return SchemaAndValue{std::nullopt, nullptr};  // a tombstone
    JsonReadResult read = read_json(*bytes);
    if (!read.ok)
      return Failure{kDataException,
                     "Converting byte[] to Kafka Connect data failed due to serialization error: ",
                     {{kSerializationException, std::string(kJsonParseException) + ": " + read.error},
                      {kJsonParseException, read.error}}};
    if (!schemas_enable_) return SchemaAndValue{std::nullopt, std::move(read.value)};
    const Json& envelope = read.value;
    if (!envelope.is_object() || envelope.size() != 2 || !envelope.contains("schema") || !envelope.contains("payload"))
      return data_exception(
          "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional "
          "fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter "
          "configuration.");
    const Json& schema = envelope["schema"];
    if (schema.is_null()) return SchemaAndValue{std::nullopt, envelope["payload"]};
    if (!schema.is_object()) return data_exception("Schema must be an object");  // Kafka: asConnectSchema on a non-object
    if (auto failure = check_payload(schema, envelope["payload"])) return *failure;
    return SchemaAndValue{canonical_schema(schema), envelope["payload"]};
  }

  Attempt<std::optional<std::string>> from_connect(std::string_view, const SchemaAndValue& data) const override {
    if (!data.schema && data.value.is_null()) return std::optional<std::string>();
    if (!schemas_enable_) return std::optional<std::string>(dump(data.value));
    Json envelope = Json::object();
    envelope["schema"] = data.schema ? canonical_schema(*data.schema) : Json(nullptr);
    envelope["payload"] = data.value;
    return std::optional<std::string>(dump(envelope));
  }

 private:
  bool schemas_enable_;
};

struct Known {
  const char* full;
  const char* simple;
  const char* pruned;
};
constexpr Known kKnown[] = {{kString, "StringConverter", "String"},
                            {kByteArray, "ByteArrayConverter", "ByteArray"},
                            {kJson, "JsonConverter", "Json"}};

}  // namespace

Json canonical_schema(const Json& schema) {
  if (!schema.is_object()) return schema;
  Json out = Json::object();
  if (schema.contains("type")) out["type"] = schema["type"];
  if (schema.contains("fields") && schema["fields"].is_array()) {
    Json fields = Json::array();
    for (const Json& field : schema["fields"]) {
      Json canonical = canonical_schema(field);
      if (field.is_object() && field.contains("field")) canonical["field"] = field["field"];
      fields.push_back(std::move(canonical));
    }
    out["fields"] = std::move(fields);
  }
  if (schema.contains("items")) out["items"] = canonical_schema(schema["items"]);
  if (schema.contains("keys")) out["keys"] = canonical_schema(schema["keys"]);
  if (schema.contains("values")) out["values"] = canonical_schema(schema["values"]);
  out["optional"] = schema_optional(schema);
  for (const char* key : {"name", "version", "doc", "parameters", "default"})
    if (schema.contains(key)) out[key] = schema[key];
  return out;
}

std::optional<std::string> converter_class(std::string_view name) {
  for (const Known& known : kKnown)
    if (name == known.full || name == known.simple || name == known.pruned) return std::string(known.full);
  return std::nullopt;
}

const std::vector<std::string>& known_converter_classes() {
  static const std::vector<std::string> classes = {kByteArray, kString, kJson};
  return classes;
}

Result<std::unique_ptr<Converter>> make_converter(std::string_view name, bool schemas_enable) {
  const std::optional<std::string> full = converter_class(name);
  if (!full) {
    std::string known;
    for (const std::string& c : known_converter_classes()) known += (known.empty() ? "" : ", ") + c;
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("Failed to find any class that implements Converter and which name matches {}; "
                                  "klab knows {}", name, known));
  }
  if (*full == kString) return std::unique_ptr<Converter>(std::make_unique<StringConverter>());
  if (*full == kByteArray) return std::unique_ptr<Converter>(std::make_unique<ByteArrayConverter>());
  return std::unique_ptr<Converter>(std::make_unique<JsonConverter>(schemas_enable));
}

}  // namespace klab::connect
