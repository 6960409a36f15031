#include "group/partition_movements.hpp"

#include <cassert>

namespace klab::group::detail {

TopicPartition PartitionMovements::partition_to_move(const TopicPartition& partition, std::size_t old_owner,
                                                     std::size_t new_owner) const {
  auto topic_moves = moves_by_topic_.find(partition.topic);
  if (topic_moves == moves_by_topic_.end()) return partition;
  if (auto moved = moves_.find(partition); moved != moves_.end()) {
    assert(moved->second.destination == old_owner);
    old_owner = moved->second.source;
  }
  auto reverse = topic_moves->second.find(Move{new_owner, old_owner});
  if (reverse == topic_moves->second.end()) return partition;
  return reverse->second.first();
}

void PartitionMovements::record_move(const TopicPartition& partition, std::size_t old_owner, std::size_t new_owner) {
  if (!moves_.contains(partition)) {
    add(partition, Move{old_owner, new_owner});
    return;
  }
  Move earlier = remove(partition);
  assert(earlier.destination == old_owner);
  if (earlier.source != new_owner) add(partition, Move{earlier.source, new_owner});
}

bool PartitionMovements::operator==(const PartitionMovements& other) const {
  if (moves_ != other.moves_ || moves_by_topic_.size() != other.moves_by_topic_.size()) return false;
  for (const auto& [topic, pairs] : moves_by_topic_) {
    auto other_pairs = other.moves_by_topic_.find(topic);
    if (other_pairs == other.moves_by_topic_.end() || other_pairs->second.size() != pairs.size()) return false;
    for (const auto& [move, partitions] : pairs) {
      auto other_set = other_pairs->second.find(move);
      if (other_set == other_pairs->second.end() || other_set->second.capacity() != partitions.capacity() ||
          other_set->second.in_order() != partitions.in_order())
        return false;
    }
  }
  return true;
}

void PartitionMovements::add(const TopicPartition& partition, Move move) {
  moves_[partition] = move;
  moves_by_topic_[partition.topic][move].add(partition);
}

PartitionMovements::Move PartitionMovements::remove(const TopicPartition& partition) {
  auto moved = moves_.find(partition);
  Move move = moved->second;
  moves_.erase(moved);
  // Java drops a set once it is empty, so a later set for the same pair starts at 16 buckets again.
  auto topic_moves = moves_by_topic_.find(partition.topic);
  auto pair_moves = topic_moves->second.find(move);
  pair_moves->second.remove(partition);
  if (pair_moves->second.empty()) topic_moves->second.erase(pair_moves);
  if (topic_moves->second.empty()) moves_by_topic_.erase(topic_moves);
  return move;
}

}  // namespace klab::group::detail
