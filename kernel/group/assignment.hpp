// The consumer-group partition assignors of the Java client (classic protocol, Kafka 3.7), as pure
// functions: who gets which partitions, given each member's subscription and, for the sticky
// assignors, what it owned before. The group leader runs one of these in a real group; klab's
// coordinator calls the same functions so that a student's what-if answer equals a real cluster's.
//
//   name (protocol)      Java class (org.apache.kafka.clients.consumer.)   file
//   range                RangeAssignor                                     range_assignor.cpp
//   roundrobin           RoundRobinAssignor                                round_robin_assignor.cpp
//   sticky               StickyAssignor                                    sticky_assignor.cpp (+ sticky_general.cpp)
//   cooperative-sticky   CooperativeStickyAssignor                         cooperative_sticky_assignor.cpp
//
// Input, as AbstractPartitionAssignor prepares it:
//   1. Only topics someone subscribes to and that have at least one partition take part; others are
//      skipped (Kafka: "no metadata is available"). Partitions of a topic are 0..n-1.
//   2. Range and RoundRobin order members as MemberInfo.compareTo does: members with a
//      group.instance.id (static) first, by instance id; then the others by member id. Strings
//      compare byte-wise, which is Java's String.compareTo for ASCII ids (so "consumer-10" sorts
//      before "consumer-9"). The sticky assignors ignore instance ids and order by member id only.
//   3. A member's topics are a set (duplicates are ignored, as Kafka's subscription is a set).
//   4. owned_partitions that name a partition the topic does not have are ignored (Kafka never
//      sends them; Java would hand them out again).
//
// Output invariants (checked by tests/kernel/assignor_properties_test.cpp):
//   1. Every member appears, with its partitions sorted by (topic, partition).
//   2. Range, RoundRobin, Sticky: every partition of a subscribed topic goes to exactly one member
//      subscribed to that topic. CooperativeSticky: at most one; a partition left out is one that
//      some current member owns and must revoke first (it is assigned in the follow-up rebalance).
//   3. Same input, same output: no randomness, no clock, no unordered iteration reaches the result.
//
// Where this port cannot, or does not, equal Java (checked against a transcription of the Java
// classes on 90,000 random groups: equal everywhere except as listed):
//   * The sticky assignors iterate members where Java iterates a HashMap keyed by member id; here
//     that order is ascending member id. It decides (a) which of several members that owned
//     maxQuota or more partitions keep the extra one in the "constrained" algorithm (scenario G),
//     (b) the outcome when three or more members claim one partition in mixed generations, and
//     (c) which owner is remembered when two members claimed a partition in the same older
//     generation. Java's order is by String.hashCode bucket: ascending for C0, C1, C2, but in a
//     16-bucket table C3..C9 come before C0 (their hashes 2128..2134 wrap to buckets 0..6).
//   * The general sticky algorithm picks "the first" partition of a Java HashSet<TopicPartition>;
//     java_hash_order.hpp reproduces that order except for buckets Java turns into trees.
//   * Two places where Java has no sensible answer (sticky_general.cpp): a partition is not handed
//     back to an older-generation owner that no longer subscribes to its topic (Java does, or
//     throws), and a rebalancing pass that Java would repeat forever is stopped.
//   * Rack-aware assignment (client.rack, KIP-881) is not modelled: klab consumers have no rack.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "group/topic_partition.hpp"

namespace klab::group {

struct MemberSubscription {
  std::string member_id;                         // e.g. "consumer-dash-1-3f2a..."
  std::optional<std::string> group_instance_id;  // static membership: sorts first in range/roundrobin
  std::vector<std::string> topics;               // subscribed topics
  std::vector<TopicPartition> owned_partitions;  // what it owned before (sticky and cooperative-sticky)
  int32_t generation = -1;                       // generation of owned_partitions; -1: none known
};

// member id -> its partitions, sorted by (topic, partition); every member is present.
using GroupAssignment = std::map<std::string, std::vector<TopicPartition>>;
// topic -> number of partitions, for the topics the cluster knows.
using PartitionCounts = std::map<std::string, int32_t>;

// Member ids must be distinct (the coordinator makes them so).
GroupAssignment assign_range(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members);
GroupAssignment assign_round_robin(const PartitionCounts& partitions_per_topic,
                                   const std::vector<MemberSubscription>& members);
// Eager StickyAssignor: owned_partitions/generation play the role of the assignor's userData.
GroupAssignment assign_sticky(const PartitionCounts& partitions_per_topic, const std::vector<MemberSubscription>& members);
// Sticky, then partitions that would move from one current member to another are withheld this
// round (CooperativeStickyAssignor.adjustAssignment).
GroupAssignment assign_cooperative_sticky(const PartitionCounts& partitions_per_topic,
                                          const std::vector<MemberSubscription>& members);

enum class AssignorKind { Range, RoundRobin, Sticky, CooperativeSticky };

// Kafka's protocol names ("range", "roundrobin", "sticky", "cooperative-sticky") and the Java class
// names (org.apache.kafka.clients.consumer.RangeAssignor, ...), exactly; anything else: nullopt.
std::optional<AssignorKind> assignor_from_name(std::string_view name);
// The protocol name, as the group's describe output shows it.
std::string_view assignor_name(AssignorKind kind);
// Whether the assignor runs the cooperative rebalance protocol (only cooperative-sticky does).
bool is_cooperative(AssignorKind kind);
GroupAssignment assign(AssignorKind kind, const PartitionCounts& partitions_per_topic,
                       const std::vector<MemberSubscription>& members);

}  // namespace klab::group
