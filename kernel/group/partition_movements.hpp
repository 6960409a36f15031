// The sticky general algorithm's record of partitions it has moved during one assignment
// (AbstractStickyAssignor.PartitionMovements). Its purpose is stickiness across topics: when a
// partition of topic T must go from member A to member B, and earlier in this assignment some
// partition of T went from B to A, the algorithm moves that one back instead, so that partitions
// of one topic do not trade places between two members.
//
// Invariant: for each moved partition, `destination` is its current owner and `source` the owner
// it had when the assignment began (a partition moved back to where it started has no record).
#pragma once
#include <cstddef>
#include <map>
#include <string>

#include "group/java_hash_order.hpp"
#include "group/topic_partition.hpp"

namespace klab::group::detail {

class PartitionMovements {
 public:
  // Which partition to move when `partition` should go from old_owner to new_owner: `partition`
  // itself, or one of its topic that moved new_owner -> (its original owner) earlier, chosen as
  // Java's HashSet iterator would.
  TopicPartition partition_to_move(const TopicPartition& partition, std::size_t old_owner, std::size_t new_owner) const;
  void record_move(const TopicPartition& partition, std::size_t old_owner, std::size_t new_owner);
  // Same moves, and sets that will iterate the same now and after further moves.
  bool operator==(const PartitionMovements& other) const;

 private:
  struct Move {
    std::size_t source;
    std::size_t destination;
    auto operator<=>(const Move&) const = default;
  };
  void add(const TopicPartition& partition, Move move);
  Move remove(const TopicPartition& partition);

  std::map<TopicPartition, Move> moves_;
  std::map<std::string, std::map<Move, JavaHashSetOrder>> moves_by_topic_;
};

}  // namespace klab::group::detail
