// A Kafka producer on the simulated cluster. send() is asynchronous as in Java: the record joins a
// batch in the accumulator and the callback runs when the batch's produce request completes.
// Time only moves when someone runs the scheduler (flush(), send_and_wait(), a consumer poll,
// Cluster::advance), so records sent in one simulated instant share batches, as records sent in a
// tight loop share batches on a real producer whose sender thread is busy.
//
// Request timeline (network latency L one way, per ClusterOptions::network_latency_ms; transfer T
// = the request's bytes over ClusterOptions::network_bandwidth_mbps, 0 when unlimited):
//   batch sendable (full / linger.ms passed / flush) -> a ProduceRequest leaves once the link to
//   that broker is free -> +T +L the leader's Produce handler (kernel/broker/produce.cpp) appends ->
//   +L response arrives, callbacks run. The network is the BrokerService's (broker_service.hpp),
//   the one every in-process request crosses. Requests to one broker share its link, so they queue
//   behind each other's transfer. acks=0 completes when the request leaves (offset -1).
// Memory: batches take buffer.memory; send() blocks in simulated time while it is used up and
// fails after max.block.ms (see send()).
// No response within request.timeout.ms of leaving -> REQUEST_TIMED_OUT (retriable) and a metadata
// refresh, as the Java client disconnects then. Requests go to the leader the producer's
// MetadataCache names, which can be stale (a zombie leader across a network partition).
#pragma once
#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/config.hpp"
#include "broker/broker_service.hpp"
#include "client/metadata_cache.hpp"
#include "client/partitioners.hpp"
#include "client/producer_metrics.hpp"
#include "client/record_accumulator.hpp"
#include "cluster/cluster.hpp"

namespace klab {

class Producer {
 public:
  // INVALID_CONFIG for a bad key or value.
  static Result<std::unique_ptr<Producer>> create(Cluster& cluster, const ConfigEntries& config,
                                                  CustomPartitioner custom_partitioner = nullptr);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues the record. Errors found before the record is queued (unknown topic, bad partition,
  // record too large) are returned here and the callback is not called. When buffer.memory has
  // no room for a new batch, runs the simulation until a request completes and frees some, for
  // at most max.block.ms; then REQUEST_TIMED_OUT (Kafka's BufferExhaustedException).
  Result<int32_t> send(const ProducerRecord& record, SendCallback callback = nullptr);
  // send() and then run the simulation until this record's batch completes (send().get() in Java).
  Result<RecordMetadata> send_and_wait(const ProducerRecord& record);
  // Sends everything buffered and runs the simulation until every request has completed.
  void flush();
  // interceptor.classes: called in order; an empty list costs send() nothing.
  void set_interceptors(std::vector<ProducerInterceptor> interceptors) { interceptors_ = std::move(interceptors); }

  const std::string& client_id() const { return client_id_; }
  bool idempotent() const { return idempotent_; }
  int64_t producer_id() const { return producer_id_; }
  const ConfigSet& config() const { return config_; }
  int32_t acks() const { return acks_; }
  std::size_t buffered_batches() const { return accumulator_.queued_batches() + in_flight_batches_; }
  // Kafka's producer-metrics, on the simulated clock (producer_metrics.hpp). The producer also
  // publishes them, with producer-topic-metrics, in its cluster's MetricsRegistry while it lives.
  std::vector<std::pair<std::string, double>> metrics() const { return metrics_.snapshot(cluster_.now()); }

 private:
  Producer(Cluster& cluster, ConfigSet config, CustomPartitioner custom_partitioner);
  static Status settle_idempotence(ConfigSet& config);
  Result<int32_t> send_queued(const ProducerRecord& record, SendCallback callback);
  Result<int32_t> choose_partition(const Topic& topic, const ProducerRecord& record);
  void assign_sequences(const std::vector<ProducerBatch*>& batches);
  bool retriable(const ProducerBatch& batch, const Error& error) const;
  // The accumulator's ordering gate (idempotent producers): a retried batch waits while a batch of
  // its partition with a lower sequence is still unacknowledged.
  bool waits_for_earlier_batch(const ProducerBatch& batch) const;
  int64_t retry_backoff(int32_t previous_attempts);
  // accumulator_.append, blocking while buffer.memory is used up (max.block.ms).
  Result<AppendResult> append_blocking(const Topic& topic, int32_t partition, const RecordInput& input,
                                       bool abort_on_new_batch);
  int64_t request_bytes(const std::vector<ProducerBatch*>& batches) const;
  void wake_sender_at(TimeMs when);
  void run_sender();
  // Sends a ProduceRequest to `leader`'s Produce handler across the simulated network.
  void send_request(BrokerId leader, std::vector<ProducerBatch*> batches);
  protocol::ProduceRequest build_request(const std::vector<ProducerBatch*>& batches, int32_t timeout_ms) const;
  std::vector<Result<AppendInfo>> read_response(const std::vector<ProducerBatch*>& batches,
                                                const broker::TypedReply& reply) const;
  // An attempt's outcome: retried when retriable and retries and delivery.timeout.ms allow, else final.
  void finish(ProducerBatch* batch, const Result<AppendInfo>& outcome);
  void complete(ProducerBatch* batch, const Result<AppendInfo>& outcome);

  Cluster& cluster_;
  ConfigSet config_;
  std::string client_id_;
  int32_t acks_;
  int64_t linger_ms_;
  int64_t max_request_size_;
  int64_t request_timeout_ms_;
  int64_t retries_;
  int64_t retry_backoff_ms_;
  int64_t retry_backoff_max_ms_;
  int64_t delivery_timeout_ms_;
  int64_t max_in_flight_;
  int64_t max_block_ms_;
  int64_t buffer_memory_;
  bool idempotent_;
  int64_t producer_id_;
  int16_t producer_epoch_ = 0;
  // A batch that failed for good leaves a gap in its partition's sequence numbers. As Kafka's
  // TransactionManager does for an idempotent producer (KIP-360), the producer then bumps its epoch,
  // and each partition starts again at sequence 0 under the new epoch once its in-flight batches of
  // the old epoch are answered.
  bool epoch_bump_required_ = false;
  struct Sequences {
    int32_t next = 0;
    int16_t epoch = 0;
  };
  std::map<std::pair<std::string, int32_t>, Sequences> next_sequence_;
  std::map<std::pair<std::string, int32_t>, std::set<int32_t>> unacknowledged_;
  std::map<BrokerId, int64_t> in_flight_requests_;
  ProducerMetrics metrics_;
  MetricsRegistry::SourceId metrics_source_ = 0;
  bool ignore_keys_;
  RecordAccumulator accumulator_;
  MetadataCache metadata_;
  LeaderOf leader_of_ = [this](const Topic& topic, int32_t partition) { return metadata_.leader(topic, partition); };
  CustomPartitioner custom_partitioner_;
  std::vector<ProducerInterceptor> interceptors_;
  broker::ClientEndpoint endpoint_;  // this producer's links to the brokers (broker_service.hpp)
  std::optional<RoundRobinPartitioner> round_robin_;
  std::optional<LibrdkafkaPartitioner> librdkafka_;
  std::optional<TimeMs> sender_wakeup_at_;
  Scheduler::EventId sender_wakeup_event_ = 0;
  std::size_t in_flight_batches_ = 0;
  // Events of this producer still on the scheduler hold this; they do nothing once it is false.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace klab
