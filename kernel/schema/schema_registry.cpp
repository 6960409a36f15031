// The registry's REST operations over its in-memory view of _schemas (schemas_store.cpp writes and
// replays the topic).
#include "schema/schema_registry.hpp"

#include <fmt/format.h>

#include "schema/avro_compatibility.hpp"

namespace klab::schema {

namespace {

SchemaError subject_not_found(const std::string& subject) {
  return registry_error(RegistryErrorCode::SUBJECT_NOT_FOUND, fmt::format("Subject '{}' not found.", subject));
}

nlohmann::ordered_json schema_key(const std::string& subject, int32_t version) {
  return {{"keytype", "SCHEMA"}, {"subject", subject}, {"version", version}, {"magic", 1}};
}

}  // namespace

std::string topic_subject(std::string_view topic, bool is_key) {
  return fmt::format("{}-{}", topic, is_key ? "key" : "value");
}

SchemaRegistry& SchemaRegistry::of(Cluster& cluster) {
  constexpr std::string_view kName = "schema-registry";
  if (auto* found = dynamic_cast<SchemaRegistry*>(cluster.find_service(kName))) return *found;
  auto registry = std::make_unique<SchemaRegistry>(cluster);
  auto& added = cluster.add_service(std::string(kName), std::move(registry));
  return static_cast<SchemaRegistry&>(added);
}

SchemaRegistry::SchemaRegistry(Cluster& cluster) : cluster_(cluster) { restart(); }

const std::map<int32_t, SchemaRegistry::StoredVersion>* SchemaRegistry::live_subject(const std::string& subject) const {
  auto found = subjects_.find(subject);
  if (found == subjects_.end()) return nullptr;
  for (const auto& [version, stored] : found->second)
    if (!stored.deleted) return &found->second;
  return nullptr;
}

std::vector<std::string> SchemaRegistry::subjects() const {
  std::vector<std::string> names;
  for (const auto& [name, versions] : subjects_)
    if (live_subject(name)) names.push_back(name);
  return names;
}

SchemaResult<std::vector<int32_t>> SchemaRegistry::versions(const std::string& subject) const {
  const auto* versions = live_subject(subject);
  if (!versions) return subject_not_found(subject);
  std::vector<int32_t> numbers;
  for (const auto& [number, stored] : *versions)
    if (!stored.deleted) numbers.push_back(number);
  return numbers;
}

SchemaResult<RegisteredSchema> SchemaRegistry::version(const std::string& subject, int32_t version) const {
  const auto* versions = live_subject(subject);
  if (!versions) return subject_not_found(subject);
  if (version == -1) {
    for (auto it = versions->rbegin(); it != versions->rend(); ++it)
      if (!it->second.deleted) return RegisteredSchema{subject, it->first, it->second.id, it->second.schema};
  }
  if (version <= 0)
    return registry_error(RegistryErrorCode::INVALID_VERSION,
                          fmt::format("The specified version '{}' is not a valid version id. Allowed values are between "
                                      "[1, 2^31-1] and the string \"latest\"",
                                      version));
  auto found = versions->find(version);
  if (found == versions->end() || found->second.deleted)
    return registry_error(RegistryErrorCode::VERSION_NOT_FOUND, fmt::format("Version {} not found.", version));
  return RegisteredSchema{subject, version, found->second.id, found->second.schema};
}

SchemaResult<std::string> SchemaRegistry::schema_text(int32_t id) const {
  auto found = schema_by_id_.find(id);
  if (found == schema_by_id_.end())
    return registry_error(RegistryErrorCode::SCHEMA_NOT_FOUND, fmt::format("Schema {} not found", id));
  return found->second;
}

SchemaResult<AvroSchemaPtr> SchemaRegistry::schema_by_id(int32_t id) const {
  auto cached = parsed_.find(id);
  if (cached != parsed_.end()) return cached->second;
  SchemaResult<std::string> text = schema_text(id);
  if (!text) return text.error();
  SchemaResult<AvroSchemaPtr> parsed = AvroSchema::parse(*text);
  if (!parsed) return parsed.error();
  parsed_[id] = *parsed;
  return *parsed;
}

SchemaResult<RegisteredSchema> SchemaRegistry::lookup(const std::string& subject, std::string_view schema) const {
  SchemaResult<AvroSchemaPtr> parsed = AvroSchema::parse(schema);
  if (!parsed) return parsed.error();
  const auto* versions = live_subject(subject);
  if (!versions) return subject_not_found(subject);
  for (const auto& [number, stored] : *versions)
    if (!stored.deleted && stored.schema == (*parsed)->canonical())
      return RegisteredSchema{subject, number, stored.id, stored.schema};
  return registry_error(RegistryErrorCode::SCHEMA_NOT_FOUND, "Schema not found");
}

CompatibilityLevel SchemaRegistry::compatibility(const std::optional<std::string>& subject) const {
  if (subject) {
    auto found = subject_levels_.find(*subject);
    if (found != subject_levels_.end()) return found->second;
  }
  return global_level_.value_or(CompatibilityLevel::BACKWARD);
}

bool SchemaRegistry::has_subject_compatibility(const std::string& subject) const {
  return subject_levels_.count(subject) > 0;
}

SchemaResult<CompatibilityLevel> SchemaRegistry::set_compatibility(const std::optional<std::string>& subject,
                                                                   std::string_view level) {
  std::optional<CompatibilityLevel> parsed = parse_compatibility_level(level);
  if (!parsed)
    return registry_error(RegistryErrorCode::INVALID_COMPATIBILITY_LEVEL,
                          "Invalid compatibility level. Valid values are none, backward, forward, full, "
                          "backward_transitive, forward_transitive, and full_transitive");
  nlohmann::ordered_json key = {{"keytype", "CONFIG"}, {"subject", nullptr}, {"magic", 0}};
  if (subject) key["subject"] = *subject;
  nlohmann::ordered_json value = {{"compatibilityLevel", compatibility_level_name(*parsed)}};
  SchemaResult<bool> stored = store(key.dump(), value.dump());
  if (!stored) return stored.error();
  return *parsed;
}

CompatibilityReport SchemaRegistry::check(const std::string& subject, const AvroSchema& candidate) const {
  CompatibilityReport report;
  const CompatibilityLevel level = compatibility(subject);
  const auto* versions = live_subject(subject);
  if (level == CompatibilityLevel::NONE || !versions) return report;
  // Newest first; a non-transitive level looks at the latest version only.
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    if (it->second.deleted) continue;
    SchemaResult<AvroSchemaPtr> previous = schema_by_id(it->second.id);
    if (previous) {
      if (checks_backward(level))
        for (const Incompatibility& i : check_compatibility(candidate.root(), (*previous)->root()))
          report.messages.push_back(registry_message(i, "new", "old"));
      if (checks_forward(level))
        for (const Incompatibility& i : check_compatibility((*previous)->root(), candidate.root()))
          report.messages.push_back(registry_message(i, "old", "new"));
    }
    if (!report.messages.empty()) {
      report.is_compatible = false;
      report.messages.push_back(fmt::format("{{oldSchemaVersion: {}}}", it->first));
      report.messages.push_back(fmt::format("{{oldSchema: '{}'}}", it->second.schema));
      report.messages.push_back(
          fmt::format("{{validateFields: 'false', compatibility: '{}'}}", compatibility_level_name(level)));
      return report;
    }
    if (!is_transitive(level)) break;
  }
  return report;
}

