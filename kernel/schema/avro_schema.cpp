// Parsing: JSON first (nlohmann, for syntax errors with a position), then the Avro C library (the
// schema rules), then klab's node tree from the same JSON (defaults, aliases, enum defaults).
#include "schema/avro_schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace klab::schema {

namespace {

struct BuildError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::map<std::string_view, AvroType>& primitive_types() {
  static const std::map<std::string_view, AvroType> types = {
      {"null", AvroType::Null},   {"boolean", AvroType::Boolean}, {"int", AvroType::Int},
      {"long", AvroType::Long},   {"float", AvroType::Float},     {"double", AvroType::Double},
      {"bytes", AvroType::Bytes}, {"string", AvroType::String}};
  return types;
}

std::string qualify(const std::string& name, const std::string& space) {
  if (name.find('.') != std::string::npos || space.empty()) return name;
  return space + "." + name;
}

std::string namespace_of(const std::string& full_name) {
  const auto dot = full_name.rfind('.');
  return dot == std::string::npos ? std::string() : full_name.substr(0, dot);
}

}  // namespace

std::string_view avro_type_name(AvroType type) {
  switch (type) {
    case AvroType::Null: return "NULL";
    case AvroType::Boolean: return "BOOLEAN";
    case AvroType::Int: return "INT";
    case AvroType::Long: return "LONG";
    case AvroType::Float: return "FLOAT";
    case AvroType::Double: return "DOUBLE";
    case AvroType::Bytes: return "BYTES";
    case AvroType::String: return "STRING";
    case AvroType::Record: return "RECORD";
    case AvroType::Enum: return "ENUM";
    case AvroType::Array: return "ARRAY";
    case AvroType::Map: return "MAP";
    case AvroType::Union: return "UNION";
    case AvroType::Fixed: return "FIXED";
  }
  return "?";
}

const AvroField* AvroNode::field(std::string_view field_name) const {
  for (const AvroField& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

std::string AvroNode::display_name() const {
  if (is_named()) return full_name;
  switch (type) {
    case AvroType::Array: return "array<" + items->display_name() + ">";
    case AvroType::Map: return "map<" + values->display_name() + ">";
    case AvroType::Union: {
      std::string text = "union[";
      for (std::size_t i = 0; i < branches.size(); ++i) text += (i ? ", " : "") + branches[i]->display_name();
      return text + "]";
    }
    default: {
      std::string lower(avro_type_name(type));
      for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
      return lower;
    }
  }
}

class AvroSchemaBuilder {
 public:
  explicit AvroSchemaBuilder(AvroSchema& schema) : schema_(schema) {}

  const AvroNode* build(const Datum& json, const std::string& space) {
    if (json.is_string()) return reference(json.get<std::string>(), space);
    if (json.is_array()) {
      AvroNode& node = add(AvroType::Union);
      for (const Datum& branch : json) node.branches.push_back(build(branch, space));
      return &node;
    }
    if (!json.is_object() || !json.contains("type")) throw BuildError("a schema must be a type name, a union or an object with \"type\"");
    const Datum& type = json["type"];
    if (!type.is_string()) return build(type, space);
    const std::string kind = type.get<std::string>();
    if (kind == "record" || kind == "error") return record(json, space);
    if (kind == "enum") return enumeration(json, space);
    if (kind == "fixed") return fixed(json, space);
    if (kind == "array") {
      AvroNode& node = add(AvroType::Array);
      node.items = build(json.at("items"), space);
      return &node;
    }
    if (kind == "map") {
      AvroNode& node = add(AvroType::Map);
      node.values = build(json.at("values"), space);
      return &node;
    }
    return reference(kind, space);  // {"type": "string", "logicalType": ...} or a named type
  }

 private:
  AvroNode& add(AvroType type) {
    schema_.nodes_.push_back(std::make_unique<AvroNode>());
    schema_.nodes_.back()->type = type;
    return *schema_.nodes_.back();
  }

  const AvroNode* reference(const std::string& name, const std::string& space) {
    auto primitive = primitive_types().find(name);
    if (primitive != primitive_types().end()) return &add(primitive->second);
    for (const std::string& candidate : {qualify(name, space), name}) {
      auto found = named_.find(candidate);
      if (found != named_.end()) return found->second;
    }
    throw BuildError(fmt::format("Undefined name: \"{}\"", name));
  }

  AvroNode& named(AvroType type, const Datum& json, std::string& space) {
    AvroNode& node = add(type);
    const std::string name = json.at("name").get<std::string>();
    std::string full = name;
    if (name.find('.') == std::string::npos) {
      if (json.contains("namespace") && json["namespace"].is_string()) space = json["namespace"].get<std::string>();
      full = qualify(name, space);
    } else {
      space = namespace_of(name);
    }
    node.full_name = full;
    node.name = full.substr(full.rfind('.') == std::string::npos ? 0 : full.rfind('.') + 1);
    if (json.contains("aliases") && json["aliases"].is_array())
      for (const Datum& alias : json["aliases"])
        if (alias.is_string()) node.aliases.push_back(qualify(alias.get<std::string>(), space));
    named_[full] = &node;
    return node;
  }

  const AvroNode* record(const Datum& json, std::string space) {
    AvroNode& node = named(AvroType::Record, json, space);
    int32_t position = 0;
    for (const Datum& f : json.at("fields")) {
      AvroField field;
      field.name = f.at("name").get<std::string>();
      field.type = build(f.at("type"), space);
      field.position = position++;
      if (f.contains("aliases") && f["aliases"].is_array())
        for (const Datum& alias : f["aliases"])
          if (alias.is_string()) field.aliases.push_back(alias.get<std::string>());
      if (f.contains("default")) field.default_value = f["default"];
      node.fields.push_back(std::move(field));
    }
    // Checked after the fields exist: a default of a recursive record refers to its own fields.
    for (const AvroField& field : node.fields)
      if (field.default_value && !is_valid_default(*field.type, *field.default_value))
        throw BuildError(fmt::format("Invalid default for field {}: {} not a {}", field.name,
                                     field.default_value->dump(), describe(*field.type)));
    return &node;
  }

  const AvroNode* enumeration(const Datum& json, std::string space) {
    AvroNode& node = named(AvroType::Enum, json, space);
    for (const Datum& symbol : json.at("symbols")) node.symbols.push_back(symbol.get<std::string>());
    if (json.contains("default")) {
      const Datum& value = json["default"];
      if (!value.is_string() ||
          std::find(node.symbols.begin(), node.symbols.end(), value.get<std::string>()) == node.symbols.end())
        throw BuildError(fmt::format("The Enum Default: {} is not in the enum symbol set: [{}]", value.dump(),
                                     fmt::join(node.symbols, ", ")));
      node.enum_default = value.get<std::string>();
    }
    return &node;
  }

  const AvroNode* fixed(const Datum& json, std::string space) {
    AvroNode& node = named(AvroType::Fixed, json, space);
    node.fixed_size = json.at("size").get<int64_t>();
    return &node;
  }

  static std::string describe(const AvroNode& type) {
    // Appended piece by piece: GCC 12 at -O2 reports a false -Wrestrict inside char_traits for
    // "literal" + std::string (GCC bug 105651).
    std::string quoted = "\"";
    quoted += type.is_named() ? type.full_name : type.display_name();
    quoted += '"';
    return quoted;
  }

  AvroSchema& schema_;
  std::map<std::string, const AvroNode*> named_;
};

namespace {

bool valid_bytes_default(const Datum& value, int64_t size) {
  if (!value.is_string()) return false;
  // Avro writes bytes defaults as a JSON string of code points 0-255.
  const std::string& text = value.get_ref<const std::string&>();
  int64_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      if ((byte & 0xE0) != 0xC0 || byte > 0xC3) return false;  // a code point above 255
      ++i;
    }
    ++count;
  }
  return size < 0 || count == size;
}

}  // namespace

