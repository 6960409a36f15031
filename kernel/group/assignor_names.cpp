// Assignors by name: the protocol names members vote with in JoinGroup, and the Java class names
// that partition.assignment.strategy lists. Matching is exact, as Kafka's is.
#include <array>

#include "group/assignment.hpp"

namespace klab::group {

namespace {

struct Named {
  AssignorKind kind;
  std::string_view protocol_name;
  std::string_view class_name;
};

constexpr std::array<Named, 4> kAssignors{{
    {AssignorKind::Range, "range", "org.apache.kafka.clients.consumer.RangeAssignor"},
    {AssignorKind::RoundRobin, "roundrobin", "org.apache.kafka.clients.consumer.RoundRobinAssignor"},
    {AssignorKind::Sticky, "sticky", "org.apache.kafka.clients.consumer.StickyAssignor"},
    {AssignorKind::CooperativeSticky, "cooperative-sticky", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"},
}};

}  // namespace

std::optional<AssignorKind> assignor_from_name(std::string_view name) {
  for (const Named& named : kAssignors)
    if (name == named.protocol_name || name == named.class_name) return named.kind;
  return std::nullopt;
}

std::string_view assignor_name(AssignorKind kind) {
  for (const Named& named : kAssignors)
    if (named.kind == kind) return named.protocol_name;
  return "unknown";
}

bool is_cooperative(AssignorKind kind) { return kind == AssignorKind::CooperativeSticky; }

GroupAssignment assign(AssignorKind kind, const PartitionCounts& partitions_per_topic,
                       const std::vector<MemberSubscription>& members) {
  switch (kind) {
    case AssignorKind::Range: return assign_range(partitions_per_topic, members);
    case AssignorKind::RoundRobin: return assign_round_robin(partitions_per_topic, members);
    case AssignorKind::Sticky: return assign_sticky(partitions_per_topic, members);
    case AssignorKind::CooperativeSticky: return assign_cooperative_sticky(partitions_per_topic, members);
  }
  return {};
}

}  // namespace klab::group
