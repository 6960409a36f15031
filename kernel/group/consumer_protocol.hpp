// The consumer protocol's blobs, which the coordinator stores and passes on without reading them
// (a JoinGroup carries one subscription per supported assignor; a SyncGroup from the leader carries
// one assignment per member). Kafka's layouts, version 3 (ConsumerProtocolSubscription /
// ConsumerProtocolAssignment), so the GroupMetadataValue records in __consumer_offsets hold the
// bytes a Java 3.7 consumer would send:
//   subscription: version i16 | topics [string] | user_data bytes? | owned_partitions [topic, [i32]]
//                 | generation_id i32 | rack_id string?
//   assignment:   version i16 | assigned_partitions [topic, [i32]] | user_data bytes?
// The eager StickyAssignor keeps what a member owned in user_data (StickyAssignorUserData v1:
// [topic, [i32]] | generation i32), because eager members revoke everything before they join.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "group/topic_partition.hpp"

namespace klab::group {

struct Subscription {
  std::vector<std::string> topics;
  std::optional<std::string> user_data;
  std::vector<TopicPartition> owned_partitions;
  int32_t generation = -1;
};

std::string encode_subscription(const Subscription& subscription);
// nullopt for bytes that are not a subscription (truncated, or an unknown version).
std::optional<Subscription> decode_subscription(std::string_view bytes);

std::string encode_assignment(const std::vector<TopicPartition>& partitions);
std::optional<std::vector<TopicPartition>> decode_assignment(std::string_view bytes);

std::string encode_sticky_user_data(const std::vector<TopicPartition>& owned, int32_t generation);
// (owned, generation); nullopt when malformed.
std::optional<std::pair<std::vector<TopicPartition>, int32_t>> decode_sticky_user_data(std::string_view bytes);

}  // namespace klab::group
