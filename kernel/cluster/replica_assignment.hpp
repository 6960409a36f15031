// Where a topic's replicas go: Kafka's rack-unaware assignment. Partition p's first replica (its
// preferred leader) is broker (p + start) mod n, so leaders spread round-robin; the other replicas
// follow at a shift that grows by one every n partitions, so followers spread too. `start` and the
// first shift are drawn from the cluster's seeded RNG at creation, as Kafka draws them at random.
#pragma once
#include <cstdint>
#include <vector>

namespace klab {

using BrokerId = int32_t;

struct AssignmentStart {
  int32_t start_index;
  int32_t replica_shift;
};

// Replica lists for partitions first_partition .. first_partition+partition_count-1.
std::vector<std::vector<BrokerId>> assign_replicas(const std::vector<BrokerId>& sorted_brokers, int32_t partition_count,
                                                   int32_t replication_factor, AssignmentStart start,
                                                   int32_t first_partition = 0);

}  // namespace klab
