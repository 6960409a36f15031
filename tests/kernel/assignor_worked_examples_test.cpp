// The worked examples of kafka-semantics.md §3, whose expected results came from running the real
// Java RangeAssignor, RoundRobinAssignor, StickyAssignor and CooperativeStickyAssignor. Partitions
// are written as there: t0p1 is topic t0, partition 1. For the "then" scenarios (D, E, F, G) the
// previous assignment is each member's owned_partitions, of generation 1; the same input goes to
// every assignor (range and roundrobin ignore ownership).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "group/assignment.hpp"

using namespace klab::group;

namespace {

std::vector<TopicPartition> partitions(std::initializer_list<std::string_view> names) {
  std::vector<TopicPartition> result;
  for (std::string_view name : names) {
    const std::size_t p = name.rfind('p');
    result.push_back({std::string(name.substr(0, p)), std::stoi(std::string(name.substr(p + 1)))});
  }
  return result;
}

MemberSubscription member(std::string id, std::vector<std::string> topics,
                          std::initializer_list<std::string_view> owned = {}) {
  return {std::move(id), std::nullopt, std::move(topics), partitions(owned), owned.size() > 0 ? 1 : -1};
}

// "C0[t0p0,t0p1] C1[t0p2]"
std::string render(const GroupAssignment& assignment) {
  std::string out;
  for (const auto& [member_id, list] : assignment) {
    if (!out.empty()) out += ' ';
    out += member_id + '[';
    for (std::size_t i = 0; i < list.size(); ++i)
      out += (i ? "," : "") + list[i].topic + 'p' + std::to_string(list[i].partition);
    out += ']';
  }
  return out;
}

struct Results {
  std::string range, round_robin, sticky, cooperative_sticky;
};

Results run_all(const PartitionCounts& topics, const std::vector<MemberSubscription>& members) {
  return {render(assign_range(topics, members)), render(assign_round_robin(topics, members)),
          render(assign_sticky(topics, members)), render(assign_cooperative_sticky(topics, members))};
}

}  // namespace

TEST_CASE("assignors, scenario A: two members share one topic of three partitions") {
  Results r = run_all({{"t0", 3}}, {member("C0", {"t0"}), member("C1", {"t0"})});
  CHECK(r.range == "C0[t0p0,t0p1] C1[t0p2]");
  CHECK(r.round_robin == "C0[t0p0,t0p2] C1[t0p1]");
  CHECK(r.sticky == r.round_robin);
  CHECK(r.cooperative_sticky == r.round_robin);
}

TEST_CASE("assignors, scenario B: three members, two topics of three partitions, all agree") {
  Results r = run_all({{"t0", 3}, {"t1", 3}}, {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"}),
                                               member("C2", {"t0", "t1"})});
  const std::string expected = "C0[t0p0,t1p0] C1[t0p1,t1p1] C2[t0p2,t1p2]";
  CHECK(r.range == expected);
  CHECK(r.round_robin == expected);
  CHECK(r.sticky == expected);
  CHECK(r.cooperative_sticky == expected);
}

