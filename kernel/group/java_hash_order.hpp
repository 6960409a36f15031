// Java hash codes and java.util.HashSet iteration order, where the sticky assignor's result
// depends on them. AbstractStickyAssignor's general algorithm, when it moves a partition back
// along a path another partition of the same topic took, takes "the first" partition of a
// HashSet<TopicPartition>; to give Java's answer we must iterate as Java would.
//
// java.util.HashMap (behind HashSet), as far as it matters here:
//   * a key's bucket is (h ^ (h >>> 16)) & (capacity - 1), h = key.hashCode();
//   * the table starts at 16 buckets and doubles when size exceeds 3/4 of the capacity, or when a
//     bucket reaches 9 entries while the table has fewer than 64 buckets; it never shrinks;
//   * iteration goes bucket by bucket; inside a bucket, in insertion order (a resize keeps it).
// Not reproduced: a bucket of 9+ entries in a table of 64+ buckets becomes a tree, which reorders
// it. Partitions of one topic share a bucket only if their numbers agree modulo the table size,
// so this needs 9 partitions 64 apart moved between the same two members: topics of 500+
// partitions. (Checked against java.util.HashSet under 18,000 random operations; the only
// differences were such trees.)
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "group/topic_partition.hpp"

namespace klab::group {

// String.hashCode over the bytes of s: exact for ASCII, which every legal topic name is.
int32_t java_string_hash(std::string_view s);
// TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(), wrapping like Java ints.
int32_t java_hash_code(const TopicPartition& partition);

// The iteration order of a `new HashSet<TopicPartition>()` under add/remove.
class JavaHashSetOrder {
 public:
  bool add(const TopicPartition& partition);     // false when already present
  bool remove(const TopicPartition& partition);  // false when absent
  bool contains(const TopicPartition& partition) const;
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }
  // What set.iterator().next() returns. Requires !empty().
  const TopicPartition& first() const;
  // The whole iteration order (for tests).
  std::vector<TopicPartition> in_order() const;

 private:
  struct Entry {
    TopicPartition partition;
    uint32_t spread_hash;
    uint64_t sequence;  // insertion order, for entries sharing a bucket
  };
  std::size_t bucket(const Entry& entry) const { return entry.spread_hash & (capacity_ - 1); }

  std::vector<Entry> entries_;
  std::size_t capacity_ = 0;  // Java allocates the table on the first add
  uint64_t next_sequence_ = 0;
};

}  // namespace klab::group
