// A Kafka Streams application instance on the simulated cluster (Kafka's KafkaStreams with one
// stream thread). Instances with the same application.id form one consumer group and share the
// input partitions; each owns the tasks (sub-topology, partition) of the partitions it is assigned.
//
// Life cycle (Kafka's KafkaStreams.State):
//   CREATED --start()--> REBALANCING --tasks assigned--> RUNNING --rebalance--> REBALANCING ...
//   any --close()--> PENDING_SHUTDOWN --> NOT_RUNNING      any --a processor threw--> ERROR
//
// The stream thread is an event on the cluster's scheduler every poll.ms: poll (without waiting),
// process the records of each task in timestamp order across its partitions, send what sinks and
// stores write (to, repartition and changelog topics) through one producer, and every
// commit.interval.ms commit the processed offsets once every record sent before has been
// acknowledged (at_least_once). Time must run (c:advance, a poll, a flush) for it to work.
//
// start() checks what Kafka checks at its first rebalance and fails with its exception's name:
// source topics exist (MissingSourceTopicException), joined topics have as many partitions
// (TopologyException: Topics not co-partitioned), plus klab's own check that no sub-topology feeds
// its own input (a record loop). It creates the internal topics: `<application.id>-<name>-repartition`
// with as many partitions as the sub-topology writing it has tasks, and compacted
// `<application.id>-<store>-changelog`, one partition per task.
//
// Stores live in memory (Kafka's in-memory stores): a task that starts restores its stores by
// reading their changelog partitions from the beginning, and logs
// "Finished restoring changelog <topic-partition> to store <store> with a total number of N records".
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"
#include "cluster/cluster.hpp"
#include "streams/stream_task.hpp"

namespace klab::streams {

enum class StreamsState { Created, Rebalancing, Running, PendingShutdown, NotRunning, Error };
std::string_view streams_state_name(StreamsState state);

struct StreamsLogLine {
  TimeMs time = 0;
  std::string text;
};

class KafkaStreams : public TaskOutput {
 public:
  // INVALID_CONFIG for unknown keys, a missing application.id or an illegal value.
  static Result<std::unique_ptr<KafkaStreams>> create(Cluster& cluster, std::shared_ptr<const Topology> topology,
                                                      const ConfigEntries& config);
  ~KafkaStreams() override;
  KafkaStreams(const KafkaStreams&) = delete;
  KafkaStreams& operator=(const KafkaStreams&) = delete;

  Status start();
  // Commits what was processed (after flushing the producer), leaves the group, drops the local
  // state. A closed instance cannot start again: create a new one (it restores from the changelogs).
  Status close();

  StreamsState state() const { return state_; }
  // Why the application is in ERROR (a processor's exception, with the Lua traceback from the REPL).
  const std::string& error_message() const { return error_message_; }
  const std::string& application_id() const { return application_id_; }
  // client.id, or "<application.id>-<process id>" (java.util.UUID form) when it is not set.
  const std::string& client_id() const { return client_id_; }
  const Topology& topology() const { return *topology_; }
  // A store's rows across this instance's tasks (or the global store), sorted by key; nullopt for
  // an unknown store name.
  std::optional<std::vector<std::pair<std::string, std::string>>> store(const std::string& name) const;
  std::vector<std::string> task_ids() const;
  int64_t processed_records() const { return processed_records_; }
  int64_t dropped_records() const;
  const std::vector<StreamsLogLine>& log() const { return log_; }
  // Called with each log line as it happens (the REPL prints it).
  void set_log_listener(std::function<void(const StreamsLogLine&)> listener) { log_listener_ = std::move(listener); }
  // The cluster topic a topology topic maps to (internal topics get the application.id prefix).
  std::string cluster_topic(const std::string& topology_topic) const;

 private:
  using TaskKey = std::pair<int, int32_t>;  // sub-topology, partition
  KafkaStreams(Cluster& cluster, std::shared_ptr<const Topology> topology, ConfigSet config);
  Status check_topics();
  Status create_internal_topics();
  Status start_clients();
  void schedule_tick();
  void tick();
  void process_polled(const std::vector<ConsumerRecord>& records);
  void maybe_commit(bool force);
  void on_assigned(const std::vector<TopicPartition>& partitions);
  void on_revoked(const std::vector<TopicPartition>& partitions);
  void restore(StreamTask& task);
  // Polls `consumer` until every partition it is assigned is read to its high watermark.
  int64_t read_to_end(Consumer& consumer, const std::function<void(const ConsumerRecord&)>& apply);
  void poll_global();
  void apply_global(const ConsumerRecord& record);
  void fail(std::string message);
  void write_log(std::string text);
  void send(const TopologyNode& sink, const StreamRecord& record) override;
  void log_change(const std::string& store, int32_t partition, const std::string& key, const Bytes& value,
                  TimeMs timestamp) override;
  void produce(const std::string& topic, std::optional<int32_t> partition, const Bytes& key, const Bytes& value,
               TimeMs timestamp);

  Cluster& cluster_;
  std::shared_ptr<const Topology> topology_;
  ConfigSet config_;
  std::string application_id_;
  std::string client_id_;
  StreamsState state_ = StreamsState::Created;
  std::string error_message_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Consumer> restore_consumer_;
  std::unique_ptr<Consumer> global_consumer_;
  std::map<TaskKey, std::unique_ptr<StreamTask>> tasks_;
  // Tasks given up at the start of a rebalance, kept with their stores until the new assignment is
  // known: a task assigned back resumes without restoring (as Kafka suspends and resumes it); the
  // others are closed then.
  std::map<TaskKey, std::unique_ptr<StreamTask>> suspended_;
  std::map<std::string, KeyValueStore> global_stores_;
  std::map<std::string, std::string> topology_topic_of_;  // cluster topic -> topology topic
  std::map<std::string, int32_t> partitions_of_;          // internal topology topic -> partition count
  std::map<TopicPartition, int64_t> processed_offsets_;   // next offset to commit per input partition
  std::vector<ConsumerRecord> polled_;
  int64_t unacknowledged_sends_ = 0;
  TimeMs next_commit_ms_ = 0;
  int64_t processed_records_ = 0;
  std::vector<StreamsLogLine> log_;
  std::function<void(const StreamsLogLine&)> log_listener_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace klab::streams
