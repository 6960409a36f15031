#include "client/consumer.hpp"
#include "client/group_channel.hpp"

#include <algorithm>
#include <cassert>
#include <fmt/format.h>

#include "base/usage_error.hpp"

namespace klab {

std::string_view member_state_name(MemberState state) {
  switch (state) {
    case MemberState::Unjoined: return "UNJOINED";
    case MemberState::PreparingRebalance: return "PREPARING_REBALANCE";
    case MemberState::CompletingRebalance: return "COMPLETING_REBALANCE";
    case MemberState::Stable: return "STABLE";
  }
  return "UNKNOWN";
}

Result<std::unique_ptr<Consumer>> Consumer::create(Cluster& cluster, const ConfigEntries& config,
                                                   RebalanceListener listener) {
  ConfigSet set(consumer_config_catalog());
  if (Status status = set.set_all(config); !status) return status.error();
  if (set.is_set("group.instance.id") && set.get_string("group.instance.id").empty())
    return make_error(ErrorCode::INVALID_CONFIG, "group.instance.id cannot be empty");
  const auto& strategies = std::get<std::vector<std::string>>(set.get("partition.assignment.strategy"));
  if (strategies.empty())
    return make_error(ErrorCode::INVALID_CONFIG,
                      "Invalid value [] for configuration partition.assignment.strategy: at least one assignor is needed");
  // ConsumerConfig / Heartbeat checks of the Java client.
  const bool has_group = set.is_set("group.id") && !set.get_string("group.id").empty();
  if (!has_group && set.is_set("enable.auto.commit") && set.get_bool("enable.auto.commit"))
    return make_error(ErrorCode::INVALID_CONFIG,
                      "enable.auto.commit cannot be set to true when default group id (null) is used.");
  if (has_group && set.get_long("heartbeat.interval.ms") >= set.get_long("session.timeout.ms"))
    return make_error(ErrorCode::INVALID_CONFIG, "Heartbeat must be set lower than the session timeout");
  std::vector<group::AssignorKind> kinds;
  for (const std::string& name : strategies) {
    std::optional<group::AssignorKind> kind = group::assignor_from_name(name);
    if (!kind) return make_error(ErrorCode::INVALID_CONFIG, fmt::format("Class {} cannot be found", name));
    if (std::find(kinds.begin(), kinds.end(), *kind) != kinds.end())
      return make_error(ErrorCode::INVALID_CONFIG,
                        fmt::format("The assignor name: '{}' is used in more than one assignor.",
                                    group::assignor_name(*kind)));
    kinds.push_back(*kind);
  }
  std::unique_ptr<Consumer> consumer(new Consumer(cluster, std::move(set), std::move(listener)));
  consumer->assignors_ = std::move(kinds);
  return consumer;
}

namespace {

// Kafka's ConsumerConfig: without client.id a consumer is consumer-<group.id>-<group.instance.id>,
// or consumer-<group.id>-<n> from one sequence shared by every consumer ("consumer-null-1" when
// there is no group, as the Java client prints it).
std::string default_client_id(Cluster& cluster, const ConfigSet& config) {
  if (!config.get_string("client.id").empty()) return config.get_string("client.id");
  const std::string group = config.is_set("group.id") ? config.get_string("group.id") : "null";
  if (config.is_set("group.instance.id")) return "consumer-" + group + "-" + config.get_string("group.instance.id");
  return cluster.next_client_id("consumer-" + group, "consumer");
}

}  // namespace

Consumer::Consumer(Cluster& cluster, ConfigSet config, RebalanceListener listener)
    : cluster_(cluster),
      config_(std::move(config)),
      client_id_(default_client_id(cluster, config_)),
      max_poll_records_(config_.get_long("max.poll.records")),
      listener_(std::move(listener)),
      metrics_(MetricWindow{config_.get_long("metrics.sample.window.ms"),
                            static_cast<int32_t>(config_.get_long("metrics.num.samples"))}) {
  metrics_source_ = cluster_.metrics_registry().add_source(
      [this](TimeMs now, std::vector<MetricSample>& out) { publish_metrics(now, out); });
  group_channel_ = std::make_unique<GroupChannel>(cluster_, client_id_);
  if (config_.is_set("group.id")) group_id_ = config_.get_string("group.id");
  if (config_.is_set("group.instance.id")) group_instance_id_ = config_.get_string("group.instance.id");
  // Kafka starts the auto-commit timer when the consumer is created.
  next_auto_commit_ms_ = cluster_.now() + config_.get_long("auto.commit.interval.ms");
  last_poll_ms_ = cluster_.now();
}

Consumer::~Consumer() {
  *alive_ = false;
  stop_publishing_metrics();
}

void Consumer::stop_publishing_metrics() {
  cluster_.metrics_registry().remove_source(metrics_source_);
  metrics_source_ = 0;
}

void Consumer::forget_unassigned_metrics() {
  std::vector<ConsumerMetrics::PartitionKey> keys;
  for (const TopicPartition& tp : assigned_order_) keys.emplace_back(tp.topic, tp.partition);
  metrics_.retain(keys);
}

void Consumer::record_partition_fetch(const Assigned& state, const Partition& partition, Topic& topic, int64_t from,
                                      int64_t records, std::vector<BrokerId>& leaders) {
  const int64_t to = *state.position;
  int64_t bytes = 0;
  if (to > from)
    partition.log().read_batches(from, to, [&](const RecordBatchView& batch) {
      bytes += batch.size_bytes();
      return true;
    });
  metrics_.record_partition(cluster_.now(), topic.name, state.partition.partition, records, bytes,
                            std::max<int64_t>(0, partition.high_watermark() - to));
  if (!partition.online()) return;
  if (std::find(leaders.begin(), leaders.end(), partition.leader) == leaders.end()) leaders.push_back(partition.leader);
  if (bytes > 0) cluster_.record_bytes_out(partition.leader, topic, bytes);
}

void Consumer::ensure_open() const {
  if (closed_) throw UsageError("This consumer has already been closed.");
}

const Partition* Consumer::find_partition(const TopicPartition& tp) const {
  const Topic* topic = cluster_.find_topic(tp.topic);
  if (!topic || tp.partition < 0 || tp.partition >= topic->partition_count()) return nullptr;
  return topic->partitions[static_cast<std::size_t>(tp.partition)].get();
}

Status Consumer::assign(const std::vector<TopicPartition>& partitions) {
  ensure_open();
  if (!subscription_.empty()) throw UsageError("Subscription to topics, partitions and pattern are mutually exclusive");
  for (const TopicPartition& tp : partitions) {
    if (!find_partition(tp))
      return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                        fmt::format("Partition {} does not exist.", tp.to_string()));
  }
  std::vector<Assigned> states;
  std::vector<TopicPartition> order;
  for (const TopicPartition& tp : partitions) {
    if (std::find(order.begin(), order.end(), tp) != order.end()) continue;
    auto previous = std::find_if(states_.begin(), states_.end(), [&](const Assigned& a) { return a.partition == tp; });
    states.push_back(previous != states_.end() ? *previous : Assigned{tp, std::nullopt, Reset::None});
    order.push_back(tp);
  }
  states_ = std::move(states);
  assigned_order_ = std::move(order);
  next_start_ = 0;
  user_assigned_ = !assigned_order_.empty();
  forget_unassigned_metrics();
  return ok_status();
}

