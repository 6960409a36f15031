// Replication: followers copy the leader's log by fetching, the leader tracks how far each got,
// moves the high watermark, and shrinks or expands the ISR. Kafka 3.7 rules (Partition.scala):
//
//  1. A follower sends its log end offset as the fetch offset. The leader answers with the
//     batches after it, or parks the fetch up to replica.fetch.wait.max.ms until data arrives.
//  2. A follower is caught up at a fetch whose offset reaches the leader's log end; a parked fetch
//     means caught up now. Not caught up for replica.lag.time.max.ms -> out of the ISR (checked
//     every half of that interval, at multiples of it since the cluster started).
//  3. A follower outside the ISR rejoins once its log end reaches the high watermark.
//  4. High watermark = smallest log end offset among ISR members (and caught-up replicas), and it
//     only advances while the ISR has at least min(min.insync.replicas, replicas) members.
//  5. An acks=all write completes when the high watermark passes it.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cluster/cluster.hpp"

namespace klab {

void Cluster::start_follower(Topic& topic, Partition& partition, Replica& follower) {
  follower.fetch_parked = false;
  const uint64_t generation = ++follower.fetch_generation;
  const std::string name = topic.name;
  const int32_t id = partition.id;
  const BrokerId broker = follower.broker;
  scheduler_.schedule_after(0, [this, name, id, broker, generation] { send_fetch(name, id, broker, generation); });
}

namespace {
struct Located {
  Topic* topic = nullptr;
  Partition* partition = nullptr;
  Replica* replica = nullptr;
};
}  // namespace

void Cluster::send_fetch(const std::string& topic_name, int32_t partition_id, BrokerId follower_id, uint64_t generation) {
  Topic* topic = find_topic(topic_name);
  if (!topic || partition_id >= topic->partition_count()) return;
  Partition& partition = *topic->partitions[static_cast<std::size_t>(partition_id)];
  Replica* follower = partition.replica_on(follower_id);
  if (!follower || follower->fetch_generation != generation || !broker_alive(follower_id)) return;
  if (!partition.online() || partition.leader == follower_id) return;
  const int64_t fetch_offset = follower->log.log_end_offset();
  const BrokerId leader = partition.leader;
  if (!reachable(follower_id, leader)) {
    retry_fetch_later(topic_name, partition_id, follower_id, generation);
    return;
  }
  scheduler_.schedule_after(latency_ms(follower_id, leader), [this, topic_name, partition_id, follower_id, generation,
                                                               fetch_offset] {
    handle_fetch(topic_name, partition_id, follower_id, generation, fetch_offset);
  });
}

void Cluster::handle_fetch(const std::string& topic_name, int32_t partition_id, BrokerId follower_id, uint64_t generation,
                           int64_t fetch_offset) {
  Topic* topic = find_topic(topic_name);
  if (!topic || partition_id >= topic->partition_count()) return;
  Partition& partition = *topic->partitions[static_cast<std::size_t>(partition_id)];
  Replica* follower = partition.replica_on(follower_id);
  if (!follower || follower->fetch_generation != generation) return;
  if (partition.online() && !reachable(follower_id, partition.leader)) {  // cut off while in transit
    retry_fetch_later(topic_name, partition_id, follower_id, generation);
    return;
  }
  if (!partition.online() || !broker_alive(partition.leader)) {
    // The leader is gone: try again later; the controller will restart this loop on a new leader.
    scheduler_.schedule_after(1000, [this, topic_name, partition_id, follower_id, generation] {
      send_fetch(topic_name, partition_id, follower_id, generation);
    });
    return;
  }
  if (fetch_offset < partition.log().log_start_offset()) {
    // OFFSET_OUT_OF_RANGE below the leader's log start: retention or DeleteRecords removed what the
    // follower still needs. Everything it has is older than the leader's log, so it starts over there.
    const int64_t leader_start = partition.log().log_start_offset();
    record_event("ReplicaReset", topic, partition_id, follower_id,
                 fmt::format("{}-{}: broker {} fetched offset {} below the leader's log start {}: its log restarts there",
                             topic_name, partition_id, follower_id, fetch_offset, leader_start));
    follower->log.truncate_fully_and_start_at(leader_start, now());
    follower->producers.clear();
    follower->epochs.clear();
    follower->cleaner_checkpoint = -1;
    follower->high_watermark = leader_start;
    send_fetch(topic_name, partition_id, follower_id, generation);
    return;
  }
  if (fetch_offset > partition.log().log_end_offset()) {
    // OFFSET_OUT_OF_RANGE: the follower is ahead of the leader (it kept records an unclean leader
    // never had). It truncates to the leader's log end and fetches again.
    truncate_replica(*topic, partition, *follower, partition.log().log_end_offset());
    send_fetch(topic_name, partition_id, follower_id, generation);
    return;
  }
  record_request(partition.leader, RequestName::FetchFollower);
  update_follower_fetch_state(*topic, partition, *follower, fetch_offset);
  if (partition.log().log_end_offset() > fetch_offset) {
    answer_fetch(*topic, partition, *follower, generation);
    return;
  }
  // Nothing new: park the fetch until data arrives or replica.fetch.wait.max.ms passes. A parked
  // fetch that times out would be re-sent at once; it changes nothing, so it simply stays parked.
  follower->fetch_parked = true;
}

void Cluster::answer_fetch(Topic& topic, Partition& partition, Replica& follower, uint64_t generation) {
  follower.fetch_parked = false;
  const int64_t from = follower.log.log_end_offset();
  auto batches = std::make_shared<std::string>();
  const int64_t max_bytes = 1048576;  // replica.fetch.max.bytes
  partition.log().read_batches(from, partition.log().log_end_offset(), [&](const RecordBatchView& batch) {
    if (!batches->empty() && static_cast<int64_t>(batches->size()) + batch.size_bytes() > max_bytes) return false;
    batches->append(batch.bytes());
    return true;
  });
  const int64_t leader_high_watermark = partition.high_watermark();
  const int64_t leader_log_start = partition.log().log_start_offset();
  const std::string name = topic.name;
  const int32_t id = partition.id;
  const BrokerId follower_id = follower.broker;
  const BrokerId leader_id = partition.leader;
  scheduler_.schedule_after(latency_ms(partition.leader, follower_id), [this, name, id, follower_id, leader_id, generation,
                                                                        batches, leader_high_watermark,
                                                                        leader_log_start, from] {
    Topic* topic = find_topic(name);
    if (!topic || id >= topic->partition_count()) return;
    Partition& partition = *topic->partitions[static_cast<std::size_t>(id)];
    Replica* follower = partition.replica_on(follower_id);
    if (!follower || follower->fetch_generation != generation || !broker_alive(follower_id)) return;
    if (!reachable(leader_id, follower_id)) {  // the response was lost to a network partition
      retry_fetch_later(name, id, follower_id, generation);
      return;
    }
    std::size_t pos = 0;
    // After compaction the leader's log has gaps, so a batch may start past our log end. That is
    // only sound for the answer to the fetch we are at (not one that crossed a truncation), and
    // only while no leader batch straddles our log end (that is a diverged log, not a gap).
    bool gaps_allowed = follower->log.log_end_offset() == from;
    while (pos < batches->size()) {
      RecordBatchView batch(batches->data() + pos);
      const int64_t end = follower->log.log_end_offset();
      if (batch.base_offset() < end && batch.last_offset() >= end) gaps_allowed = false;
      if (batch.base_offset() == end || (gaps_allowed && batch.base_offset() > end)) {
        follower->log.append_replicated(batch.bytes(), now());
        follower->note_epoch(batch.leader_epoch(), batch.base_offset());
        if (auto producer = producer_identity(batch)) follower->producers.record(*producer, batch.base_offset(), batch.last_offset());
      }
      pos += static_cast<std::size_t>(batch.size_bytes());
    }
    follower->high_watermark = std::min(leader_high_watermark, follower->log.log_end_offset());
    // The fetch response carries the leader's log start offset (DeleteRecords, retention).
    follower->log.increment_log_start_offset(std::min(leader_log_start, follower->high_watermark));
    note_log_activity(*topic, partition);
    send_fetch(name, id, follower_id, generation);
  });
}

void Cluster::retry_fetch_later(const std::string& topic_name, int32_t partition_id, BrokerId follower_id,
                                uint64_t generation) {
  const int64_t backoff = broker_config_.get_long("replica.fetch.backoff.ms");
  scheduler_.schedule_after(std::max<int64_t>(1, backoff), [this, topic_name, partition_id, follower_id, generation] {
    send_fetch(topic_name, partition_id, follower_id, generation);
  });
}

void Cluster::update_follower_fetch_state(Topic& topic, Partition& partition, Replica& follower, int64_t fetch_offset) {
  const int64_t leader_end = partition.log().log_end_offset();
  follower.known_log_end_offset = fetch_offset;
  if (fetch_offset >= leader_end) follower.last_caught_up_ms = now();
  else if (fetch_offset >= follower.leader_end_offset_at_last_fetch) follower.last_caught_up_ms = follower.last_fetch_ms;
  follower.leader_end_offset_at_last_fetch = leader_end;
  follower.last_fetch_ms = now();
  maybe_expand_isr(topic, partition, follower);
  if (maybe_advance_high_watermark(topic, partition)) complete_pending_acks(topic.name, partition.id);
  schedule_isr_check();
}

void Cluster::on_leader_append(Topic& topic, Partition& partition) {
  for (auto& copy : partition.copies) {
    if (copy->broker == partition.leader || !copy->fetch_parked) continue;
    Replica& follower = *copy;
    // The parked fetch was caught up until this append.
    follower.last_caught_up_ms = now();
    answer_fetch(topic, partition, follower, follower.fetch_generation);
  }
  if (maybe_advance_high_watermark(topic, partition)) complete_pending_acks(topic.name, partition.id);
  note_log_activity(topic, partition);
  schedule_isr_check();
}

void Cluster::maybe_expand_isr(Topic& topic, Partition& partition, Replica& follower) {
  if (partition.in_isr(follower.broker) || !broker_alive(follower.broker)) return;
  if (!can_reach_controller(partition.leader)) return;  // AlterPartition needs the controller
  const Replica& leader = partition.leader_replica();
  // Caught up to the high watermark and to the start of the current leader's epoch.
  int64_t epoch_start = leader.epochs.empty() ? 0 : leader.epochs.back().start_offset;
  if (follower.known_log_end_offset < leader.high_watermark || follower.known_log_end_offset < epoch_start) return;
  std::vector<BrokerId> isr = partition.in_sync_replicas;
  isr.push_back(follower.broker);
  ++isr_expands_;
  broker_metrics(partition.leader).isr_expands.mark(now());
  set_isr(topic, partition, std::move(isr), "caught up");
}

bool Cluster::maybe_advance_high_watermark(Topic& topic, Partition& partition) {
  if (!partition.online()) return false;
  Replica& leader = partition.leader_replica();
  const auto min_isr = std::min<int64_t>(topic.min_insync_replicas,
                                         static_cast<int64_t>(partition.replicas.size()));
  if (static_cast<int64_t>(partition.in_sync_replicas.size()) < min_isr) return false;
  int64_t candidate = leader.log.log_end_offset();
  for (BrokerId id : partition.in_sync_replicas) {
    if (id == partition.leader) continue;
    if (const Replica* replica = partition.replica_on(id)) candidate = std::min(candidate, replica->known_log_end_offset);
  }
  if (candidate <= leader.high_watermark) return false;
  leader.high_watermark = candidate;
  note_log_activity(topic, partition);  // closed segments below the new high watermark may now go
  for (const auto& [id, listener] : high_watermark_listeners_) listener(topic.name, partition.id);
  return true;
}

uint64_t Cluster::add_high_watermark_listener(HighWatermarkListener listener) {
  const uint64_t id = next_high_watermark_listener_++;
  high_watermark_listeners_.emplace(id, std::move(listener));
  return id;
}

void Cluster::remove_high_watermark_listener(uint64_t id) { high_watermark_listeners_.erase(id); }

void Cluster::await_high_watermark(const std::string& topic, int32_t partition, int64_t offset, int64_t timeout_ms,
                                   std::function<void(const Error*)> done) {
  Topic* found = find_topic(topic);
  BrokerId leader = found ? found->partitions[static_cast<std::size_t>(partition)]->leader : -1;
  PendingAck pending{topic, partition, offset, leader, 0, std::move(done)};
  const uint64_t key = next_pending_ack_id_++;
  pending.timeout_event = scheduler_.schedule_after(timeout_ms, [this, key] {
    auto it = pending_acks_.find(key);
    if (it == pending_acks_.end()) return;
    auto callback = std::move(it->second.done);
    pending_acks_.erase(it);
    Error timed_out{ErrorCode::REQUEST_TIMED_OUT, "The leader did not get enough acknowledgements within request.timeout.ms."};
    callback(&timed_out);
  });
  pending_acks_.emplace(key, std::move(pending));
  complete_pending_acks(topic, partition);
}

void Cluster::complete_pending_acks(const std::string& topic_name, int32_t partition_id) {
  Topic* topic = find_topic(topic_name);
  for (auto it = pending_acks_.begin(); it != pending_acks_.end();) {
    PendingAck& pending = it->second;
    if (pending.topic != topic_name || pending.partition != partition_id) {
      ++it;
      continue;
    }
    std::optional<Error> outcome;
    bool finished = false;
    Partition* partition = topic && partition_id < topic->partition_count()
                               ? topic->partitions[static_cast<std::size_t>(partition_id)].get()
                               : nullptr;
    if (partition && partition->leader != pending.leader && is_zombie_leader(*partition, pending.leader)) {
      ++it;  // a zombie leader does not know it was replaced: the write waits until it times out
      continue;
    }
    if (!partition || partition->leader != pending.leader) {
      finished = true;
      outcome = Error{ErrorCode::NOT_LEADER_OR_FOLLOWER, "Leadership moved while the write waited for its replicas."};
    } else if (partition->high_watermark() >= pending.offset) {
      finished = true;
      const auto min_isr = std::min<int64_t>(topic->min_insync_replicas,
                                             static_cast<int64_t>(partition->replicas.size()));
      if (static_cast<int64_t>(partition->in_sync_replicas.size()) < min_isr)
        outcome = Error{ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                        "The write reached the leader, but the ISR shrank below min.insync.replicas afterwards."};
    }
    if (!finished) {
      ++it;
      continue;
    }
    scheduler_.cancel(pending.timeout_event);
    auto callback = std::move(pending.done);
    it = pending_acks_.erase(it);
    callback(outcome ? &*outcome : nullptr);
  }
}

void Cluster::set_isr(Topic& topic, Partition& partition, std::vector<BrokerId> isr, const char* why) {
  std::vector<BrokerId> old = partition.in_sync_replicas;
  partition.in_sync_replicas = std::move(isr);
  auto join = [](const std::vector<BrokerId>& ids) { return fmt::format("{}", fmt::join(ids, ",")); };
  const bool shrink = partition.in_sync_replicas.size() < old.size();
  record_event(shrink ? "IsrShrink" : "IsrExpand", &topic, partition.id, partition.leader,
               fmt::format("{}-{} ISR {} -> {} ({})", topic.name, partition.id, join(old),
                           join(partition.in_sync_replicas), why));
  if (maybe_advance_high_watermark(topic, partition)) complete_pending_acks(topic.name, partition.id);
}

void Cluster::schedule_isr_check() {
  const int64_t interval = std::max<int64_t>(1, broker_config_.get_long("replica.lag.time.max.ms") / 2);
  const TimeMs next = (now() / interval + 1) * interval;
  if (isr_check_at_ && *isr_check_at_ <= next) return;
  isr_check_at_ = next;
  scheduler_.schedule_at(next, [this] {
    isr_check_at_.reset();
    check_isr_lag();
  });
}

void Cluster::check_isr_lag() {
  const int64_t max_lag = broker_config_.get_long("replica.lag.time.max.ms");
  bool someone_behind = false;
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      if (!partition->online()) continue;
      // A leader cut off from the controller cannot change its ISR (AlterPartition never arrives).
      if (!can_reach_controller(partition->leader)) continue;
      const int64_t leader_end = partition->log().log_end_offset();
      std::vector<BrokerId> keep;
      for (BrokerId id : partition->in_sync_replicas) {
        Replica* replica = partition->replica_on(id);
        bool caught_up = id == partition->leader || replica->fetch_parked ||
                         replica->known_log_end_offset >= leader_end;
        if (!caught_up) someone_behind = true;
        if (!caught_up && now() - replica->last_caught_up_ms > max_lag) continue;
        keep.push_back(id);
      }
      if (keep.size() != partition->in_sync_replicas.size()) {
        isr_shrinks_ += static_cast<int64_t>(partition->in_sync_replicas.size() - keep.size());
        broker_metrics(partition->leader).isr_shrinks.mark(now());  // one AlterPartition
        set_isr(*topic, *partition, std::move(keep), "lagged more than replica.lag.time.max.ms");
      }
    }
  }
  if (someone_behind) schedule_isr_check();
}

}  // namespace klab
