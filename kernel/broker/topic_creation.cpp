#include "broker/topic_creation.hpp"

#include "base/rng.hpp"
#include "cluster/uuid.hpp"

namespace klab::broker {

AdvertisedListener advertised_listener(const FrontEndOptions& options, BrokerId broker) {
  if (auto it = options.advertised_listeners.find(broker); it != options.advertised_listeners.end()) return it->second;
  return AdvertisedListener{"localhost", 9091 + broker};
}

std::string cluster_id_of(const Cluster& cluster) {
  Rng rng(cluster.seed() ^ 0x6b6c6162u);  // its own stream: drawing it must not move the cluster's RNG
  return Uuid::random(rng).to_string();
}

BrokerId listed_controller(const Cluster& cluster) {
  if (cluster.controller() >= 0 && cluster.broker_alive(cluster.controller())) return cluster.controller();
  for (const Broker& broker : cluster.brokers())
    if (broker.alive) return broker.id;
  return -1;
}

bool is_internal_topic(const std::string& name) { return name == "__consumer_offsets" || name == "__transaction_state"; }

Status auto_create_topic(Request& request, const std::string& name) {
  TopicSpec spec;
  spec.partitions = request.options().auto_create_partitions;
  Result<CreateTopicResult> created = request.cluster().create_topic(name, spec);
  if (!created) return created.error();
  return ok_status();
}

}  // namespace klab::broker
