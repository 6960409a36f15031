#include "client/consumer.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "base/usage_error.hpp"

namespace klab {

Result<std::unique_ptr<Consumer>> Consumer::create(Cluster& cluster, const ConfigEntries& config) {
  ConfigSet set(consumer_config_catalog());
  if (Status status = set.set_all(config); !status) return status.error();
  return std::unique_ptr<Consumer>(new Consumer(cluster, std::move(set)));
}

Consumer::Consumer(Cluster& cluster, ConfigSet config)
    : cluster_(cluster),
      config_(std::move(config)),
      client_id_(config_.get_string("client.id").empty() ? cluster.next_client_id("consumer") : config_.get_string("client.id")),
      max_poll_records_(config_.get_long("max.poll.records")) {}

const Partition* Consumer::find_partition(const TopicPartition& tp) const {
  const Topic* topic = cluster_.find_topic(tp.topic);
  if (!topic || tp.partition < 0 || tp.partition >= topic->partition_count()) return nullptr;
  return topic->partitions[static_cast<std::size_t>(tp.partition)].get();
}

Status Consumer::assign(const std::vector<TopicPartition>& partitions) {
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
  return ok_status();
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
  if (reset == Reset::Earliest) state.position = log.log_start_offset();
  if (reset == Reset::Latest) state.position = log.log_end_offset();
  state.pending_reset = Reset::None;
  return ok_status();
}

Result<int64_t> Consumer::position(const TopicPartition& tp) {
  Assigned& state = assigned(tp);
  if (Status resolved = resolve_position(state); !resolved) return resolved.error();
  return *state.position;
}

bool Consumer::has_data() const {
  for (const Assigned& state : states_) {
    const Partition* partition = find_partition(state.partition);
    if (!partition) continue;
    if (state.pending_reset != Reset::None || !state.position) return true;  // resolving may find data
    if (*state.position < partition->high_watermark()) return true;
  }
  return false;
}

Status Consumer::collect(std::vector<ConsumerRecord>& out) {
  // As Kafka's updateFetchPositions: every position is settled before anything is read, so a
  // partition without a valid position fails the poll without consuming from the others.
  for (Assigned& state : states_)
    if (Status resolved = resolve_position(state); !resolved) return resolved;
  const std::size_t count = states_.size();
  for (std::size_t i = 0; i < count && static_cast<int64_t>(out.size()) < max_poll_records_; ++i) {
    Assigned& state = states_[(next_start_ + i) % count];
    const Partition* partition = find_partition(state.partition);
    const Topic* topic = cluster_.find_topic(state.partition.topic);
    int64_t next = *state.position;
    Status read = partition->log().read(next, partition->high_watermark(), decompressed_, [&](const RecordView& record) {
      out.push_back(ConsumerRecord{topic->name, state.partition.partition, record.offset, record.timestamp,
                                   record.timestamp_type, record.key, record.value, record.headers});
      next = record.offset + 1;
      return static_cast<int64_t>(out.size()) < max_poll_records_;
    });
    state.position = next;
    // As the Java consumer: the records before the bad batch are returned first; the next poll
    // stops at it again until the application seeks past it.
    if (!read && out.empty())
      return make_error(ErrorCode::CORRUPT_MESSAGE,
                        fmt::format("Received exception when fetching the next record from {}. If needed, please seek "
                                    "past the record to continue consumption. ({})",
                                    state.partition.to_string(), read.error().message));
    if (!read) break;
  }
  if (count > 0) next_start_ = (next_start_ + 1) % count;
  return ok_status();
}

Result<std::size_t> Consumer::poll(int64_t timeout_ms, std::vector<ConsumerRecord>& out) {
  out.clear();
  decompressed_.clear();
  if (states_.empty()) throw UsageError("Consumer is not subscribed to any topics or assigned any partitions");
  if (timeout_ms < 0) throw UsageError("Timeout must not be negative");
  if (Status collected = collect(out); !collected) return collected.error();
  if (!out.empty()) return out.size();
  const TimeMs deadline = cluster_.now() + timeout_ms;
  cluster_.scheduler().run_until(deadline, [this] { return has_data(); });
  if (Status collected = collect(out); !collected) return collected.error();
  return out.size();
}

}  // namespace klab
