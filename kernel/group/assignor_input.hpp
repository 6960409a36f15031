// What every assignor starts from, prepared the way Kafka's AbstractPartitionAssignor prepares it
// (assignment.hpp, "Input"): the topics that take part, and the members with their topics as sets
// and their owned partitions cleaned of partitions that do not exist. Internal to kernel/group.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "group/assignment.hpp"

namespace klab::group::detail {

struct Member {
  std::string id;
  std::optional<std::string> instance_id;
  std::set<std::string> topics;
  std::vector<TopicPartition> owned;  // in the member's order; only partitions that exist
  int32_t generation = -1;
};

struct AssignorInput {
  PartitionCounts partition_counts;  // subscribed topics with at least one partition
  std::vector<Member> members;       // ascending member id
};

AssignorInput prepare_input(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members);

// MemberInfo.compareTo: static members first by group.instance.id, then member id.
bool member_info_less(const Member& a, const Member& b);

// Every member with an empty list.
GroupAssignment empty_assignment(const AssignorInput& input);

// Puts every member's list in (topic, partition) order.
void sort_partition_lists(GroupAssignment& assignment);

}  // namespace klab::group::detail
