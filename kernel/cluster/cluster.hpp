// The simulated cluster: brokers, topics and their partition logs, one simulated clock and one
// seeded RNG. It is the single owner of all state; clients hold a reference and act through it.
// Same seed + same calls = same topic ids, replica placement, offsets and timings.
//
// Topic lifecycle: create_topic (validated: name rules, collisions, partition count, replication
// factor, configs) -> create_partitions (only grows) -> delete_topic. Producing to a missing topic
// creates it when auto.create.topics.enable is true (num.partitions, default.replication.factor).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "base/rng.hpp"
#include "base/scheduler.hpp"
#include "cluster/cluster_event.hpp"
#include "cluster/topic.hpp"
#include "metrics/metrics_registry.hpp"

namespace klab {

using ConfigEntries = std::vector<std::pair<std::string, ConfigInput>>;

struct ClusterOptions {
  int32_t brokers = 3;
  uint64_t seed = 42;
  ConfigEntries config;            // broker configs, applied to every broker
  int64_t network_latency_ms = 1;  // one way, client <-> broker
  // The client -> broker link's speed in megabits per second (1000 = gigabit Ethernet): a produce
  // request of B bytes occupies its producer's link to that broker for ceil(B * 8 / (mbps * 1000))
  // ms before the latency starts. 0 (default): unlimited, requests cost latency only.
  int64_t network_bandwidth_mbps = 0;
};

// One partition of a manual replica assignment (CreateTopics' `assignments`).
struct ManualPartitionAssignment {
  int32_t partition = 0;
  std::vector<BrokerId> brokers;  // the first live one leads
};

struct TopicSpec {
  std::optional<int32_t> partitions;          // default: num.partitions
  std::optional<int32_t> replication_factor;  // default: default.replication.factor
  ConfigEntries config;
  // CreateTopics' validate_only: every check runs, nothing is created and no RNG draw is made.
  bool validate_only = false;
  // When not empty, the replicas of every partition (partitions and replication_factor must then be
  // unset or -1); checked as Kafka's controller checks them (INVALID_REPLICA_ASSIGNMENT).
  std::vector<ManualPartitionAssignment> assignments = {};
};

struct Broker {
  BrokerId id = -1;
  bool alive = true;
  bool isolated = false;  // cut off from every other broker (clients still reach it)
  bool fenced = false;    // the controller fenced it after broker.session.timeout.ms without heartbeats
  uint64_t isolation_generation = 0;
};

// What one broker's retention check or log cleaner did to its replica of a partition.
struct LogMaintenanceReport {
  std::string topic;
  int32_t partition = 0;
  BrokerId broker = -1;
  int32_t segments_deleted = 0;  // retention
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int64_t log_start_offset = 0;  // after
  std::string reason;            // retention: "retention.ms", ...; cleaner: "dirty ratio 0.67", ...
  int64_t records_kept = 0;      // cleaner
  int64_t records_removed = 0;   // cleaner
  int64_t tombstones_removed = 0;
};

struct CreateTopicResult {
  std::vector<std::string> warnings;  // what kafka-topics.sh would print as WARNING
};

class Cluster {
 public:
  // INVALID_CONFIG for a bad broker config, INVALID_REQUEST for a broker count below 1.
  static Result<std::unique_ptr<Cluster>> create(const ClusterOptions& options);

  Scheduler& scheduler() { return scheduler_; }
  Rng& rng() { return rng_; }
  TimeMs now() const { return scheduler_.now(); }
  // Runs the simulation forward: every event due in the next `ms` milliseconds happens.
  void advance(int64_t ms) { scheduler_.run_until(scheduler_.now() + ms); }
  uint64_t seed() const { return seed_; }
  int64_t network_latency_ms() const { return network_latency_ms_; }
  int64_t network_bandwidth_mbps() const { return network_bandwidth_mbps_; }
  // Simulated ms `bytes` take to cross a client -> broker link (0 with unlimited bandwidth).
  int64_t transfer_ms(int64_t bytes) const {
    if (network_bandwidth_mbps_ <= 0) return 0;
    const int64_t bits_per_ms = network_bandwidth_mbps_ * 1000;
    return (bytes * 8 + bits_per_ms - 1) / bits_per_ms;
  }
  // The brokers' effective configs: the static ones (ClusterOptions) with the dynamic ones on top.
  const ConfigSet& broker_config() const { return broker_config_; }
  const ConfigSet& static_broker_config() const { return static_broker_config_; }
  const ConfigSet& dynamic_broker_config() const { return dynamic_broker_config_; }
  // Replaces the cluster-wide dynamic broker configs (Kafka's AlterConfigs on the default broker
  // resource) and re-applies every topic's effective log config, all or nothing. The caller checks
  // that each key is one Kafka lets change dynamically; validate_only changes nothing.
  Status set_dynamic_broker_config(const ConfigEntries& entries, bool validate_only = false);
  const std::vector<BrokerId>& broker_ids() const { return broker_ids_; }

