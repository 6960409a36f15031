// The producer's buffer, shaped like Kafka's RecordAccumulator: per topic, a queue of batches per
// partition. A record joins the last batch of its partition's queue if it fits, else a new batch
// starts. Keyless records ask the topic's BuiltInPartitioner where to go and report the bytes
// they added, which is what moves the sticky partition on.
//
// A batch is sendable when it is full (or another batch queues behind it), when it has waited
// linger.ms, or while a flush is in progress. The sender drains, for each broker that leads a
// partition with a sendable batch, the first batch of every partition that broker leads.
// An idempotent producer adds an ordering gate (set_hold_back): a retried batch that is not the
// first of its partition still in flight waits, and so does everything else for that broker.
#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/built_in_partitioner.hpp"
#include "client/producer_types.hpp"
#include "log/record_batch.hpp"

namespace klab {

class Cluster;

struct ProducerBatch {
  struct Waiter {
    int32_t record_index;
    TimeMs timestamp;
    int32_t key_size;
    int32_t value_size;
    SendCallback callback;
  };
  std::string topic;
  int32_t partition = -1;
  RecordBatchBuilder builder;
  TimeMs created_ms = 0;
  bool closed = false;  // no more appends: it was full or is being sent
  int32_t attempts = 0;  // produce requests that carried it
  int32_t base_sequence = -1;  // idempotent producers: set when first drained
  TimeMs retry_at = 0;   // a retried batch waits its backoff
  BrokerId last_leader = -1;  // where its last attempt went
  TimeMs drained_ms = 0;  // when the sender last took it (record-queue-time)
  int32_t allocated_bytes = 0;  // its share of buffer.memory until it completes
  std::vector<Waiter> waiters;

  bool is_full() const { return closed || builder.is_full(); }
};

constexpr int32_t kUnknownPartition = -1;

struct AppendResult {
  bool abort_for_new_batch = false;  // a partitioner class must be asked again (Kafka 3.7 behaviour)
  bool buffer_exhausted = false;  // a new batch is needed and buffer.memory has no room: nothing appended
  bool new_batch_created = false;
  bool batch_is_full = false;  // the partition has a batch ready to go: wake the sender now
  ProducerBatch* batch = nullptr;
  int32_t record_index = 0;
};

// Who leads a partition, as the producer currently believes (its MetadataCache).
using LeaderOf = std::function<BrokerId(const Topic&, int32_t)>;
// Whether the first batch of a partition's queue must wait for earlier batches of that partition.
using HoldBack = std::function<bool(const ProducerBatch& first)>;

class RecordAccumulator {
 public:
  struct Options {
    int32_t batch_size = 16384;
    int64_t linger_ms = 0;
    bool adaptive_partitioning = true;
    CompressionType compression = CompressionType::None;
    CompressionLevel compression_level;
    int64_t buffer_memory = 33554432;
  };
  explicit RecordAccumulator(const Options& options)
      : batch_size_(options.batch_size), linger_ms_(options.linger_ms),
        adaptive_partitioning_(options.adaptive_partitioning), compression_(options.compression),
        compression_level_(options.compression_level), buffer_memory_(options.buffer_memory) {}

