// Helpers for the replication tests (replication_*_test.cpp): find a partition and its replicas,
// move the clock to an exact time, read a replica's log as bytes or values, look up events and
// metrics. Everything here only reads cluster state or calls the public Cluster/Producer API.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace klab::test {

inline Partition& partition_of(Cluster& cluster, const std::string& topic, int32_t partition = 0) {
  Topic* found = cluster.find_topic(topic);
  REQUIRE(found != nullptr);
  REQUIRE(partition < found->partition_count());
  return *found->partitions[static_cast<std::size_t>(partition)];
}

// Runs every event due up to and including `time`; the clock ends at `time`.
inline void advance_to(Cluster& cluster, TimeMs time) {
  REQUIRE(time >= cluster.now());
  cluster.advance(time - cluster.now());
}

// The replicas other than the current leader, in assignment order.
inline std::vector<BrokerId> followers_of(const Partition& partition) {
  std::vector<BrokerId> out;
  for (BrokerId id : partition.replicas)
    if (id != partition.leader) out.push_back(id);
  return out;
}

// Makes every fetch answer from the leader to its followers take `ms` (fetch requests stay fast).
inline void slow_down_followers(Cluster& cluster, const Partition& partition, int64_t ms) {
  for (BrokerId follower : followers_of(partition)) REQUIRE(cluster.set_latency(partition.leader, follower, ms).ok());
}

// A replica's log, batch by batch, as the bytes on disk: two replicas agree when these are equal.
inline std::string log_bytes(const PartitionLog& log, int64_t upto = INT64_MAX) {
  std::string bytes;
  log.read_batches(log.log_start_offset(), upto, [&](const RecordBatchView& batch) {
    bytes.append(batch.bytes());
    return true;
  });
  return bytes;
}

inline std::string replica_bytes(const Partition& partition, BrokerId broker) {
  const Replica* replica = partition.replica_on(broker);
  REQUIRE(replica != nullptr);
  return log_bytes(replica->log);
}

// The values of a replica's records, in offset order, "a,b,c" (a null value reads "null").
inline std::string replica_values(const Partition& partition, BrokerId broker, int64_t upto = INT64_MAX) {
  const Replica* replica = partition.replica_on(broker);
  REQUIRE(replica != nullptr);
  std::string out;
  for (const StoredRecord& record : read_log(replica->log, 0, upto)) {
    if (!out.empty()) out += ",";
    out += record.value.value_or("null");
  }
  return out;
}

// What a read_uncommitted consumer may see: the leader's records below the high watermark.
inline std::string visible_values(const Partition& partition) {
  return replica_values(partition, partition.leader >= 0 ? partition.leader : partition.last_leader,
                        partition.high_watermark());
}

inline int64_t metric(const Cluster& cluster, std::string_view name) {
  for (const auto& [metric_name, value] : cluster.metrics())
    if (metric_name == name) return value;
  FAIL("no metric named " << name);
  return -1;
}

inline std::vector<ClusterEvent> events_of_kind(const Cluster& cluster, std::string_view kind) {
  std::vector<ClusterEvent> out;
  for (const ClusterEvent& event : cluster.events())
    if (event.kind == kind) out.push_back(event);
  return out;
}

// Produces one record to partition `partition` and runs the simulation until it is acknowledged.
inline Result<RecordMetadata> produce(Producer& producer, const std::string& topic, std::string_view value,
                                      int32_t partition = 0) {
  return producer.send_and_wait(ProducerRecord{.topic = topic, .partition = partition, .value = value});
}

// How and when one send completed, filled in by its callback (see send_tracked).
struct SendOutcome {
  bool done = false;
  std::optional<ErrorCode> error;
  int64_t offset = -1;
  TimeMs at = -1;
};

// send() of `value` to partition 0 of topic "t" with a callback that records the outcome.
inline std::shared_ptr<SendOutcome> send_tracked(Cluster& cluster, Producer& producer, std::string_view value) {
  auto outcome = std::make_shared<SendOutcome>();
  Cluster* clock = &cluster;
  REQUIRE(producer.send(ProducerRecord{.topic = "t", .partition = 0, .value = value},
                        [outcome, clock](const RecordMetadata& metadata, const Error* error) {
                          outcome->done = true;
                          outcome->at = clock->now();
                          outcome->offset = metadata.offset;
                          if (error) outcome->error = error->code;
                        })
              .ok());
  return outcome;
}

// A producer whose failures come back at once: no retries (and so no idempotence).
inline std::unique_ptr<Producer> make_producer_without_retries(Cluster& cluster, std::string acks) {
  return make_producer(cluster, {{"acks", str(std::move(acks))}, {"retries", num(0)}});
}

}  // namespace klab::test
