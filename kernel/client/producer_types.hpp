// What a producer takes and gives back: ProducerRecord in, RecordMetadata (or an Error) out.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "base/error.hpp"
#include "log/record.hpp"

namespace klab {

struct ProducerRecord {
  std::string_view topic;
  std::optional<int32_t> partition;  // explicit partition; bypasses the partitioner
  std::optional<std::string_view> key;  // only a missing key is keyless; "" is a key and is hashed
  std::optional<std::string_view> value;
  std::span<const HeaderView> headers;
  std::optional<TimeMs> timestamp;  // default: the simulated time of send()
};

struct RecordMetadata {
  std::string_view topic;  // valid during the callback only
  int32_t partition = -1;
  int64_t offset = -1;     // -1 with acks=0: the producer never hears back
  TimeMs timestamp = -1;   // CreateTime, or the broker's append time under LogAppendTime
  int32_t serialized_key_size = -1;
  int32_t serialized_value_size = -1;
};

// Called once per record when its batch completes: metadata on success, error otherwise.
using SendCallback = std::function<void(const RecordMetadata& metadata, const Error* error)>;

// A ProducerInterceptor (interceptor.classes): on_send sees each record as send() receives it, before
// partitioning; on_acknowledgement runs once per record, before the send's own callback, when its batch
// completed or when send() failed before queueing it (metadata then has partition -1). klab's
// interceptors observe: on_send cannot replace the record (Kafka's onSend may). Either hook may be empty.
struct ProducerInterceptor {
  std::function<void(const ProducerRecord& record)> on_send;
  std::function<void(const RecordMetadata& metadata, const Error* error)> on_acknowledgement;
};

}  // namespace klab
