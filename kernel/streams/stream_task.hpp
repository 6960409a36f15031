// A stream task: one sub-topology working on one partition of its source topics, with its own
// state stores (Kafka's StreamTask, task id "<sub-topology>_<partition>"). The runtime on the
// cluster (kafka_streams.hpp) and the test driver (topology_test_driver.hpp) both feed tasks
// records and receive what their sinks and stores write through a TaskOutput.
//
// Semantics worth knowing (Kafka 3.7, caching off: every update is forwarded):
//  - count/reduce/aggregate skip records with a null key or value; the result's timestamp is the
//    larger of the record's and the previous aggregate's. A count is Serdes.Long() bytes (8,
//    big-endian) in its store, its changelog and what it forwards; functions see its decimal text.
//  - Windowed aggregation: each record falls in every window [start, start+size) with start a
//    multiple of advance; a window is still open while its end > stream time - grace, where stream
//    time is the largest timestamp this processor has seen; records for closed windows are dropped.
//    The windowed key reads "[key@start/end]", as Kafka's Windowed#toString.
//  - A stream-table join looks the key up in the table's store as it is now; a record with a null
//    key or value is dropped by an inner join (a left join keeps a null key, KIP-962).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "streams/state_store.hpp"
#include "streams/topology.hpp"

namespace klab::streams {

class TaskOutput {
 public:
  virtual ~TaskOutput() = default;
  // A sink node's record (the node tells the topic and whether it is a repartition topic).
  virtual void send(const TopologyNode& sink, const StreamRecord& record) = 0;
  // A store update to log in the store's changelog, partition = the task's partition.
  virtual void log_change(const std::string& store, int32_t partition, const std::string& key, const Bytes& value,
                          TimeMs timestamp) = 0;
};

class StreamTask {
 public:
  StreamTask(const Topology& topology, int subtopology, int32_t partition, TaskOutput& output,
             const std::map<std::string, KeyValueStore>* global_stores);

  // Runs one record of `topic` through the sub-topology. Throws what a user function throws.
  void process(const std::string& topic, const StreamRecord& record);
  // The same, for a caller that already knows the source node reading the record's topic.
  void process_at(const TopologyNode& source, const StreamRecord& record) { forward(source, record); }
  // Puts a changelog record into a store without logging it again (restoration).
  void restore(const std::string& store, const std::string& key, const Bytes& value, TimeMs timestamp);

  int subtopology() const { return subtopology_; }
  int32_t partition() const { return partition_; }
  std::string id() const { return std::to_string(subtopology_) + "_" + std::to_string(partition_); }
  KeyValueStore* store(const std::string& name);
  const std::map<std::string, KeyValueStore>& stores() const { return stores_; }
  // Records dropped because their window had closed (Kafka's dropped-records-total).
  int64_t dropped_records() const { return dropped_records_; }

 private:
  void forward(const TopologyNode& from, const StreamRecord& record);
  // long_in: the record's value is Serdes.Long() bytes (its sender's long_values).
  void run(const TopologyNode& node, const StreamRecord& record, bool long_in);
  void aggregate(const TopologyNode& node, const StreamRecord& record, bool long_in);
  void window_aggregate(const TopologyNode& node, const StreamRecord& record, bool long_in);
  Bytes next_aggregate(const TopologyNode& node, const Bytes& key, const Bytes& value, const StoredValue* old,
                       bool long_in);
  void put_logged(const std::string& store, KeyValueStore& target, const std::string& key, const Bytes& value,
                  TimeMs timestamp);
  void stream_table_join(const TopologyNode& node, const StreamRecord& record, bool long_in);
  void stream_global_join(const TopologyNode& node, const StreamRecord& record, bool long_in);
  void table_table_join(const TopologyNode& node, const StreamRecord& record, bool long_in);
  KeyValueStore& store_of(const TopologyNode& node, const std::string& name);
  // The node's own store (node.store) and the store it joins against (node.other_store).
  KeyValueStore& own_store(const TopologyNode& node);
  KeyValueStore& other_store(const TopologyNode& node);

  const Topology& topology_;
  int subtopology_;
  int32_t partition_;
  TaskOutput& output_;
  const std::map<std::string, KeyValueStore>* global_stores_;
  std::map<std::string, KeyValueStore> stores_;
  // Per node id, its stores resolved once (map nodes are stable); null when the task lacks one.
  std::vector<KeyValueStore*> own_stores_;
  std::vector<KeyValueStore*> other_stores_;
  std::vector<TimeMs> stream_time_;  // per node: the largest timestamp it has seen (windows)
  int64_t dropped_records_ = 0;
};

}  // namespace klab::streams
