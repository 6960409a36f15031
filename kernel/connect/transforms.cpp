#include "connect/transforms.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace klab::connect {
namespace {

constexpr const char* kPackage = "org.apache.kafka.connect.transforms.";

Error config_error(std::string message) { return make_error(ErrorCode::INVALID_CONFIG, std::move(message)); }
Failure data_exception(std::string message) { return Failure{kDataException, std::move(message), {}}; }

std::string java_class_name(const SchemaAndValue& data) {
  const Json& v = data.value;
  if (v.is_null()) return "null";
  const std::string type = schema_type(data.schema);
  if (type == "struct") return "org.apache.kafka.connect.data.Struct";
  if (v.is_string()) return type == "bytes" ? "[B" : "java.lang.String";
  if (v.is_boolean()) return "java.lang.Boolean";
  if (v.is_number_float()) return "java.lang.Double";
  if (v.is_number()) return type == "int32" ? "java.lang.Integer" : "java.lang.Long";
  if (v.is_array()) return "java.util.ArrayList";
  return "java.util.HashMap";
}

// Kafka's Requirements.requireMap / requireStruct.
std::optional<Failure> require_shape(const SchemaAndValue& data, const char* purpose) {
  if (!data.schema) {
    if (data.value.is_object()) return std::nullopt;
    return data_exception(fmt::format("Only Map objects supported in absence of schema for [{}], found: {}", purpose,
                                      java_class_name(data)));
  }
  if (schema_type(data.schema) == "struct" && data.value.is_object()) return std::nullopt;
  return data_exception(fmt::format("Only Struct objects supported for [{}], found: {}", purpose, java_class_name(data)));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  return items;
}

// One transform's settings: transforms.<alias>.<key>, checked against the keys it knows.
class Settings {
 public:
  Settings(const ConnectorConfig& config, std::string alias, std::string class_name)
      : config_(config), alias_(std::move(alias)), class_name_(std::move(class_name)) {}
  Status check_known(const std::vector<std::string>& keys) const {
    const std::string prefix = "transforms." + alias_ + ".";
    for (const auto& [key, value] : config_.prefixed) {
      if (!key.starts_with(prefix)) continue;
      const std::string own = key.substr(prefix.size());
      if (own == "type" || std::find(keys.begin(), keys.end(), own) != keys.end()) continue;
      std::string known;
      for (const std::string& k : keys) known += (known.empty() ? "" : ", ") + k;
      return config_error(fmt::format("unknown config '{}' for {}: it knows {}", key, class_name_, known));
    }
    return ok_status();
  }
  std::optional<std::string> get(const std::string& key) const { return config_.prefixed_value("transforms." + alias_ + "." + key); }
  std::vector<std::string> list(const std::string& key) const { return split_list(get(key).value_or("")); }
  const std::string& class_name() const { return class_name_; }

 private:
  const ConnectorConfig& config_;
  std::string alias_;
  std::string class_name_;
};

// Key or Value: which half of the record a transform works on.
struct Half {
  bool key;
  SchemaAndValue& of(ConnectRecord& record) const { return key ? record.key : record.value; }
};

class InsertField final : public Transform {
 public:
  struct Field {
    std::string name;
    bool required = false;
  };
  InsertField(std::string class_name, Half half) : class_name_(std::move(class_name)), half_(half) {}
  static std::optional<Field> field(const Settings& settings, const char* key) {
    std::optional<std::string> text = settings.get(key);
    if (!text || text->empty()) return std::nullopt;
    Field f{*text, false};
    if (f.name.back() == '!') f.required = true, f.name.pop_back();
    else if (f.name.back() == '?') f.name.pop_back();
    return f;
  }
  std::optional<Field> topic_, partition_, offset_, timestamp_, static_;
  std::optional<std::string> static_value_;

  const std::string& class_name() const override { return class_name_; }
  Attempt<ConnectRecord> apply(ConnectRecord record, bool from_sink) const override {
    SchemaAndValue& data = half_.of(record);
    if (data.value.is_null()) return record;
    if (auto failure = require_shape(data, "field insertion")) return *failure;
    if (offset_ && !from_sink)
      return data_exception("Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord");
    std::vector<std::pair<const Field*, std::pair<Json, Json>>> inserts;  // field, (schema, value)
    if (topic_) inserts.push_back({&*topic_, {schema_of_type("string", !topic_->required), record.topic}});
    if (partition_)
      inserts.push_back({&*partition_, {schema_of_type("int32", !partition_->required),
                                        record.partition ? Json(*record.partition) : Json(nullptr)}});
    if (offset_) inserts.push_back({&*offset_, {schema_of_type("int64", !offset_->required), record.offset}});
    if (timestamp_) {
      Json schema = schema_of_type("int64", !timestamp_->required);
      schema["name"] = "org.apache.kafka.connect.data.Timestamp";
      schema["version"] = 1;
      inserts.push_back({&*timestamp_, {schema, record.timestamp ? Json(*record.timestamp) : Json(nullptr)}});
    }
    if (static_) inserts.push_back({&*static_, {schema_of_type("string", !static_->required), static_value_.value_or("")}});
    if (data.schema) {
      Json schema = *data.schema;
      for (auto& [field, typed] : inserts) {
        Json field_schema = typed.first;
        field_schema["field"] = field->name;
        schema["fields"].push_back(field_schema);
        data.value[field->name] = typed.second;
      }
      data.schema = schema;
    } else {
      for (auto& [field, typed] : inserts) data.value[field->name] = typed.second;
    }
    return record;
  }

