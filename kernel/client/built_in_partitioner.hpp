// The Java producer's built-in partitioner for records without a key (Kafka 3.3+, KIP-794,
// "strictly uniform sticky"). All keyless records of a topic go to one partition until about
// batch.size bytes went there, then a new partition is drawn.
//
// Switch rule (per append): produced_bytes += bytes the append added to its batch; switch when
//   produced_bytes >= batch.size and the partition's last batch is full (enable_switch), or
//   produced_bytes >= 2 * batch.size regardless.
// Next partition: uniform over partitions with a leader; with adaptive partitioning and load
// statistics (queue lengths per partition, built by the sender), weighted by
// (max queue length + 1 - queue length), so partitions with shorter queues are likelier.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "base/rng.hpp"
#include "cluster/topic.hpp"

namespace klab {

class BuiltInPartitioner {
 public:
  explicit BuiltInPartitioner(int32_t sticky_batch_size) : sticky_batch_size_(sticky_batch_size < 1 ? 1 : sticky_batch_size) {}

  int32_t current_partition(const Topic& topic, Rng& rng);
  void on_append(const Topic& topic, Rng& rng, int32_t appended_bytes, bool enable_switch);
  // queue_sizes[i] is the queue length of partition partition_ids[i] (partitions with a leader).
  void update_load_stats(std::vector<int32_t> queue_sizes, std::vector<int32_t> partition_ids, int32_t partition_count);
  bool has_load_stats() const { return !cumulative_weights_.empty(); }
  int32_t produced_bytes() const { return produced_bytes_; }

 private:
  int32_t next_partition(const Topic& topic, Rng& rng) const;

  int32_t sticky_batch_size_;
  std::optional<int32_t> current_;
  int32_t produced_bytes_ = 0;
  std::vector<int32_t> cumulative_weights_;  // empty: no load statistics, draw uniformly
  std::vector<int32_t> weighted_partition_ids_;
};

}  // namespace klab
