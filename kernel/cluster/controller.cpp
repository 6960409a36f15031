// The controller's side of the cluster: which brokers are alive, who leads each partition, and
// what happens when a broker stops or comes back.
//
//   broker stops  -> it leaves every ISR; each partition it led gets a new leader: the first replica
//                    (in assignment order) that is alive and in the ISR; none -> with
//                    unclean.leader.election.enable the first live replica (data it lacks is lost),
//                    else the partition is offline (Leader: none) and keeps its last ISR member.
//   broker starts -> its replicas become followers: each truncates what diverged from the leader's
//                    log (by leader epoch) and fetches; it rejoins the ISR once caught up. Offline
//                    partitions it can lead get it as leader.
//   new leader    -> leader epoch + 1; its high watermark starts from its own view.
// The controller is the live broker with the lowest id; it keeps the role until it stops or is cut
// off (a network partition, see network_partition.cpp).
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cluster/cluster.hpp"

namespace klab {

bool Cluster::broker_alive(BrokerId id) const {
  for (const Broker& broker : brokers_)
    if (broker.id == id) return broker.alive;
  return false;
}

void Cluster::choose_controller() {
  // The active controller keeps its role while it runs and reaches the others; otherwise the
  // lowest live broker id that is not cut off takes over.
  for (const Broker& broker : brokers_)
    if (broker.id == controller_ && broker.alive && !broker.isolated) return;
  BrokerId chosen = -1;
  for (const Broker& broker : brokers_)
    if (broker.alive && !broker.isolated) {
      chosen = broker.id;
      break;
    }
  if (chosen == controller_) return;
  controller_ = chosen;
  if (chosen >= 0) record_event("ControllerElected", nullptr, -1, chosen, fmt::format("broker {} is the controller", chosen));
}

int64_t Cluster::latency_ms(BrokerId from, BrokerId to) const {
  auto it = link_latency_ms_.find({from, to});
  return it == link_latency_ms_.end() ? network_latency_ms_ : it->second;
}

Status Cluster::set_latency(BrokerId from, BrokerId to, int64_t ms) {
  for (BrokerId id : {from, to})
    if (std::find(broker_ids_.begin(), broker_ids_.end(), id) == broker_ids_.end())
      return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {}.", id));
  if (ms < 0) return make_error(ErrorCode::INVALID_REQUEST, "latency cannot be negative");
  link_latency_ms_[{from, to}] = ms;
  return ok_status();
}

Status Cluster::drop_next_request(BrokerId broker) {
  if (std::find(broker_ids_.begin(), broker_ids_.end(), broker) == broker_ids_.end())
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {}.", broker));
  ++dropped_requests_[broker];
  return ok_status();
}

Status Cluster::drop_next_response(BrokerId broker) {
  if (std::find(broker_ids_.begin(), broker_ids_.end(), broker) == broker_ids_.end())
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {}.", broker));
  ++dropped_responses_[broker];
  return ok_status();
}

bool Cluster::take_dropped_request(BrokerId broker) {
  auto it = dropped_requests_.find(broker);
  if (it == dropped_requests_.end() || it->second == 0) return false;
  --it->second;
  return true;
}

bool Cluster::take_dropped_response(BrokerId broker) {
  auto it = dropped_responses_.find(broker);
  if (it == dropped_responses_.end() || it->second == 0) return false;
  --it->second;
  return true;
}

void Cluster::elect_leader(Topic& topic, Partition& partition, BrokerId leader, bool unclean) {
  const BrokerId previous = partition.leader;
  const bool first_leader = partition.last_leader < 0;  // a new partition: no election to report
  partition.leader = leader;
  partition.last_leader = leader;
  if (!first_leader) {
    ++partition.leader_epoch;
    ++leader_elections_;
    if (controller_ >= 0) broker_metrics(controller_).leader_elections.mark(now());
  }
  Replica& new_leader = *partition.replica_on(leader);
  new_leader.fetch_parked = false;
  ++new_leader.fetch_generation;  // it stops fetching
  new_leader.note_epoch(partition.leader_epoch, new_leader.log.log_end_offset());
  new_leader.high_watermark = std::min(new_leader.high_watermark, new_leader.log.log_end_offset());
  if (unclean) {
    ++unclean_elections_;
    if (controller_ >= 0) broker_metrics(controller_).unclean_elections.mark(now());
    partition.in_sync_replicas = {leader};
    new_leader.high_watermark = new_leader.log.log_end_offset();
  }
  for (auto& copy : partition.copies) {
    copy->last_caught_up_ms = now();
    copy->known_log_end_offset = copy->broker == leader ? copy->log.log_end_offset() : 0;
    copy->leader_end_offset_at_last_fetch = 0;
    // A broker cut off by a network partition does not hear of the new leader until it heals.
    if (copy->broker != leader && broker_alive(copy->broker) && !isolated(copy->broker))
      become_follower(topic, partition, *copy);
  }
  if (previous != leader && !first_leader)
    record_event(unclean ? "UncleanLeaderElection" : "LeaderElected", &topic, partition.id, leader,
                 fmt::format("{}-{} leader {} -> {} (epoch {}{})", topic.name, partition.id,
                             previous >= 0 ? std::to_string(previous) : std::string("none"), leader,
                             partition.leader_epoch, unclean ? ", unclean: out-of-sync replica" : ""));
  complete_pending_acks(topic.name, partition.id);
  if (maybe_advance_high_watermark(topic, partition)) complete_pending_acks(topic.name, partition.id);
  if (leader != partition.replicas.front()) maybe_schedule_leader_balance();
}

void Cluster::truncate_diverged(Topic& topic, Partition& partition, Replica& follower) {
  const Replica& leader = partition.leader_replica();
  const int32_t epoch = follower.latest_epoch();
  if (epoch < 0) return;
  // The leader's answer to OffsetsForLeaderEpoch(epoch): its largest epoch <= epoch, and where it ends.
  // When the leader's epochs all begin after `epoch` (an unclean leader that never saw it), Kafka
  // answers with `epoch` itself and the start of the leader's first epoch (LeaderEpochFileCache
  // .endOffsetFor), so the follower keeps only what precedes that.
  int32_t leader_epoch = -1;
  int64_t end_offset = leader.log.log_end_offset();
  for (std::size_t i = 0; i < leader.epochs.size(); ++i) {
    if (leader.epochs[i].epoch > epoch) {
      end_offset = leader.epochs[i].start_offset;
      if (i == 0) leader_epoch = epoch;
      break;
    }
    leader_epoch = leader.epochs[i].epoch;
  }
  int64_t truncate_at = follower.high_watermark;  // the leader knows no epochs: fall back to the high watermark
  if (leader_epoch >= 0) {
    // If the leader never had `epoch`, the follower's own end of leader_epoch bounds the common prefix.
    int64_t own_end = follower.log.log_end_offset();
    for (const EpochEntry& entry : follower.epochs)
      if (entry.epoch > leader_epoch) {
        own_end = entry.start_offset;
        break;
      }
    truncate_at = std::min(end_offset, own_end);
  }
  truncate_replica(topic, partition, follower, truncate_at);
}

void Cluster::truncate_replica(Topic& topic, Partition& partition, Replica& follower, int64_t truncate_at) {
  if (truncate_at >= follower.log.log_end_offset()) return;
  const int64_t old_end = follower.log.log_end_offset();
  follower.log.truncate_to(truncate_at);
  truncate_at = follower.log.log_end_offset();  // earlier when a batch straddled the point
  const int64_t lost = old_end - truncate_at;
  follower.producers.clear();  // rebuilt from what is left, as Kafka reloads producer state
  follower.log.read_batches(follower.log.log_start_offset(), truncate_at, [&](const RecordBatchView& batch) {
    if (auto producer = producer_identity(batch)) follower.producers.record(*producer, batch.base_offset(), batch.last_offset());
    return true;
  });
  while (!follower.epochs.empty() && follower.epochs.back().start_offset >= truncate_at) follower.epochs.pop_back();
  follower.high_watermark = std::min(follower.high_watermark, truncate_at);
  record_event("Truncation", &topic, partition.id, follower.broker,
               fmt::format("{}-{}: broker {} truncated {} record(s) it had from offset {} on (not in the leader's log)",
                           topic.name, partition.id, follower.broker, lost, truncate_at));
}

void Cluster::become_follower(Topic& topic, Partition& partition, Replica& replica) {
  truncate_diverged(topic, partition, replica);
  start_follower(topic, partition, replica);
}

Broker* Cluster::find_broker(BrokerId id) {
  auto it = std::find_if(brokers_.begin(), brokers_.end(), [&](const Broker& b) { return b.id == id; });
  return it == brokers_.end() ? nullptr : &*it;
}

Status Cluster::stop_broker(BrokerId id) {
  Broker* broker = find_broker(id);
  if (!broker)
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {} (brokers are {}).", id,
                                                                   fmt::join(broker_ids_, ", ")));
  if (!broker->alive) return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("Broker {} is already stopped.", id));
  broker->alive = false;
  broker->fenced = false;
  record_event("BrokerStopped", nullptr, -1, id, fmt::format("broker {} stopped", id));
  choose_controller();
  for (auto& [name, topic] : topics_)
    for (auto& partition : topic->partitions)
      if (Replica* replica = partition->replica_on(id)) {
        ++replica->fetch_generation;
        replica->fetch_parked = false;
        replica->zombie = false;  // a restarted broker learns the leaders from the controller
      }
  remove_broker_from_partitions(id, "stopped");
  return ok_status();
}