void Consumer::set_assignment(const std::vector<TopicPartition>& partitions, bool from_group) {
  std::vector<Assigned> states;
  for (const TopicPartition& tp : partitions) {
    auto previous = std::find_if(states_.begin(), states_.end(), [&](const Assigned& a) { return a.partition == tp; });
    if (previous != states_.end()) states.push_back(*previous);
    else states.push_back(Assigned{tp, std::nullopt, Reset::None, from_group});
  }
  states_ = std::move(states);
  assigned_order_ = partitions;
  next_start_ = 0;
  forget_unassigned_metrics();
}

Consumer::Assigned& Consumer::assigned(const TopicPartition& tp) {
  auto it = std::find_if(states_.begin(), states_.end(), [&](const Assigned& a) { return a.partition == tp; });
  if (it == states_.end()) throw UsageError(fmt::format("No current assignment for partition {}", tp.to_string()));
  return *it;
}

void Consumer::seek(const TopicPartition& tp, int64_t offset) {
  if (offset < 0) throw UsageError("seek offset must not be a negative number");
  Assigned& state = assigned(tp);
  state.position = offset;
  state.position_epoch = -1;
  state.pending_reset = Reset::None;
}

void Consumer::seek_to_beginning(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) {
    for (Assigned& state : states_) state.pending_reset = Reset::Earliest;
    return;
  }
  for (const TopicPartition& tp : partitions) assigned(tp).pending_reset = Reset::Earliest;
}

