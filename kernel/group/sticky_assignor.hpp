// The parts of AbstractStickyAssignor shared by StickyAssignor and CooperativeStickyAssignor.
// Internal to kernel/group: the public entry points are in assignment.hpp.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "group/assignor_input.hpp"

namespace klab::group::detail {

// Previous ownership after the generation checks of AbstractStickyAssignor.allSubscriptionsEqual.
struct PreviousOwnership {
  bool all_subscriptions_equal = true;
  std::vector<std::vector<TopicPartition>> owned;  // per member (input.members order), claims that stand
  std::set<TopicPartition> claimed_by_several;     // claimed by two members of one generation: dropped
  int32_t max_generation = -1;
};

struct StickyOutcome {
  GroupAssignment assignment;  // lists sorted
  // partition -> its new owner, for partitions taken from a current owner. The constrained
  // algorithm knows them as it goes; after the general algorithm this is empty and the
  // cooperative assignor works them out by comparing with what members owned (as Java does).
  std::optional<std::map<TopicPartition, std::string>> transferring;
};

StickyOutcome sticky_assign(const AssignorInput& input);

// The "general" algorithm (sticky_general.cpp), for members whose subscriptions differ.
GroupAssignment general_sticky_assign(const AssignorInput& input, PreviousOwnership previous);

}  // namespace klab::group::detail
