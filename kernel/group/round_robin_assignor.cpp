// RoundRobinAssignor ("roundrobin", org.apache.kafka.clients.consumer.RoundRobinAssignor): all
// partitions of all subscribed topics in (topic, partition) order are dealt one at a time around
// the circle of members in MemberInfo order. A member not subscribed to a partition's topic is
// passed over, and the deal goes on from the member after the one that took the partition, so with
// different subscriptions the counts can end up uneven.
#include <algorithm>

#include "group/assignor_input.hpp"

namespace klab::group {

GroupAssignment assign_round_robin(const PartitionCounts& partitions_per_topic,
                                   const std::vector<MemberSubscription>& members) {
  detail::AssignorInput input = detail::prepare_input(partitions_per_topic, members);
  GroupAssignment assignment = detail::empty_assignment(input);
  if (input.members.empty()) return assignment;

  std::vector<const detail::Member*> circle;
  for (const detail::Member& member : input.members) circle.push_back(&member);
  std::sort(circle.begin(), circle.end(),
            [](const detail::Member* a, const detail::Member* b) { return detail::member_info_less(*a, *b); });

  std::size_t next = 0;  // Java's CircularIterator position
  for (const auto& [topic, partition_count] : input.partition_counts)
    for (int32_t partition = 0; partition < partition_count; ++partition) {
      // Some member subscribes to every topic in partition_counts, so this stops.
      while (!circle[next]->topics.contains(topic)) next = (next + 1) % circle.size();
      assignment[circle[next]->id].push_back({topic, partition});
      next = (next + 1) % circle.size();
    }
  return assignment;  // dealt in (topic, partition) order, so already sorted
}

}  // namespace klab::group
