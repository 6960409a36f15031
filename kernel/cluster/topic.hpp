// A topic: its id, its own config overrides, and its partitions. Each partition has one replica
// (a full copy of its log) per assigned broker; the leader's copy takes writes and serves reads,
// followers copy it (replication.cpp). Consumers read below the leader's high watermark.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "cluster/broker_metrics.hpp"
#include "cluster/producer_state.hpp"
#include "cluster/replica_assignment.hpp"
#include "cluster/uuid.hpp"
#include "log/partition_log.hpp"

namespace klab {

// (leader epoch, first offset written in it), ascending: what a replica knows of who wrote what.
struct EpochEntry {
  int32_t epoch;
  int64_t start_offset;
};

// One copy of a partition, on one broker.
struct Replica {
  Replica(BrokerId broker_id, PartitionLog initial_log) : broker(broker_id), log(std::move(initial_log)) {}
  BrokerId broker = -1;
  PartitionLog log;
  int64_t high_watermark = 0;  // this replica's view; the leader's is the partition's
  std::vector<EpochEntry> epochs;
  ProducerStateTable producers;  // idempotent producers' recent batches, rebuilt on truncation
  // What the leader knows about this replica as a follower.
  int64_t known_log_end_offset = 0;
  TimeMs last_caught_up_ms = 0;
  TimeMs last_fetch_ms = 0;
  int64_t leader_end_offset_at_last_fetch = 0;
  bool fetch_parked = false;  // its fetch waits at the leader for new data: it is caught up
  uint64_t fetch_generation = 0;  // bumped to abandon a fetch loop (leader change, broker stop)
  // Fenced while cut off by a network partition, this replica still believes it leads with its
  // latest epoch and appends what stale clients send it, until the partition heals.
  bool zombie = false;
  // Where this replica's log cleaner stopped last time (its cleaner-offset-checkpoint entry); -1: never.
  int64_t cleaner_checkpoint = -1;
  std::vector<BrokerId> zombie_isr;  // the ISR as the zombie last knew it

  int32_t latest_epoch() const { return epochs.empty() ? -1 : epochs.back().epoch; }
  void note_epoch(int32_t epoch, int64_t start_offset) {
    if (epochs.empty() || epochs.back().epoch < epoch) epochs.push_back(EpochEntry{epoch, start_offset});
  }
};

struct Partition {
  int32_t id = 0;
  std::vector<BrokerId> replicas;  // replicas[0] is the preferred leader
  BrokerId leader = -1;            // -1: offline
  int32_t leader_epoch = 0;
  std::vector<BrokerId> in_sync_replicas;
  std::vector<std::unique_ptr<Replica>> copies;  // one per broker in `replicas`, same order
  BrokerId last_leader = -1;       // whose log describe/reads fall back on while offline

  Replica* replica_on(BrokerId broker) {
    for (auto& copy : copies)
      if (copy->broker == broker) return copy.get();
    return nullptr;
  }
  const Replica* replica_on(BrokerId broker) const { return const_cast<Partition*>(this)->replica_on(broker); }
  Replica& leader_replica() { return *replica_on(leader >= 0 ? leader : last_leader); }
  const Replica& leader_replica() const { return *replica_on(leader >= 0 ? leader : last_leader); }
  // The partition's log as clients see it: the leader's copy.
  PartitionLog& log() { return leader_replica().log; }
  const PartitionLog& log() const { return leader_replica().log; }
  int64_t high_watermark() const { return leader_replica().high_watermark; }
  bool online() const { return leader >= 0; }
  bool in_isr(BrokerId broker) const {
    for (BrokerId id : in_sync_replicas)
      if (id == broker) return true;
    return false;
  }
};

struct Topic {
  std::string name;
  Uuid topic_id;
  ConfigSet config{topic_config_catalog()};  // only the topic's own overrides
  std::vector<std::unique_ptr<Partition>> partitions;
  // The effective min.insync.replicas (topic override, else the broker's), kept here because every
  // acks=all append and every high-watermark move reads it; set on creation and on alter.
  int64_t min_insync_replicas = 1;
  // BrokerTopicMetrics of this topic, by broker id; created on a broker's first traffic for the
  // topic (Kafka registers a topic's meters lazily) and gone with the topic.
  std::vector<std::unique_ptr<BrokerTopicMeters>> broker_meters;

  int32_t partition_count() const { return static_cast<int32_t>(partitions.size()); }
};

// Where a config value came from, as kafka-configs.sh --describe names the sources.
enum class ConfigSource { TopicConfig, StaticBrokerConfig, Default };

struct TopicConfigEntry {
  std::string name;
  std::string value;
  ConfigSource source;
};

struct PartitionDescription {
  int32_t partition = 0;
  BrokerId leader = -1;
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> in_sync_replicas;
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t log_end_offset = 0;
  std::size_t segment_count = 0;
  int64_t size_bytes = 0;
};

struct TopicDescription {
  std::string name;
  std::string topic_id;
  int32_t replication_factor = 0;
  std::vector<PartitionDescription> partitions;
  std::vector<TopicConfigEntry> configs;  // every topic config with its effective value, by name
};

}  // namespace klab
