// An Avro schema, parsed twice on purpose: by the Avro C library (libavro), which validates it and
// encodes/decodes its binary data, and into klab's own tree of AvroNodes, which keeps what the C
// library drops and schema evolution needs: field defaults, aliases and enum defaults. Schema
// resolution (avro_datum.cpp) and the compatibility checker (avro_compatibility.cpp) work on the tree.
//
// Invariants:
//  1. A parsed AvroSchema is valid for both parsers; its field defaults match their types
//     (Avro's validateDefaults, as the registry parses schemas).
//  2. Named types are nodes shared by reference, so a recursive schema is a cyclic graph; the
//     AvroSchema owns every node, and nodes never outlive it.
//  3. canonical() is the schema's JSON without insignificant whitespace: two texts that differ only
//     in layout are the same schema for the registry.
#pragma once
#include <avro.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/schema_error.hpp"

namespace klab::schema {

// A record's value in klab: JSON-shaped data (objects for records and maps, arrays, strings for
// strings, bytes, enums and fixed, numbers, booleans, null). Object keys keep the schema's order.
using Datum = nlohmann::ordered_json;

enum class AvroType { Null, Boolean, Int, Long, Float, Double, Bytes, String, Record, Enum, Array, Map, Union, Fixed };

// Avro's upper-case type names, as Java's Schema.Type prints them ("STRING", "RECORD").
std::string_view avro_type_name(AvroType type);

struct AvroNode;

struct AvroField {
  std::string name;
  std::vector<std::string> aliases;
  const AvroNode* type = nullptr;
  std::optional<Datum> default_value;  // the JSON default as written in the schema
  int32_t position = 0;
};

struct AvroNode {
  AvroType type = AvroType::Null;
  std::string name;       // named types: the simple name ("News")
  std::string full_name;  // named types: namespace.name
  std::vector<std::string> aliases;  // named types: full names
  std::vector<AvroField> fields;     // record
  std::vector<std::string> symbols;  // enum
  std::optional<std::string> enum_default;
  const AvroNode* items = nullptr;   // array
  const AvroNode* values = nullptr;  // map
  std::vector<const AvroNode*> branches;  // union
  int64_t fixed_size = 0;

  bool is_named() const { return type == AvroType::Record || type == AvroType::Enum || type == AvroType::Fixed; }
  const AvroField* field(std::string_view field_name) const;
  // "string", "News", "array<int>": how messages name a type.
  std::string display_name() const;
};

class AvroSchema {
 public:
  // INVALID_SCHEMA with the parser's message: JSON syntax errors give line and column; the Avro C
  // library's errors name the problem ("Unknown Avro \"type\": strin"); bad defaults name the field.
  static SchemaResult<std::shared_ptr<const AvroSchema>> parse(std::string_view text);
  ~AvroSchema();
  AvroSchema(const AvroSchema&) = delete;
  AvroSchema& operator=(const AvroSchema&) = delete;

  const AvroNode& root() const { return *root_; }
  const std::string& canonical() const { return canonical_; }
  const Datum& json() const { return json_; }
  // The Avro C library's view (borrowed; lives as long as this schema).
  avro_schema_t c_schema() const { return c_schema_; }
  avro_value_iface_t* c_class() const { return c_class_; }

 private:
  AvroSchema() = default;
  friend class AvroSchemaBuilder;
  std::vector<std::unique_ptr<AvroNode>> nodes_;
  const AvroNode* root_ = nullptr;
  Datum json_;
  std::string canonical_;
  avro_schema_t c_schema_ = nullptr;
  avro_value_iface_t* c_class_ = nullptr;
};

using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

// Whether `value` (a JSON default as written in a schema) is a valid default for `type`.
bool is_valid_default(const AvroNode& type, const Datum& value);

}  // namespace klab::schema
