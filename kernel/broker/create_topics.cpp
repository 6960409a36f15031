// CreateTopics, versions 0-4.
//   v1: validate_only, error_message per topic.  v2: throttle_time_ms.  v3: the same as v2.
//   v4: num_partitions and replication_factor may be -1 (the broker's num.partitions and
//   default.replication.factor; KIP-464).
// Every topic is checked and created by Cluster::create_topic, whose messages are Kafka's words
// ("Topic 'x' already exists.", ...). A name given twice is INVALID_REQUEST for both, as Kafka
// answers duplicates. Manual replica assignments (`assignments`, with num_partitions and
// replication_factor -1) are checked by the cluster as Kafka's controller checks them
// (INVALID_REPLICA_ASSIGNMENT for a repeated partition or broker, an unknown broker, uneven replica
// counts, a gap in the partition indexes; INVALID_REQUEST when a count is not -1).
#include <fmt/format.h>

#include <map>

#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

Status create_one(Request& request, const auto& topic, bool validate_only) {
  TopicSpec spec;
  for (const auto& assignment : topic.assignments)
    spec.assignments.push_back(ManualPartitionAssignment{assignment.partition_index, assignment.broker_ids});
  spec.partitions = topic.num_partitions;
  spec.replication_factor = topic.replication_factor;
  spec.validate_only = validate_only;
  for (const auto& config : topic.configs) {
    if (!config.value) continue;  // null: the default
    spec.config.emplace_back(config.name, ConfigInput{*config.value});
  }
  Result<CreateTopicResult> created = request.cluster().create_topic(topic.name, spec);
  if (!created) return created.error();
  return ok_status();
}

}  // namespace

void handle(const RequestPtr& request, const protocol::CreateTopicsRequest& body) {
  std::map<std::string, int> counts;
  for (const auto& topic : body.topics) ++counts[topic.name];
  protocol::CreateTopicsResponse response;
  for (const auto& topic : body.topics) {
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.error_message = std::nullopt;
    Status created = counts[topic.name] > 1
                         ? Status(make_error(ErrorCode::INVALID_REQUEST,
                                             fmt::format("Create topics request from client `{}` contains multiple "
                                                         "entries for the following topics: {}",
                                                         request->client_id(), topic.name)))
                         : create_one(*request, topic, request->version() >= 1 && body.validate_only);
    if (created) continue;
    out.error_code = static_cast<int16_t>(created.error().code);
    out.error_message = created.error().message;
  }
  request->respond(response);
}

}  // namespace klab::broker
