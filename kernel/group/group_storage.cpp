// What the coordinator keeps in __consumer_offsets and how a new coordinator gets it back:
// OffsetCommit, group metadata after each rebalance, tombstones on delete, and loading a partition
// by replaying its log when its leadership moves (Kafka's GroupMetadataManager).
#include <fmt/format.h>
#include <set>

#include "group/group_coordinator.hpp"
#include "group/offsets_topic.hpp"
#include "log/record_batch.hpp"

namespace klab::group {

namespace {

// How a failed append reaches the client (GroupMetadataManager's error mapping).
ErrorCode storage_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode::NOT_ENOUGH_REPLICAS:
    case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND: return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    case ErrorCode::NOT_LEADER_OR_FOLLOWER:
    case ErrorCode::KAFKA_STORAGE_ERROR: return ErrorCode::NOT_COORDINATOR;
    case ErrorCode::MESSAGE_TOO_LARGE:
    case ErrorCode::RECORD_LIST_TOO_LARGE:
    case ErrorCode::INVALID_FETCH_SIZE: return ErrorCode::INVALID_COMMIT_OFFSET_SIZE;
    default: return code;
  }
}

}  // namespace

void GroupCoordinator::append_records(int32_t partition,
                                      std::vector<std::pair<std::string, std::optional<std::string>>> records,
                                      std::function<void(Status)> done) {
  Topic* topic = cluster_.find_topic(kOffsetsTopic);
  if (!topic) return done(make_error(ErrorCode::COORDINATOR_NOT_AVAILABLE, "__consumer_offsets does not exist"));
  RecordBatchBuilder builder;
  builder.reset(INT32_MAX);
  for (const auto& [key, value] : records) {
    RecordInput input;
    input.key = std::string_view(key);
    if (value) input.value = std::string_view(*value);
    input.timestamp = cluster_.now();
    builder.append(input);
  }
  Result<AppendInfo> appended = cluster_.append(*topic, partition, builder.finish(), -1);
  if (!appended) {
    const ErrorCode code = storage_error(appended.error().code);
    return done(make_error(code, appended.error().message));
  }
  std::shared_ptr<bool> alive = alive_;
  cluster_.await_high_watermark(std::string(kOffsetsTopic), partition, appended->last_offset + 1,
                                cluster_.broker_config().get_long("offsets.commit.timeout.ms"),
                                [alive, done](const Error* error) {
                                  if (!*alive) return;
                                  if (!error) return done(ok_status());
                                  done(make_error(storage_error(error->code), error->message));
                                });
}

void GroupCoordinator::store_group(ClassicGroup& g, std::function<void(Status)> done) {
  GroupMetadataValue value;
  value.protocol_type = g.protocol_type().value_or("");
  value.generation = g.generation();
  value.protocol = g.protocol();
  value.leader = g.leader();
  value.current_state_timestamp = g.state_timestamp();
  for (const std::string& id : g.member_order()) {
    const Member& member = g.member(id);
    const std::string* subscription = g.protocol() ? member.metadata_for(*g.protocol()) : nullptr;
    value.members.push_back(MemberRecord{id, member.group_instance_id, member.client_id, member.client_host,
                                         member.rebalance_timeout_ms, member.session_timeout_ms,
                                         subscription ? *subscription : std::string(), member.assignment});
  }
  append_records(partition_of(g.id()), {{encode_key(GroupMetadataKey{g.id()}), encode_group_value(value)}},
                 std::move(done));
}

void GroupCoordinator::handle_commit(MemberIdentity identity, std::vector<OffsetToCommit> offsets,
                                     std::function<void(Result<CommitResult>)> done) {
  auto all = [&](ErrorCode code) {
    CommitResult result;
    for (const OffsetToCommit& offset : offsets) result.emplace_back(offset.partition, code);
    return result;
  };
  ClassicGroup* found = group(identity.group_id);
  if (!found) {
    // Only a commit outside group management may create the group (KafkaApis / GroupCoordinator).
    if (identity.generation >= 0) return done(all(ErrorCode::ILLEGAL_GENERATION));
    found = &get_or_create(identity.group_id);
  }
  ClassicGroup& g = *found;
  if (g.is(GroupState::Dead)) return done(all(ErrorCode::COORDINATOR_NOT_AVAILABLE));
  if (g.is_static_member_fenced(identity.member_id, identity.group_instance_id))
    return done(all(ErrorCode::FENCED_INSTANCE_ID));
  if (!(identity.generation < 0 && g.is(GroupState::Empty))) {
    if (!g.has(identity.member_id)) return done(all(ErrorCode::UNKNOWN_MEMBER_ID));
    if (identity.generation != g.generation()) return done(all(ErrorCode::ILLEGAL_GENERATION));
    if (g.is(GroupState::CompletingRebalance)) return done(all(ErrorCode::REBALANCE_IN_PROGRESS));
    Member& member = g.member(identity.member_id);
    schedule_session_expiry(g, member, member.session_timeout_ms);
  }
  store_offsets(g, std::move(offsets), std::move(done));
}

