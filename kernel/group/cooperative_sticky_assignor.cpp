// CooperativeStickyAssignor ("cooperative-sticky",
// org.apache.kafka.clients.consumer.CooperativeStickyAssignor): the sticky computation, fed with
// each member's owned partitions and generation from its subscription (protocol v2+), then
// adjusted for the cooperative protocol, in which members keep their partitions through a
// rebalance. A partition cannot go straight from one current member to another: the old owner
// must revoke it first. So such a partition is left out of this round's assignment (its old owner
// sees it missing and revokes it, then asks for another rebalance, which assigns it). Partitions
// nobody currently owns -- say their owner left -- are assigned at once.
//
// Which partitions are "transferring": the constrained algorithm records them as it deals (owned
// partitions an owner gave up, and partitions claimed by two members of one generation); after
// the general algorithm they are the partitions some member gains that another member owned and
// no longer gets (computePartitionsTransferringOwnership).
#include <algorithm>
#include <set>

#include "group/sticky_assignor.hpp"

namespace klab::group {

namespace {

std::map<TopicPartition, std::string> partitions_changing_owner(const detail::AssignorInput& input,
                                                                const GroupAssignment& assignment) {
  std::map<TopicPartition, std::string> added;  // partition -> member gaining it
  std::set<TopicPartition> revoked;             // owned by a member that does not keep it
  for (const detail::Member& member : input.members) {
    const std::vector<TopicPartition>& assigned = assignment.at(member.id);
    const std::set<TopicPartition> owned(member.owned.begin(), member.owned.end());
    for (const TopicPartition& partition : assigned)
      if (!owned.contains(partition)) added[partition] = member.id;
    for (const TopicPartition& partition : owned)
      if (!std::binary_search(assigned.begin(), assigned.end(), partition)) revoked.insert(partition);
  }
  std::erase_if(added, [&](const auto& entry) { return !revoked.contains(entry.first); });
  return added;
}

}  // namespace

GroupAssignment assign_cooperative_sticky(const PartitionCounts& partitions_per_topic,
                                          const std::vector<MemberSubscription>& members) {
  detail::AssignorInput input = detail::prepare_input(partitions_per_topic, members);
  detail::StickyOutcome outcome = detail::sticky_assign(input);
  const std::map<TopicPartition, std::string> transferring =
      outcome.transferring ? *outcome.transferring : partitions_changing_owner(input, outcome.assignment);
  for (const auto& [partition, new_owner] : transferring) std::erase(outcome.assignment[new_owner], partition);
  return outcome.assignment;
}

}  // namespace klab::group