bool is_valid_default(const AvroNode& type, const Datum& value) {
  switch (type.type) {
    case AvroType::Null: return value.is_null();
    case AvroType::Boolean: return value.is_boolean();
    case AvroType::Int:
      return value.is_number_integer() && value.get<int64_t>() >= INT32_MIN && value.get<int64_t>() <= INT32_MAX;
    case AvroType::Long: return value.is_number_integer();
    case AvroType::Float:
    case AvroType::Double: return value.is_number();
    case AvroType::String: return value.is_string();
    case AvroType::Bytes: return valid_bytes_default(value, -1);
    case AvroType::Fixed: return valid_bytes_default(value, type.fixed_size);
    case AvroType::Enum:
      return value.is_string() &&
             std::find(type.symbols.begin(), type.symbols.end(), value.get<std::string>()) != type.symbols.end();
    case AvroType::Array:
      if (!value.is_array()) return false;
      for (const Datum& item : value)
        if (!is_valid_default(*type.items, item)) return false;
      return true;
    case AvroType::Map:
      if (!value.is_object()) return false;
      for (const auto& item : value.items())
        if (!is_valid_default(*type.values, item.value())) return false;
      return true;
    case AvroType::Union: return !type.branches.empty() && is_valid_default(*type.branches.front(), value);
    case AvroType::Record:
      if (!value.is_object()) return false;
      for (const AvroField& field : type.fields) {
        if (value.contains(field.name)) {
          if (!is_valid_default(*field.type, value[field.name])) return false;
        } else if (!field.default_value) {
          return false;
        }
      }
      return true;
  }
  return false;
}

SchemaResult<std::shared_ptr<const AvroSchema>> AvroSchema::parse(std::string_view text) {
  auto invalid = [](std::string detail) {
    return registry_error(RegistryErrorCode::INVALID_SCHEMA, "Invalid schema: " + std::move(detail));
  };
  Datum json;
  try {
    json = Datum::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    std::string message = error.what();
    const auto bracket = message.find("] ");  // drop nlohmann's "[json.exception.parse_error.101] "
    if (message.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) message = message.substr(bracket + 2);
    return invalid(message);
  }
  std::shared_ptr<AvroSchema> schema(new AvroSchema());
  const std::string compact = json.dump();
  if (avro_schema_from_json_length(compact.c_str(), compact.size(), &schema->c_schema_) != 0) {
    schema->c_schema_ = nullptr;
    return invalid(avro_strerror());
  }
  try {
    AvroSchemaBuilder builder(*schema);
    schema->root_ = builder.build(json, "");
  } catch (const std::exception& error) {  // BuildError, or a json type/at() error on a shape libavro allowed
    return invalid(error.what());
  }
  schema->c_class_ = avro_generic_class_from_schema(schema->c_schema_);
  if (!schema->c_class_) return invalid(avro_strerror());
  schema->json_ = std::move(json);
  schema->canonical_ = compact;
  return std::shared_ptr<const AvroSchema>(std::move(schema));
}

AvroSchema::~AvroSchema() {
  if (c_class_) avro_value_iface_decref(c_class_);
  if (c_schema_) avro_schema_decref(c_schema_);
}

}  // namespace klab::schema