void GroupCoordinator::store_offsets(ClassicGroup& g, std::vector<OffsetToCommit> offsets,
                                     std::function<void(Result<CommitResult>)> done) {
  CommitResult result;
  std::vector<std::pair<std::string, std::optional<std::string>>> records;
  std::vector<OffsetToCommit> accepted;
  const TimeMs now = cluster_.now();
  for (OffsetToCommit& offset : offsets) {
    const Topic* topic = cluster_.find_topic(offset.partition.topic);
    if (!topic || offset.partition.partition < 0 || offset.partition.partition >= topic->partition_count()) {
      result.emplace_back(offset.partition, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      continue;
    }
    records.emplace_back(encode_key(OffsetCommitKey{g.id(), offset.partition}),
                         encode_offset_value(OffsetCommitValue{offset.offset, offset.leader_epoch, offset.metadata, now}));
    accepted.push_back(std::move(offset));
  }
  if (accepted.empty()) return done(result);
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  append_records(partition_of(g.id()), std::move(records),
                 [this, group_id, incarnation, accepted, result, done, now](Status stored) mutable {
                   ClassicGroup* current = group(group_id);
                   const bool same = current && current->incarnation == incarnation;
                   for (const OffsetToCommit& offset : accepted) {
                     result.emplace_back(offset.partition, stored ? ErrorCode::NONE : stored.error().code);
                     if (stored && same)
                       current->offsets[offset.partition] =
                           CommittedOffset{offset.offset, offset.leader_epoch, offset.metadata, now};
                   }
                   if (stored && same && accepted.size() > 0) {
                     std::string listed;
                     for (std::size_t i = 0; i < accepted.size() && i < 10; ++i)
                       listed += fmt::format("{}{}={}", i ? ", " : "", accepted[i].partition.to_string(), accepted[i].offset);
                     if (accepted.size() > 10) listed += fmt::format(", ... ({} in all)", accepted.size());
                     event(*current, "OffsetsCommitted", "committed " + listed);
                   }
                   done(result);
                 });
}

void GroupCoordinator::store_admin_offsets(const std::string& group_id, std::vector<OffsetToCommit> offsets,
                                           std::function<void(Status)> done) {
  if (Result<Topic*> topic = ensure_offsets_topic(cluster_); !topic) return done(topic.error());
  const Topic& topic = *cluster_.find_topic(kOffsetsTopic);
  const int32_t partition = partition_of(group_id);
  if (std::optional<ErrorCode> error = route(topic.partitions[static_cast<std::size_t>(partition)]->leader, group_id))
    return done(make_error(*error, "The group's coordinator is not available."));
  ClassicGroup& g = get_or_create(group_id);
  store_offsets(g, std::move(offsets), [done](Result<CommitResult> result) {
    if (!result) return done(result.error());
    for (const auto& [tp, code] : *result)
      if (code != ErrorCode::NONE)
        return done(make_error(code, fmt::format("Could not store the offset of {}.", tp.to_string())));
    done(ok_status());
  });
}

void GroupCoordinator::delete_group(const std::string& group_id, std::function<void(Status)> done) {
  ClassicGroup* g = group(group_id);
  if (!g || g->is(GroupState::Dead))
    return done(make_error(ErrorCode::GROUP_ID_NOT_FOUND, "The group id does not exist."));
  if (!g->is(GroupState::Empty)) return done(make_error(ErrorCode::NON_EMPTY_GROUP, "The group is not empty."));
  std::vector<std::pair<std::string, std::optional<std::string>>> tombstones;
  for (const auto& [tp, offset] : g->offsets)
    tombstones.emplace_back(encode_key(OffsetCommitKey{group_id, tp}), std::nullopt);
  tombstones.emplace_back(encode_key(GroupMetadataKey{group_id}), std::nullopt);
  const std::size_t removed = g->offsets.size();
  const int32_t partition = partition_of(group_id);
  cancel_timers(*g);
  g->transition_to(GroupState::Dead, cluster_.now());
  event(*g, "GroupDeleted", fmt::format("deleted with {} committed offset(s)", removed));
  groups_.erase(group_id);
  append_records(partition, std::move(tombstones), std::move(done));
}

void GroupCoordinator::on_cluster_event(const ClusterEvent& event) {
  if (event.topic != kOffsetsTopic) return;
  if (event.kind != "LeaderElected" && event.kind != "UncleanLeaderElection" && event.kind != "PartitionOffline") return;
  // Not from inside the controller's call: the election finishes first, then the coordinator moves.
  std::shared_ptr<bool> alive = alive_;
  const int32_t partition = event.partition;
  cluster_.scheduler().schedule_after(0, [this, alive, partition] {
    if (*alive) on_partition_leader_change(partition);
  });
}

void GroupCoordinator::on_partition_leader_change(int32_t partition) {
  const Topic* topic = cluster_.find_topic(kOffsetsTopic);
  if (!topic || partition >= topic->partition_count()) return;
  const BrokerId leader = topic->partitions[static_cast<std::size_t>(partition)]->leader;
  auto it = partitions_.find(partition);
  const BrokerId previous = it == partitions_.end() ? -1 : it->second.leader;
  // A partition nobody asked for yet is loaded on first use (route()); nothing to move.
  if (it == partitions_.end() || previous == leader) return;
  unload_partition(partition);
  cluster_.record_service_event("CoordinatorMoved", std::string(kOffsetsTopic), partition, leader,
                                fmt::format("{}-{}: group coordinator {} -> {}", kOffsetsTopic, partition,
                                            previous >= 0 ? std::to_string(previous) : std::string("none"),
                                            leader >= 0 ? std::to_string(leader) : std::string("none")));
  if (leader >= 0) load_partition(partition, leader);
}

void GroupCoordinator::unload_partition(int32_t partition) {
  partitions_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    ClassicGroup& g = *it->second;
    if (partition_of(g.id()) != partition) {
      ++it;
      continue;
    }
    cancel_timers(g);
    std::vector<std::function<void(JoinResult)>> joins;
    std::vector<std::function<void(SyncResult)>> syncs;
    for (const std::string& id : g.member_order()) {
      Member& member = g.member(id);
      if (member.awaiting_join) joins.push_back(std::move(member.awaiting_join));
      if (member.awaiting_sync) syncs.push_back(std::move(member.awaiting_sync));
    }
    g.transition_to(GroupState::Dead, cluster_.now());
    it = groups_.erase(it);
    for (auto& join : joins) {
      JoinResult result;
      result.error = ErrorCode::NOT_COORDINATOR;
      join(result);
    }
    for (auto& sync : syncs) sync(SyncResult{ErrorCode::NOT_COORDINATOR, {}});
  }
}

