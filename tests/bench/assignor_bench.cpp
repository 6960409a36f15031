// Time for one group assignment by each assignor: 100 members over 10 topics of 100 partitions.
// "fresh": nobody owns anything; "member_joins": the 99 members that were there own what the
// same assignor gave them, and a 100th joins; "mixed_subscriptions": each member reads 5 of the
// 10 topics, which sends the sticky assignors to their general algorithm.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "group/assignment.hpp"

namespace {

using namespace klab::group;

constexpr int kMembers = 100;
constexpr int kTopics = 10;
constexpr int32_t kPartitionsPerTopic = 100;

enum class Shape { Fresh, MemberJoins, MixedSubscriptions };

PartitionCounts topics() {
  PartitionCounts counts;
  for (int t = 0; t < kTopics; ++t) counts["topic-" + std::to_string(t)] = kPartitionsPerTopic;
  return counts;
}

std::vector<MemberSubscription> group(AssignorKind kind, Shape shape) {
  std::vector<MemberSubscription> members;
  for (int m = 0; m < kMembers; ++m) {
    MemberSubscription member{"consumer-bench-" + std::to_string(m) + "-a1b2c3", std::nullopt, {}, {}, -1};
    for (int t = 0; t < kTopics; ++t)
      if (shape != Shape::MixedSubscriptions || (m + t) % 2 == 0) member.topics.push_back("topic-" + std::to_string(t));
    members.push_back(std::move(member));
  }
  if (shape == Shape::MemberJoins) {
    std::vector<MemberSubscription> before(members.begin(), members.end() - 1);
    const GroupAssignment previous = assign(kind, topics(), before);
    for (MemberSubscription& member : before) {
      member.owned_partitions = previous.at(member.member_id);
      member.generation = 1;
    }
    before.push_back(members.back());
    members = std::move(before);
  }
  return members;
}

void BM_Assign(benchmark::State& state, AssignorKind kind, Shape shape) {
  const PartitionCounts counts = topics();
  const std::vector<MemberSubscription> members = group(kind, shape);
  for (auto _ : state) {
    GroupAssignment assignment = assign(kind, counts, members);
    benchmark::DoNotOptimize(assignment);
  }
  state.SetItemsProcessed(state.iterations() * kTopics * kPartitionsPerTopic);  // partitions assigned
}

#define KLAB_ASSIGN_BENCH(kind, shape, name)                                                      \
  BENCHMARK_CAPTURE(BM_Assign, name, AssignorKind::kind, Shape::shape)->Unit(benchmark::kMicrosecond)

KLAB_ASSIGN_BENCH(Range, Fresh, range/fresh);
KLAB_ASSIGN_BENCH(RoundRobin, Fresh, roundrobin/fresh);
KLAB_ASSIGN_BENCH(Sticky, Fresh, sticky/fresh);
KLAB_ASSIGN_BENCH(CooperativeSticky, Fresh, cooperative_sticky/fresh);
KLAB_ASSIGN_BENCH(Sticky, MemberJoins, sticky/member_joins);
KLAB_ASSIGN_BENCH(CooperativeSticky, MemberJoins, cooperative_sticky/member_joins);
KLAB_ASSIGN_BENCH(Range, MixedSubscriptions, range/mixed_subscriptions);
KLAB_ASSIGN_BENCH(RoundRobin, MixedSubscriptions, roundrobin/mixed_subscriptions);
KLAB_ASSIGN_BENCH(Sticky, MixedSubscriptions, sticky/mixed_subscriptions);
KLAB_ASSIGN_BENCH(CooperativeSticky, MixedSubscriptions, cooperative_sticky/mixed_subscriptions);

}  // namespace
