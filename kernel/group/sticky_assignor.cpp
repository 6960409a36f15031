// StickyAssignor ("sticky", org.apache.kafka.clients.consumer.StickyAssignor, on
// consumer/internals/AbstractStickyAssignor.java): a balanced assignment that moves as few
// partitions as it can from where they were. This file holds what both sticky assignors share
// before they split, and the "constrained" algorithm Kafka uses when every member subscribes to
// the same topics; the other case is in sticky_general.cpp.
//
// 1. Previous ownership (allSubscriptionsEqual). Members are visited in ascending member id (Java:
//    HashMap order, see assignment.hpp). A claim on a partition stands unless another member
//    claimed it too: in the same generation, both lose it (it is "claimed by several"); otherwise
//    the higher generation keeps it. The constrained algorithm runs when every member's topics
//    equal the first non-empty topic set met; so, as in Java, a member subscribed to nothing that
//    comes first does not stop it, and is dealt partitions of topics it did not ask for.
// 2. Constrained algorithm, P partitions over C members: minQuota = P / C, maxQuota = ceil(P / C),
//    and exactly P % C members end with maxQuota. Each member keeps its owned partitions sorted
//    by (partition, topic) -- so that what it gives up is spread over topics -- up to:
//      fewer than minQuota owned           keep all; "under minQuota"
//      maxQuota or more, max slots left    keep maxQuota (takes a max slot)
//      otherwise                           keep minQuota; "exactly minQuota" while max slots remain
//    The partitions nobody kept, in (topic, partition) order, are dealt round-robin to the
//    under-minQuota members in member-id order; a member reaching minQuota leaves that circle and
//    joins the back of the exactly-minQuota queue. When the circle is empty, each further
//    partition goes to the front of that queue (which takes it to maxQuota). With no previous
//    owners every member is under minQuota, so a fresh assignment equals RoundRobin's.
#include "group/sticky_assignor.hpp"

#include <algorithm>
#include <cassert>
#include <list>

namespace klab::group::detail {

namespace {

PreviousOwnership previous_ownership(const AssignorInput& input) {
  PreviousOwnership previous;
  previous.owned.resize(input.members.size());
  const std::set<std::string>* reference_topics = nullptr;
  std::map<TopicPartition, std::size_t> claimed_by;  // the latest claimant, as Java records it
  for (std::size_t m = 0; m < input.members.size(); ++m) {
    const Member& member = input.members[m];
    // Java compares against the first non-empty subscription it meets, so a member subscribed
    // to nothing does not break equality when it is visited first.
    if (reference_topics == nullptr || reference_topics->empty()) reference_topics = &member.topics;
    else if (member.topics != *reference_topics) previous.all_subscriptions_equal = false;
    previous.max_generation = std::max(previous.max_generation, member.generation);

    for (const TopicPartition& partition : member.owned) {
      auto [claim, first_claim] = claimed_by.try_emplace(partition, m);
      if (first_claim) {
        previous.owned[m].push_back(partition);
        continue;
      }
      const std::size_t other = claim->second;
      const int32_t other_generation = input.members[other].generation;
      auto& other_owned = previous.owned[other];
      auto drop_from_other = [&] {
        auto found = std::find(other_owned.begin(), other_owned.end(), partition);
        if (found != other_owned.end()) other_owned.erase(found);
      };
      if (member.generation == other_generation) {
        previous.claimed_by_several.insert(partition);
        drop_from_other();
        claim->second = m;
      } else if (member.generation > other_generation) {
        previous.owned[m].push_back(partition);
        drop_from_other();
        claim->second = m;
      }
    }
  }
  return previous;
}

class ConstrainedAssignment {
 public:
  ConstrainedAssignment(const AssignorInput& input, const PreviousOwnership& previous)
      : input_(input), previous_(previous), assignment_(input.members.size()) {
    const auto members = static_cast<int32_t>(input.members.size());
    int32_t total = 0;
    for (const auto& [topic, count] : input.partition_counts) total += count;
    min_quota_ = total / members;
    max_quota_ = (total + members - 1) / members;
    expected_over_min_ = total % members;
  }

