// klab.SchemaRegistry: c:schema_registry(), the cluster's schema registry with the REST API's
// operations as methods (register, versions, version, get, lookup, subjects, compatibility, test,
// delete), explain(bytes) to take a serialized record apart, and restart() to rebuild it from
// _schemas. Registry errors come back as nil, err with the registry's error code (err.code 409,
// 40401, ...) and name (INCOMPATIBLE_SCHEMA, SUBJECT_NOT_FOUND, ...).
#include <fmt/format.h>

#include "lua_bindings.hpp"
#include "lua_datum.hpp"
#include "lua_serdes.hpp"
#include "lua_support.hpp"
#include "schema/schema_registry.hpp"
#include "serde/avro_serde.hpp"

namespace klab {
namespace {

constexpr const char* kRegistryType = "klab.SchemaRegistry";

struct RegistryHandle {
  schema::SchemaRegistry* registry = nullptr;
};

schema::SchemaRegistry& check_registry(lua_State* L, const char* function) {
  return *static_cast<RegistryHandle*>(check_userdata(L, 1, kRegistryType, function))->registry;
}

std::string check_schema_text(lua_State* L, int index, const char* function) {
  if (lua_type(L, index) != LUA_TSTRING)
    arg_error(L, index, function, "Avro schema as JSON text (a string; [[ ... ]] keeps it readable)");
  return lua_tostring(L, index);
}

void push_registered(lua_State* L, const schema::RegisteredSchema& registered, bool with_schema) {
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, registered.subject.data(), registered.subject.size()), lua_setfield(L, -2, "subject");
  lua_pushinteger(L, registered.version), lua_setfield(L, -2, "version");
  lua_pushinteger(L, registered.id), lua_setfield(L, -2, "id");
  if (with_schema) lua_pushlstring(L, registered.schema.data(), registered.schema.size()), lua_setfield(L, -2, "schema");
}

int registry_register(lua_State* L) {
  auto& registry = check_registry(L, "register");
  std::string subject = check_string(L, 2, "register", "subject (string, e.g. \"news-value\")");
  auto registered = registry.register_schema(subject, check_schema_text(L, 3, "register"));
  if (!registered) return push_schema_error(L, registered.error());
  push_registered(L, *registered, false);
  set_printed_form(L, fmt::format("{{\"id\":{}}}  (subject {}, version {})", registered->id, subject, registered->version),
                   "klab.RegisteredSchema");
  return 1;
}

int registry_lookup(lua_State* L) {
  auto& registry = check_registry(L, "lookup");
  std::string subject = check_string(L, 2, "lookup", "subject (string)");
  auto found = registry.lookup(subject, check_schema_text(L, 3, "lookup"));
  if (!found) return push_schema_error(L, found.error());
  push_registered(L, *found, true);
  return 1;
}

int registry_versions(lua_State* L) {
  auto versions = check_registry(L, "versions").versions(check_string(L, 2, "versions", "subject (string)"));
  if (!versions) return push_schema_error(L, versions.error());
  push_int_array(L, *versions);
  return 1;
}

int registry_version(lua_State* L) {
  auto& registry = check_registry(L, "version");
  std::string subject = check_string(L, 2, "version", "subject (string)");
  int32_t number = -1;
  if (lua_type(L, 3) == LUA_TNUMBER && lua_isinteger(L, 3)) {
    const lua_Integer given = lua_tointeger(L, 3);
    number = given >= 1 && given <= INT32_MAX ? static_cast<int32_t>(given) : 0;
  } else if (!lua_isnoneornil(L, 3) && !(lua_type(L, 3) == LUA_TSTRING && std::string_view(lua_tostring(L, 3)) == "latest")) {
    arg_error(L, 3, "version", "version number or \"latest\"");
  }
  auto found = registry.version(subject, number);
  if (!found) return push_schema_error(L, found.error());
  push_registered(L, *found, true);
  return 1;
}

int registry_get(lua_State* L) {
  auto& registry = check_registry(L, "get");
  const int64_t id = check_integer(L, 2, "get");
  auto text = registry.schema_text(id >= 0 && id <= INT32_MAX ? static_cast<int32_t>(id) : -1);
  if (!text) return push_schema_error(L, text.error());
  lua_pushlstring(L, text->data(), text->size());
  return 1;
}

int registry_subjects(lua_State* L) {
  push_string_array(L, check_registry(L, "subjects").subjects());
  return 1;
}

int registry_compatibility(lua_State* L) {
  auto& registry = check_registry(L, "compatibility");
  std::optional<std::string> subject = opt_string(L, 2, "compatibility");
  std::optional<std::string> level = opt_string(L, 3, "compatibility");
  if (level) {
    auto set = registry.set_compatibility(subject, *level);
    if (!set) return push_schema_error(L, set.error());
  }
  std::string_view name = schema::compatibility_level_name(registry.compatibility(subject));
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int registry_test(lua_State* L) {
  auto& registry = check_registry(L, "test");
  std::string subject = check_string(L, 2, "test", "subject (string)");
  auto report = registry.test(subject, check_schema_text(L, 3, "test"));
  if (!report) return push_schema_error(L, report.error());
  lua_createtable(L, 0, 2);
  lua_pushboolean(L, report->is_compatible), lua_setfield(L, -2, "is_compatible");
  push_string_array(L, report->messages), lua_setfield(L, -2, "messages");
  std::string text = fmt::format("{{\"is_compatible\": {}}}", report->is_compatible);
  for (const std::string& message : report->messages) text += "\n  " + message;
  set_printed_form(L, text, "klab.CompatibilityReport");
  return 1;
}

int registry_delete(lua_State* L) {
  auto& registry = check_registry(L, "delete");
  std::string subject = check_string(L, 2, "delete", "subject (string)");
  bool permanent = false;
  if (!lua_isnoneornil(L, 3)) {
    check_table(L, 3, "delete");
    permanent = raw_field(L, 3, "permanent") == LUA_TBOOLEAN && lua_toboolean(L, -1);
  }
  auto deleted = registry.delete_subject(subject, permanent);
  if (!deleted) return push_schema_error(L, deleted.error());
  push_int_array(L, *deleted);
  return 1;
}

std::string hex_bytes(std::string_view bytes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i)
    out += fmt::format("{}{:02x}", i ? " " : "", static_cast<unsigned char>(bytes[i]));
  if (bytes.size() > limit) out += " ...";
  return out;
}

int registry_explain(lua_State* L) {
  auto& registry = check_registry(L, "explain");
  std::size_t size = 0;
  if (lua_type(L, 2) != LUA_TSTRING) arg_error(L, 2, "explain", "the bytes of a serialized key or value (string)");
  const char* data = lua_tolstring(L, 2, &size);
  const std::string_view bytes(data, size);
  auto explained = serde::explain_avro_bytes(registry, bytes);
  if (!explained) return push_schema_error(L, explained.error());
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, bytes[0]), lua_setfield(L, -2, "magic");
  lua_pushinteger(L, explained->schema_id), lua_setfield(L, -2, "schema_id");
  lua_pushlstring(L, explained->payload.data(), explained->payload.size()), lua_setfield(L, -2, "payload");
  lua_pushinteger(L, static_cast<lua_Integer>(explained->payload.size())), lua_setfield(L, -2, "payload_bytes");
  lua_pushinteger(L, static_cast<lua_Integer>(size)), lua_setfield(L, -2, "total_bytes");
  lua_pushlstring(L, explained->json.data(), explained->json.size()), lua_setfield(L, -2, "json");
  lua_pushinteger(L, static_cast<lua_Integer>(explained->json.size())), lua_setfield(L, -2, "json_bytes");
  push_datum(L, explained->datum), lua_setfield(L, -2, "record");
  std::string text = fmt::format(
      "magic byte    {:02x}\n"
      "schema id     {}  ({})\n"
      "Avro payload  {} bytes: {}\n"
      "total         {} bytes; the same record as JSON: {} bytes\n"
      "JSON          {}",
      static_cast<unsigned char>(bytes[0]), explained->schema_id, hex_bytes(bytes.substr(1, 4), 4),
      explained->payload.size(), hex_bytes(explained->payload, 32), size, explained->json.size(), explained->json);
  set_printed_form(L, text, "klab.SerializedRecord");
  return 1;
}

