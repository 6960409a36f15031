// The stream thread of a klab Kafka Streams instance: clients, rebalances, the processing loop and
// at-least-once commits. Topic checks and internal topics are in streams_topics.cpp, restoration
// in streams_restore.cpp.
#include "streams/kafka_streams.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "cluster/uuid.hpp"

namespace klab::streams {

std::string_view streams_state_name(StreamsState state) {
  switch (state) {
    case StreamsState::Created: return "CREATED";
    case StreamsState::Rebalancing: return "REBALANCING";
    case StreamsState::Running: return "RUNNING";
    case StreamsState::PendingShutdown: return "PENDING_SHUTDOWN";
    case StreamsState::NotRunning: return "NOT_RUNNING";
    case StreamsState::Error: return "ERROR";
  }
  return "?";
}

Result<std::unique_ptr<KafkaStreams>> KafkaStreams::create(Cluster& cluster, std::shared_ptr<const Topology> topology,
                                                           const ConfigEntries& config) {
  ConfigSet set(streams_config_catalog());
  if (Status status = set.set_all(config); !status) return status.error();
  if (set.get_string("application.id").empty())
    return make_error(ErrorCode::INVALID_CONFIG,
                      "Missing required configuration \"application.id\" which has no default value.");
  return std::unique_ptr<KafkaStreams>(new KafkaStreams(cluster, std::move(topology), std::move(set)));
}

KafkaStreams::KafkaStreams(Cluster& cluster, std::shared_ptr<const Topology> topology, ConfigSet config)
    : cluster_(cluster), topology_(std::move(topology)), config_(std::move(config)) {
  application_id_ = config_.get_string("application.id");
  client_id_ = config_.get_string("client.id");
  // Kafka's default client.id is <application.id>-<process UUID>; the UUID comes from the seeded RNG.
  if (client_id_.empty()) client_id_ = application_id_ + "-" + Uuid::random(cluster_.rng()).to_java_string();
}

KafkaStreams::~KafkaStreams() { *alive_ = false; }

std::string KafkaStreams::cluster_topic(const std::string& topology_topic) const {
  return topology_->is_internal_topic(topology_topic) ? application_id_ + "-" + topology_topic : topology_topic;
}

void KafkaStreams::write_log(std::string text) {
  log_.push_back(StreamsLogLine{cluster_.now(), std::move(text)});
  cluster_.record_service_event("StreamsLog", "", -1, -1, fmt::format("stream-client [{}] {}", client_id_, log_.back().text));
  if (log_listener_) log_listener_(log_.back());
}

void KafkaStreams::fail(std::string message) {
  if (state_ == StreamsState::Error) return;
  error_message_ = std::move(message);
  write_log(fmt::format("State transition from {} to ERROR: {}", streams_state_name(state_), error_message_));
  state_ = StreamsState::Error;
  // The stream thread dies: its consumer leaves the group so the other instances take over.
  if (consumer_ && !consumer_->closed()) (void)consumer_->close();
}

Status KafkaStreams::start() {
  if (state_ != StreamsState::Created)
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("IllegalStateException: Stream-client {}: Unexpected state transition from {} to "
                                  "REBALANCING (start() works once; create a new application to start again)",
                                  client_id_, streams_state_name(state_)));
  if (const std::string guarantee = config_.get_string("processing.guarantee"); guarantee != "at_least_once")
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("processing.guarantee {} needs transactions, which klab does not simulate; use "
                                  "at_least_once",
                                  guarantee));
  if (Status checked = check_topics(); !checked) return checked;
  if (Status created = create_internal_topics(); !created) return created;
  if (Status clients = start_clients(); !clients) return clients;
  write_log("State transition from CREATED to REBALANCING");
  state_ = StreamsState::Rebalancing;
  next_commit_ms_ = cluster_.now() + config_.get_long("commit.interval.ms");
  schedule_tick();
  return ok_status();
}

