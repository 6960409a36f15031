// __consumer_offsets: the internal, compacted topic holding every group's commits and metadata,
// created the first time a group is used. A group lives on one of its partitions, and that
// partition's leader is the group's coordinator.
#pragma once
#include <cstdint>
#include <string_view>

#include "cluster/cluster.hpp"

namespace klab::group {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

// Kafka's partitionFor: Utils.abs(groupId.hashCode()) % partitions, where hashCode is Java's
// String.hashCode (UTF-16 code units) and Utils.abs maps Integer.MIN_VALUE to 0.
int32_t partition_for_group(std::string_view group_id, int32_t partition_count);

// The topic, created when missing with offsets.topic.num.partitions partitions and
// offsets.topic.replication.factor replicas (klab: min(3, brokers) unless set), cleanup.policy
// compact. COORDINATOR_NOT_AVAILABLE while fewer brokers are alive than the replication factor.
Result<Topic*> ensure_offsets_topic(Cluster& cluster);

}  // namespace klab::group
