#include "cluster/replica_assignment.hpp"

namespace klab {

std::vector<std::vector<BrokerId>> assign_replicas(const std::vector<BrokerId>& brokers, int32_t partition_count,
                                                   int32_t replication_factor, AssignmentStart start,
                                                   int32_t first_partition) {
  const auto n = static_cast<int32_t>(brokers.size());
  std::vector<std::vector<BrokerId>> result;
  int32_t shift = start.replica_shift;
  for (int32_t partition = first_partition; partition < first_partition + partition_count; ++partition) {
    if (partition > 0 && partition % n == 0) ++shift;
    int32_t first = (partition + start.start_index) % n;
    std::vector<BrokerId> replicas{brokers[static_cast<std::size_t>(first)]};
    for (int32_t j = 0; j < replication_factor - 1; ++j) {
      int32_t offset = 1 + (shift + j) % (n - 1);
      replicas.push_back(brokers[static_cast<std::size_t>((first + offset) % n)]);
    }
    result.push_back(std::move(replicas));
  }
  return result;
}

}  // namespace klab
