// Small conversions shared by the consumer's group files: the client's and the group layer's
// topic-partition types, and which errors mean "find the coordinator again".
#pragma once
#include "client/consumer.hpp"
#include "group/topic_partition.hpp"

namespace klab::detail {

inline group::TopicPartition to_group(const TopicPartition& tp) { return group::TopicPartition{tp.topic, tp.partition}; }
inline TopicPartition from_group(const group::TopicPartition& tp) { return TopicPartition{tp.topic, tp.partition}; }

inline bool coordinator_error(ErrorCode code) {
  return code == ErrorCode::NOT_COORDINATOR || code == ErrorCode::COORDINATOR_NOT_AVAILABLE ||
         code == ErrorCode::NETWORK_EXCEPTION || code == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
}

}  // namespace klab::detail
