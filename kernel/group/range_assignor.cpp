// RangeAssignor ("range", org.apache.kafka.clients.consumer.RangeAssignor; the default strategy's
// first choice): each topic on its own. The members subscribed to the topic, in MemberInfo order,
// take contiguous runs of P / C partitions, the first P % C of them one more. Because every topic
// starts again from the first member, members early in the order get more in total when topics
// do not divide evenly (C0 gets t0p0,t0p1,t1p0,t1p1 and C1 only t0p2,t1p2).
//
// Kafka 3.5+ adds a rack-aware pre-pass (KIP-881) that runs only when consumers declare
// client.rack; klab consumers have none, so the plain ranges below are what Java computes.
#include <algorithm>

#include "group/assignor_input.hpp"

namespace klab::group {

GroupAssignment assign_range(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members) {
  detail::AssignorInput input = detail::prepare_input(partitions_per_topic, members);
  std::vector<const detail::Member*> ordered;
  for (const detail::Member& member : input.members) ordered.push_back(&member);
  std::sort(ordered.begin(), ordered.end(),
            [](const detail::Member* a, const detail::Member* b) { return detail::member_info_less(*a, *b); });

  GroupAssignment assignment = detail::empty_assignment(input);
  for (const auto& [topic, partition_count] : input.partition_counts) {
    std::vector<const detail::Member*> consumers;
    for (const detail::Member* member : ordered)
      if (member->topics.contains(topic)) consumers.push_back(member);
    const auto consumer_count = static_cast<int32_t>(consumers.size());
    const int32_t per_consumer = partition_count / consumer_count;
    const int32_t with_extra = partition_count % consumer_count;
    for (int32_t i = 0; i < consumer_count; ++i) {
      const int32_t start = per_consumer * i + std::min(i, with_extra);
      const int32_t length = per_consumer + (i < with_extra ? 1 : 0);
      auto& list = assignment[consumers[static_cast<std::size_t>(i)]->id];
      for (int32_t partition = start; partition < start + length; ++partition) list.push_back({topic, partition});
    }
  }
  detail::sort_partition_lists(assignment);
  return assignment;
}

}  // namespace klab::group