Status KafkaStreams::start_clients() {
  ConfigEntries producer_config = {{"client.id", client_id_ + "-StreamThread-1-producer"},
                                   {"linger.ms", int64_t{100}}};  // Kafka Streams' producer default
  auto producer = Producer::create(cluster_, producer_config);
  if (!producer) return producer.error();
  producer_ = std::move(*producer);
  ConfigEntries consumer_config = {{"client.id", client_id_ + "-StreamThread-1-consumer"},
                                   {"group.id", application_id_},
                                   {"enable.auto.commit", false},
                                   {"auto.offset.reset", std::string("earliest")},
                                   {"max.poll.records", int64_t{1000}},
                                   // Range assignment hands one member the same partition of every
                                   // co-partitioned topic: whole tasks, as StreamsPartitionAssignor does.
                                   {"partition.assignment.strategy", std::string("range")}};
  RebalanceListener listener;
  std::weak_ptr<bool> alive = alive_;
  listener.on_assigned = [this, alive](const std::vector<TopicPartition>& partitions) {
    if (!alive.expired()) on_assigned(partitions);
  };
  listener.on_revoked = [this, alive](const std::vector<TopicPartition>& partitions) {
    if (!alive.expired()) on_revoked(partitions);
  };
  auto consumer = Consumer::create(cluster_, consumer_config, listener);
  if (!consumer) return consumer.error();
  consumer_ = std::move(*consumer);
  std::vector<std::string> topics;
  std::vector<TopicPartition> global_partitions;
  for (const SubTopology& sub : topology_->subtopologies()) {
    for (const std::string& topic : sub.source_topics) {
      std::string name = cluster_topic(topic);
      topology_topic_of_[name] = topic;
      if (!sub.global) {
        topics.push_back(name);
        continue;
      }
      const Topic* found = cluster_.find_topic(name);
      for (int32_t p = 0; p < found->partition_count(); ++p) global_partitions.push_back(TopicPartition{name, p});
    }
  }
  if (!topics.empty())
    if (Status subscribed = consumer_->subscribe(topics); !subscribed) return subscribed;
  if (!global_partitions.empty()) {
    auto global = Consumer::create(cluster_, {{"client.id", client_id_ + "-global-consumer"},
                                              {"auto.offset.reset", std::string("earliest")}});
    if (!global) return global.error();
    global_consumer_ = std::move(*global);
    if (Status assigned = global_consumer_->assign(global_partitions); !assigned) return assigned;
    for (const StoreSpec& store : topology_->stores())
      if (store.global) global_stores_[store.name];
    // Kafka bootstraps global stores before the stream thread starts: read every partition to its end.
    int64_t count = read_to_end(*global_consumer_, [&](const ConsumerRecord& record) { apply_global(record); });
    write_log(fmt::format("Finished bootstrapping global stores with a total number of {} records", count));
  }
  return ok_status();
}

void KafkaStreams::schedule_tick() {
  std::weak_ptr<bool> alive = alive_;
  cluster_.scheduler().schedule_after(std::max<int64_t>(1, config_.get_long("poll.ms")), [this, alive] {
    if (!alive.expired()) tick();
  });
}

void KafkaStreams::tick() {
  if (state_ != StreamsState::Rebalancing && state_ != StreamsState::Running) return;
  try {
    if (global_consumer_) poll_global();
    for (int round = 0; round < 1000 && state_ != StreamsState::Error; ++round) {
      Result<std::size_t> polled = consumer_->poll(0, polled_);
      if (!polled) {
        fail(fmt::format("the stream thread's consumer failed: {}", polled.error().message));
        return;
      }
      if (*polled == 0) break;
      process_polled(polled_);
    }
    if (state_ == StreamsState::Rebalancing && consumer_->member_state() == MemberState::Stable) {
      write_log("State transition from REBALANCING to RUNNING");
      state_ = StreamsState::Running;
    }
    maybe_commit(false);
  } catch (const std::exception& error) {
    fail(error.what());
  }
  if (state_ == StreamsState::Rebalancing || state_ == StreamsState::Running) schedule_tick();
}

