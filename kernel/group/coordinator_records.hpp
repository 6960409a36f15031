// The records the group coordinator writes to __consumer_offsets, in Kafka 3.7's binary layout,
// and the lines kafka-console-consumer prints for them with Kafka's formatters
// (--formatter "kafka.coordinator.group.GroupMetadataManager$OffsetsMessageFormatter" and
// "...$GroupMetadataMessageFormatter").
//
//   key version 0/1  OffsetCommitKey     group | topic | partition          -> offset commit
//   key version 2    GroupMetadataKey    group                              -> group metadata
//   OffsetCommitValue v3:  offset i64 | leader_epoch i32 | metadata string | commit_timestamp i64
//   GroupMetadataValue v3: protocol_type | generation i32 | protocol? | leader? |
//                          current_state_timestamp i64 | members [member_id | group_instance_id? |
//                          client_id | client_host | rebalance_timeout i32 | session_timeout i32 |
//                          subscription bytes | assignment bytes]
// A null value (tombstone) deletes the key: a deleted group, or an offset removed with it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "group/topic_partition.hpp"

namespace klab::group {

struct OffsetCommitKey {
  std::string group;
  TopicPartition partition;
};
struct GroupMetadataKey {
  std::string group;
};
using CoordinatorKey = std::variant<OffsetCommitKey, GroupMetadataKey>;

struct OffsetCommitValue {
  int64_t offset = 0;
  int32_t leader_epoch = -1;  // -1: unknown (Optional.empty)
  std::string metadata;
  int64_t commit_timestamp = 0;
};

struct MemberRecord {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string subscription;  // consumer_protocol.hpp bytes for the group's protocol
  std::string assignment;
};

struct GroupMetadataValue {
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  int64_t current_state_timestamp = -1;
  std::vector<MemberRecord> members;
};

std::string encode_key(const CoordinatorKey& key);
std::string encode_offset_value(const OffsetCommitValue& value);
std::string encode_group_value(const GroupMetadataValue& value);

// nullopt for a key of a version this coordinator does not know (or malformed bytes).
std::optional<CoordinatorKey> decode_key(std::string_view bytes);
std::optional<OffsetCommitValue> decode_offset_value(std::string_view bytes);
std::optional<GroupMetadataValue> decode_group_value(std::string_view bytes);

// One line (without newline) as OffsetsMessageFormatter prints it, e.g.
//   [dash,orders,0]::OffsetAndMetadata(offset=5, leaderEpoch=Optional[0], metadata=,
//   commitTimestamp=1200, expireTimestamp=None)        (one line)
//   [dash,orders,0]::NULL                                              (tombstone)
// nullopt for records the formatter skips (group metadata, unreadable keys).
std::optional<std::string> format_offsets_message(std::optional<std::string_view> key,
                                                  std::optional<std::string_view> value);
// As GroupMetadataMessageFormatter: dash::GroupMetadata(groupId=dash, generation=1,
// protocolType=Some(consumer), currentState=Stable, members=HashMap(<id> -> MemberMetadata(...)))
// Members print in member-id order (Kafka's order is that of a hash map).
std::optional<std::string> format_group_metadata_message(std::optional<std::string_view> key,
                                                         std::optional<std::string_view> value);

}  // namespace klab::group
