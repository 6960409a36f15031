// Network partitions: c:isolate(id) cuts broker `id` off from every other broker and from the
// controller; clients still reach it. What Kafka 3.7 (KRaft) does then:
//
//   t0          isolate: followers on either side of the cut stop fetching (retry every
//               replica.fetch.backoff.ms). The isolated leader cannot shrink its ISR (the controller
//               is out of reach), so its high watermark freezes: acks=all writes wait and time out,
//               acks=1 writes succeed. If the isolated broker was the controller, another takes over.
//   t0 + 9000   broker.session.timeout.ms without heartbeats: the controller fences it. It leaves
//               every ISR; its leaderships move to in-sync replicas on the connected side. The
//               isolated broker does not know: a zombie leader that still appends what clients with
//               stale metadata send it (acks=1 "succeeds"; acks=all waits and times out).
//   heal        it hears of the new leaders, truncates what it appended as a zombie (by leader
//               epoch), catches up and rejoins the ISR. Healed before fencing: nothing moved, the
//               frozen high watermark advances and waiting acks=all writes complete.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cluster/cluster.hpp"

namespace klab {

bool Cluster::isolated(BrokerId id) const {
  for (const Broker& broker : brokers_)
    if (broker.id == id) return broker.isolated;
  return false;
}

bool Cluster::reachable(BrokerId from, BrokerId to) const {
  return from == to || (!isolated(from) && !isolated(to));
}

bool Cluster::can_reach_controller(BrokerId broker) const {
  return controller_ >= 0 && reachable(broker, controller_);
}

bool Cluster::is_zombie_leader(const Partition& partition, BrokerId broker) const {
  const Replica* replica = partition.replica_on(broker);
  return replica && replica->zombie && broker_alive(broker);
}

Status Cluster::isolate(BrokerId id) {
  Broker* broker = find_broker(id);
  if (!broker)
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE, fmt::format("There is no broker {} (brokers are {}).", id,
                                                                   fmt::join(broker_ids_, ", ")));
  if (!broker->alive)
    return make_error(ErrorCode::BROKER_NOT_AVAILABLE,
                      fmt::format("Broker {} is stopped; start it before cutting it off.", id));
  if (broker->isolated) return make_error(ErrorCode::INVALID_REQUEST, fmt::format("Broker {} is already isolated.", id));
  broker->isolated = true;
  const uint64_t generation = ++broker->isolation_generation;
  record_event("BrokerIsolated", nullptr, -1, id,
               fmt::format("broker {} is cut off from the other brokers and the controller (clients still reach it)", id));
  choose_controller();
  // Fetches parked across the cut will never be answered: those followers start retrying.
  for (auto& [name, topic] : topics_)
    for (auto& partition : topic->partitions) {
      if (!partition->online()) continue;
      for (auto& copy : partition->copies)
        if (copy->broker != partition->leader && copy->fetch_parked && !reachable(copy->broker, partition->leader))
          start_follower(*topic, *partition, *copy);
    }
  const int64_t session_timeout = broker_config_.get_long("broker.session.timeout.ms");
  scheduler_.schedule_after(session_timeout, [this, id, generation] { fence_broker(id, generation); });
  return ok_status();
}

void Cluster::fence_broker(BrokerId id, uint64_t isolation_generation) {
  Broker* broker = find_broker(id);
  if (!broker || !broker->alive || !broker->isolated || broker->isolation_generation != isolation_generation) return;
  if (controller_ < 0 || controller_ == id) return;  // nobody on the other side to fence it
  broker->fenced = true;
  record_event("BrokerFenced", nullptr, -1, controller_,
               fmt::format("controller {} fenced broker {}: no heartbeat for broker.session.timeout.ms ({} ms)",
                           controller_, id, broker_config_.get_long("broker.session.timeout.ms")));
  for (auto& [name, topic] : topics_)
    for (auto& partition : topic->partitions)
      if (partition->leader == id) {
        Replica& replica = *partition->replica_on(id);
        replica.zombie = true;
        replica.zombie_isr = partition->in_sync_replicas;
      }
  remove_broker_from_partitions(id, "fenced");
}

Status Cluster::heal() {
  std::vector<BrokerId> healed;
  for (Broker& broker : brokers_)
    if (broker.isolated) {
      broker.isolated = false;
      ++broker.isolation_generation;  // a pending fence no longer applies
      healed.push_back(broker.id);
    }
  if (healed.empty()) return make_error(ErrorCode::INVALID_REQUEST, "No broker is isolated: there is nothing to heal.");
  record_event("NetworkHealed", nullptr, -1, -1,
               fmt::format("network partition healed: broker(s) {} reach the others again", fmt::join(healed, ", ")));
  choose_controller();
  for (BrokerId id : healed) {
    Broker& broker = *find_broker(id);
    if (!broker.alive) continue;
    if (broker.fenced) {
      broker.fenced = false;
      record_event("BrokerUnfenced", nullptr, -1, id, fmt::format("broker {} registered with the controller again", id));
    }
    for (auto& [name, topic] : topics_)
      for (auto& partition : topic->partitions) {
        Replica* replica = partition->replica_on(id);
        if (!replica) continue;
        replica->zombie = false;
        replica->zombie_isr.clear();
        if (!partition->online()) {
          if (partition->in_isr(id)) elect_leader(*topic, *partition, id, false);
          else if (topic_config_bool(*topic, "unclean.leader.election.enable")) elect_leader(*topic, *partition, id, true);
          continue;
        }
        if (partition->leader == id) {
          // Healed before it was fenced: still the leader. Waiting writes may complete now.
          if (maybe_advance_high_watermark(*topic, *partition)) complete_pending_acks(name, partition->id);
          continue;
        }
        replica->last_caught_up_ms = now();
        replica->known_log_end_offset = 0;
        become_follower(*topic, *partition, *replica);
      }
  }
  return ok_status();
}

}  // namespace klab
