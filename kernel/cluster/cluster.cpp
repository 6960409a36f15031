#include "cluster/cluster.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "cluster/topic_name.hpp"
#include "log/incoming_batch.hpp"

namespace klab {

Result<std::unique_ptr<Cluster>> Cluster::create(const ClusterOptions& options) {
  if (options.brokers < 1 || options.brokers > 1000)
    return make_error(ErrorCode::INVALID_REQUEST,
                      fmt::format("a cluster needs between 1 and 1000 brokers, got {}", options.brokers));
  if (options.network_latency_ms < 0)
    return make_error(ErrorCode::INVALID_REQUEST, "network latency cannot be negative");
  if (options.network_bandwidth_mbps < 0)
    return make_error(ErrorCode::INVALID_REQUEST, "network bandwidth cannot be negative (0 means unlimited)");
  std::unique_ptr<Cluster> cluster(new Cluster(options));
  Status configured = cluster->broker_config_.set_all(options.config);
  if (!configured) return configured.error();
  cluster->static_broker_config_ = cluster->broker_config_;
  // Broker configs Kafka cannot change dynamically are fixed once the cluster exists; these are read on every append.
  cluster->retention_check_interval_ms_ = cluster->broker_config_.get_long("log.retention.check.interval.ms");
  cluster->log_cleaner_enabled_ = cluster->broker_config_.get_bool("log.cleaner.enable");
  return cluster;
}

Cluster::Cluster(const ClusterOptions& options)
    : seed_(options.seed), rng_(options.seed), network_latency_ms_(options.network_latency_ms),
      network_bandwidth_mbps_(options.network_bandwidth_mbps) {
  for (int32_t id = 1; id <= options.brokers; ++id) {
    broker_ids_.push_back(id);
    brokers_.push_back(Broker{id, true});
    broker_metrics_.emplace_back(now());
  }
  choose_controller();
  metrics_registry_.add_source([this](TimeMs now, std::vector<MetricSample>& out) { publish_metrics(now, out); });
}

int64_t Cluster::topic_config_long(const Topic& topic, std::string_view name) const {
  ConfigSource source;
  return std::get<int64_t>(effective_topic_config(topic, *topic_config_catalog().find(name), source));
}

bool Cluster::topic_config_bool(const Topic& topic, std::string_view name) const {
  ConfigSource source;
  return std::get<bool>(effective_topic_config(topic, *topic_config_catalog().find(name), source));
}

void Cluster::record_event(std::string kind, const Topic* topic, int32_t partition, BrokerId broker,
                           std::string description) {
  events_.push_back(ClusterEvent{now(), std::move(kind), topic ? topic->name : std::string(), partition, broker,
                                 std::move(description), {}, {}});
  notify_event_listeners();
}

void Cluster::notify_event_listeners() {
  // A copy and by index: a listener may record an event of its own, which appends to both vectors.
  const ClusterEvent event = events_.back();
  for (std::size_t i = 0; i < event_listeners_.size(); ++i) event_listeners_[i](event);
}

void Cluster::record_service_event(std::string kind, std::string topic, int32_t partition, BrokerId broker,
                                   std::string description, std::string group, std::string client_id) {
  events_.push_back(ClusterEvent{now(), std::move(kind), std::move(topic), partition, broker, std::move(description),
                                 std::move(group), std::move(client_id)});
  notify_event_listeners();
}

void Cluster::add_event_listener(std::function<void(const ClusterEvent&)> listener) {
  event_listeners_.push_back(std::move(listener));
}

Cluster::Service* Cluster::find_service(std::string_view name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second.get();
}

Cluster::Service& Cluster::add_service(std::string name, std::unique_ptr<Service> service) {
  auto [it, inserted] = services_.emplace(std::move(name), std::move(service));
  return *it->second;
}

Topic* Cluster::find_topic(std::string_view name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second.get();
}

const Topic* Cluster::find_topic(std::string_view name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Cluster::topic_names() const {
  std::vector<std::string> names;
  for (const auto& [name, topic] : topics_) names.push_back(name);
  return names;
}

ConfigValue Cluster::effective_topic_config(const Topic& topic, const ConfigDef& def, ConfigSource& source) const {
  if (topic.config.is_set(def.name)) {
    source = ConfigSource::TopicConfig;
    return topic.config.get(def.name);
  }
  source = ConfigSource::StaticBrokerConfig;
  if (def.name == "segment.ms") {  // log.roll.ms wins over log.roll.hours, as in Kafka
    if (broker_config_.is_set("log.roll.ms")) return broker_config_.get("log.roll.ms");
    if (broker_config_.is_set("log.roll.hours")) return ConfigValue(broker_config_.get_long("log.roll.hours") * 3600000);
  } else if (def.name == "retention.ms") {  // log.retention.ms, then .minutes, then .hours (KafkaConfig)
    auto forever_if_negative = [](int64_t ms) { return ConfigValue(ms < 0 ? int64_t{-1} : ms); };
    if (broker_config_.is_set("log.retention.ms")) return forever_if_negative(broker_config_.get_long("log.retention.ms"));
    if (broker_config_.is_set("log.retention.minutes"))
      return forever_if_negative(broker_config_.get_long("log.retention.minutes") * 60000);
    if (broker_config_.is_set("log.retention.hours"))
      return forever_if_negative(broker_config_.get_long("log.retention.hours") * 3600000);
  } else if (!def.broker_synonym.empty() && broker_config_.is_set(def.broker_synonym)) {
    return broker_config_.get(def.broker_synonym);
  }
  source = ConfigSource::Default;
  return def.default_value;
}

LogConfig Cluster::log_config_for(const Topic& topic) const {
  ConfigSource source;
  auto get = [&](std::string_view name) { return effective_topic_config(topic, *topic_config_catalog().find(name), source); };
  LogConfig config;
  config.segment_bytes = std::get<int64_t>(get("segment.bytes"));
  config.segment_ms = std::get<int64_t>(get("segment.ms"));
  config.max_message_bytes = std::get<int64_t>(get("max.message.bytes"));
  config.timestamp_type = std::get<std::string>(get("message.timestamp.type")) == "LogAppendTime"
                              ? TimestampType::LogAppendTime
                              : TimestampType::CreateTime;
  const std::string compression = std::get<std::string>(get("compression.type"));
  if (compression != "producer")
    config.compression = compression == "uncompressed" ? CompressionType::None : *compression_from_name(compression);
  const auto policy = std::get<std::vector<std::string>>(get("cleanup.policy"));
  auto has = [&](std::string_view word) { return std::find(policy.begin(), policy.end(), word) != policy.end(); };
  config.delete_policy = has("delete");
  config.compact_policy = has("compact");
  config.retention_ms = std::get<int64_t>(get("retention.ms"));
  config.retention_bytes = std::get<int64_t>(get("retention.bytes"));
  config.min_cleanable_dirty_ratio = std::get<double>(get("min.cleanable.dirty.ratio"));
  config.min_compaction_lag_ms = std::get<int64_t>(get("min.compaction.lag.ms"));
  config.max_compaction_lag_ms = std::get<int64_t>(get("max.compaction.lag.ms"));
  config.delete_retention_ms = std::get<int64_t>(get("delete.retention.ms"));
  return config;
}

namespace {

// A new partition with one empty replica per assigned broker; the first live one leads.
std::unique_ptr<Partition> make_partition(int32_t id, std::vector<BrokerId> replicas, const LogConfig& config,
                                          TimeMs now) {
  auto partition = std::make_unique<Partition>();
  partition->id = id;
  partition->replicas = std::move(replicas);
  for (BrokerId broker : partition->replicas) {
    auto copy = std::make_unique<Replica>(broker, PartitionLog(config, now));
    copy->last_caught_up_ms = now;
    partition->copies.push_back(std::move(copy));
  }
  return partition;
}

// Partitions and replication factor for the replica placer: -1 (or no value) asks for the broker default.
Result<std::pair<int32_t, int32_t>> placement_size(const TopicSpec& spec, const ConfigSet& broker_config,
                                                   int32_t broker_count) {
  const int32_t partitions = spec.partitions.value_or(-1) == -1
                                 ? static_cast<int32_t>(broker_config.get_long("num.partitions"))
                                 : *spec.partitions;
  if (partitions <= 0)
    return make_error(ErrorCode::INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
  const int32_t replication_factor = spec.replication_factor.value_or(-1) == -1
                                         ? static_cast<int32_t>(broker_config.get_long("default.replication.factor"))
                                         : *spec.replication_factor;
  if (replication_factor <= 0)
    return make_error(ErrorCode::INVALID_REPLICATION_FACTOR,
                      "Replication factor must be larger than 0, or -1 to use the default value.");
  if (replication_factor > broker_count)
    return make_error(ErrorCode::INVALID_REPLICATION_FACTOR,
                      fmt::format("Unable to replicate the partition {} time(s): The target replication factor of {} "
                                  "cannot be reached because only {} broker(s) are registered.",
                                  replication_factor, replication_factor, broker_count));
  return std::pair{partitions, replication_factor};
}

// Kafka's controller checks of CreateTopics' manual assignment (ReplicationControlManager), in its
// order; the result is each partition's replicas by partition index.
Result<std::vector<std::vector<BrokerId>>> manual_assignment(const TopicSpec& spec, const std::vector<Broker>& brokers) {
  const auto invalid = [](std::string message) { return make_error(ErrorCode::INVALID_REPLICA_ASSIGNMENT, message); };
  if (spec.replication_factor.value_or(-1) != -1)
    return make_error(ErrorCode::INVALID_REQUEST,
                      "A manual partition assignment was specified, but replication factor was not set to -1.");
  if (spec.partitions.value_or(-1) != -1)
    return make_error(ErrorCode::INVALID_REQUEST,
                      "A manual partition assignment was specified, but numPartitions was not set to -1.");
  std::map<int32_t, std::vector<BrokerId>> parts;
  std::optional<std::size_t> replication_factor;
  for (const ManualPartitionAssignment& assignment : spec.assignments) {
    if (parts.contains(assignment.partition))
      return invalid(fmt::format("Found multiple manual partition assignments for partition {}", assignment.partition));
    if (assignment.brokers.empty()) return invalid("The manual partition assignment includes an empty replica list.");
    std::vector<BrokerId> sorted = assignment.brokers;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (sorted[i] < 1 || sorted[i] > static_cast<BrokerId>(brokers.size()))
        return invalid(fmt::format("The manual partition assignment includes broker {}, but no such broker is registered.",
                                   sorted[i]));
      if (i > 0 && sorted[i] == sorted[i - 1])
        return invalid(fmt::format("The manual partition assignment includes the broker {} more than once.", sorted[i]));
    }
    if (replication_factor && sorted.size() != *replication_factor)
      return invalid(fmt::format("The manual partition assignment includes a partition with {} replica(s), but this is "
                                 "not consistent with previous partitions, which have {} replica(s).",
                                 sorted.size(), *replication_factor));
    replication_factor = sorted.size();
    const bool any_active = std::any_of(sorted.begin(), sorted.end(), [&](BrokerId id) {
      const Broker& broker = brokers[static_cast<std::size_t>(id - 1)];
      return broker.alive && !broker.fenced;
    });
    if (!any_active)
      return invalid(fmt::format("All brokers specified in the manual partition assignment for partition {} are fenced "
                                 "or in controlled shutdown.",
                                 assignment.partition));
    parts[assignment.partition] = assignment.brokers;
  }
  std::vector<std::vector<BrokerId>> replicas;
  for (int32_t p = 0; p < static_cast<int32_t>(parts.size()); ++p) {
    auto it = parts.find(p);
    if (it == parts.end()) return invalid("partitions should be a consecutive 0-based integer sequence");
    replicas.push_back(it->second);
  }
  return replicas;
}

}  // namespace

Result<CreateTopicResult> Cluster::create_topic(const std::string& name, const TopicSpec& spec) {
  if (Status valid = validate_topic_name(name); !valid) return valid.error();
  if (topics_.count(name))
    return make_error(ErrorCode::TOPIC_ALREADY_EXISTS, fmt::format("Topic '{}' already exists.", name));
  for (const auto& [existing, topic] : topics_) {
    if (topic_names_collide(name, existing))
      return make_error(ErrorCode::INVALID_TOPIC_EXCEPTION,
                        fmt::format("Topic '{}' collides with existing topic: {}", name, existing));
  }
  std::vector<std::vector<BrokerId>> manual;
  if (!spec.assignments.empty()) {
    auto checked = manual_assignment(spec, brokers_);
    if (!checked) return checked.error();
    manual = std::move(*checked);
  }
  int32_t partitions = static_cast<int32_t>(manual.size());
  int32_t replication_factor = manual.empty() ? 0 : static_cast<int32_t>(manual.front().size());
  std::vector<BrokerId> live_brokers;
  for (const Broker& broker : brokers_)
    if (broker.alive) live_brokers.push_back(broker.id);
  if (manual.empty()) {
    Result<std::pair<int32_t, int32_t>> sized = placement_size(spec, broker_config_, static_cast<int32_t>(live_brokers.size()));
    if (!sized) return sized.error();
    std::tie(partitions, replication_factor) = *sized;
  }
  auto topic = std::make_unique<Topic>();
  topic->name = name;
  if (Status configured = topic->config.set_all(spec.config); !configured) return configured.error();
  if (Status valid = validate_log_config(*topic); !valid) return valid.error();
  CreateTopicResult result;
  if (has_collision_chars(name)) result.warnings.emplace_back(collision_warning());
  if (spec.validate_only) return result;

  topic->topic_id = Uuid::random(rng_);
  std::vector<std::vector<BrokerId>> assignment = manual;
  if (assignment.empty()) {
    const auto broker_count = static_cast<int32_t>(live_brokers.size());
    AssignmentStart start{rng_.uniform_int(broker_count), rng_.uniform_int(broker_count)};
    assignment = assign_replicas(live_brokers, partitions, replication_factor, start);
  }
  const LogConfig log_config = log_config_for(*topic);
  for (int32_t p = 0; p < partitions; ++p)
    topic->partitions.push_back(make_partition(p, assignment[static_cast<std::size_t>(p)], log_config, now()));
  Topic& created = *topic;
  created.min_insync_replicas = topic_config_long(created, "min.insync.replicas");
  topics_.emplace(name, std::move(topic));
  for (auto& partition : created.partitions) {
    // A manual assignment may name stopped or fenced brokers: the ISR starts as the active ones
    // (Kafka's controller), the first of them leads.
    for (BrokerId replica : partition->replicas) {
      const Broker& broker = brokers_[static_cast<std::size_t>(replica - 1)];
      if (manual.empty() || (broker.alive && !broker.fenced)) partition->in_sync_replicas.push_back(replica);
    }
    elect_leader(created, *partition, partition->in_sync_replicas.front(), false);
  }
  ++metadata_version_;
  return result;
}

Status Cluster::delete_topic(const std::string& name) {
  auto it = topics_.find(name);
  if (it == topics_.end())
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name));
  topics_.erase(it);
  ++metadata_version_;
  return ok_status();
}

