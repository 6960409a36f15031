#include "connect/connect_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "connect/java_text.hpp"

namespace klab::connect {

Json schema_of_type(std::string_view type, bool optional) {
  Json schema = Json::object();
  schema["type"] = std::string(type);
  schema["optional"] = optional;
  return schema;
}

std::string json_text(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string schema_type(const std::optional<Json>& schema) {
  if (!schema || !schema->is_object()) return "";
  auto type = schema->find("type");
  return type != schema->end() && type->is_string() ? type->get<std::string>() : "";
}

bool schema_optional(const Json& schema) {
  auto optional = schema.find("optional");
  return optional != schema.end() && optional->is_boolean() && optional->get<bool>();
}

namespace {

std::string java_text(const Json* schema, const Json& value);

std::string struct_text(const Json& schema, const Json& value) {
  std::string out = "Struct{";
  bool first = true;
  auto fields = schema.find("fields");
  if (fields != schema.end() && fields->is_array() && value.is_object()) {
    for (const Json& field : *fields) {
      const std::string name = field.value("field", "");
      auto found = value.find(name);
      if (found == value.end() || found->is_null()) continue;
      if (!first) out += ',';
      first = false;
      out += name + "=" + java_text(&field, *found);
    }
  }
  return out + "}";
}

std::string java_text(const Json* schema, const Json& value) {
  if (schema && schema->is_object() && schema->value("type", "") == "struct") return struct_text(*schema, value);
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::string: return value.get<std::string>();
    case Json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer: return std::to_string(value.get<int64_t>());
    case Json::value_t::number_unsigned: return std::to_string(value.get<uint64_t>());
    case Json::value_t::number_float: {
      const std::string type = schema && schema->is_object() ? schema->value("type", "") : "";
      return type == "float32" ? java_float_string(value.get<double>()) : java_double_string(value.get<double>());
    }
    case Json::value_t::array: {
      const Json* items = nullptr;
      if (schema && schema->is_object() && schema->contains("items")) items = &(*schema)["items"];
      std::string out = "[";
      bool first = true;
      for (const Json& element : value) {
        if (!first) out += ", ";
        first = false;
        out += java_text(items, element);
      }
      return out + "]";
    }
    case Json::value_t::object: {
      const Json* values = nullptr;
      if (schema && schema->is_object() && schema->contains("values")) values = &(*schema)["values"];
      std::vector<std::string> keys;
      for (auto it = value.begin(); it != value.end(); ++it) keys.push_back(it.key());
      std::string out = "{";
      bool first = true;
      for (const std::string& key : java_hash_map_order(keys)) {
        if (!first) out += ", ";
        first = false;
        out += key + "=" + java_text(values, value.at(key));
      }
      return out + "}";
    }
    default: return json_text(value);
  }
}

}  // namespace

std::string java_string(const SchemaAndValue& data) {
  return java_text(data.schema ? &*data.schema : nullptr, data.value);
}

std::string Failure::trace() const {
  std::string out = exception_class + ": " + message;
  for (const auto& [cause_class, cause_message] : causes) out += "\nCaused by: " + cause_class + ": " + cause_message;
  return out;
}

}  // namespace klab::connect