void Cluster::remove_broker_from_partitions(BrokerId id, const char* why) {
  auto eligible = [&](BrokerId candidate) { return candidate != id && broker_alive(candidate) && !isolated(candidate); };
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      if (!partition->replica_on(id)) continue;
      const bool was_leader = partition->leader == id;
      if (partition->in_isr(id) && partition->in_sync_replicas.size() > 1) {
        std::vector<BrokerId> isr;
        for (BrokerId member : partition->in_sync_replicas)
          if (member != id) isr.push_back(member);
        ++isr_shrinks_;
        set_isr(*topic, *partition, std::move(isr), fmt::format("broker {} {}", id, why).c_str());
      }
      if (!was_leader) continue;
      BrokerId next = -1;
      for (BrokerId candidate : partition->replicas)
        if (eligible(candidate) && partition->in_isr(candidate)) {
          next = candidate;
          break;
        }
      if (next >= 0) {
        elect_leader(*topic, *partition, next, false);
        continue;
      }
      if (topic_config_bool(*topic, "unclean.leader.election.enable")) {
        for (BrokerId candidate : partition->replicas)
          if (eligible(candidate)) {
            next = candidate;
            break;
          }
      }
      if (next >= 0) {
        elect_leader(*topic, *partition, next, true);
        continue;
      }
      partition->leader = -1;
      record_event("PartitionOffline", topic.get(), partition->id, id,
                   fmt::format("{}-{} is offline: no in-sync replica is available", name, partition->id));
      complete_pending_acks(name, partition->id);
    }
  }
}

