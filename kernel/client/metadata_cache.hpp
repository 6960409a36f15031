// What a producer believes about partition leaders (Kafka's client Metadata). It asks the cluster
// and keeps the answer until metadata.max.age.ms passes or something shows it is stale: an error
// that names it (NOT_LEADER_OR_FOLLOWER, a timed-out request -> request_update()), a cached leader
// that refuses connections (stopped), or a partition without a leader.
//
// This is why a broker cut off by a network partition that still thinks it leads keeps receiving
// acks=1 writes after the controller moved leadership away: nothing tells the producer.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"

namespace klab {

class MetadataCache {
 public:
  MetadataCache(const Cluster& cluster, int64_t max_age_ms) : cluster_(cluster), max_age_ms_(max_age_ms) {}

  BrokerId leader(const Topic& topic, int32_t partition);
  void request_update() { ++generation_; }

 private:
  struct Entry {
    uint64_t generation = 0;
    TimeMs fetched_at = 0;
    std::vector<BrokerId> leaders;
  };
  const Cluster& cluster_;
  int64_t max_age_ms_;
  uint64_t generation_ = 0;
  std::map<std::string, Entry, std::less<>> topics_;
};

}  // namespace klab