  // Brokers and failures (controller.cpp). A stopped broker is fenced at once, as after a
  // controlled shutdown: it leaves every ISR and its leaderships move to in-sync replicas.
  const std::vector<Broker>& brokers() const { return brokers_; }
  bool broker_alive(BrokerId id) const;
  BrokerId controller() const { return controller_; }  // -1 when no broker is alive
  Status stop_broker(BrokerId id);
  Status start_broker(BrokerId id);
  // A network partition (network_partition.cpp): `id` can no longer talk to the other brokers or
  // the controller; clients still reach it. After broker.session.timeout.ms the controller fences
  // it; a fenced leader that does not know it is a zombie. heal() reconnects every isolated broker.
  Status isolate(BrokerId id);
  Status heal();
  bool isolated(BrokerId id) const;
  bool reachable(BrokerId from, BrokerId to) const;  // broker to broker
  // A broker that still believes it leads `partition` though the controller elected another.
  bool is_zombie_leader(const Partition& partition, BrokerId broker) const;
  // Moves leadership of each partition of `topic` to its preferred replica when that one is alive
  // and in sync (kafka-leader-election.sh --election-type preferred). Returns how many moved.
  Result<int32_t> elect_preferred_leaders(const std::string& topic);
  const std::vector<ClusterEvent>& events() const { return events_; }
  // Kafka's metric names with their values now (counters count since the start).
  std::vector<std::pair<std::string, int64_t>> metrics() const;
  // Every metric of this simulation (brokers, controller, clients) as Kafka groups and tags them.
  // The cluster's own source publishes each running broker's metrics (cluster_metrics.cpp).
  MetricsRegistry& metrics_registry() { return metrics_registry_; }
  const MetricsRegistry& metrics_registry() const { return metrics_registry_; }
  // A request `broker` served (kafka.network:type=RequestMetrics): RequestsPerSec, and TotalTimeMs
  // when the simulation times it. FetchConsumer and FetchFollower count under Fetch too.
  void record_request(BrokerId broker, RequestName name, std::optional<int64_t> total_time_ms = std::nullopt);
  // Bytes `broker` served to consumers from `topic` (BytesOutPerSec; replication is not counted).
  void record_bytes_out(BrokerId broker, Topic& topic, int64_t bytes);
  const BrokerMetrics& broker_metrics(BrokerId id) const { return broker_metrics_[static_cast<std::size_t>(id - 1)]; }
  int64_t latency_ms(BrokerId from, BrokerId to) const;
  // InitProducerId: a new producer id for an idempotent producer.
  int64_t allocate_producer_id() { return next_producer_id_++; }
  // Faults for retry exercises: the next request to `broker` is lost before the broker sees it, or
  // the broker handles it and its response is lost. Either way the client times out.
  Status drop_next_request(BrokerId broker);
  Status drop_next_response(BrokerId broker);
  bool take_dropped_request(BrokerId broker);
  bool take_dropped_response(BrokerId broker);
  Status set_latency(BrokerId from, BrokerId to, int64_t ms);

  Result<CreateTopicResult> create_topic(const std::string& name, const TopicSpec& spec);
  Status delete_topic(const std::string& name);
  Status create_partitions(const std::string& name, int32_t total_count);
  // Sets `entries` and removes the overrides named in `remove` (they read the broker default again),
  // all or nothing; validate_only runs every check and changes nothing.
  Status alter_topic_config(const std::string& name, const ConfigEntries& entries,
                            const std::vector<std::string>& remove = {}, bool validate_only = false);
  std::vector<std::string> topic_names() const;  // sorted
  Result<TopicDescription> describe_topic(const std::string& name) const;

  Topic* find_topic(std::string_view name);
  const Topic* find_topic(std::string_view name) const;
  // The topic a client produces to, created on first use when auto.create.topics.enable allows.
  Result<Topic*> topic_for_produce(std::string_view name);
  // Bumped whenever topics or partition counts change, so clients can cache lookups.
  uint64_t metadata_version() const { return metadata_version_; }

  // The leader appends a finished batch to partition `partition` of `topic` at the current time.
  // With acks=all (required_acks -1) NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas.
  Result<AppendInfo> append(Topic& topic, int32_t partition, std::string_view batch, int32_t required_acks = 1);
  // A produce request that reached `broker`: the leader appends; a zombie leader appends to its own
  // log (lost when it rejoins); any other broker answers NOT_LEADER_OR_FOLLOWER.
  Result<AppendInfo> append_at(BrokerId broker, Topic& topic, int32_t partition, std::string_view batch,
                               int32_t required_acks);
  // Calls `done` once the high watermark of the partition reaches `offset` (acks=all), with
  // NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR is below min.insync.replicas by then, or
  // REQUEST_TIMED_OUT after timeout_ms, or NOT_LEADER_OR_FOLLOWER if leadership moved.
  void await_high_watermark(const std::string& topic, int32_t partition, int64_t offset, int64_t timeout_ms,
                            std::function<void(const Error*)> done);