Status Cluster::create_partitions(const std::string& name, int32_t total_count) {
  Topic* topic = find_topic(name);
  if (!topic) return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name));
  const int32_t current = topic->partition_count();
  if (total_count == current)
    return make_error(ErrorCode::INVALID_PARTITIONS, fmt::format("Topic already has {} partition(s).", current));
  if (total_count < current)
    return make_error(ErrorCode::INVALID_PARTITIONS,
                      fmt::format("The topic {} currently has {} partition(s); {} would not be an increase.", name,
                                  current, total_count));
  // As Kafka: new partitions continue the existing pattern, starting from partition 0's first replica.
  const BrokerId first_broker = topic->partitions.front()->replicas.front();
  auto found = std::find(broker_ids_.begin(), broker_ids_.end(), first_broker);
  const auto start_index = static_cast<int32_t>(found - broker_ids_.begin());
  const auto replication_factor = static_cast<int32_t>(topic->partitions.front()->replicas.size());
  auto assignment = assign_replicas(broker_ids_, total_count - current, replication_factor,
                                    AssignmentStart{start_index, start_index}, current);
  const LogConfig log_config = log_config_for(*topic);
  for (int32_t p = current; p < total_count; ++p) {
    topic->partitions.push_back(make_partition(p, assignment[static_cast<std::size_t>(p - current)], log_config, now()));
    Partition& partition = *topic->partitions.back();
    for (BrokerId broker : partition.replicas)
      if (broker_alive(broker)) partition.in_sync_replicas.push_back(broker);
    if (!partition.in_sync_replicas.empty()) elect_leader(*topic, partition, partition.in_sync_replicas.front(), false);
    else partition.last_leader = partition.replicas.front();
  }
  ++metadata_version_;
  return ok_status();
}