void KafkaStreams::process_polled(const std::vector<ConsumerRecord>& records) {
  // Per task, a queue per input partition; each step takes the head with the smallest timestamp,
  // as Kafka's PartitionGroup picks the next record of a task.
  std::map<TaskKey, std::map<TopicPartition, std::deque<const ConsumerRecord*>>> queues;
  for (const ConsumerRecord& record : records) {
    const std::string& topic = topology_topic_of_[std::string(record.topic)];
    int sub = topology_->subtopology_of(topology_->source_for(topic));
    queues[{sub, record.partition}][TopicPartition{std::string(record.topic), record.partition}].push_back(&record);
  }
  for (auto& [key, partitions] : queues) {
    auto task = tasks_.find(key);
    if (task == tasks_.end()) continue;  // revoked meanwhile
    while (true) {
      std::deque<const ConsumerRecord*>* next = nullptr;
      const TopicPartition* next_partition = nullptr;
      for (auto& [partition, queue] : partitions)
        if (!queue.empty() && (!next || queue.front()->timestamp < next->front()->timestamp)) {
          next = &queue;
          next_partition = &partition;
        }
      if (!next) break;
      const ConsumerRecord& record = *next->front();
      next->pop_front();
      StreamRecord input{record.key ? Bytes(std::string(*record.key)) : std::nullopt,
                         record.value ? Bytes(std::string(*record.value)) : std::nullopt, record.timestamp};
      try {
        task->second->process(topology_topic_of_[next_partition->topic], input);
      } catch (const std::exception& error) {
        throw std::runtime_error(fmt::format("task [{}] failed to process record {} offset {}: {}", task->second->id(),
                                             next_partition->to_string(), record.offset, error.what()));
      }
      processed_offsets_[*next_partition] = record.offset + 1;
      ++processed_records_;
    }
  }
}

void KafkaStreams::maybe_commit(bool force) {
  if (!force && cluster_.now() < next_commit_ms_) return;
  // at_least_once: commit only once everything produced so far is acknowledged; else try next round.
  if (unacknowledged_sends_ > 0 || processed_offsets_.empty()) return;
  std::map<TopicPartition, OffsetAndMetadata> offsets;
  for (const auto& [partition, offset] : processed_offsets_) offsets[partition] = OffsetAndMetadata{offset, "", -1};
  processed_offsets_.clear();
  consumer_->commit_async(offsets, nullptr);
  next_commit_ms_ = cluster_.now() + config_.get_long("commit.interval.ms");
}

void KafkaStreams::on_assigned(const std::vector<TopicPartition>& partitions) {
  std::set<TaskKey> created;
  for (const TopicPartition& partition : partitions) {
    auto it = topology_topic_of_.find(partition.topic);
    if (it == topology_topic_of_.end()) continue;
    TaskKey key{topology_->subtopology_of(topology_->source_for(it->second)), partition.partition};
    if (tasks_.count(key)) continue;
    if (auto kept = suspended_.find(key); kept != suspended_.end()) {
      tasks_[key] = std::move(kept->second);
      suspended_.erase(kept);
      continue;
    }
    tasks_[key] = std::make_unique<StreamTask>(*topology_, key.first, key.second, *this, &global_stores_);
    created.insert(key);
  }
  suspended_.clear();  // tasks now owned by another instance
  for (const TaskKey& key : created) restore(*tasks_[key]);
  std::vector<std::string> ids = task_ids();
  write_log(fmt::format("Assigned tasks [{}]", fmt::join(ids, ", ")));
}

