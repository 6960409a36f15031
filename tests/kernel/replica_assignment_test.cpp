// Kafka's rack-unaware replica assignment (AdminUtils.assignReplicasToBrokersRackUnaware):
// partition p's first replica is broker[(p + start) % n]; replica j+1 sits at
// (first + 1 + (shift + j) % (n - 1)) % n, and the shift grows by one every n partitions.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "cluster/replica_assignment.hpp"

using namespace klab;
using Assignment = std::vector<std::vector<BrokerId>>;

TEST_CASE("3 brokers, 6 partitions, RF 3, start 0, shift 0: leaders round-robin, followers shifted") {
  // Worked by hand: p0..p2 use shift 0 (followers at +1, +2); p3..p5 use shift 1 (followers at +2, +1).
  const Assignment expected{{1, 2, 3}, {2, 3, 1}, {3, 1, 2}, {1, 3, 2}, {2, 1, 3}, {3, 2, 1}};
  CHECK(assign_replicas({1, 2, 3}, 6, 3, AssignmentStart{0, 0}) == expected);
}

TEST_CASE("the example in Kafka's AdminUtils comment: 5 brokers, 10 partitions, RF 3") {
  const Assignment expected{{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1},
                            {0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2}};
  CHECK(assign_replicas({0, 1, 2, 3, 4}, 10, 3, AssignmentStart{0, 0}) == expected);
}

TEST_CASE("the start index picks the first leader and the shift the first follower") {
  // start 1, shift 2, 3 brokers, RF 2: p0 leader index 1 (broker 2), follower at 1 + 2 % 2 = +1.
  const Assignment expected{{2, 3}, {3, 1}, {1, 2}, {2, 1}};
  CHECK(assign_replicas({1, 2, 3}, 4, 2, AssignmentStart{1, 2}) == expected);
  CHECK(assign_replicas({1, 2, 3}, 3, 1, AssignmentStart{2, 0}) == Assignment{{3}, {1}, {2}});
}

TEST_CASE("assigning from a later first partition continues the same pattern") {
  const Assignment all = assign_replicas({1, 2, 3}, 6, 3, AssignmentStart{0, 0});
  const Assignment tail = assign_replicas({1, 2, 3}, 2, 3, AssignmentStart{0, 0}, 3);
  CHECK(tail == Assignment(all.begin() + 3, all.begin() + 5));
}

TEST_CASE("every assignment spreads leaders evenly and never repeats a broker in a partition") {
  for (int n = 1; n <= 6; ++n) {
    std::vector<BrokerId> brokers;
    for (int b = 0; b < n; ++b) brokers.push_back(101 + b);
    for (int rf = 1; rf <= n; ++rf)
      for (int start = 0; start < n; ++start)
        for (int shift = 0; shift < n; ++shift) {
          CAPTURE(n);
          CAPTURE(rf);
          CAPTURE(start);
          CAPTURE(shift);
          const int partitions = 2 * n + 1;
          Assignment assignment = assign_replicas(brokers, partitions, rf, AssignmentStart{start, shift});
          REQUIRE(assignment.size() == static_cast<std::size_t>(partitions));
          std::vector<int> leaders(static_cast<std::size_t>(n));
          for (int p = 0; p < partitions; ++p) {
            const auto& replicas = assignment[static_cast<std::size_t>(p)];
            CHECK(replicas.size() == static_cast<std::size_t>(rf));
            CHECK(std::set<BrokerId>(replicas.begin(), replicas.end()).size() == replicas.size());
            CHECK(replicas.front() == brokers[static_cast<std::size_t>((p + start) % n)]);
            ++leaders[static_cast<std::size_t>(replicas.front() - 101)];
          }
          auto [fewest, most] = std::minmax_element(leaders.begin(), leaders.end());
          CHECK(*most - *fewest <= 1);
        }
  }
}