Status Cluster::alter_topic_config(const std::string& name, const ConfigEntries& entries,
                                   const std::vector<std::string>& remove, bool validate_only) {
  Topic* topic = find_topic(name);
  if (!topic) return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name));
  ConfigSet previous = topic->config;
  for (const std::string& key : remove) topic->config.unset(key);
  if (Status configured = topic->config.set_all(entries); !configured) {
    topic->config = std::move(previous);
    return configured;
  }
  if (Status valid = validate_log_config(*topic); !valid || validate_only) {
    topic->config = std::move(previous);
    return valid;
  }
  apply_topic_config(*topic);
  return ok_status();
}

Status Cluster::set_dynamic_broker_config(const ConfigEntries& entries, bool validate_only) {
  ConfigSet dynamic(broker_config_catalog()), merged = static_broker_config_;
  if (Status configured = dynamic.set_all(entries); !configured) return configured;
  if (Status configured = merged.set_all(entries); !configured) return configured;
  std::swap(broker_config_, merged);
  for (const auto& [name, topic] : topics_) {
    if (Status valid = validate_log_config(*topic); !valid) {
      std::swap(broker_config_, merged);
      return valid;
    }
  }
  if (validate_only) {
    std::swap(broker_config_, merged);
    return ok_status();
  }
  dynamic_broker_config_ = std::move(dynamic);
  for (auto& [name, topic] : topics_) apply_topic_config(*topic);
  return ok_status();
}