TEST_CASE("assignors, scenario B2: range favours the first member on every topic, round-robin does not") {
  Results r = run_all({{"t0", 3}, {"t1", 3}}, {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"})});
  CHECK(r.range == "C0[t0p0,t0p1,t1p0,t1p1] C1[t0p2,t1p2]");
  CHECK(r.round_robin == "C0[t0p0,t0p2,t1p1] C1[t0p1,t1p0,t1p2]");
  CHECK(r.sticky == r.round_robin);
  CHECK(r.cooperative_sticky == r.round_robin);
}

TEST_CASE("assignors, scenario C: a fourth member on a three-partition topic stays idle") {
  Results r = run_all({{"t0", 3}}, {member("C0", {"t0"}), member("C1", {"t0"}), member("C2", {"t0"}),
                                    member("C3", {"t0"})});
  const std::string expected = "C0[t0p0] C1[t0p1] C2[t0p2] C3[]";
  CHECK(r.range == expected);
  CHECK(r.round_robin == expected);
  CHECK(r.sticky == expected);
  CHECK(r.cooperative_sticky == expected);
}

TEST_CASE("assignors, scenario C2: member ids compare as strings, so consumer-10 comes before consumer-9") {
  Results r = run_all({{"t0", 3}}, {member("consumer-9", {"t0"}), member("consumer-10", {"t0"})});
  CHECK(r.range == "consumer-10[t0p0,t0p1] consumer-9[t0p2]");
  CHECK(r.round_robin == "consumer-10[t0p0,t0p2] consumer-9[t0p1]");
  CHECK(r.sticky == r.round_robin);
  CHECK(r.cooperative_sticky == r.round_robin);
}

TEST_CASE("assignors, scenario U: unequal subscriptions send sticky to its general algorithm") {
  Results r = run_all({{"t0", 1}, {"t1", 2}, {"t2", 3}},
                      {member("C0", {"t0"}), member("C1", {"t0", "t1"}), member("C2", {"t0", "t1", "t2"})});
  CHECK(r.range == "C0[t0p0] C1[t1p0] C2[t1p1,t2p0,t2p1,t2p2]");
  CHECK(r.round_robin == r.range);
  CHECK(r.sticky == "C0[t0p0] C1[t1p0,t1p1] C2[t2p0,t2p1,t2p2]");
  CHECK(r.cooperative_sticky == r.sticky);
}

TEST_CASE("assignors, scenario D: after B, C1 leaves; sticky deals its partitions out without moving others") {
  Results r = run_all({{"t0", 3}, {"t1", 3}}, {member("C0", {"t0", "t1"}, {"t0p0", "t1p0"}),
                                               member("C2", {"t0", "t1"}, {"t0p2", "t1p2"})});
  CHECK(r.range == "C0[t0p0,t0p1,t1p0,t1p1] C2[t0p2,t1p2]");
  CHECK(r.round_robin == "C0[t0p0,t0p2,t1p1] C2[t0p1,t1p0,t1p2]");  // C0 loses t1p0, C2 loses t0p2
  CHECK(r.sticky == "C0[t0p0,t0p1,t1p0] C2[t0p2,t1p1,t1p2]");
  CHECK(r.cooperative_sticky == r.sticky);  // nobody owns C1's partitions now: one round suffices
}

TEST_CASE("assignors, scenario E: after A, C2 joins; cooperative-sticky needs a second round") {
  const PartitionCounts topics{{"t0", 3}};
  SUBCASE("range: C1 moves from p2 to p1") {
    auto members = {member("C0", {"t0"}, {"t0p0", "t0p1"}), member("C1", {"t0"}, {"t0p2"}), member("C2", {"t0"})};
    CHECK(render(assign_range(topics, members)) == "C0[t0p0] C1[t0p1] C2[t0p2]");
  }
  const std::vector<MemberSubscription> after_round_robin{member("C0", {"t0"}, {"t0p0", "t0p2"}),
                                                          member("C1", {"t0"}, {"t0p1"}), member("C2", {"t0"})};
  SUBCASE("roundrobin") {
    CHECK(render(assign_round_robin(topics, after_round_robin)) == "C0[t0p0] C1[t0p1] C2[t0p2]");
  }
  SUBCASE("sticky: p2 moves from C0 to C2") {
    CHECK(render(assign_sticky(topics, after_round_robin)) == "C0[t0p0] C1[t0p1] C2[t0p2]");
  }
  SUBCASE("cooperative-sticky: C0 revokes p2 in round 1, C2 gets it in round 2") {
    const GroupAssignment round_1 = assign_cooperative_sticky(topics, after_round_robin);
    CHECK(render(round_1) == "C0[t0p0] C1[t0p1] C2[]");
    std::vector<MemberSubscription> rejoined;
    for (const auto& [member_id, owned] : round_1) rejoined.push_back({member_id, std::nullopt, {"t0"}, owned, 2});
    CHECK(render(assign_cooperative_sticky(topics, rejoined)) == "C0[t0p0] C1[t0p1] C2[t0p2]");
  }
}

TEST_CASE("assignors, scenario F: three members on four partitions, then C0 leaves") {
  const PartitionCounts topics{{"t0", 4}};
  CHECK(render(assign_range(topics, {member("C1", {"t0"}, {"t0p2"}), member("C2", {"t0"}, {"t0p3"})})) ==
        "C1[t0p0,t0p1] C2[t0p2,t0p3]");
  const std::vector<MemberSubscription> after_round_robin{member("C1", {"t0"}, {"t0p1"}),
                                                          member("C2", {"t0"}, {"t0p2"})};
  CHECK(render(assign_round_robin(topics, after_round_robin)) == "C1[t0p0,t0p2] C2[t0p1,t0p3]");
  CHECK(render(assign_sticky(topics, after_round_robin)) == "C1[t0p0,t0p1] C2[t0p2,t0p3]");  // kept p1, p2
  CHECK(render(assign_cooperative_sticky(topics, after_round_robin)) == "C1[t0p0,t0p1] C2[t0p2,t0p3]");
}

TEST_CASE("assignors, scenario G: sticky decides by member order who keeps the one extra partition") {
  const PartitionCounts topics{{"t0", 7}};
  SUBCASE("C0 owned p0-p3, C1 owned p4-p6") {
    std::vector<MemberSubscription> members{member("C0", {"t0"}, {"t0p0", "t0p1", "t0p2", "t0p3"}),
                                            member("C1", {"t0"}, {"t0p4", "t0p5", "t0p6"}), member("C2", {"t0"})};
    CHECK(render(assign_sticky(topics, members)) == "C0[t0p0,t0p1,t0p2] C1[t0p4,t0p5] C2[t0p3,t0p6]");
    CHECK(render(assign_cooperative_sticky(topics, members)) == "C0[t0p0,t0p1,t0p2] C1[t0p4,t0p5] C2[]");
  }
  SUBCASE("names swapped: C1 owned p0-p3, C0 owned p4-p6") {
    std::vector<MemberSubscription> members{member("C1", {"t0"}, {"t0p0", "t0p1", "t0p2", "t0p3"}),
                                            member("C0", {"t0"}, {"t0p4", "t0p5", "t0p6"}), member("C2", {"t0"})};
    CHECK(render(assign_sticky(topics, members)) == "C0[t0p4,t0p5,t0p6] C1[t0p0,t0p1] C2[t0p2,t0p3]");
    CHECK(render(assign_cooperative_sticky(topics, members)) == "C0[t0p4,t0p5,t0p6] C1[t0p0,t0p1] C2[]");
  }
}
