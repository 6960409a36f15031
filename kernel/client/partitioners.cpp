#include "client/partitioners.hpp"

#include <vector>

#include "base/hashing.hpp"

namespace klab {
namespace {

std::vector<int32_t> available_partitions(const Topic& topic) {
  std::vector<int32_t> available;
  for (const auto& partition : topic.partitions)
    if (partition->leader >= 0) available.push_back(partition->id);
  return available;
}

}  // namespace

int32_t java_key_partition(std::string_view key, int32_t partition_count) {
  return to_positive(murmur2(key)) % partition_count;
}

int32_t RoundRobinPartitioner::partition(const Topic& topic) {
  auto it = counters_.find(topic.name);
  if (it == counters_.end()) it = counters_.emplace(topic.name, 0).first;
  int32_t next = to_positive(it->second++);
  std::vector<int32_t> available = available_partitions(topic);
  if (!available.empty()) return available[static_cast<std::size_t>(next % static_cast<int32_t>(available.size()))];
  return next % topic.partition_count();
}

std::optional<LibrdkafkaPartitionerKind> librdkafka_partitioner_from_name(std::string_view name) {
  if (name == "random") return LibrdkafkaPartitionerKind::Random;
  if (name == "consistent") return LibrdkafkaPartitionerKind::Consistent;
  if (name == "consistent_random") return LibrdkafkaPartitionerKind::ConsistentRandom;
  if (name == "murmur2") return LibrdkafkaPartitionerKind::Murmur2;
  if (name == "murmur2_random") return LibrdkafkaPartitionerKind::Murmur2Random;
  return std::nullopt;
}

int32_t LibrdkafkaPartitioner::sticky_random(const Topic& topic, TimeMs now, Rng& rng) {
  auto it = sticky_.find(topic.name);
  if (it == sticky_.end()) it = sticky_.emplace(topic.name, Sticky{}).first;
  Sticky& sticky = it->second;
  // A new random partition when none is chosen, the topic shrank in view, or the linger interval passed.
  if (sticky.partition < 0 || sticky.partition >= topic.partition_count() || sticky_linger_ms_ == 0 ||
      now - sticky.chosen_at >= sticky_linger_ms_) {
    std::vector<int32_t> available = available_partitions(topic);
    sticky.partition = available.empty()
                           ? rng.uniform_int(topic.partition_count())
                           : available[static_cast<std::size_t>(rng.uniform_int(static_cast<int32_t>(available.size())))];
    sticky.chosen_at = now;
  }
  return sticky.partition;
}

int32_t LibrdkafkaPartitioner::partition(const Topic& topic, std::optional<std::string_view> key, TimeMs now, Rng& rng) {
  const int32_t count = topic.partition_count();
  switch (kind_) {
    case LibrdkafkaPartitionerKind::Random:
      if (!key) return sticky_random(topic, now, rng);
      return rng.uniform_int(count);
    case LibrdkafkaPartitionerKind::Consistent:
      return key ? static_cast<int32_t>(crc32(*key) % static_cast<uint32_t>(count)) : 0;
    case LibrdkafkaPartitionerKind::ConsistentRandom:
      if (!key || key->empty()) return sticky_random(topic, now, rng);
      return static_cast<int32_t>(crc32(*key) % static_cast<uint32_t>(count));
    case LibrdkafkaPartitionerKind::Murmur2:
      return java_key_partition(key.value_or(std::string_view{}), count);
    case LibrdkafkaPartitionerKind::Murmur2Random:
      if (!key) return sticky_random(topic, now, rng);
      return java_key_partition(*key, count);
  }
  return 0;
}

}  // namespace klab