// A topic's effective config changed (its overrides or the broker defaults): its logs take it now.
void Cluster::apply_topic_config(Topic& topic) {
  topic.min_insync_replicas = topic_config_long(topic, "min.insync.replicas");
  const LogConfig log_config = log_config_for(topic);
  for (auto& partition : topic.partitions) {
    for (auto& copy : partition->copies) copy->log.set_config(log_config);
    note_log_activity(topic, *partition);
  }
}

Status Cluster::validate_log_config(const Topic& topic) const {
  const LogConfig config = log_config_for(topic);
  if (config.min_compaction_lag_ms > config.max_compaction_lag_ms)
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("conflict topic config setting min.compaction.lag.ms ({}) > max.compaction.lag.ms ({})",
                                  config.min_compaction_lag_ms, config.max_compaction_lag_ms));
  return ok_status();
}

Status Cluster::validate_records_for(const Topic& topic, const Partition& partition, RecordBatchView batch) const {
  if (!partition.copies.front()->log.config().compact_policy) return ok_status();
  bool keyless = false;
  batch.for_each_record(0, [&](const RecordView& record) {
    keyless = !record.key.has_value();
    return !keyless;
  });
  if (!keyless) return ok_status();
  return make_error(ErrorCode::INVALID_RECORD,
                    fmt::format("Compacted topic cannot accept message without key in topic partition {}-{}.",
                                topic.name, partition.id));
}

