// _schemas: how the registry writes its state (one record per change, acks=all, applied once
// committed) and reads it back (replay from the log start: the last record per key wins, a
// tombstone removes the key; compaction leaves the same answer).
#include <fmt/format.h>

#include <algorithm>

#include "log/record_batch.hpp"
#include "schema/schema_registry.hpp"

namespace klab::schema {

namespace {

constexpr int64_t kStoreTimeoutMs = 500;  // the registry's kafkastore.timeout.ms

SchemaResult<Topic*> ensure_schemas_topic(Cluster& cluster) {
  if (Topic* topic = cluster.find_topic(kSchemasTopic)) return topic;
  // kafkastore.topic.replication.factor is 3; klab takes min(3, brokers) as for __consumer_offsets.
  const auto replication = std::min<int32_t>(3, static_cast<int32_t>(cluster.brokers().size()));
  TopicSpec spec{1, replication, {{"cleanup.policy", ConfigInput(std::string("compact"))}}};
  Result<CreateTopicResult> created = cluster.create_topic(std::string(kSchemasTopic), spec);
  if (!created)
    return registry_error(RegistryErrorCode::STORE_ERROR, "Error in the backend data store: " + created.error().to_string());
  return cluster.find_topic(kSchemasTopic);
}

std::optional<nlohmann::json> parse_json(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

}  // namespace

SchemaResult<bool> SchemaRegistry::store(std::string key, std::optional<std::string> value) {
  SchemaResult<Topic*> topic = ensure_schemas_topic(cluster_);
  if (!topic) return topic.error();
  RecordBatchBuilder builder;
  builder.reset(INT32_MAX);
  RecordInput input;
  input.key = std::string_view(key);
  if (value) input.value = std::string_view(*value);
  input.timestamp = cluster_.now();
  builder.append(input);
  Result<AppendInfo> appended = cluster_.append(**topic, 0, builder.finish(), -1);
  if (!appended)
    return registry_error(RegistryErrorCode::STORE_ERROR, "Error in the backend data store: " + appended.error().to_string());
  std::optional<std::string> failure;
  bool done = false;
  cluster_.await_high_watermark(std::string(kSchemasTopic), 0, appended->last_offset + 1, kStoreTimeoutMs,
                                [&](const Error* error) {
                                  done = true;
                                  if (error) failure = error->to_string();
                                });
  cluster_.scheduler().run_until_done([&] { return done; });
  if (!done || failure)
    return registry_error(RegistryErrorCode::STORE_ERROR,
                          "Error in the backend data store: " + failure.value_or("the write was never acknowledged"));
  apply(key, value ? std::optional<std::string_view>(*value) : std::nullopt);
  return true;
}

void SchemaRegistry::apply(std::string_view key_text, std::optional<std::string_view> value_text) {
  ++records_replayed_;
  std::optional<nlohmann::json> key = parse_json(key_text);
  if (!key || !(*key)["keytype"].is_string()) return;  // NOOP keys and anything unknown are skipped
  const std::string keytype = (*key)["keytype"].get<std::string>();
  const nlohmann::json& subject_json = (*key)["subject"];
  const std::optional<std::string> subject =
      subject_json.is_string() ? std::optional<std::string>(subject_json.get<std::string>()) : std::nullopt;
  std::optional<nlohmann::json> value = value_text ? parse_json(*value_text) : std::nullopt;
  if (keytype == "SCHEMA" && subject && (*key)["version"].is_number_integer()) {
    const auto version = (*key)["version"].get<int32_t>();
    if (!value) {
      subjects_[*subject].erase(version);
      if (subjects_[*subject].empty()) subjects_.erase(*subject);
    } else if ((*value)["id"].is_number_integer() && (*value)["schema"].is_string()) {
      StoredVersion& stored = subjects_[*subject][version];
      stored.id = (*value)["id"].get<int32_t>();
      stored.schema = (*value)["schema"].get<std::string>();
      stored.deleted = (*value)["deleted"].is_boolean() && (*value)["deleted"].get<bool>();
      max_id_ = std::max(max_id_, stored.id);
    }
  } else if (keytype == "CONFIG") {
    std::optional<CompatibilityLevel> level;
    if (value && (*value)["compatibilityLevel"].is_string())
      level = parse_compatibility_level((*value)["compatibilityLevel"].get<std::string>());
    if (subject) {
      if (level) subject_levels_[*subject] = *level;
      else subject_levels_.erase(*subject);
    } else {
      global_level_ = level;
    }
  } else if (keytype == "DELETE_SUBJECT" && subject && value && (*value)["version"].is_number_integer()) {
    const auto upto = (*value)["version"].get<int32_t>();
    auto found = subjects_.find(*subject);
    if (found != subjects_.end())
      for (auto& [version, stored] : found->second)
        if (version <= upto) stored.deleted = true;
  }
  reindex();
}

void SchemaRegistry::reindex() {
  schema_by_id_.clear();
  id_by_schema_.clear();
  for (const auto& [subject, versions] : subjects_)
    for (const auto& [version, stored] : versions) {
      schema_by_id_[stored.id] = stored.schema;
      id_by_schema_[stored.schema] = stored.id;
    }
  for (auto it = parsed_.begin(); it != parsed_.end();) it = schema_by_id_.count(it->first) ? std::next(it) : parsed_.erase(it);
}

void SchemaRegistry::restart() {
  subjects_.clear();
  subject_levels_.clear();
  global_level_.reset();
  schema_by_id_.clear();
  id_by_schema_.clear();
  parsed_.clear();
  max_id_ = 0;
  records_replayed_ = 0;
  const Topic* topic = cluster_.find_topic(kSchemasTopic);
  if (!topic || topic->partitions.empty()) return;
  const Partition& partition = *topic->partitions.front();
  const PartitionLog& log = partition.log();
  DecompressedBatches decompressed;
  (void)log.read(log.log_start_offset(), partition.high_watermark(), decompressed, [&](const RecordView& record) {
    if (record.key) apply(*record.key, record.value);
    return true;
  });
}

}  // namespace klab::schema