  // partition == kUnknownPartition: the built-in sticky partitioner decides.
  AppendResult append(const Topic& topic, int32_t partition, const RecordInput& record, TimeMs now, Rng& rng,
                      bool abort_on_new_batch);
  // Takes the batches to send now, grouped by leader broker (in broker id order). Also refreshes the
  // built-in partitioners' load statistics, as Kafka's ready() does.
  // Leaders in `busy` (at max.in.flight.requests.per.connection) are skipped.
  std::map<BrokerId, std::vector<ProducerBatch*>> drain(Cluster& cluster, const LeaderOf& leader_of, TimeMs now,
                                                        int64_t max_request_size,
                                                        const std::map<BrokerId, bool>& busy = {});
  // The earliest time something queued needs the sender: linger or retry backoff ending, or
  // delivery.timeout.ms expiring.
  std::optional<TimeMs> next_wakeup(TimeMs now, int64_t delivery_timeout_ms) const;
  bool has_sendable(const Cluster& cluster, const LeaderOf& leader_of, TimeMs now,
                    const std::map<BrokerId, bool>& busy = {}) const;
  // Kafka's RecordAccumulator.shouldStopDrainBatchesForPartition: while `hold_back` says so for the
  // first batch of a partition (its backoff over), nothing is drained for that partition's leader.
  // Kafka breaks out of the node's drain loop there and its drain index stays on that partition, so
  // every later round stops at it too until the earlier batch is answered; klab skips the rounds.
  void set_hold_back(HoldBack hold_back) { hold_back_ = std::move(hold_back); }
  // Puts a batch back at the head of its partition's queue, sendable again at retry_at.
  void reenqueue(ProducerBatch* batch, TimeMs retry_at);
  // Takes queued batches created delivery.timeout.ms ago or earlier.
  std::vector<ProducerBatch*> take_expired(TimeMs now, int64_t delivery_timeout_ms);
  void release(ProducerBatch* batch);  // back to the pool once its request completed
  void set_flushing(bool flushing) { flushing_ = flushing; }
  // Someone waits for buffer.memory: as Kafka's ready() then, every batch is sendable.
  void set_exhausted(bool exhausted) { exhausted_ = exhausted; }
  // Whether a new batch for `record` fits in buffer.memory now.
  bool has_memory_for(const RecordInput& record) const {
    return buffer_used_ + std::max(batch_size_, record_size_upper_bound(record)) <= buffer_memory_;
  }
  int64_t buffer_available_bytes() const { return buffer_memory_ - buffer_used_; }
  std::size_t queued_batches() const;
  // Takes every queued batch whose topic or partition no longer exists (deleted, or recreated
  // smaller); the producer fails them, as Kafka's producer eventually does.
  std::vector<ProducerBatch*> take_orphans(const Cluster& cluster);

 private:
  struct TopicQueues {
    std::map<int32_t, std::deque<ProducerBatch*>> by_partition;
    BuiltInPartitioner built_in;
    // Kafka's CompressionRatioEstimator for this topic and the producer's codec (Kafka keeps one
    // per JVM; klab one per producer, as it keeps no global state).
    float compression_ratio_estimate = 1.0f;
  };
  // Closes a drained batch: compresses it and feeds its real ratio back into the estimate.
  static void close_for_send(ProducerBatch& batch, TopicQueues& queues);
  bool sendable(const std::deque<ProducerBatch*>& queue, TimeMs now, BrokerId leader) const;
  bool held_back(const ProducerBatch& first) const { return hold_back_ && hold_back_(first); }
  // Leaders whose drain a held-back batch stops (empty without an ordering gate).
  std::set<BrokerId> held_leaders(const Cluster& cluster, const LeaderOf& leader_of, TimeMs now) const;
  // A retried batch waits out its backoff, unless its partition has a new leader by now (Kafka's
  // RecordAccumulator.shouldBackoff): a failover is retried at once.
  static bool backing_off(const ProducerBatch& batch, TimeMs now, BrokerId leader) {
    return batch.retry_at > now && batch.last_leader == leader;
  }
  static bool all_batches_full(const std::deque<ProducerBatch*>& queue) {
    return queue.empty() || queue.back()->is_full();
  }
  // Kafka's partitionChanged(): a switch held back while the last batch was open happens once it is full.
  static bool completed_held_back_switch(const Topic& topic, Rng& rng, TopicQueues& queues,
                                         const std::deque<ProducerBatch*>& queue, int32_t partition);
  ProducerBatch* new_batch();
  void update_load_stats(const Topic& topic, TopicQueues& queues);

  int32_t batch_size_;
  int64_t linger_ms_;
  bool adaptive_partitioning_;
  bool flushing_ = false;
  bool exhausted_ = false;
  CompressionType compression_;
  CompressionLevel compression_level_;
  int64_t buffer_memory_;
  int64_t buffer_used_ = 0;
  HoldBack hold_back_;  // empty: no ordering gate (a producer without idempotence)
  std::size_t queued_retries_ = 0;  // queued batches that were sent before (reenqueue)
  std::map<std::string, TopicQueues, std::less<>> topics_;
  std::vector<std::unique_ptr<ProducerBatch>> all_batches_;
  std::vector<ProducerBatch*> free_batches_;
};

}  // namespace klab
