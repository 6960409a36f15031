// Metadata, versions 0-4 (the codec may decode later ones; the same fields are filled).
//   v0: topics [] means every topic; no controller, cluster id or is_internal.
//   v1: topics null means every topic and [] none; controller_id, rack, is_internal.
//   v2: cluster_id.   v3: throttle_time_ms.
//   v4: allow_auto_topic_creation (before v4 a request may always auto-create).
// Brokers listed are the live ones, at their advertised listeners. A topic created by this request
// answers LEADER_NOT_AVAILABLE with no partitions, as Kafka's auto-creation (the next request sees
// it); an unknown topic otherwise UNKNOWN_TOPIC_OR_PARTITION, an illegal name INVALID_TOPIC_EXCEPTION.
// A partition without a leader answers LEADER_NOT_AVAILABLE with leader -1.
#include <algorithm>

#include "broker/handlers.hpp"
#include "broker/topic_creation.hpp"
#include "cluster/topic_name.hpp"

namespace klab::broker {
namespace {

void add_brokers(Request& request, protocol::MetadataResponse& response) {
  for (const Broker& broker : request.cluster().brokers()) {
    if (!broker.alive) continue;
    auto& entry = response.brokers.emplace_back();
    entry.node_id = broker.id;
    const AdvertisedListener listener = advertised_listener(request.options(), broker.id);
    entry.host = listener.host;
    entry.port = listener.port;
  }
}

void add_partitions(const Topic& topic, auto& entry) {
  for (const auto& partition : topic.partitions) {
    auto& out = entry.partitions.emplace_back();
    out.partition_index = partition->id;
    out.error_code = partition->online() ? 0 : static_cast<int16_t>(ErrorCode::LEADER_NOT_AVAILABLE);
    out.leader_id = partition->leader;
    out.replica_nodes = partition->replicas;
    out.isr_nodes = partition->in_sync_replicas;
  }
}

void add_topic(Request& request, protocol::MetadataResponse& response, const std::string& name, bool may_create) {
  auto& entry = response.topics.emplace_back();
  entry.name = name;
  Cluster& cluster = request.cluster();
  if (const Topic* topic = cluster.find_topic(name)) {
    entry.is_internal = is_internal_topic(name);
    add_partitions(*topic, entry);
    return;
  }
  if (!validate_topic_name(name).ok()) {
    entry.error_code = static_cast<int16_t>(ErrorCode::INVALID_TOPIC_EXCEPTION);
    return;
  }
  if (!may_create || !cluster.broker_config().get_bool("auto.create.topics.enable")) {
    entry.error_code = static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    return;
  }
  const Status created = auto_create_topic(request, name);
  entry.error_code = static_cast<int16_t>(created ? ErrorCode::LEADER_NOT_AVAILABLE : created.error().code);
}

}  // namespace

void handle(const RequestPtr& request, const protocol::MetadataRequest& body) {
  protocol::MetadataResponse response;
  add_brokers(*request, response);
  Cluster& cluster = request->cluster();
  response.cluster_id = cluster_id_of(cluster);
  response.controller_id = listed_controller(cluster);
  const bool all = !body.topics || (request->version() == 0 && body.topics->empty());
  const bool may_create = request->version() < 4 || body.allow_auto_topic_creation;
  if (all) {
    for (const std::string& name : cluster.topic_names()) add_topic(*request, response, name, false);
  } else {
    for (const auto& topic : *body.topics) add_topic(*request, response, name_of(topic.name), may_create);
  }
  request->respond(response);
}

}  // namespace klab::broker
