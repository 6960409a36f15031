// Kafka's error codes, by the names and numbers the protocol uses (Kafka 3.7 Errors.java).
// A kernel operation that can fail the way a Kafka request fails returns one of these
// inside a Result; the Lua surface shows err.name, err.code and err.retriable.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace klab {

// X(name, code, retriable) — retriable follows Kafka: the mapped exception extends RetriableException.
#define KLAB_ERROR_CODES(X)                          \
  X(UNKNOWN_SERVER_ERROR, -1, false)                 \
  X(NONE, 0, false)                                  \
  X(OFFSET_OUT_OF_RANGE, 1, false)                   \
  X(CORRUPT_MESSAGE, 2, true)                        \
  X(UNKNOWN_TOPIC_OR_PARTITION, 3, true)             \
  X(INVALID_FETCH_SIZE, 4, false)                    \
  X(LEADER_NOT_AVAILABLE, 5, true)                   \
  X(NOT_LEADER_OR_FOLLOWER, 6, true)                 \
  X(REQUEST_TIMED_OUT, 7, true)                      \
  X(BROKER_NOT_AVAILABLE, 8, false)                  \
  X(REPLICA_NOT_AVAILABLE, 9, true)                  \
  X(MESSAGE_TOO_LARGE, 10, false)                    \
  X(NETWORK_EXCEPTION, 13, true)                     \
  X(COORDINATOR_LOAD_IN_PROGRESS, 14, true)          \
  X(COORDINATOR_NOT_AVAILABLE, 15, true)             \
  X(NOT_COORDINATOR, 16, true)                       \
  X(INVALID_TOPIC_EXCEPTION, 17, false)              \
  X(RECORD_LIST_TOO_LARGE, 18, false)                \
  X(NOT_ENOUGH_REPLICAS, 19, true)                   \
  X(NOT_ENOUGH_REPLICAS_AFTER_APPEND, 20, true)      \
  X(INVALID_REQUIRED_ACKS, 21, false)                \
  X(ILLEGAL_GENERATION, 22, false)                   \
  X(INCONSISTENT_GROUP_PROTOCOL, 23, false)          \
  X(INVALID_GROUP_ID, 24, false)                     \
  X(UNKNOWN_MEMBER_ID, 25, false)                    \
  X(INVALID_SESSION_TIMEOUT, 26, false)              \
  X(REBALANCE_IN_PROGRESS, 27, false)                \
  X(INVALID_COMMIT_OFFSET_SIZE, 28, false)           \
  X(TOPIC_AUTHORIZATION_FAILED, 29, false)           \
  X(GROUP_AUTHORIZATION_FAILED, 30, false)           \
  X(INVALID_TIMESTAMP, 32, false)                    \
  X(UNSUPPORTED_VERSION, 35, false)                  \
  X(TOPIC_ALREADY_EXISTS, 36, false)                 \
  X(INVALID_PARTITIONS, 37, false)                   \
  X(INVALID_REPLICATION_FACTOR, 38, false)           \
  X(INVALID_REPLICA_ASSIGNMENT, 39, false)           \
  X(INVALID_CONFIG, 40, false)                       \
  X(NOT_CONTROLLER, 41, true)                        \
  X(INVALID_REQUEST, 42, false)                      \
  X(POLICY_VIOLATION, 44, false)                     \
  X(OUT_OF_ORDER_SEQUENCE_NUMBER, 45, false)         \
  X(DUPLICATE_SEQUENCE_NUMBER, 46, false)            \
  X(INVALID_PRODUCER_EPOCH, 47, false)               \
  X(KAFKA_STORAGE_ERROR, 56, true)                   \
  X(UNKNOWN_PRODUCER_ID, 59, false)                  \
  X(NON_EMPTY_GROUP, 68, false)                      \
  X(GROUP_ID_NOT_FOUND, 69, false)                   \
  X(FENCED_LEADER_EPOCH, 74, true)                   \
  X(UNKNOWN_LEADER_EPOCH, 75, true)                  \
  X(OFFSET_NOT_AVAILABLE, 78, true)                  \
  X(MEMBER_ID_REQUIRED, 79, false)                   \
  X(GROUP_MAX_SIZE_REACHED, 81, false)               \
  X(FENCED_INSTANCE_ID, 82, false)                   \
  X(INVALID_RECORD, 87, false)                       \
  X(PRODUCER_FENCED, 90, false)

enum class ErrorCode : int16_t {
#define KLAB_X(name, code, retriable) name = code,
  KLAB_ERROR_CODES(KLAB_X)
#undef KLAB_X
};

std::string_view error_name(ErrorCode code);
bool is_retriable(ErrorCode code);

// A failure as a Kafka client would see it: the protocol error plus a one-line explanation.
struct Error {
  ErrorCode code = ErrorCode::UNKNOWN_SERVER_ERROR;
  std::string message;

  std::string_view name() const { return error_name(code); }
  bool retriable() const { return is_retriable(code); }
  // "NAME: message", the line a student reads.
  std::string to_string() const;
};

}  // namespace klab