void Consumer::seek_to_end(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) {
    for (Assigned& state : states_) state.pending_reset = Reset::Latest;
    return;
  }
  for (const TopicPartition& tp : partitions) assigned(tp).pending_reset = Reset::Latest;
}

Status Consumer::resolve_position(Assigned& state) {
  const Partition* partition = find_partition(state.partition);
  if (!partition)
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Partition {} no longer exists.", state.partition.to_string()));
  const PartitionLog& log = partition->log();
  Reset reset = state.pending_reset;
  const std::string& policy = config_.get_string("auto.offset.reset");
  const Reset by_policy = policy == "earliest" ? Reset::Earliest : policy == "latest" ? Reset::Latest : Reset::None;
  if (reset == Reset::None && !state.position) {
    if (by_policy == Reset::None)
      return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                        fmt::format("Undefined offset with no reset policy for partitions: [{}] "
                                    "(NoOffsetForPartitionException; auto.offset.reset is none)",
                                    state.partition.to_string()));
    reset = by_policy;
  }
  if (reset == Reset::None && state.position && !log.check_fetch_offset(*state.position).ok()) {
    if (by_policy == Reset::None)
      return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                        fmt::format("Fetch position FetchPosition{{offset={}}} is out of range for partition {} "
                                    "(log start {}, log end {}; auto.offset.reset is none)",
                                    *state.position, state.partition.to_string(), log.log_start_offset(),
                                    log.log_end_offset()));
    reset = by_policy;
  }
  if (reset != Reset::None) state.position_epoch = -1;
  if (reset == Reset::Earliest) state.position = log.log_start_offset();
  if (reset == Reset::Latest) state.position = log.log_end_offset();
  state.pending_reset = Reset::None;
  return ok_status();
}

Result<int64_t> Consumer::position(const TopicPartition& tp) {
  ensure_open();
  Assigned& state = assigned(tp);
  if (state.awaiting_committed) {
    // As Kafka's position(): the committed offset is fetched first (default.api.timeout.ms).
    const TimeMs deadline = cluster_.now() + 60000;
    while (assigned(tp).awaiting_committed && cluster_.now() < deadline) {
      if (!coordinator_) ensure_coordinator_lookup();
      fetch_committed_positions();
      wait_for(std::min(deadline, cluster_.now() + config_.get_long("retry.backoff.ms")),
               [&] { return !assigned(tp).awaiting_committed; });
    }
    if (assigned(tp).awaiting_committed)
      return make_error(ErrorCode::REQUEST_TIMED_OUT,
                        fmt::format("Timeout of 60000ms expired before the position for partition {} could be determined",
                                    tp.to_string()));
  }
  if (Status resolved = resolve_position(state); !resolved) return resolved.error();
  return *state.position;
}

bool Consumer::has_data() const {
  for (const Assigned& state : states_) {
    const Partition* partition = find_partition(state.partition);
    if (!partition || state.awaiting_committed) continue;
    if (state.pending_reset != Reset::None || !state.position) return true;  // resolving may find data
    if (*state.position < partition->high_watermark()) return true;
  }
  return false;
}

