// What flows through a Kafka Streams topology in klab, and the functions a topology is made of.
// Keys and values are strings that may be null (Kafka's String serde), so every operation reads the
// same in C++ and in Lua. A count is the exception: Kafka's Long serde, 8 bytes big-endian, on
// its topics and in its store (long_serde.hpp); a function is handed its decimal text.
//
// A user function may throw (a Lua function that raised, in the REPL): the task running it fails
// and the application goes to ERROR with that message, as a Kafka Streams application whose
// processor threw a StreamsException does; the cluster goes on.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/scheduler.hpp"

namespace klab::streams {

using Bytes = std::optional<std::string>;  // a nullable key or value

struct KeyValue {
  Bytes key;
  Bytes value;
};

struct StreamRecord {
  Bytes key;
  Bytes value;
  TimeMs timestamp = 0;
};

using Predicate = std::function<bool(const Bytes& key, const Bytes& value)>;
using KeyValueMapper = std::function<KeyValue(const Bytes& key, const Bytes& value)>;
using ValueMapper = std::function<Bytes(const Bytes& key, const Bytes& value)>;  // map_values (key read-only)
using FlatKeyValueMapper = std::function<std::vector<KeyValue>(const Bytes& key, const Bytes& value)>;
using FlatValueMapper = std::function<std::vector<Bytes>(const Bytes& key, const Bytes& value)>;
using KeySelector = std::function<Bytes(const Bytes& key, const Bytes& value)>;
using ForeachAction = std::function<void(const Bytes& key, const Bytes& value)>;
using Initializer = std::function<Bytes()>;
using Aggregator = std::function<Bytes(const Bytes& key, const Bytes& value, const Bytes& aggregate)>;
using Reducer = std::function<Bytes(const Bytes& aggregate, const Bytes& value)>;
// join: left is the stream's (or this table's) value, right the other side's (null in a left or
// outer join when it has none).
using ValueJoiner = std::function<Bytes(const Bytes& left, const Bytes& right)>;

// Kafka's TimeWindows: windows of size_ms starting every advance_ms (tumbling when equal), aligned
// to the epoch; a record is accepted while stream time - grace_ms < its window's end.
struct TimeWindows {
  int64_t size_ms = 0;
  int64_t advance_ms = 0;
  int64_t grace_ms = 0;
};

// A topology that cannot run (Kafka's TopologyException, MissingSourceTopicException).
class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace klab::streams
