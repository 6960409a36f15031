// What kafka-consumer-groups.sh reads and does, as data for the REPL to print: --list,
// --describe (offsets and members), --reset-offsets (a plan; applied only with execute) and
// --delete. Admin requests are answered without simulated network latency; writes (reset, delete)
// run the simulation until the coordinator has stored them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "group/group_coordinator.hpp"

namespace klab::group {

// --list (with --state): every group the coordinators hold, by id.
std::vector<GroupOverview> list_groups(Cluster& cluster);

// One row of --describe's offsets table. Absent values print as "-".
struct GroupPartitionRow {
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> current_offset;  // the group's committed offset
  int64_t log_end_offset = 0;             // what ListOffsets(latest) answers: the high watermark
  std::optional<int64_t> lag;             // log_end_offset - current_offset
  std::string consumer_id = "-";
  std::string host = "-";
  std::string client_id = "-";
};

struct GroupMemberRow {
  std::string consumer_id;
  std::optional<std::string> group_instance_id;
  std::string host;
  std::string client_id;
  std::vector<TopicPartition> assignment;
};

struct GroupDescription {
  std::string group_id;
  std::string state;          // Kafka's state name; "Dead" for a group that does not exist
  std::string protocol_type;  // "consumer"
  std::string assignment_strategy;
  int32_t generation = 0;
  BrokerId coordinator = -1;
  std::vector<GroupMemberRow> members;
  // Members owning partitions first (most partitions first), their partitions by (topic, partition),
  // then committed partitions nobody owns.
  std::vector<GroupPartitionRow> partitions;
  // What the tool prints before (or instead of) the table, e.g.
  // "Consumer group 'dash' has no active members."; empty when nothing.
  std::string notice;
};

GroupDescription describe_group(Cluster& cluster, const std::string& group_id);

enum class ResetScope { ToEarliest, ToLatest, ToCurrent, ToOffset, ShiftBy, ToDatetime, ByDuration };

struct ResetTopic {
  std::string topic;
  std::vector<int32_t> partitions;  // empty: every partition of the topic
};

struct ResetOffsetsRequest {
  std::string group_id;
  std::vector<ResetTopic> topics;
  bool all_topics = false;  // every partition the group has committed offsets for
  ResetScope scope = ResetScope::ToEarliest;
  int64_t value = 0;  // ToOffset: the offset; ShiftBy: +/- n; ToDatetime: ms since the epoch; ByDuration: ms
  bool execute = false;
};

struct ResetOffsetsRow {
  std::string topic;
  int32_t partition = 0;
  int64_t new_offset = 0;
};

struct ResetOffsetsResult {
  std::vector<ResetOffsetsRow> plan;  // by (topic, partition)
  std::vector<std::string> warnings;  // Kafka's WARN lines (clamping, empty partitions)
  bool executed = false;
};

// NON_EMPTY_GROUP with Kafka's message while the group has members; UNKNOWN_TOPIC_OR_PARTITION for
// a topic or partition that does not exist; INVALID_REQUEST for a shift without committed offset.
Result<ResetOffsetsResult> reset_offsets(Cluster& cluster, const ResetOffsetsRequest& request);

// --delete: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP ("The group is not empty."), or deleted.
Status delete_group(Cluster& cluster, const std::string& group_id);

}  // namespace klab::group
