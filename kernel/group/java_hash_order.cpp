#include "group/java_hash_order.hpp"

#include <algorithm>
#include <cassert>

namespace klab::group {

namespace {

constexpr std::size_t kInitialCapacity = 16;
constexpr std::size_t kTreeifyThreshold = 8;  // entries already in the bucket before the one that overflows it
constexpr std::size_t kMinTreeifyCapacity = 64;

uint32_t spread(int32_t hash) {
  const auto h = static_cast<uint32_t>(hash);
  return h ^ (h >> 16);
}

}  // namespace

int32_t java_string_hash(std::string_view s) {
  uint32_t hash = 0;  // unsigned arithmetic wraps exactly like Java's int
  for (unsigned char c : s) hash = 31 * hash + c;
  return static_cast<int32_t>(hash);
}

int32_t java_hash_code(const TopicPartition& partition) {
  uint32_t result = 31 + static_cast<uint32_t>(partition.partition);
  result = 31 * result + static_cast<uint32_t>(java_string_hash(partition.topic));
  return static_cast<int32_t>(result);
}

bool JavaHashSetOrder::contains(const TopicPartition& partition) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.partition == partition; });
}

bool JavaHashSetOrder::add(const TopicPartition& partition) {
  if (contains(partition)) return false;
  if (capacity_ == 0) capacity_ = kInitialCapacity;
  Entry entry{partition, spread(java_hash_code(partition)), next_sequence_++};
  const auto already_in_bucket = static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return bucket(e) == bucket(entry); }));
  entries_.push_back(std::move(entry));
  // HashMap.putVal: an overlong bucket first grows a small table (treeifyBin), then the size check.
  if (already_in_bucket >= kTreeifyThreshold && capacity_ < kMinTreeifyCapacity) capacity_ *= 2;
  if (entries_.size() > capacity_ / 4 * 3) capacity_ *= 2;
  return true;
}

bool JavaHashSetOrder::remove(const TopicPartition& partition) {
  auto found = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.partition == partition; });
  if (found == entries_.end()) return false;
  entries_.erase(found);
  return true;
}

const TopicPartition& JavaHashSetOrder::first() const {
  assert(!entries_.empty());
  return std::min_element(entries_.begin(), entries_.end(),
                          [&](const Entry& a, const Entry& b) {
                            return std::pair(bucket(a), a.sequence) < std::pair(bucket(b), b.sequence);
                          })
      ->partition;
}

std::vector<TopicPartition> JavaHashSetOrder::in_order() const {
  std::vector<Entry> sorted = entries_;
  std::sort(sorted.begin(), sorted.end(), [&](const Entry& a, const Entry& b) {
    return std::pair(bucket(a), a.sequence) < std::pair(bucket(b), b.sequence);
  });
  std::vector<TopicPartition> order;
  for (const Entry& entry : sorted) order.push_back(entry.partition);
  return order;
}

}  // namespace klab::group