 private:
  std::string class_name_;
  Half half_;
};

class ReplaceField final : public Transform {
 public:
  ReplaceField(std::string class_name, Half half) : class_name_(std::move(class_name)), half_(half) {}
  std::set<std::string> exclude_, include_;
  std::map<std::string, std::string> renames_;

  bool keep(const std::string& name) const {
    return !exclude_.count(name) && (include_.empty() || include_.count(name));
  }
  std::string renamed(const std::string& name) const {
    auto it = renames_.find(name);
    return it == renames_.end() ? name : it->second;
  }
  const std::string& class_name() const override { return class_name_; }
  Attempt<ConnectRecord> apply(ConnectRecord record, bool) const override {
    SchemaAndValue& data = half_.of(record);
    if (data.value.is_null()) return record;
    if (auto failure = require_shape(data, "field replacement")) return *failure;
    Json value = Json::object();
    if (data.schema) {
      Json schema = *data.schema;
      Json fields = Json::array();
      for (const Json& field : (*data.schema)["fields"]) {
        const std::string name = field.value("field", "");
        if (!keep(name)) continue;
        Json renamed_field = field;
        renamed_field["field"] = renamed(name);
        fields.push_back(renamed_field);
        value[renamed(name)] = data.value.contains(name) ? data.value[name] : Json(nullptr);
      }
      schema["fields"] = fields;
      data.schema = schema;
    } else {
      for (auto it = data.value.begin(); it != data.value.end(); ++it)
        if (keep(it.key())) value[renamed(it.key())] = it.value();
    }
    data.value = std::move(value);
    return record;
  }

 private:
  std::string class_name_;
  Half half_;
};

class MaskField final : public Transform {
 public:
  MaskField(std::string class_name, Half half) : class_name_(std::move(class_name)), half_(half) {}
  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;

  Attempt<Json> masked(const Json& value, const std::string& type) const {
    if (value.is_null()) return Json(nullptr);
    if (!replacement_) {
      if (value.is_string()) return Json("");
      if (value.is_boolean()) return Json(false);
      if (value.is_number_float()) return Json(0.0);
      if (value.is_number()) return Json(0);
      if (value.is_array()) return Json::array();
      return Json::object();
    }
    if (value.is_string()) return Json(*replacement_);
    if (value.is_number()) {
      try {
        std::size_t used = 0;
        if (value.is_number_float() || type == "float32" || type == "float64") {
          double d = std::stod(*replacement_, &used);
          if (used == replacement_->size()) return Json(d);
        } else {
          long long n = std::stoll(*replacement_, &used);
          if (used == replacement_->size()) return Json(static_cast<int64_t>(n));
        }
      } catch (const std::exception&) {
      }
      return data_exception(fmt::format("Unable to convert {} to number", *replacement_));
    }
    return data_exception(fmt::format("Cannot mask value of type {} with custom replacement.",
                                      java_class_name(SchemaAndValue{std::nullopt, value})));
  }
  const std::string& class_name() const override { return class_name_; }
  Attempt<ConnectRecord> apply(ConnectRecord record, bool) const override {
    SchemaAndValue& data = half_.of(record);
    if (data.value.is_null()) return record;
    if (auto failure = require_shape(data, "mask fields")) return *failure;
    for (const std::string& field : fields_) {
      std::string type;
      if (data.schema) {
        bool found = false;
        for (const Json& f : (*data.schema)["fields"])
          if (f.value("field", "") == field) found = true, type = f.value("type", "");
        if (!found) return data_exception("Unknown field: " + field);  // Struct.get on a missing field
      }
      const Json current = data.value.contains(field) ? data.value[field] : Json(nullptr);
      Attempt<Json> replaced = masked(current, type);
      if (!replaced.ok()) return *replaced.failure;
      data.value[field] = *replaced.value;
    }
    return record;
  }

