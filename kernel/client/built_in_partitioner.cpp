#include "client/built_in_partitioner.hpp"

#include <algorithm>

namespace klab {

int32_t BuiltInPartitioner::next_partition(const Topic& topic, Rng& rng) const {
  if (!cumulative_weights_.empty()) {
    int32_t draw = rng.uniform_int(cumulative_weights_.back());
    auto it = std::upper_bound(cumulative_weights_.begin(), cumulative_weights_.end(), draw);
    return weighted_partition_ids_[static_cast<std::size_t>(it - cumulative_weights_.begin())];
  }
  std::vector<int32_t> available;
  for (const auto& partition : topic.partitions)
    if (partition->leader >= 0) available.push_back(partition->id);
  if (!available.empty()) return available[static_cast<std::size_t>(rng.uniform_int(static_cast<int32_t>(available.size())))];
  return rng.uniform_int(topic.partition_count());
}

int32_t BuiltInPartitioner::current_partition(const Topic& topic, Rng& rng) {
  if (!current_ || *current_ >= topic.partition_count()) {
    current_ = next_partition(topic, rng);
    produced_bytes_ = 0;
  }
  return *current_;
}

void BuiltInPartitioner::on_append(const Topic& topic, Rng& rng, int32_t appended_bytes, bool enable_switch) {
  produced_bytes_ += appended_bytes;
  if ((produced_bytes_ >= sticky_batch_size_ && enable_switch) || produced_bytes_ >= 2 * sticky_batch_size_) {
    current_ = next_partition(topic, rng);
    produced_bytes_ = 0;
  }
}

void BuiltInPartitioner::update_load_stats(std::vector<int32_t> queue_sizes, std::vector<int32_t> partition_ids,
                                           int32_t partition_count) {
  cumulative_weights_.clear();
  weighted_partition_ids_.clear();
  if (queue_sizes.empty()) return;
  int32_t max_plus_one = *std::max_element(queue_sizes.begin(), queue_sizes.end()) + 1;
  bool all_equal = std::all_of(queue_sizes.begin(), queue_sizes.end(), [&](int32_t s) { return s == queue_sizes[0]; });
  // Equal queues over every partition carry no information: draw uniformly.
  if (all_equal && static_cast<int32_t>(queue_sizes.size()) == partition_count) return;
  int32_t running = 0;
  for (int32_t size : queue_sizes) {
    running += max_plus_one - size;
    cumulative_weights_.push_back(running);
  }
  weighted_partition_ids_ = std::move(partition_ids);
}

}  // namespace klab