void KafkaStreams::on_revoked(const std::vector<TopicPartition>& partitions) {
  // Kafka commits before giving tasks away, unless the thread died (ERROR) or is shutting down.
  if (state_ == StreamsState::Running || state_ == StreamsState::Rebalancing) maybe_commit(true);
  std::set<TaskKey> revoked;
  for (const TopicPartition& partition : partitions) {
    auto it = topology_topic_of_.find(partition.topic);
    if (it == topology_topic_of_.end()) continue;
    revoked.insert({topology_->subtopology_of(topology_->source_for(it->second)), partition.partition});
    processed_offsets_.erase(partition);
  }
  for (const TaskKey& key : revoked) {
    auto task = tasks_.find(key);
    if (task == tasks_.end()) continue;
    suspended_[key] = std::move(task->second);
    tasks_.erase(task);
  }
  if (!revoked.empty() && state_ == StreamsState::Running) {
    write_log("State transition from RUNNING to REBALANCING");
    state_ = StreamsState::Rebalancing;
  }
}

void KafkaStreams::send(const TopologyNode& sink, const StreamRecord& record) {
  produce(cluster_topic(sink.topics.front()), std::nullopt, record.key, record.value, record.timestamp);
}

void KafkaStreams::log_change(const std::string& store, int32_t partition, const std::string& key, const Bytes& value,
                              TimeMs timestamp) {
  produce(application_id_ + "-" + store + "-changelog", partition, Bytes(key), value, timestamp);
}

void KafkaStreams::produce(const std::string& topic, std::optional<int32_t> partition, const Bytes& key,
                           const Bytes& value, TimeMs timestamp) {
  ProducerRecord record;
  record.topic = topic;
  record.partition = partition;
  if (key) record.key = std::string_view(*key);
  if (value) record.value = std::string_view(*value);
  record.timestamp = timestamp;
  std::weak_ptr<bool> alive = alive_;
  ++unacknowledged_sends_;
  Result<int32_t> sent = producer_->send(record, [this, alive, topic](const RecordMetadata&, const Error* error) {
    if (alive.expired()) return;
    --unacknowledged_sends_;
    // Kafka's default production exception handler fails the task.
    if (error) fail(fmt::format("Error encountered sending record to topic {}: {}", topic, error->message));
  });
  if (!sent) {
    --unacknowledged_sends_;
    throw std::runtime_error(fmt::format("Error encountered sending record to topic {}: {}", topic, sent.error().message));
  }
}

Status KafkaStreams::close() {
  if (state_ == StreamsState::NotRunning) return ok_status();
  const bool was_running = state_ == StreamsState::Running || state_ == StreamsState::Rebalancing;
  write_log(fmt::format("State transition from {} to PENDING_SHUTDOWN", streams_state_name(state_)));
  state_ = StreamsState::PendingShutdown;
  if (was_running && producer_) {
    producer_->flush();
    maybe_commit(true);
  }
  if (consumer_ && !consumer_->closed()) (void)consumer_->close();
  if (producer_) producer_->flush();
  tasks_.clear();
  suspended_.clear();
  write_log("State transition from PENDING_SHUTDOWN to NOT_RUNNING");
  state_ = StreamsState::NotRunning;
  return ok_status();
}

std::optional<std::vector<std::pair<std::string, std::string>>> KafkaStreams::store(const std::string& name) const {
  if (auto global = global_stores_.find(name); global != global_stores_.end()) return global->second.sorted();
  const StoreSpec* spec = topology_->find_store(name);
  if (!spec) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [key, task] : tasks_)
    if (auto found = task->stores().find(name); found != task->stores().end()) {
      auto part = found->second.sorted();
      rows.insert(rows.end(), part.begin(), part.end());
    }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> KafkaStreams::task_ids() const {
  std::vector<std::string> ids;
  for (const auto& [key, task] : tasks_) ids.push_back(task->id());
  return ids;
}

int64_t KafkaStreams::dropped_records() const {
  int64_t total = 0;
  for (const auto& [key, task] : tasks_) total += task->dropped_records();
  return total;
}

}  // namespace klab::streams