Status Consumer::collect(std::vector<ConsumerRecord>& out) {
  // As Kafka's updateFetchPositions: every position is settled before anything is read, so a
  // partition without a valid position fails the poll without consuming from the others.
  for (Assigned& state : states_)
    if (!state.awaiting_committed)
      if (Status resolved = resolve_position(state); !resolved) return resolved;
  const std::size_t count = states_.size();
  std::vector<BrokerId> leaders;  // one fetch request to each
  for (std::size_t i = 0; i < count && static_cast<int64_t>(out.size()) < max_poll_records_; ++i) {
    Assigned& state = states_[(next_start_ + i) % count];
    if (state.awaiting_committed) continue;
    const Partition* partition = find_partition(state.partition);
    Topic* topic = cluster_.find_topic(state.partition.topic);
    const int64_t from = *state.position;
    const std::size_t records_before = out.size();
    int64_t next = *state.position;
    Status read = partition->log().read(next, partition->high_watermark(), decompressed_, [&](const RecordView& record) {
      out.push_back(ConsumerRecord{topic->name, state.partition.partition, record.offset, record.timestamp,
                                   record.timestamp_type, record.key, record.value, record.headers});
      next = record.offset + 1;
      return static_cast<int64_t>(out.size()) < max_poll_records_;
    });
    if (next != *state.position) {
      // The leader epoch of the last record read travels with the position into commits, as in Kafka.
      partition->log().read_batches(next - 1, next, [&](const RecordBatchView& batch) {
        state.position_epoch = batch.leader_epoch();
        return false;
      });
    }
    state.position = next;
    record_partition_fetch(state, *partition, *topic, from, static_cast<int64_t>(out.size() - records_before), leaders);
    // As the Java consumer: the records before the bad batch are returned first; the next poll
    // stops at it again until the application seeks past it.
    if (!read && out.empty())
      return make_error(ErrorCode::CORRUPT_MESSAGE,
                        fmt::format("Received exception when fetching the next record from {}. If needed, please seek "
                                    "past the record to continue consumption. ({})",
                                    state.partition.to_string(), read.error().message));
    if (!read) break;
  }
  for (BrokerId leader : leaders) {
    metrics_.record_fetch(cluster_.now());
    cluster_.record_request(leader, RequestName::FetchConsumer);
  }
  if (count > 0) next_start_ = (next_start_ + 1) % count;
  return ok_status();
}

Result<std::size_t> Consumer::poll(int64_t timeout_ms, std::vector<ConsumerRecord>& out) {
  Result<std::size_t> polled = poll_records(timeout_ms, out);
  if (polled && !out.empty())
    for (const ConsumerInterceptor& interceptor : interceptors_)
      if (interceptor.on_consume) interceptor.on_consume(out);
  return polled;
}

Result<std::size_t> Consumer::poll_records(int64_t timeout_ms, std::vector<ConsumerRecord>& out) {
  out.clear();
  ensure_open();
  decompressed_.clear();
  if (timeout_ms < 0) throw UsageError("Timeout must not be negative");
  if (!group_managed()) {
    if (states_.empty()) throw UsageError("Consumer is not subscribed to any topics or assigned any partitions");
    if (group_id_) {  // assign() with a group.id: commits as generation -1 (auto-commit, callbacks)
      run_completed_commit_callbacks();
      maybe_auto_commit_async();
    }
    if (Status collected = collect(out); !collected) return collected.error();
    if (!out.empty()) return out.size();
    const TimeMs deadline = cluster_.now() + timeout_ms;
    cluster_.scheduler().run_until(deadline, [this] { return has_data(); });
    if (Status collected = collect(out); !collected) return collected.error();
    return out.size();
  }
  // As KafkaConsumer.poll: settle the group (join, sync, committed offsets, auto-commit), fetch, and
  // while nothing came back wait for data or for the group to need attention, until the timeout.
  const TimeMs deadline = cluster_.now() + timeout_ms;
  TimeMs last_pass_ms = -1;
  int passes_at_this_ms = 0;
  while (true) {
    if (Status group = poll_group(); !group) return group.error();
    if (Status collected = collect(out); !collected) return collected.error();
    if (!out.empty() || cluster_.now() >= deadline) return out.size();
    // Each pass hands the group something new to do; many passes in one millisecond mean a bug.
    passes_at_this_ms = cluster_.now() == last_pass_ms ? passes_at_this_ms + 1 : 0;
    last_pass_ms = cluster_.now();
    assert(passes_at_this_ms < 10000);
    if (passes_at_this_ms >= 10000) return out.size();
    TimeMs wake = deadline;
    if (config_.get_bool("enable.auto.commit") && !states_.empty() && next_auto_commit_ms_ > cluster_.now())
      wake = std::min(wake, next_auto_commit_ms_);
    cluster_.scheduler().run_until(wake, [this] { return has_data() || group_needs_attention(); });
  }
}

}  // namespace klab