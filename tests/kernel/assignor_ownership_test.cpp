// How the assignors order members, and how the sticky assignors treat what members say they
// owned: generations, double claims, topics left, and (cooperative) partitions withheld.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "group/assignment.hpp"

using namespace klab::group;

namespace {

std::vector<TopicPartition> t0(std::initializer_list<int32_t> numbers) {
  std::vector<TopicPartition> result;
  for (int32_t p : numbers) result.push_back({"t0", p});
  return result;
}

MemberSubscription dynamic_member(std::string id, std::vector<TopicPartition> owned = {}, int32_t generation = -1) {
  return {std::move(id), std::nullopt, {"t0"}, std::move(owned), generation};
}

MemberSubscription static_member(std::string id, std::string instance_id) {
  return {std::move(id), std::move(instance_id), {"t0"}, {}, -1};
}

}  // namespace

TEST_CASE("range and roundrobin assign static members first, by group.instance.id") {
  const std::vector<MemberSubscription> members{dynamic_member("a-dynamic"), static_member("z-static", "instance-2"),
                                                static_member("y-static", "instance-1")};
  const PartitionCounts topics{{"t0", 4}};
  const GroupAssignment range = assign_range(topics, members);
  CHECK(range.at("y-static") == t0({0, 1}));
  CHECK(range.at("z-static") == t0({2}));
  CHECK(range.at("a-dynamic") == t0({3}));
  const GroupAssignment round_robin = assign_round_robin(topics, members);
  CHECK(round_robin.at("y-static") == t0({0, 3}));
  CHECK(round_robin.at("z-static") == t0({1}));
  CHECK(round_robin.at("a-dynamic") == t0({2}));
}

TEST_CASE("the sticky assignors order members by member id only, static or not") {
  const std::vector<MemberSubscription> members{dynamic_member("a-dynamic"), static_member("z-static", "instance-2"),
                                                static_member("y-static", "instance-1")};
  const GroupAssignment sticky = assign_sticky({{"t0", 4}}, members);
  CHECK(sticky.at("a-dynamic") == t0({0, 3}));
  CHECK(sticky.at("y-static") == t0({1}));
  CHECK(sticky.at("z-static") == t0({2}));
}

TEST_CASE("assignors skip topics without partitions and topics nobody subscribes to") {
  const PartitionCounts topics{{"t0", 2}, {"unsubscribed", 5}, {"empty", 0}};
  const std::vector<MemberSubscription> members{{"C0", std::nullopt, {"t0", "empty", "missing"}, {}, -1},
                                                {"C1", std::nullopt, {"t0", "empty", "missing"}, {}, -1}};
  for (AssignorKind kind : {AssignorKind::Range, AssignorKind::RoundRobin, AssignorKind::Sticky,
                            AssignorKind::CooperativeSticky}) {
    CAPTURE(assignor_name(kind));
    const GroupAssignment assignment = assign(kind, topics, members);
    CHECK(assignment.at("C0").size() + assignment.at("C1").size() == 2);
  }
}

TEST_CASE("every assignor returns an empty assignment for a group without members") {
  for (AssignorKind kind : {AssignorKind::Range, AssignorKind::RoundRobin, AssignorKind::Sticky,
                            AssignorKind::CooperativeSticky})
    CHECK(assign(kind, {{"t0", 3}}, {}).empty());
}

TEST_CASE("sticky drops a partition claimed by two members of the same generation from both") {
  // Both claim p0 in generation 1; neither keeps it as its own, so the deal gives it to C0 (it
  // comes first among members under quota) and cooperative-sticky withholds it for a round.
  const std::vector<MemberSubscription> members{dynamic_member("C0", t0({0, 1}), 1),
                                                dynamic_member("C1", t0({0, 2, 3}), 1)};
  const PartitionCounts topics{{"t0", 4}};
  CHECK(assign_sticky(topics, members).at("C0") == t0({0, 1}));
  CHECK(assign_sticky(topics, members).at("C1") == t0({2, 3}));
  CHECK(assign_cooperative_sticky(topics, members).at("C0") == t0({1}));
  CHECK(assign_cooperative_sticky(topics, members).at("C1") == t0({2, 3}));
}

TEST_CASE("sticky gives a partition claimed in two generations to the newer claim") {
  // C0's claim on p1 and p2 is from generation 1; C1 claims them in generation 2, so C0 keeps p0
  // only, and is filled up with a partition nobody owned.
  const std::vector<MemberSubscription> members{dynamic_member("C0", t0({0, 1, 2}), 1),
                                                dynamic_member("C1", t0({1, 2}), 2)};
  const GroupAssignment sticky = assign_sticky({{"t0", 4}}, members);
  CHECK(sticky.at("C0") == t0({0, 3}));
  CHECK(sticky.at("C1") == t0({1, 2}));
}

TEST_CASE("sticky with different subscriptions revokes partitions of a topic the member left") {
  // C0 now reads only t1, so its t0 partitions go to C1, the only t0 subscriber. That leaves C1
  // with three partitions against C0's one, and the general algorithm's rebalancing pass moves
  // t1p1 from C1 to C0.
  const std::vector<MemberSubscription> members{
      {"C0", std::nullopt, {"t1"}, {{"t0", 0}, {"t0", 1}, {"t1", 0}}, 1},
      {"C1", std::nullopt, {"t0", "t1"}, {{"t1", 1}}, 1},
  };
  const PartitionCounts topics{{"t0", 2}, {"t1", 2}};
  const GroupAssignment sticky = assign_sticky(topics, members);
  CHECK(sticky.at("C0") == std::vector<TopicPartition>{{"t1", 0}, {"t1", 1}});
  CHECK(sticky.at("C1") == std::vector<TopicPartition>{{"t0", 0}, {"t0", 1}});
  // Every partition that changes hands goes from one current member to the other, so
  // cooperative-sticky withholds all three this round.
  const GroupAssignment cooperative = assign_cooperative_sticky(topics, members);
  CHECK(cooperative.at("C0") == std::vector<TopicPartition>{{"t1", 0}});
  CHECK(cooperative.at("C1").empty());
}

TEST_CASE("sticky ignores owned partitions that do not exist") {
  const std::vector<MemberSubscription> members{dynamic_member("C0", t0({7, 0}), 1), dynamic_member("C1", {}, 1)};
  const GroupAssignment sticky = assign_sticky({{"t0", 2}}, members);
  CHECK(sticky.at("C0") == t0({0}));
  CHECK(sticky.at("C1") == t0({1}));
}

TEST_CASE("like Java, sticky deals partitions to a member subscribed to nothing if it comes first") {
  // Java compares subscriptions against the first non-empty one it meets, so "A" (first, empty)
  // does not make the subscriptions differ and the constrained algorithm counts it as a member.
  const PartitionCounts topics{{"t0", 3}};
  std::vector<MemberSubscription> members{{"A", std::nullopt, {}, {}, -1}, dynamic_member("B"), dynamic_member("C")};
  const GroupAssignment first = assign_sticky(topics, members);
  CHECK(first.at("A") == t0({0}));
  CHECK(first.at("B") == t0({1}));
  CHECK(first.at("C") == t0({2}));
  // Coming last it does make them differ, and the general algorithm gives it nothing.
  members[0].member_id = "Z";
  const GroupAssignment last = assign_sticky(topics, members);
  CHECK(last.at("Z").empty());
  CHECK(last.at("B") == t0({0, 2}));
  CHECK(last.at("C") == t0({1}));
}
