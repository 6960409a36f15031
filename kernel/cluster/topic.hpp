// A topic: its id, its own config overrides, and its partitions with their replicas and log.
// Until replication arrives, every replica is in sync and the leader's log is the partition's
// log, so the high watermark equals the log end offset.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "cluster/replica_assignment.hpp"
#include "cluster/uuid.hpp"
#include "log/partition_log.hpp"

namespace klab {

struct Partition {
  int32_t id = 0;
  std::vector<BrokerId> replicas;  // replicas[0] is the preferred leader
  BrokerId leader = -1;
  std::vector<BrokerId> in_sync_replicas;
  PartitionLog log;

  int64_t high_watermark() const { return log.log_end_offset(); }
};

struct Topic {
  std::string name;
  Uuid topic_id;
  ConfigSet config{topic_config_catalog()};  // only the topic's own overrides
  std::vector<std::unique_ptr<Partition>> partitions;

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
