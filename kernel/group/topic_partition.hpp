// A topic-partition as the group layer names it. The client layer has its own (client/consumer.hpp);
// the group layer sits below the client and must not include it, so it keeps this one.
#pragma once
#include <compare>
#include <cstdint>
#include <string>

namespace klab::group {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  // (topic, partition) order: what every assignor's output lists use.
  auto operator<=>(const TopicPartition&) const = default;
  // As Java's TopicPartition.toString prints it: "orders-1".
  std::string to_string() const { return topic + "-" + std::to_string(partition); }
};

}  // namespace klab::group
