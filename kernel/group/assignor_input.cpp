#include "group/assignor_input.hpp"

#include <algorithm>
#include <cassert>

namespace klab::group::detail {

AssignorInput prepare_input(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members) {
  AssignorInput input;
  for (const MemberSubscription& subscription : members)
    for (const std::string& topic : subscription.topics) {
      auto found = partitions_per_topic.find(topic);
      if (found != partitions_per_topic.end() && found->second > 0) input.partition_counts.insert(*found);
    }

  for (const MemberSubscription& subscription : members) {
    Member member{subscription.member_id, subscription.group_instance_id,
                  {subscription.topics.begin(), subscription.topics.end()}, {}, subscription.generation};
    for (const TopicPartition& owned : subscription.owned_partitions) {
      auto found = input.partition_counts.find(owned.topic);
      if (found != input.partition_counts.end() && owned.partition >= 0 && owned.partition < found->second)
        member.owned.push_back(owned);
    }
    input.members.push_back(std::move(member));
  }
  std::sort(input.members.begin(), input.members.end(), [](const Member& a, const Member& b) { return a.id < b.id; });
  assert(std::adjacent_find(input.members.begin(), input.members.end(),
                            [](const Member& a, const Member& b) { return a.id == b.id; }) == input.members.end());
  return input;
}

bool member_info_less(const Member& a, const Member& b) {
  if (a.instance_id && b.instance_id) {
    if (*a.instance_id != *b.instance_id) return *a.instance_id < *b.instance_id;
    return a.id < b.id;  // two members never share an instance id; keep the order total anyway
  }
  if (a.instance_id || b.instance_id) return a.instance_id.has_value();
  return a.id < b.id;
}

GroupAssignment empty_assignment(const AssignorInput& input) {
  GroupAssignment assignment;
  for (const Member& member : input.members) assignment[member.id];
  return assignment;
}

void sort_partition_lists(GroupAssignment& assignment) {
  for (auto& [member, partitions] : assignment) std::sort(partitions.begin(), partitions.end());
}

}  // namespace klab::group::detail
