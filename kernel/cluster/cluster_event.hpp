// What happened in the cluster, with its simulated time: broker stops and starts, controller
// changes, leader elections, ISR shrinks and expansions, truncations. c:events() shows this
// timeline so a student can read what Kafka did and when.
#pragma once
#include <cstdint>
#include <string>

#include "base/scheduler.hpp"
#include "cluster/replica_assignment.hpp"

namespace klab {

struct ClusterEvent {
  TimeMs time = 0;
  std::string kind;         // BrokerStopped, BrokerStarted, ControllerElected, LeaderElected, ...
  std::string topic;        // empty for broker-level events
  int32_t partition = -1;
  BrokerId broker = -1;     // the broker the event is about (new leader, stopped broker, ...)
  std::string description;  // one readable line
  std::string group;        // consumer-group events: the group.id
  std::string client_id;    // events a consumer records: its client.id
};

}  // namespace klab