SchemaResult<CompatibilityReport> SchemaRegistry::test(const std::string& subject, std::string_view schema) const {
  SchemaResult<AvroSchemaPtr> parsed = AvroSchema::parse(schema);
  if (!parsed) return parsed.error();
  return check(subject, **parsed);
}

SchemaResult<RegisteredSchema> SchemaRegistry::register_schema(const std::string& subject, std::string_view schema) {
  if (subject.empty()) return registry_error(RegistryErrorCode::INVALID_SCHEMA, "Invalid subject: the name is empty");
  SchemaResult<AvroSchemaPtr> parsed = AvroSchema::parse(schema);
  if (!parsed) return parsed.error();
  const std::string& canonical = (*parsed)->canonical();
  auto& versions = subjects_[subject];
  for (const auto& [number, stored] : versions)
    if (!stored.deleted && stored.schema == canonical) return RegisteredSchema{subject, number, stored.id, canonical};
  if (versions.empty()) subjects_.erase(subject);  // no ghost entry when the checks below fail
  CompatibilityReport report = check(subject, **parsed);
  if (!report.is_compatible) {
    std::string details;
    for (std::size_t i = 0; i < report.messages.size(); ++i) details += (i ? ", " : "") + report.messages[i];
    return registry_error(RegistryErrorCode::INCOMPATIBLE_SCHEMA,
                          fmt::format("Schema being registered is incompatible with an earlier schema for subject "
                                      "\"{}\", details: [{}]",
                                      subject, details));
  }
  auto known = id_by_schema_.find(canonical);
  const int32_t id = known != id_by_schema_.end() ? known->second : max_id_ + 1;
  int32_t version = 1;
  if (auto found = subjects_.find(subject); found != subjects_.end() && !found->second.empty())
    version = found->second.rbegin()->first + 1;
  nlohmann::ordered_json value = {
      {"subject", subject}, {"version", version}, {"id", id}, {"schema", canonical}, {"deleted", false}};
  SchemaResult<bool> stored = store(schema_key(subject, version).dump(), value.dump());
  if (!stored) return stored.error();
  return RegisteredSchema{subject, version, id, canonical};
}

SchemaResult<std::vector<int32_t>> SchemaRegistry::delete_subject(const std::string& subject, bool permanent) {
  auto found = subjects_.find(subject);
  if (found == subjects_.end() || found->second.empty()) return subject_not_found(subject);
  std::vector<int32_t> numbers;
  if (!permanent) {
    if (!live_subject(subject))
      return registry_error(RegistryErrorCode::SUBJECT_SOFT_DELETED,
                            fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete permanently", subject));
    for (const auto& [number, stored] : found->second)
      if (!stored.deleted) numbers.push_back(number);
    nlohmann::ordered_json key = {{"keytype", "DELETE_SUBJECT"}, {"subject", subject}, {"magic", 0}};
    nlohmann::ordered_json value = {{"subject", subject}, {"version", found->second.rbegin()->first}};
    SchemaResult<bool> stored = store(key.dump(), value.dump());
    if (!stored) return stored.error();
    return numbers;
  }
  if (live_subject(subject))
    return registry_error(RegistryErrorCode::SUBJECT_NOT_SOFT_DELETED,
                          fmt::format("Subject '{}' was not deleted first before being permanently deleted", subject));
  for (const auto& [number, stored] : found->second) numbers.push_back(number);
  for (int32_t number : numbers) {
    SchemaResult<bool> stored = store(schema_key(subject, number).dump(), std::nullopt);
    if (!stored) return stored.error();
  }
  nlohmann::ordered_json key = {{"keytype", "DELETE_SUBJECT"}, {"subject", subject}, {"magic", 0}};
  SchemaResult<bool> stored = store(key.dump(), std::nullopt);
  if (!stored) return stored.error();
  return numbers;
}

}  // namespace klab::schema
