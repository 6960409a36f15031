// A record inside Connect (Kafka's ConnectRecord, SinkRecord and SourceRecord in one): converted key
// and value, the Kafka coordinates it came from (sink) or the source position it stands for (source).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/scheduler.hpp"
#include "connect/connect_data.hpp"

namespace klab::connect {

struct ConnectRecord {
  std::string topic;
  std::optional<int32_t> partition;  // sink: where it was read; source: nullopt lets the partitioner pick
  int64_t offset = -1;               // sink only
  std::optional<TimeMs> timestamp;
  SchemaAndValue key{std::nullopt, nullptr};
  SchemaAndValue value{std::nullopt, nullptr};
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  // Source only: which source stream (e.g. {"filename":"in.txt"}) and how far this record brings it
  // (e.g. {"position":42}); the worker stores the latest offset per partition.
  Json source_partition;
  Json source_offset;
};

// What a running task may report about itself besides records.
struct TaskContext {
  std::string connector;
  int32_t task_id = 0;
};

// The work of a sink task (SinkTask.put / flush / stop). A returned Failure kills the task, as an
// exception from put() does in Kafka (errors.tolerance does not cover put).
class SinkTaskLogic {
 public:
  virtual ~SinkTaskLogic() = default;
  virtual std::optional<Failure> start() { return std::nullopt; }
  virtual std::optional<Failure> put(const std::vector<ConnectRecord>& records) = 0;
  virtual std::optional<Failure> flush() { return std::nullopt; }
  virtual void stop() {}
};

// The work of a source task (SourceTask.poll). `offsets` is the stored offset for each source
// partition the task asked about at start (start receives the store's lookup).
class SourceTaskLogic {
 public:
  virtual ~SourceTaskLogic() = default;
  using OffsetLookup = std::function<std::optional<Json>(const Json& source_partition)>;
  virtual std::optional<Failure> start(const OffsetLookup& lookup) = 0;
  virtual Attempt<std::vector<ConnectRecord>> poll() = 0;
  // How long to wait before the next poll when this one returned nothing (Kafka's FileStreamSource
  // waits one second).
  virtual int64_t idle_wait_ms() const { return 1000; }
  virtual void stop() {}
};

}  // namespace klab::connect
