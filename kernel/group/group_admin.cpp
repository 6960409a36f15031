#include "group/group_admin.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "group/consumer_protocol.hpp"
#include "group/offsets_topic.hpp"

namespace klab::group {

namespace {

const Partition* find_partition(const Cluster& cluster, const TopicPartition& tp) {
  const Topic* topic = cluster.find_topic(tp.topic);
  if (!topic || tp.partition < 0 || tp.partition >= topic->partition_count()) return nullptr;
  return topic->partitions[static_cast<std::size_t>(tp.partition)].get();
}

// Kafka's ListOffsets by timestamp: the first offset whose record timestamp is at least `time`;
// none -> nullopt (the tool then falls back to the log end).
std::optional<int64_t> offset_for_time(const Partition& partition, TimeMs time) {
  std::optional<int64_t> found;
  const PartitionLog& log = partition.log();
  DecompressedBatches decompressed;
  // A corrupt batch ends the search like the end of the log does (the tool then uses the log end).
  (void)log.read(log.log_start_offset(), partition.high_watermark(), decompressed, [&](const RecordView& record) {
    if (record.timestamp < time) return true;
    found = record.offset;
    return false;
  });
  return found;
}

// Runs the simulation until `done` is set (the coordinator's writes wait for their replicas).
template <class T>
T run_until_answered(Cluster& cluster, std::optional<T>& answer) {
  cluster.scheduler().run_until_done([&] { return answer.has_value(); });
  if (!answer) return T(make_error(ErrorCode::REQUEST_TIMED_OUT, "The coordinator did not answer."));
  return std::move(*answer);
}

}  // namespace

std::vector<GroupOverview> list_groups(Cluster& cluster) { return GroupCoordinator::of(cluster).list_groups(); }

GroupDescription describe_group(Cluster& cluster, const std::string& group_id) {
  GroupCoordinator& coordinator = GroupCoordinator::of(cluster);
  GroupDescription description;
  description.group_id = group_id;
  description.coordinator = coordinator.coordinator_broker(group_id);
  const ClassicGroup* group = coordinator.find_group(group_id);
  if (!group || group->is(GroupState::Dead)) {
    description.state = "Dead";
    description.notice = fmt::format("Error: Consumer group '{}' does not exist.", group_id);
    return description;
  }
  description.state = std::string(group_state_name(group->state()));
  description.protocol_type = group->protocol_type().value_or("");
  description.assignment_strategy = group->protocol().value_or("");
  description.generation = group->generation();
  std::map<TopicPartition, const Member*> owners;
  for (const std::string& id : group->member_order()) {
    const Member& member = group->member(id);
    GroupMemberRow row{id, member.group_instance_id, member.client_host, member.client_id, {}};
    if (std::optional<std::vector<TopicPartition>> assigned = decode_assignment(member.assignment)) {
      row.assignment = *assigned;
      std::sort(row.assignment.begin(), row.assignment.end());
    }
    for (const TopicPartition& tp : row.assignment) owners[tp] = &member;
    description.members.push_back(std::move(row));
  }
  auto make_row = [&](const TopicPartition& tp, const Member* owner) {
    GroupPartitionRow row;
    row.topic = tp.topic;
    row.partition = tp.partition;
    if (const Partition* partition = find_partition(cluster, tp)) row.log_end_offset = partition->high_watermark();
    auto committed = group->offsets.find(tp);
    if (committed != group->offsets.end()) {
      row.current_offset = committed->second.offset;
      row.lag = row.log_end_offset - committed->second.offset;
    }
    if (owner) {
      row.consumer_id = owner->id;
      row.host = owner->client_host;
      row.client_id = owner->client_id;
    }
    return row;
  };
  std::vector<const GroupMemberRow*> by_size;
  for (const GroupMemberRow& member : description.members)
    if (!member.assignment.empty()) by_size.push_back(&member);
  std::stable_sort(by_size.begin(), by_size.end(), [](const GroupMemberRow* a, const GroupMemberRow* b) {
    return a->assignment.size() > b->assignment.size();
  });
  for (const GroupMemberRow* member : by_size)
    for (const TopicPartition& tp : member->assignment) description.partitions.push_back(make_row(tp, owners[tp]));
  for (const auto& [tp, offset] : group->offsets)
    if (!owners.count(tp)) description.partitions.push_back(make_row(tp, nullptr));
  if (group->is(GroupState::Empty))
    description.notice = fmt::format("Consumer group '{}' has no active members.", group_id);
  else if (group->is(GroupState::PreparingRebalance) || group->is(GroupState::CompletingRebalance))
    description.notice = fmt::format("Warning: Consumer group '{}' is rebalancing.", group_id);
  return description;
}

Result<ResetOffsetsResult> reset_offsets(Cluster& cluster, const ResetOffsetsRequest& request) {
  if (request.group_id.empty()) return make_error(ErrorCode::INVALID_GROUP_ID, "The configured groupId is invalid.");
  GroupCoordinator& coordinator = GroupCoordinator::of(cluster);
  const ClassicGroup* group = coordinator.find_group(request.group_id);
  if (group && !group->is(GroupState::Empty) && !group->is(GroupState::Dead))
    return make_error(ErrorCode::NON_EMPTY_GROUP,
                      fmt::format("Assignments can only be reset if the group '{}' is inactive, but the current state "
                                  "is {}.",
                                  request.group_id, group_state_name(group->state())));
  std::vector<TopicPartition> scope;
  if (request.all_topics) {
    if (group)
      for (const auto& [tp, offset] : group->offsets) scope.push_back(tp);
  } else {
    if (request.topics.empty())
      return make_error(ErrorCode::INVALID_REQUEST, "One of the reset scopes should be defined: --all-topics, --topic.");
    for (const ResetTopic& entry : request.topics) {
      const Topic* topic = cluster.find_topic(entry.topic);
      if (!topic)
        return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", entry.topic));
      if (entry.partitions.empty())
        for (int32_t p = 0; p < topic->partition_count(); ++p) scope.push_back(TopicPartition{entry.topic, p});
      for (int32_t p : entry.partitions) {
        if (p < 0 || p >= topic->partition_count())
          return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                            fmt::format("Partition {}-{} does not exist.", entry.topic, p));
        scope.push_back(TopicPartition{entry.topic, p});
      }
    }
  }
  std::sort(scope.begin(), scope.end());
  scope.erase(std::unique(scope.begin(), scope.end()), scope.end());
  ResetOffsetsResult result;
  for (const TopicPartition& tp : scope) {
    const Partition& partition = *find_partition(cluster, tp);
    const int64_t start = partition.log().log_start_offset();
    const int64_t end = partition.high_watermark();
    std::optional<int64_t> committed;
    if (group)
      if (auto it = group->offsets.find(tp); it != group->offsets.end()) committed = it->second.offset;
    int64_t target = 0;
    bool clamp = false;
    switch (request.scope) {
      case ResetScope::ToEarliest: target = start; break;
      case ResetScope::ToLatest: target = end; break;
      case ResetScope::ToCurrent: target = committed.value_or(end); break;
      case ResetScope::ToOffset: target = request.value, clamp = true; break;
      case ResetScope::ShiftBy:
        if (!committed)
          return make_error(ErrorCode::INVALID_REQUEST,
                            fmt::format("Cannot shift offset for partition {} since there is no current committed offset",
                                        tp.to_string()));
        target = *committed + request.value;
        clamp = true;
        break;
      case ResetScope::ToDatetime:
      case ResetScope::ByDuration: {
        const TimeMs time = request.scope == ResetScope::ToDatetime ? request.value : cluster.now() - request.value;
        std::optional<int64_t> found = offset_for_time(partition, time);
        if (!found)
          result.warnings.push_back(fmt::format("Warn: Partition {} from topic {} is empty. Falling back to latest "
                                                "known offset.",
                                                tp.partition, tp.topic));
        target = found.value_or(end);
        break;
      }
    }
    if (clamp && target > end) {
      result.warnings.push_back(fmt::format("New offset ({}) is higher than latest offset for topic partition {}. Value "
                                            "will be set to {}",
                                            target, tp.to_string(), end));
      target = end;
    } else if (clamp && target < start) {
      result.warnings.push_back(fmt::format("New offset ({}) is lower than earliest offset for topic partition {}. Value "
                                            "will be set to {}",
                                            target, tp.to_string(), start));
      target = start;
    }
    result.plan.push_back(ResetOffsetsRow{tp.topic, tp.partition, target});
  }
  if (!request.execute || result.plan.empty()) return result;
  std::vector<OffsetToCommit> offsets;
  for (const ResetOffsetsRow& row : result.plan)
    offsets.push_back(OffsetToCommit{TopicPartition{row.topic, row.partition}, row.new_offset, -1, ""});
  std::optional<Status> stored;
  coordinator.store_admin_offsets(request.group_id, std::move(offsets), [&](Status outcome) { stored = outcome; });
  Status outcome = run_until_answered(cluster, stored);
  if (!outcome) return outcome.error();
  result.executed = true;
  return result;
}

Status delete_group(Cluster& cluster, const std::string& group_id) {
  std::optional<Status> deleted;
  GroupCoordinator::of(cluster).delete_group(group_id, [&](Status outcome) { deleted = outcome; });
  return run_until_answered(cluster, deleted);
}

}  // namespace klab::group
