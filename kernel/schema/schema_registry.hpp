// A schema registry inside the simulated cluster, with Confluent Schema Registry's concepts, names
// and error codes: subjects (TopicNameStrategy: "<topic>-key", "<topic>-value"), versions per
// subject, global schema ids, compatibility levels per subject or global (BACKWARD by default).
//
// Its state lives in the compacted topic _schemas (one partition), written as the registry writes
// it: JSON keys {"keytype":"SCHEMA","subject":..,"version":..,"magic":1} with values
// {"subject","version","id","schema","deleted"}, CONFIG keys with {"compatibilityLevel":..},
// DELETE_SUBJECT keys for soft deletes, tombstones for permanent deletes. A change is applied only
// once its record is committed (acks=all, high watermark), and restart() rebuilds everything by
// replaying the topic, so what the registry knows is exactly what _schemas holds.
//
// Invariants:
//  1. An id names one schema text everywhere: registering the same schema (same canonical JSON)
//     in another subject returns the same id.
//  2. Versions of a subject only grow; soft-deleted versions keep their numbers.
//  3. A version is registered only if it passes the subject's compatibility level against the
//     live versions (the latest, or all for *_TRANSITIVE).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "schema/avro_schema.hpp"
#include "schema/compatibility_level.hpp"

namespace klab::schema {

inline constexpr std::string_view kSchemasTopic = "_schemas";

// TopicNameStrategy: the subject of a topic's keys or values.
std::string topic_subject(std::string_view topic, bool is_key);

struct RegisteredSchema {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  std::string schema;  // canonical text
};

struct CompatibilityReport {
  bool is_compatible = true;
  std::vector<std::string> messages;  // the registry's lines, then {oldSchemaVersion: N}, ...
};

class SchemaRegistry : public Cluster::Service {
 public:
  // The cluster's registry, created on first use (it replays _schemas if the topic exists).
  static SchemaRegistry& of(Cluster& cluster);
  explicit SchemaRegistry(Cluster& cluster);

  // POST /subjects/{subject}/versions: the id (and version) of `schema` in `subject`, registering it
  // as a new version if needed. INVALID_SCHEMA, INCOMPATIBLE_SCHEMA (409), STORE_ERROR.
  SchemaResult<RegisteredSchema> register_schema(const std::string& subject, std::string_view schema);
  // POST /subjects/{subject}: the live version of `subject` whose schema is `schema`.
  SchemaResult<RegisteredSchema> lookup(const std::string& subject, std::string_view schema) const;
  // GET /subjects/{subject}/versions (live versions, ascending).
  SchemaResult<std::vector<int32_t>> versions(const std::string& subject) const;
  // GET /subjects/{subject}/versions/{version}; version -1 = latest.
  SchemaResult<RegisteredSchema> version(const std::string& subject, int32_t version) const;
  // GET /schemas/ids/{id}.
  SchemaResult<AvroSchemaPtr> schema_by_id(int32_t id) const;
  SchemaResult<std::string> schema_text(int32_t id) const;
  // GET /subjects: subjects with at least one live version, sorted.
  std::vector<std::string> subjects() const;

  // GET /config[/{subject}]: the level in force for `subject` (its own, else the global one).
  CompatibilityLevel compatibility(const std::optional<std::string>& subject) const;
  bool has_subject_compatibility(const std::string& subject) const;
  // PUT /config[/{subject}]. INVALID_COMPATIBILITY_LEVEL, STORE_ERROR.
  SchemaResult<CompatibilityLevel> set_compatibility(const std::optional<std::string>& subject, std::string_view level);
  // POST /compatibility/subjects/{subject}/versions/latest?verbose=true (all live versions for a
  // transitive level). A subject with no versions is compatible with anything.
  SchemaResult<CompatibilityReport> test(const std::string& subject, std::string_view schema) const;
  // DELETE /subjects/{subject}[?permanent=true]: the versions deleted. A permanent delete needs a
  // soft delete first (SUBJECT_NOT_SOFT_DELETED); a second soft delete is SUBJECT_SOFT_DELETED.
  SchemaResult<std::vector<int32_t>> delete_subject(const std::string& subject, bool permanent);

  // Forgets everything and replays _schemas, as a registry process does when it starts.
  void restart();
  // Records of _schemas applied since the last (re)start (for tests and explanations).
  int64_t records_replayed() const { return records_replayed_; }

 private:
  struct StoredVersion {
    int32_t id = 0;
    std::string schema;
    bool deleted = false;
  };
  SchemaResult<bool> store(std::string key, std::optional<std::string> value);
  void apply(std::string_view key, std::optional<std::string_view> value);
  void reindex();
  CompatibilityReport check(const std::string& subject, const AvroSchema& candidate) const;
  const std::map<int32_t, StoredVersion>* live_subject(const std::string& subject) const;

  Cluster& cluster_;
  std::map<std::string, std::map<int32_t, StoredVersion>> subjects_;
  std::map<std::string, CompatibilityLevel> subject_levels_;
  std::optional<CompatibilityLevel> global_level_;
  std::map<int32_t, std::string> schema_by_id_;
  std::map<std::string, int32_t> id_by_schema_;
  int32_t max_id_ = 0;
  int64_t records_replayed_ = 0;
  mutable std::map<int32_t, AvroSchemaPtr> parsed_;
};

}  // namespace klab::schema
