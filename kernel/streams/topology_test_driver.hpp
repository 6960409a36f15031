// A test driver in the spirit of Kafka's TopologyTestDriver: runs a topology without a cluster.
// pipe_input() feeds one record to the task reading its topic and processes everything it causes
// before returning (records written to repartition topics are read back at once, in order);
// read_output() drains what sinks wrote to a topic; store() shows a store's contents. Every topic
// has one partition (0), so there is one task per sub-topology.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "streams/stream_task.hpp"

namespace klab::streams {

struct TestRecord {
  std::string topic;
  Bytes key;
  Bytes value;
  TimeMs timestamp = 0;
  bool long_value = false;  // the value is Serdes.Long() bytes (the sink writes a count)
};

class TopologyTestDriver : public TaskOutput {
 public:
  // INVALID_CONFIG for a topology with a cycle (see Topology::find_cycle). The driver stays where it
  // was made: its tasks keep a reference to it.
  static Result<std::unique_ptr<TopologyTestDriver>> create(std::shared_ptr<const Topology> topology);
  TopologyTestDriver(const TopologyTestDriver&) = delete;
  TopologyTestDriver& operator=(const TopologyTestDriver&) = delete;

  // UNKNOWN_TOPIC_OR_PARTITION when no source reads `topic`. Without a timestamp the record takes
  // the previous one's (0 at first). A user function's exception propagates.
  Status pipe_input(const std::string& topic, const Bytes& key, const Bytes& value,
                    std::optional<TimeMs> timestamp = std::nullopt);
  // The records written to `topic` since the last read, oldest first.
  std::vector<TestRecord> read_output(const std::string& topic);
  // A store's rows sorted by key; nullopt when no store has that name.
  std::optional<std::vector<std::pair<std::string, std::string>>> store(const std::string& name) const;
  // Changelog records written so far, per store.
  int64_t changelog_records(const std::string& store) const;
  int64_t dropped_records() const;
  const Topology& topology() const { return *topology_; }

 private:
  explicit TopologyTestDriver(std::shared_ptr<const Topology> topology);
  void send(const TopologyNode& sink, const StreamRecord& record) override;
  void log_change(const std::string& store, int32_t partition, const std::string& key, const Bytes& value,
                  TimeMs timestamp) override;
  void deliver(int source, const StreamRecord& record);
  // Where a sink's records go, settled at its first record: the output kept for read_output, and the
  // source node reading the topic back (-1 when no source reads it).
  struct SinkRoute {
    std::deque<TestRecord>* output = nullptr;
    int reader = -1;
  };
  SinkRoute& route_of(const TopologyNode& sink);

  std::shared_ptr<const Topology> topology_;
  std::map<std::string, KeyValueStore> global_stores_;
  std::vector<std::unique_ptr<StreamTask>> tasks_;  // by sub-topology id (null for global ones)
  std::map<std::string, std::deque<TestRecord>> outputs_;
  std::deque<std::pair<int, StreamRecord>> pending_;  // records not yet read back, by the source reading them
  std::vector<SinkRoute> routes_;                     // by sink node id
  std::map<std::string, int64_t> changelog_counts_;
  TimeMs last_timestamp_ = 0;
};

}  // namespace klab::streams
