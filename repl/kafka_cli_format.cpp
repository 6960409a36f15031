#include "kafka_cli_format.hpp"

#include <fmt/format.h>

namespace klab {
namespace {

std::string join_ids(const std::vector<BrokerId>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out;
}

}  // namespace

std::string format_topic_describe(const TopicDescription& description) {
  // Configs lists every entry whose source is not the built-in default (topic or broker settings).
  std::string configs;
  for (const TopicConfigEntry& entry : description.configs) {
    if (entry.source == ConfigSource::Default) continue;
    if (!configs.empty()) configs += ',';
    configs += fmt::format("{}={}", entry.name, entry.value);
  }
  std::string out = fmt::format("Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}\n",
                                description.name, description.topic_id, description.partitions.size(),
                                description.replication_factor, configs);
  for (const PartitionDescription& partition : description.partitions) {
    std::string leader = partition.leader >= 0 ? std::to_string(partition.leader) : "none";
    out += fmt::format("\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\n", description.name,
                       partition.partition, leader, join_ids(partition.replicas), join_ids(partition.in_sync_replicas));
  }
  return out;
}

}  // namespace klab
