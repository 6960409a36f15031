// Datum <-> Avro binary through libavro's generic values, and schema resolution on the way out.
#include "schema/avro_datum.hpp"

#include <fmt/format.h>

#include <cmath>
#include <climits>
#include <stdexcept>

namespace klab::schema {

namespace {

struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The value's generic instance, released on every path out.
struct GenericValue {
  avro_value_t value{};
  explicit GenericValue(avro_value_iface_t* iface) {
    if (avro_generic_value_new(iface, &value) != 0) throw DataError(avro_strerror());
  }
  ~GenericValue() { avro_value_decref(&value); }
  GenericValue(const GenericValue&) = delete;
  GenericValue& operator=(const GenericValue&) = delete;
};

void check_c(int rc, const std::string& path) {
  if (rc != 0) throw DataError(fmt::format("{}: {}", path, avro_strerror()));
}

std::string short_text(const Datum& datum) {
  std::string text = datum.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string kind_of(const Datum& datum) {
  switch (datum.type()) {
    case Datum::value_t::null: return "nil";
    case Datum::value_t::boolean: return "boolean";
    case Datum::value_t::number_integer:
    case Datum::value_t::number_unsigned: return "integer";
    case Datum::value_t::number_float: return "number";
    case Datum::value_t::string: return "string";
    case Datum::value_t::array: return "list";
    case Datum::value_t::object: return "table";
    default: return "value";
  }
}

std::optional<int64_t> as_integer(const Datum& datum) {
  if (datum.is_number_integer()) {
    if (datum.is_number_unsigned() && datum.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return datum.get<int64_t>();
  }
  if (datum.is_number_float()) {
    const double d = datum.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

bool allows_null(const AvroNode& type) {
  if (type.type == AvroType::Null) return true;
  if (type.type != AvroType::Union) return false;
  for (const AvroNode* branch : type.branches)
    if (branch->type == AvroType::Null) return true;
  return false;
}

bool is_list(const Datum& d) { return d.is_array() || (d.is_object() && d.empty()); }
bool is_table(const Datum& d) { return d.is_object() || (d.is_array() && d.empty()); }

bool fits(const AvroNode& type, const Datum& d, int depth = 0) {
  if (depth > 100) return false;
  switch (type.type) {
    case AvroType::Null: return d.is_null();
    case AvroType::Boolean: return d.is_boolean();
    case AvroType::Int: {
      auto i = as_integer(d);
      return i && *i >= INT32_MIN && *i <= INT32_MAX;
    }
    case AvroType::Long: return as_integer(d).has_value();
    case AvroType::Float:
    case AvroType::Double: return d.is_number();
    case AvroType::String:
    case AvroType::Bytes: return d.is_string();
    case AvroType::Fixed: return d.is_string() && static_cast<int64_t>(d.get_ref<const std::string&>().size()) == type.fixed_size;
    case AvroType::Enum:
      return d.is_string() &&
             std::find(type.symbols.begin(), type.symbols.end(), d.get_ref<const std::string&>()) != type.symbols.end();
    case AvroType::Array:
      if (!is_list(d)) return false;
      for (const Datum& item : d)
        if (!fits(*type.items, item, depth + 1)) return false;
      return true;
    case AvroType::Map:
      if (!is_table(d)) return false;
      for (const auto& item : d.items())
        if (!fits(*type.values, item.value(), depth + 1)) return false;
      return true;
    case AvroType::Union:
      for (const AvroNode* branch : type.branches)
        if (fits(*branch, d, depth + 1)) return true;
      return false;
    case AvroType::Record:
      if (!is_table(d)) return false;
      if (d.is_object())
        for (const auto& item : d.items())
          if (!type.field(item.key())) return false;
      for (const AvroField& field : type.fields) {
        if (d.is_object() && d.contains(field.name)) {
          if (!fits(*field.type, d[field.name], depth + 1)) return false;
        } else if (!field.default_value && !allows_null(*field.type)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

class Encoder {
 public:
  void put(const AvroNode& type, const Datum& d, avro_value_t& value, const std::string& path) {
    switch (type.type) {
      case AvroType::Null:
        if (!d.is_null()) mismatch(type, d, path);
        return check_c(avro_value_set_null(&value), path);
      case AvroType::Boolean:
        if (!d.is_boolean()) mismatch(type, d, path);
        return check_c(avro_value_set_boolean(&value, d.get<bool>() ? 1 : 0), path);
      case AvroType::Int: {
        auto i = as_integer(d);
        if (!i) mismatch(type, d, path);
        if (*i < INT32_MIN || *i > INT32_MAX)
          throw DataError(fmt::format("{}: {} does not fit in an int (32 bits); use \"long\"", path, *i));
        return check_c(avro_value_set_int(&value, static_cast<int32_t>(*i)), path);
      }
      case AvroType::Long: {
        auto i = as_integer(d);
        if (!i) mismatch(type, d, path);
        return check_c(avro_value_set_long(&value, *i), path);
      }
      case AvroType::Float:
        if (!d.is_number()) mismatch(type, d, path);
        return check_c(avro_value_set_float(&value, static_cast<float>(d.get<double>())), path);
      case AvroType::Double:
        if (!d.is_number()) mismatch(type, d, path);
        return check_c(avro_value_set_double(&value, d.get<double>()), path);
      case AvroType::String: {
        if (!d.is_string()) mismatch(type, d, path);
        const std::string& s = d.get_ref<const std::string&>();
        return check_c(avro_value_set_string_len(&value, s.c_str(), s.size() + 1), path);
      }
      case AvroType::Bytes: {
        if (!d.is_string()) mismatch(type, d, path);
        const std::string& s = d.get_ref<const std::string&>();
        return check_c(avro_value_set_bytes(&value, const_cast<char*>(s.data()), s.size()), path);
      }
      case AvroType::Fixed: {
        if (!d.is_string()) mismatch(type, d, path);
        const std::string& s = d.get_ref<const std::string&>();
        if (static_cast<int64_t>(s.size()) != type.fixed_size)
          throw DataError(fmt::format("{}: {} needs exactly {} bytes, got {}", path, type.full_name, type.fixed_size, s.size()));
        return check_c(avro_value_set_fixed(&value, const_cast<char*>(s.data()), s.size()), path);
      }
      case AvroType::Enum: {
        if (!d.is_string()) mismatch(type, d, path);
        const auto found = std::find(type.symbols.begin(), type.symbols.end(), d.get_ref<const std::string&>());
        if (found == type.symbols.end())
          throw DataError(fmt::format("{}: {} is not a symbol of {} ({})", path, short_text(d), type.full_name,
                                      fmt::format("{}", fmt::join(type.symbols, ", "))));
        return check_c(avro_value_set_enum(&value, static_cast<int>(found - type.symbols.begin())), path);
      }
      case AvroType::Array: {
        if (!is_list(d)) mismatch(type, d, path);
        std::size_t index = 0;
        for (const Datum& item : d) {
          avro_value_t element;
          check_c(avro_value_append(&value, &element, nullptr), path);
          put(*type.items, item, element, fmt::format("{}[{}]", path, ++index));
        }
        return;
      }
      case AvroType::Map: {
        if (!is_table(d)) mismatch(type, d, path);
        for (const auto& item : d.items()) {
          avro_value_t element;
          check_c(avro_value_add(&value, item.key().c_str(), &element, nullptr, nullptr), path);
          put(*type.values, item.value(), element, fmt::format("{}[\"{}\"]", path, item.key()));
        }
        return;
      }
      case AvroType::Union: {
        for (std::size_t i = 0; i < type.branches.size(); ++i) {
          if (!fits(*type.branches[i], d)) continue;
          avro_value_t branch;
          check_c(avro_value_set_branch(&value, static_cast<int>(i), &branch), path);
          return put(*type.branches[i], d, branch, path);
        }
        throw DataError(fmt::format("{}: {} {} matches no branch of {}", path, kind_of(d), short_text(d), type.display_name()));
      }
      case AvroType::Record: return put_record(type, d, value, path);
    }
  }

 private:
  void put_record(const AvroNode& type, const Datum& d, avro_value_t& value, const std::string& path) {
    if (!is_table(d)) mismatch(type, d, path);
    if (d.is_object())
      for (const auto& item : d.items())
        if (!type.field(item.key())) {
          std::vector<std::string> names;
          for (const AvroField& f : type.fields) names.push_back(f.name);
          throw DataError(fmt::format("{}: {} has no field '{}' (its fields: {})", path, type.full_name, item.key(),
                                      fmt::join(names, ", ")));
        }
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
      const AvroField& field = type.fields[i];
      avro_value_t child;
      check_c(avro_value_get_by_index(&value, i, &child, nullptr), path);
      const std::string child_path = path + "." + field.name;
      if (d.is_object() && d.contains(field.name)) {
        put(*field.type, d[field.name], child, child_path);
      } else if (field.default_value) {
        put(*field.type, datum_from_default(*field.type, *field.default_value), child, child_path);
      } else if (allows_null(*field.type)) {
        put(*field.type, Datum(nullptr), child, child_path);
      } else {
        throw DataError(fmt::format("{}: field '{}' is missing and has no default (type {})", child_path, field.name,
                                    field.type->display_name()));
      }
    }
  }

  [[noreturn]] static void mismatch(const AvroNode& type, const Datum& d, const std::string& path) {
    throw DataError(fmt::format("{}: expected {}, got {} {}", path, type.display_name(), kind_of(d), short_text(d)));
  }
};

// Reading: walks the writer's generic value and builds the reader's datum.
class Resolver {
 public:
  Datum get(const AvroNode& w, const AvroNode& r, avro_value_t& value) {
    if (w.type == AvroType::Union) {
      int discriminant = 0;
      avro_value_t branch;
      check_c(avro_value_get_discriminant(&value, &discriminant), "union");
      check_c(avro_value_get_current_branch(&value, &branch), "union");
      const AvroNode& chosen = *w.branches.at(static_cast<std::size_t>(discriminant));
      return get(chosen, &r == &w ? chosen : r, branch);
    }
    if (r.type == AvroType::Union) {
      const AvroNode* branch = best_branch(w, r);
      if (!branch) throw DataError(fmt::format("Found {}, expecting {}", w.display_name(), r.display_name()));
      return get(w, *branch, value);
    }
    if (w.type != r.type) return promote(w, r, value);
    switch (w.type) {
      case AvroType::Null: return nullptr;
      case AvroType::Boolean: {
        int b = 0;
        check_c(avro_value_get_boolean(&value, &b), "boolean");
        return b != 0;
      }
      case AvroType::Int: return int_value(value);
      case AvroType::Long: return long_value(value);
      case AvroType::Float: return float_value(value);
      case AvroType::Double: {
        double d = 0;
        check_c(avro_value_get_double(&value, &d), "double");
        return d;
      }
      case AvroType::String: return string_value(value);
      case AvroType::Bytes: return bytes_value(value);
      case AvroType::Fixed: {
        if (w.fixed_size != r.fixed_size || !same_name(w, r))
          throw DataError(fmt::format("Found {}, expecting {}", w.full_name, r.full_name));
        const void* data = nullptr;
        std::size_t size = 0;
        check_c(avro_value_get_fixed(&value, &data, &size), "fixed");
        return std::string(static_cast<const char*>(data), size);
      }
      case AvroType::Enum: return enum_value(w, r, value);
      case AvroType::Array: {
        std::size_t size = 0;
        check_c(avro_value_get_size(&value, &size), "array");
        Datum out = Datum::array();
        for (std::size_t i = 0; i < size; ++i) {
          avro_value_t element;
          check_c(avro_value_get_by_index(&value, i, &element, nullptr), "array");
          out.push_back(get(*w.items, &r == &w ? *w.items : *r.items, element));
        }
        return out;
      }
      case AvroType::Map: {
        std::size_t size = 0;
        check_c(avro_value_get_size(&value, &size), "map");
        Datum out = Datum::object();
        for (std::size_t i = 0; i < size; ++i) {
          avro_value_t element;
          const char* key = nullptr;
          check_c(avro_value_get_by_index(&value, i, &element, &key), "map");
          out[key] = get(*w.values, &r == &w ? *w.values : *r.values, element);
        }
        return out;
      }
      case AvroType::Record: return record_value(w, r, value);
      case AvroType::Union: break;
    }
    throw DataError("unknown type");
  }

 private:
  static bool same_name(const AvroNode& w, const AvroNode& r) {
    if (w.name == r.name) return true;
    return std::find(r.aliases.begin(), r.aliases.end(), w.full_name) != r.aliases.end();
  }
  static bool promotable(AvroType w, AvroType r) {
    switch (r) {
      case AvroType::Long: return w == AvroType::Int;
      case AvroType::Float: return w == AvroType::Int || w == AvroType::Long;
      case AvroType::Double: return w == AvroType::Int || w == AvroType::Long || w == AvroType::Float;
      case AvroType::String: return w == AvroType::Bytes;
      case AvroType::Bytes: return w == AvroType::String;
      default: return false;
    }
  }
  // Avro's rule: the first reader branch of the same type (and name, for named types), else the
  // first a promotion reaches.
  static const AvroNode* best_branch(const AvroNode& w, const AvroNode& r) {
    for (const AvroNode* branch : r.branches)
      if (branch->type == w.type && (!w.is_named() || same_name(w, *branch))) return branch;
    for (const AvroNode* branch : r.branches)
      if (branch->type == w.type && w.type != AvroType::Record) return branch;
    for (const AvroNode* branch : r.branches)
      if (promotable(w.type, branch->type)) return branch;
    return nullptr;
  }

  Datum promote(const AvroNode& w, const AvroNode& r, avro_value_t& value) {
    if (!promotable(w.type, r.type))
      throw DataError(fmt::format("Found {}, expecting {}", w.display_name(), r.display_name()));
    switch (w.type) {
      case AvroType::Int: {
        Datum i = int_value(value);
        return r.type == AvroType::Long ? i : Datum(static_cast<double>(i.get<int64_t>()));
      }
      case AvroType::Long: {
        const int64_t l = long_value(value).get<int64_t>();
        return r.type == AvroType::Float ? Datum(static_cast<double>(static_cast<float>(l))) : Datum(static_cast<double>(l));
      }
      case AvroType::Float: return float_value(value);
      case AvroType::String: return string_value(value);
      case AvroType::Bytes: return bytes_value(value);
      default: throw DataError("unreachable promotion");
    }
  }

  static Datum int_value(avro_value_t& value) {
    int32_t i = 0;
    check_c(avro_value_get_int(&value, &i), "int");
    return static_cast<int64_t>(i);
  }
  static Datum long_value(avro_value_t& value) {
    int64_t l = 0;
    check_c(avro_value_get_long(&value, &l), "long");
    return l;
  }
  static Datum float_value(avro_value_t& value) {
    float f = 0;
    check_c(avro_value_get_float(&value, &f), "float");
    return static_cast<double>(f);
  }
  static Datum string_value(avro_value_t& value) {
    const char* data = nullptr;
    std::size_t size = 0;
    if (avro_value_get_type(&value) == AVRO_BYTES) {
      const void* bytes = nullptr;
      check_c(avro_value_get_bytes(&value, &bytes, &size), "bytes");
      return std::string(static_cast<const char*>(bytes), size);
    }
    check_c(avro_value_get_string(&value, &data, &size), "string");
    return std::string(data, size > 0 ? size - 1 : 0);  // libavro counts the terminating NUL
  }
  static Datum bytes_value(avro_value_t& value) { return string_value(value); }

  static Datum enum_value(const AvroNode& w, const AvroNode& r, avro_value_t& value) {
    if (!same_name(w, r)) throw DataError(fmt::format("Found {}, expecting {}", w.full_name, r.full_name));
    int index = 0;
    check_c(avro_value_get_enum(&value, &index), "enum");
    const std::string& symbol = w.symbols.at(static_cast<std::size_t>(index));
    if (std::find(r.symbols.begin(), r.symbols.end(), symbol) != r.symbols.end()) return symbol;
    if (r.enum_default) return *r.enum_default;
    throw DataError(fmt::format("No match for {}", symbol));
  }

  Datum record_value(const AvroNode& w, const AvroNode& r, avro_value_t& value) {
    if (!same_name(w, r)) throw DataError(fmt::format("Found {}, expecting {}", w.full_name, r.full_name));
    Datum out = Datum::object();
    for (const AvroField& field : r.fields) {
      const AvroField* source = w.field(field.name);
      for (std::size_t i = 0; !source && i < field.aliases.size(); ++i) source = w.field(field.aliases[i]);
      if (source) {
        avro_value_t child;
        check_c(avro_value_get_by_index(&value, static_cast<std::size_t>(source->position), &child, nullptr), field.name);
        out[field.name] = get(*source->type, &r == &w ? *source->type : *field.type, child);
      } else if (field.default_value) {
        out[field.name] = datum_from_default(*field.type, *field.default_value);
      } else {
        throw DataError(fmt::format("Found {}, expecting {}, missing required field {}", w.full_name, r.full_name, field.name));
      }
    }
    return out;
  }
};

std::string bytes_from_code_points(const std::string& text) {
  std::string bytes;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0xC2 && byte <= 0xC3 && i + 1 < text.size()) {
      byte = static_cast<unsigned char>(((byte & 0x1F) << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F));
    }
    bytes.push_back(static_cast<char>(byte));
  }
  return bytes;
}

}  // namespace

Datum datum_from_default(const AvroNode& type, const Datum& json_default) {
  switch (type.type) {
    case AvroType::Union:
      return type.branches.empty() ? json_default : datum_from_default(*type.branches.front(), json_default);
    case AvroType::Bytes:
    case AvroType::Fixed: return json_default.is_string() ? Datum(bytes_from_code_points(json_default.get<std::string>())) : json_default;
    case AvroType::Float:
    case AvroType::Double: return json_default.is_number() ? Datum(json_default.get<double>()) : json_default;
    case AvroType::Array: {
      if (!json_default.is_array()) return json_default;
      Datum out = Datum::array();
      for (const Datum& item : json_default) out.push_back(datum_from_default(*type.items, item));
      return out;
    }
    case AvroType::Map: {
      if (!json_default.is_object()) return json_default;
      Datum out = Datum::object();
      for (const auto& item : json_default.items()) out[item.key()] = datum_from_default(*type.values, item.value());
      return out;
    }
    case AvroType::Record: {
      if (!json_default.is_object()) return json_default;
      Datum out = Datum::object();
      for (const AvroField& field : type.fields) {
        if (json_default.contains(field.name)) out[field.name] = datum_from_default(*field.type, json_default[field.name]);
        else if (field.default_value) out[field.name] = datum_from_default(*field.type, *field.default_value);
      }
      return out;
    }
    default: return json_default;
  }
}

SchemaResult<std::string> avro_encode(const AvroSchema& schema, const Datum& datum) {
  try {
    GenericValue value(schema.c_class());
    const AvroNode& root = schema.root();
    Encoder().put(root, datum, value.value, root.is_named() ? root.name : root.display_name());
    std::size_t size = 0;
    check_c(avro_value_sizeof(&value.value, &size), "size");
    std::string out(size, '\0');
    avro_writer_t writer = avro_writer_memory(out.data(), static_cast<int64_t>(size));
    const int rc = avro_value_write(writer, &value.value);
    avro_writer_free(writer);
    check_c(rc, "write");
    return out;
  } catch (const std::exception& error) {
    return serialization_error(fmt::format("Error serializing Avro message: {}", error.what()));
  }
}

SchemaResult<Datum> avro_decode(const AvroSchema& writer, const AvroSchema* reader, std::string_view bytes) {
  const std::string problem = check_avro_binary(writer.root(), bytes);
  if (!problem.empty()) return serialization_error("Error deserializing Avro message: " + problem);
  try {
    GenericValue value(writer.c_class());
    avro_reader_t input = avro_reader_memory(bytes.data(), static_cast<int64_t>(bytes.size()));
    const int rc = avro_value_read(input, &value.value);
    avro_reader_free(input);
    check_c(rc, "read");
    const AvroNode& w = writer.root();
    return Resolver().get(w, reader ? reader->root() : w, value.value);
  } catch (const std::exception& error) {
    return serialization_error(fmt::format("Error deserializing Avro message: {}", error.what()));
  }
}

}  // namespace klab::schema