void GroupCoordinator::load_partition(int32_t partition, BrokerId leader) {
  const Topic* topic = cluster_.find_topic(kOffsetsTopic);
  const Partition& state = *topic->partitions[static_cast<std::size_t>(partition)];
  std::map<std::string, std::map<TopicPartition, CommittedOffset>> offsets;
  std::map<std::string, GroupMetadataValue> metadata;
  // Replay: the last record per key wins and a tombstone removes the key, as compaction would leave it.
  const PartitionLog& log = state.log();
  DecompressedBatches decompressed;  // the coordinator writes its records uncompressed; a corrupt batch ends the replay
  (void)log.read(log.log_start_offset(), log.log_end_offset(), decompressed, [&](const RecordView& record) {
    if (!record.key) return true;
    std::optional<CoordinatorKey> key = decode_key(*record.key);
    if (!key) return true;
    if (const auto* offset_key = std::get_if<OffsetCommitKey>(&*key)) {
      std::optional<OffsetCommitValue> value = record.value ? decode_offset_value(*record.value) : std::nullopt;
      if (value)
        offsets[offset_key->group][offset_key->partition] =
            CommittedOffset{value->offset, value->leader_epoch, value->metadata, value->commit_timestamp};
      else
        offsets[offset_key->group].erase(offset_key->partition);
    } else {
      const std::string& group_id = std::get<GroupMetadataKey>(*key).group;
      std::optional<GroupMetadataValue> value = record.value ? decode_group_value(*record.value) : std::nullopt;
      if (value) {
        metadata[group_id] = std::move(*value);
      } else {
        metadata.erase(group_id);
        offsets.erase(group_id);
      }
    }
    return true;
  });
  partitions_[partition] = PartitionState{leader, false};
  std::set<std::string> ids;
  for (const auto& [id, o] : offsets)
    if (!o.empty()) ids.insert(id);
  for (const auto& [id, m] : metadata) ids.insert(id);
  for (const std::string& id : ids) {
    ClassicGroup& g = get_or_create(id);
    g.offsets = offsets[id];
    auto found = metadata.find(id);
    if (found != metadata.end()) {
      const GroupMetadataValue& value = found->second;
      for (const MemberRecord& record : value.members) {
        Member member;
        member.id = record.member_id;
        member.group_instance_id = record.group_instance_id;
        member.client_id = record.client_id;
        member.client_host = record.client_host;
        member.rebalance_timeout_ms = record.rebalance_timeout_ms;
        member.session_timeout_ms = record.session_timeout_ms;
        member.protocols = {{value.protocol.value_or(""), record.subscription}};
        member.assignment = record.assignment;
        g.add(std::move(member));
      }
      g.set_loaded(value.generation,
                   value.protocol_type.empty() ? std::nullopt : std::optional<std::string>(value.protocol_type),
                   value.protocol, value.leader, cluster_.now());
      // A loaded member must heartbeat to the new coordinator within its session timeout.
      for (const std::string& member_id : g.member_order())
        schedule_session_expiry(g, g.member(member_id), g.member(member_id).session_timeout_ms);
    }
    event(g, "GroupLoaded", fmt::format("loaded by broker {}: {}, generation {}, {} member(s), {} offset(s)", leader,
                                        group_state_name(g.state()), g.generation(), g.size(), g.offsets.size()));
  }
}

}  // namespace klab::group
