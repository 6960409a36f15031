// Retention on every replica, and DeleteRecords. Each broker applies retention to its own copy of a
// partition with its own high watermark (log/log_retention.hpp has the rules), so followers delete
// too, and a follower raises its log start offset to the leader's when a fetch tells it (which is
// how kafka-delete-records.sh reaches the followers).
//
// Timers: instead of a check every log.retention.check.interval.ms forever, one check is pending
// for the earliest multiple of that interval at which some replica could delete something (an
// expiring segment, a partition over retention.bytes, a raised log start offset). Appends, high
// watermark moves and config changes re-arm it. The checks that do happen happen at the same
// times as the periodic ones; an idle cluster has no pending event.
#include <algorithm>
#include <fmt/format.h>

#include "cluster/cluster.hpp"
#include "log/log_cleaner.hpp"
#include "log/log_retention.hpp"

namespace klab {
namespace {

// The first multiple of `interval` at or after `due` that lies after `now`.
TimeMs next_tick(TimeMs due, TimeMs now, int64_t interval) {
  const TimeMs at = std::max(due, now + 1);
  if (at > INT64_MAX - interval) return INT64_MAX;
  return (at + interval - 1) / interval * interval;
}

}  // namespace

const Replica* Cluster::find_replica(const std::string& topic_name, int32_t partition_id, BrokerId broker) const {
  const Topic* topic = find_topic(topic_name);
  if (!topic || partition_id < 0 || partition_id >= topic->partition_count()) return nullptr;
  return topic->partitions[static_cast<std::size_t>(partition_id)]->replica_on(broker);
}

void Cluster::note_log_activity(Topic& topic, Partition& partition) {
  for (auto& copy : partition.copies) {
    if (!broker_alive(copy->broker)) continue;  // a stopped broker's timers start again with it
    if (auto due = next_retention_due(copy->log, now(), copy->high_watermark)) arm_retention_check(*due);
    if (copy->log.config().compact_policy && log_cleaner_enabled_) {
      if (auto due = next_cleaner_due(copy->log, copy->cleaner_checkpoint, copy->high_watermark, now())) arm_cleaner(*due);
    }
  }
  (void)topic;
}

void Cluster::arm_retention_check(TimeMs due) {
  const TimeMs at = next_tick(due, now(), retention_check_interval_ms_);
  if (at == INT64_MAX) return;
  if (retention_check_ && retention_check_->at <= at) return;
  if (retention_check_) scheduler_.cancel(retention_check_->event);
  const Scheduler::EventId event = scheduler_.schedule_at(at, [this] {
    retention_check_.reset();
    retention_pass();
    rearm_log_maintenance();
  });
  retention_check_ = PendingCheck{at, event};
}

void Cluster::rearm_log_maintenance() {
  for (auto& [name, topic] : topics_)
    for (auto& partition : topic->partitions) note_log_activity(*topic, *partition);
}

std::vector<LogMaintenanceReport> Cluster::retention_pass() {
  std::vector<LogMaintenanceReport> reports;
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      for (auto& copy : partition->copies) {
        if (!broker_alive(copy->broker)) continue;
        const int64_t bytes_before = copy->log.size_bytes();
        RetentionOutcome outcome = apply_retention(copy->log, now(), copy->high_watermark);
        if (outcome.segments_deleted == 0) continue;
        LogMaintenanceReport report{name, partition->id, copy->broker, outcome.segments_deleted, bytes_before,
                                    copy->log.size_bytes(), outcome.new_log_start_offset, outcome.reason};
        record_event("SegmentsDeleted", topic.get(), partition->id, copy->broker,
                     fmt::format("{}-{} on broker {}: {} segment(s), {} bytes deleted ({}); log start offset {} -> {}",
                                 name, partition->id, copy->broker, outcome.segments_deleted, outcome.bytes_deleted,
                                 outcome.reason, outcome.old_log_start_offset, outcome.new_log_start_offset));
        reports.push_back(std::move(report));
      }
    }
  }
  return reports;
}

std::vector<LogMaintenanceReport> Cluster::run_retention() {
  std::vector<LogMaintenanceReport> reports = retention_pass();
  rearm_log_maintenance();
  return reports;
}

void Cluster::wake_parked_followers(Topic& topic, Partition& partition) {
  for (auto& copy : partition.copies) {
    if (copy->broker == partition.leader || !copy->fetch_parked) continue;
    answer_fetch(topic, partition, *copy, copy->fetch_generation);
  }
}

Result<int64_t> Cluster::delete_records(const std::string& topic_name, int32_t partition_id, int64_t before_offset) {
  Topic* topic = find_topic(topic_name);
  if (!topic || partition_id < 0 || partition_id >= topic->partition_count())
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("This server does not host this topic-partition: {}-{}", topic_name, partition_id));
  Partition& partition = *topic->partitions[static_cast<std::size_t>(partition_id)];
  if (!partition.online())
    return make_error(ErrorCode::NOT_LEADER_OR_FOLLOWER,
                      fmt::format("Partition {}-{} has no leader.", topic_name, partition_id));
  Replica& leader = partition.leader_replica();
  if (!leader.log.config().delete_policy)
    return make_error(ErrorCode::POLICY_VIOLATION,
                      fmt::format("Records of partition {}-{} can not be deleted due to the configured policy",
                                  topic_name, partition_id));
  const int64_t offset = before_offset == -1 ? leader.high_watermark : before_offset;
  if (offset < 0 || offset > leader.high_watermark)
    return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                      fmt::format("The offset {} for partition {}-{} is not valid (high watermark {})", offset,
                                  topic_name, partition_id, leader.high_watermark));
  const int64_t old_start = leader.log.log_start_offset();
  if (leader.log.increment_log_start_offset(offset))
    record_event("LogStartOffsetIncremented", topic, partition_id, partition.leader,
                 fmt::format("{}-{}: log start offset {} -> {} (DeleteRecords)", topic_name, partition_id, old_start,
                             leader.log.log_start_offset()));
  wake_parked_followers(*topic, partition);
  note_log_activity(*topic, partition);
  // As DelayedDeleteRecords: answer once every live replica's log start reached the offset.
  auto low_watermark = [this, topic_name, partition_id] {
    const Topic* current = find_topic(topic_name);
    if (!current) return int64_t{-1};
    const Partition& p = *current->partitions[static_cast<std::size_t>(partition_id)];
    int64_t low = INT64_MAX;
    for (const auto& copy : p.copies)
      if (broker_alive(copy->broker)) low = std::min(low, copy->log.log_start_offset());
    return low;
  };
  scheduler_.run_until(now() + 30000, [&] { return low_watermark() >= offset; });
  const int64_t low = low_watermark();
  if (low < offset)
    return make_error(ErrorCode::REQUEST_TIMED_OUT,
                      fmt::format("Not every replica of {}-{} reached log start offset {} within 30000 ms (low watermark {})",
                                  topic_name, partition_id, offset, low));
  return low;
}

}  // namespace klab
