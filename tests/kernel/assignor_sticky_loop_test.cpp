// A group on which Kafka 3.7's sticky general algorithm never finishes (found by seeded random
// search, confirmed on a transcription of the Java classes): one of its rebalancing passes moves
// a partition of t1 from worker-3 to consumer-7 in place of the one it was asked to move, and the
// next partition moves it back, pass after pass. klab detects the repeated state and keeps the
// best-balanced state a pass ended in (sticky_general.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "group/assignment.hpp"

using namespace klab::group;

namespace {

std::vector<TopicPartition> range_of(const std::string& topic, int32_t first, int32_t last) {
  std::vector<TopicPartition> result;
  for (int32_t p = first; p <= last; ++p) result.push_back({topic, p});
  return result;
}

std::vector<TopicPartition> join(std::vector<TopicPartition> a, const std::vector<TopicPartition>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string render(const GroupAssignment& assignment) {
  std::string out;
  for (const auto& [member_id, list] : assignment) {
    out += (out.empty() ? "" : " ") + member_id + "[";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "," : "") + list[i].to_string();
    out += "]";
  }
  return out;
}

}  // namespace

TEST_CASE("sticky assignor ends a rebalancing loop that Java 3.7 never leaves") {
  const PartitionCounts topics{{"t0", 18}, {"t1", 9}, {"t2", 18}, {"t3", 2}};
  const std::vector<MemberSubscription> members{
      {"c0-51835", std::nullopt, {"t2"}, {}, -1},
      {"worker-1-39568", "instance-456-1", {"t3"}, {}, -1},
      {"consumer-dash-2-25143", std::nullopt, {"t1", "t2", "t3"}, {}, -1},
      {"worker-3-92450", std::nullopt, {"t1"}, range_of("t1", 5, 8), 1},
      {"consumer-dash-4-39126", std::nullopt, {"t2"}, range_of("t2", 0, 8), 1},
      {"consumer-5-43159", std::nullopt, {"t0", "t3"}, join(range_of("t0", 0, 8), range_of("t3", 0, 1)), 1},
      {"worker-6-49178", std::nullopt, {"t0", "t2"}, join(range_of("t0", 9, 17), range_of("t2", 9, 17)), 1},
      {"consumer-7-62177", std::nullopt, {"t1"}, range_of("t1", 0, 4), 1},
  };
  CHECK(render(assign_sticky(topics, members)) ==
        "c0-51835[t2-1,t2-2,t2-3,t2-9,t2-12,t2-15,t2-17] "
        "consumer-5-43159[t0-0,t0-1,t0-2,t0-3,t0-4,t0-5,t0-6,t0-7,t0-8,t0-9] "
        "consumer-7-62177[t1-0,t1-2,t1-3,t1-4] "
        "consumer-dash-2-25143[t1-5,t2-0,t2-4,t2-10,t2-13,t2-16] "
        "consumer-dash-4-39126[t2-5,t2-6,t2-7,t2-8,t2-11,t2-14] "
        "worker-1-39568[t3-0,t3-1] "
        "worker-3-92450[t1-1,t1-6,t1-7,t1-8] "
        "worker-6-49178[t0-10,t0-11,t0-12,t0-13,t0-14,t0-15,t0-16,t0-17]");
  // Cooperative: whatever moves between current owners waits for the next round.
  CHECK(render(assign_cooperative_sticky(topics, members)) ==
        "c0-51835[] "
        "consumer-5-43159[t0-0,t0-1,t0-2,t0-3,t0-4,t0-5,t0-6,t0-7,t0-8] "
        "consumer-7-62177[t1-0,t1-2,t1-3,t1-4] "
        "consumer-dash-2-25143[] "
        "consumer-dash-4-39126[t2-5,t2-6,t2-7,t2-8] "
        "worker-1-39568[] "
        "worker-3-92450[t1-6,t1-7,t1-8] "
        "worker-6-49178[t0-10,t0-11,t0-12,t0-13,t0-14,t0-15,t0-16,t0-17]");
}