  // Retention (log_retention.cpp): every broker deletes what retention allows from its replicas,
  // checked every log.retention.check.interval.ms (at multiples of it on the simulated clock);
  // run_retention() runs one check on every live broker now.
  std::vector<LogMaintenanceReport> run_retention();
  // DeleteRecords (kafka-delete-records.sh): raises the log start offset of the partition to
  // `before_offset` (-1: the high watermark) and waits until the live replicas have it. Returns the
  // low watermark. OFFSET_OUT_OF_RANGE beyond the high watermark, POLICY_VIOLATION on a topic
  // whose cleanup.policy lacks delete.
  Result<int64_t> delete_records(const std::string& topic, int32_t partition, int64_t before_offset);
  // The log cleaner (log_cleaning.cpp): each live broker compacts its replicas of topics whose
  // cleanup.policy contains compact, looking every log.cleaner.backoff.ms; run_cleaner() runs one
  // pass of every broker's cleaner now (same rules: dirty ratio, compaction lags).
  std::vector<LogMaintenanceReport> run_cleaner();
  // One broker's copy of a partition's log (for dumps); nullptr if the broker holds no replica.
  const Replica* find_replica(const std::string& topic, int32_t partition, BrokerId broker) const;

  std::size_t memory_bytes() const;
  // A new client name when client.id is not set: `prefix`-n, numbered by the sequence named
  // `sequence` (default: the prefix's own), e.g. producer-1, consumer-orders-2.
  std::string next_client_id(std::string_view prefix, std::string_view sequence = {});

  // Hooks for broker-side services built in layers above this one (the group coordinator in
  // kernel/group): they add their own events to the timeline (stamped now), hear every event as it
  // is recorded (a listener must not change the cluster from inside the call: schedule instead),
  // and are owned by the cluster so every client of this cluster finds the same one.
  void record_service_event(std::string kind, std::string topic, int32_t partition, BrokerId broker,
                            std::string description, std::string group = {}, std::string client_id = {});
  void add_event_listener(std::function<void(const ClusterEvent&)> listener);
  // Heard whenever a partition's high watermark moves (a parked long-poll Fetch wakes on it). Like
  // event listeners, a listener only observes: it schedules whatever it wants done.
  using HighWatermarkListener = std::function<void(const std::string& topic, int32_t partition)>;
  uint64_t add_high_watermark_listener(HighWatermarkListener listener);
  void remove_high_watermark_listener(uint64_t id);
  struct Service {
    virtual ~Service() = default;
  };
  Service* find_service(std::string_view name) const;
  Service& add_service(std::string name, std::unique_ptr<Service> service);

 private:
  explicit Cluster(const ClusterOptions& options);
  LogConfig log_config_for(const Topic& topic) const;
  int64_t topic_config_long(const Topic& topic, std::string_view name) const;
  bool topic_config_bool(const Topic& topic, std::string_view name) const;
  void record_event(std::string kind, const Topic* topic, int32_t partition, BrokerId broker, std::string description);
  void notify_event_listeners();

