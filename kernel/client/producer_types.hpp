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

}  // namespace klab