 private:
  std::string class_name_;
  Half half_;
};

class ValueToKey final : public Transform {
 public:
  explicit ValueToKey(std::string class_name) : class_name_(std::move(class_name)) {}
  std::vector<std::string> fields_;
  const std::string& class_name() const override { return class_name_; }
  Attempt<ConnectRecord> apply(ConnectRecord record, bool) const override {
    if (auto failure = require_shape(record.value, "copying fields from value to key")) return *failure;
    Json key = Json::object();
    if (record.value.schema) {
      Json schema = Json::object();
      schema["type"] = "struct";
      schema["fields"] = Json::array();
      schema["optional"] = false;
      for (const std::string& field : fields_) {
        const Json* found = nullptr;
        for (const Json& f : (*record.value.schema)["fields"])
          if (f.value("field", "") == field) found = &f;
        if (!found) return data_exception("Field does not exist: " + field);
        schema["fields"].push_back(*found);
        key[field] = record.value.value.contains(field) ? record.value.value[field] : Json(nullptr);
      }
      record.key = SchemaAndValue{schema, key};
    } else {
      for (const std::string& field : fields_)
        key[field] = record.value.value.contains(field) ? record.value.value[field] : Json(nullptr);
      record.key = SchemaAndValue{std::nullopt, key};
    }
    return record;
  }

 private:
  std::string class_name_;
};

Result<std::unique_ptr<Transform>> make_one(const ConnectorConfig& config, const std::string& alias) {
  std::optional<std::string> type = config.prefixed_value("transforms." + alias + ".type");
  if (!type || type->empty())
    return config_error(fmt::format("Missing required configuration \"transforms.{}.type\" which has no default value.", alias));
  std::string full = *type;
  if (!full.starts_with(kPackage)) full = kPackage + full;
  const auto& known = known_transform_classes();
  if (std::find(known.begin(), known.end(), full) == known.end()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return config_error(fmt::format("Invalid value {} for configuration transforms.{}.type: Class {} could not be found; "
                                    "klab knows {}", *type, alias, *type, list));
  }
  Settings settings(config, alias, full);
  const std::string simple = full.substr(std::string_view(kPackage).size());
  const Half half{simple.ends_with("$Key")};
  if (simple.starts_with("InsertField$")) {
    if (Status s = settings.check_known({"topic.field", "partition.field", "offset.field", "timestamp.field", "static.field", "static.value"}); !s)
      return s.error();
    auto t = std::make_unique<InsertField>(full, half);
    t->topic_ = InsertField::field(settings, "topic.field");
    t->partition_ = InsertField::field(settings, "partition.field");
    t->offset_ = InsertField::field(settings, "offset.field");
    t->timestamp_ = InsertField::field(settings, "timestamp.field");
    t->static_ = InsertField::field(settings, "static.field");
    t->static_value_ = settings.get("static.value");
    return std::unique_ptr<Transform>(std::move(t));
  }
  if (simple.starts_with("ReplaceField$")) {
    if (Status s = settings.check_known({"exclude", "include", "renames", "blacklist", "whitelist"}); !s) return s.error();
    auto t = std::make_unique<ReplaceField>(full, half);
    for (const char* key : {"exclude", "blacklist"})
      for (const std::string& f : settings.list(key)) t->exclude_.insert(f);
    for (const char* key : {"include", "whitelist"})
      for (const std::string& f : settings.list(key)) t->include_.insert(f);
    for (const std::string& mapping : settings.list("renames")) {
      const std::size_t colon = mapping.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == mapping.size())
        return config_error(fmt::format("Invalid rename mapping: {}", mapping));
      t->renames_[mapping.substr(0, colon)] = mapping.substr(colon + 1);
    }
    return std::unique_ptr<Transform>(std::move(t));
  }
  if (simple.starts_with("MaskField$")) {
    if (Status s = settings.check_known({"fields", "replacement"}); !s) return s.error();
    auto t = std::make_unique<MaskField>(full, half);
    t->fields_ = settings.list("fields");
    if (t->fields_.empty())
      return config_error(fmt::format("Invalid value [] for configuration transforms.{}.fields: Empty list", alias));
    t->replacement_ = settings.get("replacement");
    return std::unique_ptr<Transform>(std::move(t));
  }
  if (Status s = settings.check_known({"fields"}); !s) return s.error();
  auto t = std::make_unique<ValueToKey>(full);
  t->fields_ = settings.list("fields");
  if (t->fields_.empty())
    return config_error(fmt::format("Invalid value [] for configuration transforms.{}.fields: Empty list", alias));
  return std::unique_ptr<Transform>(std::move(t));
}

}  // namespace

const std::vector<std::string>& known_transform_classes() {
  static const std::vector<std::string> classes = {
      std::string(kPackage) + "InsertField$Key",  std::string(kPackage) + "InsertField$Value",
      std::string(kPackage) + "ReplaceField$Key", std::string(kPackage) + "ReplaceField$Value",
      std::string(kPackage) + "MaskField$Key",    std::string(kPackage) + "MaskField$Value",
      std::string(kPackage) + "ValueToKey"};
  return classes;
}

Result<std::vector<std::unique_ptr<Transform>>> make_transforms(const ConnectorConfig& config) {
  std::vector<std::unique_ptr<Transform>> transforms;
  for (const std::string& alias : std::get<std::vector<std::string>>(config.values.get("transforms"))) {
    Result<std::unique_ptr<Transform>> made = make_one(config, alias);
    if (!made) return made.error();
    transforms.push_back(std::move(*made));
  }
  return transforms;
}

}  // namespace klab::connect