Status Cluster::start_broker(BrokerId id) {
  auto it = std::find_if(brokers_.begin(), brokers_.end(), [&](const Broker& b) { return b.id == id; });
  if (it == brokers_.end())
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {} (brokers are {}).", id,
                                                                   fmt::join(broker_ids_, ", ")));
  if (it->alive) return make_error(ErrorCode::INVALID_REQUEST, fmt::format("Broker {} is already running.", id));
  it->alive = true;
  reset_broker_metrics(id);
  record_event("BrokerStarted", nullptr, -1, id, fmt::format("broker {} started", id));
  choose_controller();
  if (it->isolated) {
    // It cannot register with the controller across the network partition: fenced until heal().
    it->fenced = true;
    return ok_status();
  }
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      Replica* replica = partition->replica_on(id);
      if (!replica) continue;
      if (!partition->online()) {
        // Offline: a returning in-sync replica leads again; with unclean election any replica may.
        if (partition->in_isr(id)) elect_leader(*topic, *partition, id, false);
        else if (topic_config_bool(*topic, "unclean.leader.election.enable")) elect_leader(*topic, *partition, id, true);
        continue;
      }
      replica->last_caught_up_ms = now();
      replica->known_log_end_offset = 0;
      become_follower(*topic, *partition, *replica);
    }
  }
  return ok_status();
}

Result<int32_t> Cluster::elect_preferred_leaders(const std::string& name) {
  Topic* topic = find_topic(name);
  if (!topic) return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name));
  int32_t moved = 0;
  for (auto& partition : topic->partitions) {
    const BrokerId preferred = partition->replicas.front();
    if (partition->leader == preferred || !broker_alive(preferred) || !partition->in_isr(preferred)) continue;
    elect_leader(*topic, *partition, preferred, false);
    ++moved;
  }
  return moved;
}

std::vector<std::pair<std::string, int64_t>> Cluster::metrics() const {
  int64_t under_replicated = 0, offline = 0;
  for (const auto& [name, topic] : topics_)
    for (const auto& partition : topic->partitions) {
      if (!partition->online()) ++offline;
      else if (partition->in_sync_replicas.size() < partition->replicas.size()) ++under_replicated;
    }
  return {
      {"ActiveControllerCount", controller_ >= 0 ? 1 : 0},
      {"IsrExpandsPerSec", isr_expands_},
      {"IsrShrinksPerSec", isr_shrinks_},
      {"LeaderElectionRateAndTimeMs", leader_elections_},
      {"OfflinePartitionsCount", offline},
      {"UncleanLeaderElectionsPerSec", unclean_elections_},
      {"UnderReplicatedPartitions", under_replicated},
  };
}

}  // namespace klab