Result<TopicDescription> Cluster::describe_topic(const std::string& name) const {
  const Topic* topic = find_topic(name);
  if (!topic)
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name));
  TopicDescription description;
  description.name = topic->name;
  description.topic_id = topic->topic_id.to_string();
  description.replication_factor = static_cast<int32_t>(topic->partitions.front()->replicas.size());
  for (const auto& partition : topic->partitions) {
    const PartitionLog& log = partition->log();
    description.partitions.push_back(PartitionDescription{
        partition->id, partition->leader, partition->replicas, partition->in_sync_replicas, log.log_start_offset(),
        partition->high_watermark(), log.log_end_offset(), log.segments().size(), log.size_bytes()});
  }
  for (const ConfigDef& def : topic_config_catalog().all()) {
    ConfigSource source;
    ConfigValue value = effective_topic_config(*topic, def, source);
    description.configs.push_back(TopicConfigEntry{std::string(def.name), format_config_value(value), source});
  }
  return description;
}

Result<Topic*> Cluster::topic_for_produce(std::string_view name) {
  if (Topic* topic = find_topic(name)) return topic;
  if (Status valid = validate_topic_name(name); !valid) return valid.error();
  if (!broker_config_.get_bool("auto.create.topics.enable"))
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Topic '{}' does not exist and auto.create.topics.enable is false. (A Java producer "
                                  "keeps asking for metadata and fails after max.block.ms with \"Topic {} not "
                                  "present in metadata after 60000 ms.\")",
                                  name, name));
  Result<CreateTopicResult> created = create_topic(std::string(name), TopicSpec{});
  if (!created) return created.error();
  return find_topic(name);
}