  // Replication (replication.cpp).
  struct PendingAck {
    std::string topic;
    int32_t partition;
    int64_t offset;
    BrokerId leader;
    Scheduler::EventId timeout_event;
    std::function<void(const Error*)> done;
  };
  void start_follower(Topic& topic, Partition& partition, Replica& follower);
  void send_fetch(const std::string& topic, int32_t partition, BrokerId follower, uint64_t generation);
  void handle_fetch(const std::string& topic, int32_t partition, BrokerId follower, uint64_t generation,
                    int64_t fetch_offset);
  void answer_fetch(Topic& topic, Partition& partition, Replica& follower, uint64_t generation);
  void retry_fetch_later(const std::string& topic, int32_t partition, BrokerId follower, uint64_t generation);
  void on_leader_append(Topic& topic, Partition& partition);
  void update_follower_fetch_state(Topic& topic, Partition& partition, Replica& follower, int64_t fetch_offset);
  void maybe_expand_isr(Topic& topic, Partition& partition, Replica& follower);
  bool maybe_advance_high_watermark(Topic& topic, Partition& partition);
  void complete_pending_acks(const std::string& topic, int32_t partition);
  void schedule_isr_check();
  void check_isr_lag();
  void set_isr(Topic& topic, Partition& partition, std::vector<BrokerId> isr, const char* why);
  // Elections and broker lifecycle (controller.cpp).
  void elect_leader(Topic& topic, Partition& partition, BrokerId leader, bool unclean);
  void become_follower(Topic& topic, Partition& partition, Replica& replica);
  void truncate_diverged(Topic& topic, Partition& partition, Replica& follower);
  void truncate_replica(Topic& topic, Partition& partition, Replica& follower, int64_t truncate_at);
  void choose_controller();
  // auto.leader.rebalance.enable (leader_balance.cpp).
  void maybe_schedule_leader_balance();
  void balance_leaders();
  Result<AppendInfo> append_to_replica(Topic& topic, Partition& partition, Replica& leader, int32_t epoch,
                                       std::size_t isr_size, std::string_view batch, int32_t required_acks);
  bool can_reach_controller(BrokerId broker) const;
  // The controller takes `id` out of every ISR and moves its leaderships (stop or fence).
  void remove_broker_from_partitions(BrokerId id, const char* why);
  void fence_broker(BrokerId id, uint64_t isolation_generation);
  Broker* find_broker(BrokerId id);
  // Broker metrics (cluster_metrics.cpp).
  BrokerMetrics& broker_metrics(BrokerId id) { return broker_metrics_[static_cast<std::size_t>(id - 1)]; }
  BrokerTopicMeters& topic_meters(Topic& topic, BrokerId broker);
  void mark_bytes_in(Topic& topic, BrokerId broker, int64_t bytes, int64_t messages);
  void reset_broker_metrics(BrokerId id);
  void publish_metrics(TimeMs now, std::vector<MetricSample>& out) const;
  ConfigValue effective_topic_config(const Topic& topic, const ConfigDef& def, ConfigSource& source) const;
  // Kafka's cross-key checks of a topic's effective configs (min.compaction.lag.ms <= max...).
  Status validate_log_config(const Topic& topic) const;
  void apply_topic_config(Topic& topic);
  // INVALID_RECORD for a keyless record sent to a compacted topic (Kafka's LogValidator).
  Status validate_records_for(const Topic& topic, const Partition& partition, RecordBatchView batch) const;

  // Log maintenance timers: one pending retention check and one cleaner wake-up, armed for the
  // earliest time some replica could have work (so an idle cluster schedules nothing).
  void note_log_activity(Topic& topic, Partition& partition);
  void arm_retention_check(TimeMs due);
  void arm_cleaner(TimeMs due);
  std::vector<LogMaintenanceReport> retention_pass();
  std::vector<LogMaintenanceReport> cleaner_pass();
  void rearm_log_maintenance();
  void wake_parked_followers(Topic& topic, Partition& partition);
  struct PendingCheck {
    TimeMs at;
    Scheduler::EventId event;
  };
  std::optional<PendingCheck> retention_check_, cleaner_check_;

  uint64_t seed_;
  Scheduler scheduler_;
  Rng rng_;
  ConfigSet broker_config_{broker_config_catalog()};
  ConfigSet static_broker_config_{broker_config_catalog()}, dynamic_broker_config_{broker_config_catalog()};
  std::vector<BrokerId> broker_ids_;
  int64_t network_latency_ms_;
  int64_t network_bandwidth_mbps_;
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  uint64_t metadata_version_ = 0;
  std::map<std::string, int, std::less<>> client_counters_;
  std::vector<Broker> brokers_;
  BrokerId controller_ = -1;
  std::map<std::pair<BrokerId, BrokerId>, int64_t> link_latency_ms_;
  std::vector<ClusterEvent> events_;
  MetricsRegistry metrics_registry_;
  std::vector<BrokerMetrics> broker_metrics_;  // by broker id - 1
  std::map<uint64_t, PendingAck> pending_acks_;
  uint64_t next_pending_ack_id_ = 0;
  std::optional<TimeMs> isr_check_at_;
  int64_t next_producer_id_ = 0;
  std::map<BrokerId, int32_t> dropped_requests_, dropped_responses_;
  bool leader_balance_scheduled_ = false;
  int64_t retention_check_interval_ms_ = 300000;  // log.retention.check.interval.ms
  bool log_cleaner_enabled_ = true;               // log.cleaner.enable
  int64_t isr_shrinks_ = 0, isr_expands_ = 0, leader_elections_ = 0, unclean_elections_ = 0;
  std::vector<std::function<void(const ClusterEvent&)>> event_listeners_;
  std::map<uint64_t, HighWatermarkListener> high_watermark_listeners_;
  uint64_t next_high_watermark_listener_ = 1;
  // Last, so services go first on destruction, while the scheduler and topics they use still exist.
  std::map<std::string, std::unique_ptr<Service>, std::less<>> services_;
};

}  // namespace klab
