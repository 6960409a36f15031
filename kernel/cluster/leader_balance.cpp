// Automatic preferred-leader election (auto.leader.rebalance.enable, on by default in Kafka). After
// a failover, leadership stays where the election put it; the KRaft controller looks again
// leader.imbalance.check.interval.seconds (300) after a partition got a leader other than its
// preferred replica (the first in its assignment), and moves leadership back wherever the preferred
// replica is alive, reachable and in the ISR. Partitions still waiting for theirs are looked at
// again one interval later. (leader.imbalance.per.broker.percentage is not used by KRaft, KAFKA-13682.)
#include <fmt/format.h>

#include "cluster/cluster.hpp"

namespace klab {

void Cluster::maybe_schedule_leader_balance() {
  if (leader_balance_scheduled_ || !broker_config_.get_bool("auto.leader.rebalance.enable")) return;
  leader_balance_scheduled_ = true;
  const int64_t interval_ms = broker_config_.get_long("leader.imbalance.check.interval.seconds") * 1000;
  scheduler_.schedule_after(interval_ms, [this] {
    leader_balance_scheduled_ = false;
    balance_leaders();
  });
}

void Cluster::balance_leaders() {
  if (controller_ < 0) return;
  bool still_imbalanced = false;
  for (auto& [name, topic] : topics_)
    for (auto& partition : topic->partitions) {
      const BrokerId preferred = partition->replicas.front();
      if (partition->leader == preferred) continue;
      if (partition->online() && broker_alive(preferred) && !isolated(preferred) && partition->in_isr(preferred))
        elect_leader(*topic, *partition, preferred, false);
      else
        still_imbalanced = true;
    }
  if (still_imbalanced) maybe_schedule_leader_balance();
}

}  // namespace klab
