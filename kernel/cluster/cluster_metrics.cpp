// The brokers' metrics as Kafka's server publishes them (broker_metrics.hpp), one source in the
// cluster's MetricsRegistry. Every sample carries a `broker` tag first: on a real cluster each
// broker has its own JMX endpoint and the scraper adds the instance; here one registry holds all.
// A stopped broker publishes nothing (its endpoint is down) and restarts with fresh meters.
#include <fmt/format.h>

#include "cluster/cluster.hpp"

namespace klab {

std::string_view request_name(RequestName name) {
  switch (name) {
    case RequestName::Produce: return "Produce";
    case RequestName::Fetch: return "Fetch";
    case RequestName::FetchConsumer: return "FetchConsumer";
    case RequestName::FetchFollower: return "FetchFollower";
  }
  return "Unknown";
}

// Kafka 3.7 added Produce v10 and Fetch v16 (KIP-951); its clients and brokers use those.
int32_t request_version(RequestName name) { return name == RequestName::Produce ? 10 : 16; }

BrokerTopicMeters& Cluster::topic_meters(Topic& topic, BrokerId broker) {
  const auto index = static_cast<std::size_t>(broker);
  if (topic.broker_meters.size() <= index) topic.broker_meters.resize(index + 1);
  if (!topic.broker_meters[index]) topic.broker_meters[index] = std::make_unique<BrokerTopicMeters>(now());
  return *topic.broker_meters[index];
}

void Cluster::mark_bytes_in(Topic& topic, BrokerId broker, int64_t bytes, int64_t messages) {
  const TimeMs at = now();
  BrokerTopicMeters& all = broker_metrics(broker).all_topics;
  all.bytes_in.mark(at, bytes);
  all.messages_in.mark(at, messages);
  BrokerTopicMeters& one = topic_meters(topic, broker);
  one.bytes_in.mark(at, bytes);
  one.messages_in.mark(at, messages);
}

void Cluster::record_bytes_out(BrokerId broker, Topic& topic, int64_t bytes) {
  if (broker < 1 || broker > static_cast<BrokerId>(broker_metrics_.size())) return;
  broker_metrics(broker).all_topics.bytes_out.mark(now(), bytes);
  topic_meters(topic, broker).bytes_out.mark(now(), bytes);
}

void Cluster::record_request(BrokerId broker, RequestName name, std::optional<int64_t> total_time_ms) {
  if (broker < 1 || broker > static_cast<BrokerId>(broker_metrics_.size())) return;
  BrokerMetrics& metrics = broker_metrics(broker);
  auto count = [&](RequestName counted) {
    RequestMetrics& request = metrics.request(counted);
    request.requests.mark(now());
    if (total_time_ms) request.total_time_ms.update(*total_time_ms);
  };
  count(name);
  if (name == RequestName::FetchConsumer || name == RequestName::FetchFollower) count(RequestName::Fetch);
}

void Cluster::reset_broker_metrics(BrokerId id) {
  broker_metrics(id) = BrokerMetrics(now());
  for (auto& [name, topic] : topics_) {
    const auto index = static_cast<std::size_t>(id);
    if (index < topic->broker_meters.size()) topic->broker_meters[index].reset();
  }
}

void Cluster::publish_metrics(TimeMs now, std::vector<MetricSample>& out) const {
  using Tags = std::vector<std::pair<std::string, std::string>>;
  const std::string topic_metrics = "kafka.server:type=BrokerTopicMetrics";
  const std::string replica_manager = "kafka.server:type=ReplicaManager";
  const std::string kafka_controller = "kafka.controller:type=KafkaController";
  const std::string controller_stats = "kafka.controller:type=ControllerStats";
  const std::string request_metrics = "kafka.network:type=RequestMetrics";
  auto gauge = [&](const std::string& group, const char* name, const Tags& tags, int64_t value) {
    out.push_back(MetricSample{group, name, tags, static_cast<double>(value)});
  };
  auto topic_meters_of = [&](const BrokerTopicMeters& meters, const Tags& tags) {
    meters.bytes_in.publish(now, topic_metrics, "BytesInPerSec", tags, out);
    meters.bytes_out.publish(now, topic_metrics, "BytesOutPerSec", tags, out);
    meters.messages_in.publish(now, topic_metrics, "MessagesInPerSec", tags, out);
  };
  for (const Broker& broker : brokers_) {
    if (!broker.alive) continue;
    const BrokerMetrics& metrics = broker_metrics(broker.id);
    const std::string id = std::to_string(broker.id);
    const Tags tags = {{"broker", id}};
    topic_meters_of(metrics.all_topics, tags);
    int64_t under_replicated = 0, leaders = 0, replicas = 0, offline = 0;
    for (const auto& [name, topic] : topics_) {
      const auto index = static_cast<std::size_t>(broker.id);
      if (index < topic->broker_meters.size() && topic->broker_meters[index])
        topic_meters_of(*topic->broker_meters[index], {{"broker", id}, {"topic", name}});
      for (const auto& partition : topic->partitions) {
        if (!partition->online()) ++offline;
        if (partition->replica_on(broker.id)) ++replicas;
        if (partition->leader != broker.id) continue;
        ++leaders;
        if (partition->in_sync_replicas.size() < partition->replicas.size()) ++under_replicated;
      }
    }
    gauge(replica_manager, "UnderReplicatedPartitions", tags, under_replicated);
    gauge(replica_manager, "PartitionCount", tags, replicas);
    gauge(replica_manager, "LeaderCount", tags, leaders);
    metrics.isr_shrinks.publish(now, replica_manager, "IsrShrinksPerSec", tags, out);
    metrics.isr_expands.publish(now, replica_manager, "IsrExpandsPerSec", tags, out);
    // Only the active controller reports the cluster-wide controller gauges; the others say 0.
    const bool active = controller_ == broker.id;
    gauge(kafka_controller, "ActiveControllerCount", tags, active ? 1 : 0);
    gauge(kafka_controller, "OfflinePartitionsCount", tags, active ? offline : 0);
    metrics.leader_elections.publish(now, controller_stats, "LeaderElectionRateAndTimeMs", tags, out);
    metrics.unclean_elections.publish(now, controller_stats, "UncleanLeaderElectionsPerSec", tags, out);
    for (RequestName name : kRequestNames) {
      const RequestMetrics& request = metrics.request(name);
      const std::string request_tag(request_name(name));
      request.requests.publish(now, request_metrics, "RequestsPerSec",
                               {{"broker", id}, {"request", request_tag}, {"version", std::to_string(request_version(name))}},
                               out);
      // Only produce requests are timed by the simulation (a consumer reads the log directly).
      if (name == RequestName::Produce)
        request.total_time_ms.publish(request_metrics, "TotalTimeMs", {{"broker", id}, {"request", request_tag}}, out);
    }
  }
}

}  // namespace klab