Result<AppendInfo> Cluster::append(Topic& topic, int32_t partition_id, std::string_view batch, int32_t required_acks) {
  if (partition_id < 0 || partition_id >= topic.partition_count())
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Partition {} of topic '{}' does not exist.", partition_id, topic.name));
  Partition& partition = *topic.partitions[static_cast<std::size_t>(partition_id)];
  if (!partition.online())
    return make_error(ErrorCode::NOT_LEADER_OR_FOLLOWER,
                      fmt::format("Partition {}-{} has no leader: every in-sync replica is down.", topic.name, partition_id));
  Result<AppendInfo> appended = append_to_replica(topic, partition, partition.leader_replica(), partition.leader_epoch,
                                                  partition.in_sync_replicas.size(), batch, required_acks);
  if (appended && !appended->duplicate) on_leader_append(topic, partition);
  return appended;
}

Result<AppendInfo> Cluster::append_at(BrokerId broker, Topic& topic, int32_t partition_id, std::string_view batch,
                                      int32_t required_acks) {
  if (partition_id < 0 || partition_id >= topic.partition_count())
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Partition {} of topic '{}' does not exist.", partition_id, topic.name));
  Partition& partition = *topic.partitions[static_cast<std::size_t>(partition_id)];
  if (partition.leader == broker) return append(topic, partition_id, batch, required_acks);
  if (!is_zombie_leader(partition, broker))
    return make_error(ErrorCode::NOT_LEADER_OR_FOLLOWER,
                      fmt::format("Broker {} is not the leader of {}-{} any more.", broker, topic.name, partition_id));
  // A zombie: it appends to its own log under its old epoch, with the ISR it last knew. Nobody
  // fetches from it, so its high watermark stays put.
  Replica& zombie = *partition.replica_on(broker);
  return append_to_replica(topic, partition, zombie, zombie.latest_epoch(), zombie.zombie_isr.size(), batch,
                           required_acks);
}

Result<AppendInfo> Cluster::append_to_replica(Topic& topic, Partition& partition, Replica& leader, int32_t epoch,
                                              std::size_t isr_size, std::string_view batch, int32_t required_acks) {
  const auto min_isr = topic.min_insync_replicas;
  if (required_acks == -1 &&
      static_cast<int64_t>(isr_size) < std::min<int64_t>(min_isr, static_cast<int64_t>(partition.replicas.size())))
    return make_error(ErrorCode::NOT_ENOUGH_REPLICAS,
                      fmt::format("The size of the current ISR {} is insufficient to satisfy the min.isr requirement "
                                  "of {} for partition {}-{}",
                                  isr_size, min_isr, topic.name, partition.id));
  const auto request_bytes = static_cast<int64_t>(batch.size());  // BytesInPerSec counts the bytes that arrived
  Result<IncomingBatch> incoming = IncomingBatch::check(batch, leader.log.config().compression);
  if (!incoming) return incoming.error();
  if (Status valid = validate_records_for(topic, partition, incoming->plain()); !valid) return valid.error();
  batch = incoming->stored();
  const std::optional<ProducerIdentity> producer = producer_identity(RecordBatchView(batch.data()));
  if (producer) {
    auto checked = leader.producers.check(*producer);
    if (!checked) return checked.error();
    if (*checked) {  // a retry of a batch already written: the original offsets, nothing appended
      AppendInfo duplicate;
      duplicate.base_offset = (*checked)->first_offset;
      duplicate.last_offset = (*checked)->last_offset;
      duplicate.duplicate = true;
      return duplicate;
    }
  }
  Result<AppendInfo> appended = leader.log.append(batch, now(), epoch);
  if (!appended) return appended;
  leader.note_epoch(epoch, appended->base_offset);
  if (producer) leader.producers.record(*producer, appended->base_offset, appended->last_offset);
  mark_bytes_in(topic, leader.broker, request_bytes, appended->last_offset - appended->base_offset + 1);
  return appended;
}

std::size_t Cluster::memory_bytes() const {
  std::size_t total = sizeof(*this);
  for (const auto& [name, topic] : topics_)
    for (const auto& partition : topic->partitions)
      for (const auto& copy : partition->copies) total += sizeof(Replica) + copy->log.memory_bytes();
  return total;
}

std::string Cluster::next_client_id(std::string_view prefix, std::string_view sequence) {
  int& counter = client_counters_[std::string(sequence.empty() ? prefix : sequence)];
  return fmt::format("{}-{}", prefix, ++counter);
}

}  // namespace klab