int registry_restart(lua_State* L) {
  auto& registry = check_registry(L, "restart");
  registry.restart();
  lua_pushinteger(L, registry.records_replayed());
  return 1;
}

int registry_tostring(lua_State* L) {
  auto* handle = static_cast<RegistryHandle*>(opt_userdata(L, 1, kRegistryType, "__tostring"));
  if (!handle || !handle->registry) {  // tostring never raises, even on a registry finalized by hand
    lua_pushliteral(L, "klab schema registry (closed)");
    return 1;
  }
  auto& registry = *handle->registry;
  std::string text = fmt::format("klab schema registry ({} subject(s), compatibility {})", registry.subjects().size(),
                                 schema::compatibility_level_name(registry.compatibility(std::nullopt)));
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

const MethodDoc kRegistryMethods[] = {
    {"register", lua_entry<registry_register>, "sr:register(subject, schema) --> {id=, version=, subject=} | nil, err",
     "POST /subjects/{subject}/versions. Registers the Avro schema (JSON text) as the subject's next version, if the "
     "subject's compatibility level allows it, and returns its global id. The same schema again returns the same id "
     "and version; the same schema in another subject gets the same id. Errors: INCOMPATIBLE_SCHEMA (409, with the "
     "registry's details), INVALID_SCHEMA (42201, the parser's message)."},
    {"versions", lua_entry<registry_versions>, "sr:versions(subject) --> {1, 2, ...} | nil, err",
     "GET /subjects/{subject}/versions. SUBJECT_NOT_FOUND (40401) for an unknown subject."},
    {"version", lua_entry<registry_version>, "sr:version(subject [, n | \"latest\"]) --> {id=, version=, schema=} | nil, err",
     "GET /subjects/{subject}/versions/{n}: one version and its schema (default: the latest)."},
    {"get", lua_entry<registry_get>, "sr:get(id) --> schema text | nil, err",
     "GET /schemas/ids/{id}: the schema with this global id, as a deserializer fetches a writer's schema. "
     "SCHEMA_NOT_FOUND (40403)."},
    {"lookup", lua_entry<registry_lookup>, "sr:lookup(subject, schema) --> {id=, version=, schema=} | nil, err",
     "POST /subjects/{subject}: the version of the subject that has this schema (what a serializer with "
     "auto.register.schemas=false asks). SCHEMA_NOT_FOUND (40403) when it was never registered there."},
    {"subjects", lua_entry<registry_subjects>, "sr:subjects() --> {\"news-value\", ...}",
     "GET /subjects: subjects with at least one version that is not deleted."},
    {"compatibility", lua_entry<registry_compatibility>, "sr:compatibility([subject] [, level]) --> level | nil, err",
     "GET or PUT /config[/{subject}]. Levels: BACKWARD (the default: the new schema can read data written with the "
     "latest one), BACKWARD_TRANSITIVE (... with every version), FORWARD (the latest can read data written with the "
     "new one), FORWARD_TRANSITIVE, FULL (both), FULL_TRANSITIVE, NONE. A nil subject means the global level; a "
     "subject without its own level uses the global one."},
    {"test", lua_entry<registry_test>, "sr:test(subject, schema) --> {is_compatible=, messages={...}} | nil, err",
     "POST /compatibility/subjects/{subject}/versions/latest?verbose=true: whether the subject's level would accept "
     "the schema, and why not. Nothing is registered."},
    {"delete", lua_entry<registry_delete>, "sr:delete(subject [, {permanent = true}]) --> {versions...} | nil, err",
     "DELETE /subjects/{subject}: a soft delete (versions hidden, ids still resolve for old data); with permanent = "
     "true after a soft delete, the versions are removed from _schemas (tombstones)."},
    {"explain", lua_entry<registry_explain>, "sr:explain(bytes) --> {magic=, schema_id=, payload=, record=, json=, ...}",
     "Takes a record serialized by the Avro serializer apart: magic byte 0, the 4-byte schema id, the Avro binary "
     "payload, the record decoded with its writer's schema, and the size of the same record as JSON. Read raw bytes "
     "with a consumer that has no value.deserializer."},
    {"restart", lua_entry<registry_restart>, "sr:restart() --> records replayed",
     "Restarts the registry: it forgets everything and rebuilds subjects, versions, ids and levels by reading the "
     "compacted topic _schemas from the beginning, as a registry process does when it starts."},
};

}  // namespace

int cluster_schema_registry(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "schema_registry");
  push_client_handle(L, kRegistryType, RegistryHandle{&schema::SchemaRegistry::of(cluster)});
  return 1;
}

const TypeDoc kSchemaRegistryTypeDoc{kRegistryType, "schema_registry",
                                     "The cluster's schema registry (Confluent Schema Registry's API): subjects "
                                     "<topic>-value / <topic>-key, versions, global ids, compatibility levels, state "
                                     "in the compacted topic _schemas.",
                                     kRegistryMethods};

void register_schema_registry_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<registry_tostring>}};
  register_type(L, kSchemaRegistryTypeDoc, metamethods);
}

}  // namespace klab