  StickyOutcome build() {
    keep_owned_partitions();
    deal_unassigned_partitions();
    StickyOutcome outcome{{}, std::map<TopicPartition, std::string>{}};
    for (std::size_t m = 0; m < assignment_.size(); ++m) {
      std::sort(assignment_[m].begin(), assignment_[m].end());
      outcome.assignment[input_.members[m].id] = std::move(assignment_[m]);
    }
    for (const auto& [partition, m] : transferring_) (*outcome.transferring)[partition] = input_.members[m].id;
    return outcome;
  }

 private:
  void keep_owned_partitions() {
    for (std::size_t m = 0; m < assignment_.size(); ++m) {
      std::vector<TopicPartition> owned = previous_.owned[m];
      std::stable_sort(owned.begin(), owned.end(), [](const TopicPartition& a, const TopicPartition& b) {
        return std::tie(a.partition, a.topic) < std::tie(b.partition, b.topic);
      });
      std::erase_if(owned, [&](const TopicPartition& p) { return previous_.claimed_by_several.contains(p); });
      const auto owned_count = static_cast<int32_t>(owned.size());

      int32_t keep = owned_count;
      if (owned_count < min_quota_) {
        under_min_quota_.push_back(m);
      } else if (owned_count >= max_quota_ && over_min_quota_ < expected_over_min_) {
        keep = max_quota_;
        if (++over_min_quota_ == expected_over_min_) exactly_min_quota_.clear();
      } else {
        keep = min_quota_;
        if (over_min_quota_ < expected_over_min_) exactly_min_quota_.push_back(m);
      }
      for (int32_t i = 0; i < owned_count; ++i) {
        const TopicPartition& partition = owned[static_cast<std::size_t>(i)];
        if (i < keep) {
          assignment_[m].push_back(partition);
          assigned_.insert(partition);
        } else {
          revoked_.insert(partition);
        }
      }
    }
  }

  // Java's assignRoundRobin: a LinkedList iterator over the under-minQuota members that starts
  // again from the front when it runs out, and a FIFO of members sitting at exactly minQuota.
  void deal_unassigned_partitions() {
    std::list<std::size_t> under(under_min_quota_.begin(), under_min_quota_.end());
    under.sort();
    exactly_min_quota_.sort();
    auto next = under.begin();
    for (const auto& [topic, count] : input_.partition_counts)
      for (int32_t p = 0; p < count; ++p) {
        TopicPartition partition{topic, p};
        if (assigned_.contains(partition)) continue;
        std::size_t member;
        std::optional<std::list<std::size_t>::iterator> dealt_from_circle;
        if (next == under.end() && !under.empty()) next = under.begin();
        if (next != under.end()) {
          dealt_from_circle = next;
          member = *next++;
        } else {
          assert(!exactly_min_quota_.empty() && "no member left below its quota");
          member = exactly_min_quota_.front();
          exactly_min_quota_.pop_front();
        }
        assignment_[member].push_back(partition);
        if (revoked_.contains(partition) || previous_.claimed_by_several.contains(partition))
          transferring_[partition] = member;
        if (static_cast<int32_t>(assignment_[member].size()) == min_quota_) {
          assert(dealt_from_circle);
          under.erase(*dealt_from_circle);
          exactly_min_quota_.push_back(member);
        }
      }
  }

  const AssignorInput& input_;
  const PreviousOwnership& previous_;
  std::vector<std::vector<TopicPartition>> assignment_;
  int32_t min_quota_ = 0;
  int32_t max_quota_ = 0;
  int32_t expected_over_min_ = 0;  // members that end with maxQuota (0 when it equals minQuota)
  int32_t over_min_quota_ = 0;
  std::vector<std::size_t> under_min_quota_;
  std::list<std::size_t> exactly_min_quota_;
  std::set<TopicPartition> assigned_;
  std::set<TopicPartition> revoked_;  // owned beyond what the owner may keep
  std::map<TopicPartition, std::size_t> transferring_;
};

}  // namespace

StickyOutcome sticky_assign(const AssignorInput& input) {
  if (input.members.empty()) return {};
  PreviousOwnership previous = previous_ownership(input);
  if (previous.all_subscriptions_equal) return ConstrainedAssignment(input, previous).build();
  return {general_sticky_assign(input, std::move(previous)), std::nullopt};
}

}  // namespace klab::group::detail

namespace klab::group {

GroupAssignment assign_sticky(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members) {
  return detail::sticky_assign(detail::prepare_input(partitions_per_topic, members)).assignment;
}

}  // namespace klab::group
