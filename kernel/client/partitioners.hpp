// The partitioners a producer can use besides the built-in one (built_in_partitioner.hpp):
//  - the Java key hash, shared by the built-in partitioner and librdkafka's murmur2 variants;
//  - org.apache.kafka.clients.producer.RoundRobinPartitioner, as shipped in Kafka 3.7;
//  - librdkafka's (kcat's) partitioners, so "why does kcat put my key elsewhere?" can be shown;
//  - a user function (in klab, a Lua function).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/rng.hpp"
#include "base/scheduler.hpp"
#include "cluster/topic.hpp"

namespace klab {

// toPositive(murmur2(key)) % partition_count: the Java client's answer for a keyed record.
int32_t java_key_partition(std::string_view key, int32_t partition_count);

using CustomPartitioner = std::function<Result<int32_t>(std::string_view topic, std::optional<std::string_view> key,
                                                        std::optional<std::string_view> value, int32_t partition_count)>;

// A per-topic counter starting at 0 over partitions that have a leader. Kafka 3.7's producer calls a
// configured partitioner class a second time when the record starts a new batch (KAFKA-16283), so
// with one record per batch the counter moves by two and an even partition count sees only half of
// its partitions. klab reproduces that, since it is what a 3.7 client does.
class RoundRobinPartitioner {
 public:
  int32_t partition(const Topic& topic);

 private:
  std::map<std::string, int32_t, std::less<>> counters_;
};

enum class LibrdkafkaPartitionerKind { Random, Consistent, ConsistentRandom, Murmur2, Murmur2Random };
std::optional<LibrdkafkaPartitionerKind> librdkafka_partitioner_from_name(std::string_view name);

class LibrdkafkaPartitioner {
 public:
  LibrdkafkaPartitioner(LibrdkafkaPartitionerKind kind, int64_t sticky_linger_ms) : kind_(kind), sticky_linger_ms_(sticky_linger_ms) {}
  int32_t partition(const Topic& topic, std::optional<std::string_view> key, TimeMs now, Rng& rng);

 private:
  struct Sticky {
    int32_t partition = -1;
    TimeMs chosen_at = 0;
  };
  int32_t sticky_random(const Topic& topic, TimeMs now, Rng& rng);

  LibrdkafkaPartitionerKind kind_;
  int64_t sticky_linger_ms_;
  std::map<std::string, Sticky, std::less<>> sticky_;
};

}  // namespace klab
