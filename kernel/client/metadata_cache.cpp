#include "client/metadata_cache.hpp"

namespace klab {

BrokerId MetadataCache::leader(const Topic& topic, int32_t partition) {
  const TimeMs now = cluster_.now();
  auto it = topics_.find(topic.name);
  bool stale = it == topics_.end();
  if (!stale) {
    const Entry& entry = it->second;
    stale = entry.generation != generation_ || now - entry.fetched_at >= max_age_ms_ ||
            partition >= static_cast<int32_t>(entry.leaders.size());
    if (!stale) {
      const BrokerId cached = entry.leaders[static_cast<std::size_t>(partition)];
      stale = cached < 0 || !cluster_.broker_alive(cached);
    }
  }
  if (stale) {
    Entry& entry = topics_[topic.name];
    entry.generation = generation_;
    entry.fetched_at = now;
    entry.leaders.clear();
    for (const auto& each : topic.partitions) entry.leaders.push_back(each->leader);
    it = topics_.find(topic.name);
  }
  const std::vector<BrokerId>& leaders = it->second.leaders;
  return partition < static_cast<int32_t>(leaders.size()) ? leaders[static_cast<std::size_t>(partition)] : -1;
}

}  // namespace klab
