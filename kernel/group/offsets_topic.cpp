#include "group/offsets_topic.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fmt/format.h>

#include "base/hashing.hpp"

namespace klab::group {

int32_t partition_for_group(std::string_view group_id, int32_t partition_count) {
  const int32_t hash = java_string_hash(group_id);
  const int32_t non_negative = hash == INT32_MIN ? 0 : std::abs(hash);
  return non_negative % partition_count;
}

Result<Topic*> ensure_offsets_topic(Cluster& cluster) {
  if (Topic* topic = cluster.find_topic(kOffsetsTopic)) return topic;
  const ConfigSet& config = cluster.broker_config();
  const auto partitions = static_cast<int32_t>(config.get_long("offsets.topic.num.partitions"));
  const auto brokers = static_cast<int32_t>(cluster.brokers().size());
  const auto replication_factor = config.is_set("offsets.topic.replication.factor")
                                      ? static_cast<int32_t>(config.get_long("offsets.topic.replication.factor"))
                                      : std::min(3, brokers);
  const auto alive = static_cast<int32_t>(
      std::count_if(cluster.brokers().begin(), cluster.brokers().end(), [](const Broker& b) { return b.alive; }));
  if (alive < replication_factor)
    return make_error(ErrorCode::COORDINATOR_NOT_AVAILABLE,
                      fmt::format("Number of alive brokers '{}' does not meet the required replication factor '{}' "
                                  "for the offsets topic (configured via 'offsets.topic.replication.factor'). This "
                                  "error can be ignored if the cluster is starting up and not all brokers are up yet.",
                                  alive, replication_factor));
  // Kafka's offsetsTopicConfigs: compacted, 100 MiB segments (offsets.topic.segment.bytes).
  TopicSpec spec{partitions, replication_factor,
                 {{"cleanup.policy", ConfigInput(std::string("compact"))},
                  {"segment.bytes", ConfigInput(int64_t{104857600})}}};
  Result<CreateTopicResult> created = cluster.create_topic(std::string(kOffsetsTopic), spec);
  if (!created) return created.error();
  return cluster.find_topic(kOffsetsTopic);
}

}  // namespace klab::group
