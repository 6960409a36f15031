// CreatePartitions, versions 0-1 (v1: the same as v0). Grows a topic to `count` partitions through
// Cluster::create_partitions (INVALID_PARTITIONS with Kafka's words when it would not grow).
// validate_only checks without creating; manual assignments are not served (INVALID_REQUEST).
#include <fmt/format.h>

#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

Status grow(Cluster& cluster, const auto& topic, bool validate_only) {
  if (topic.assignments && !topic.assignments->empty())
    return make_error(ErrorCode::INVALID_REQUEST, "klab does not take manual replica assignments.");
  if (!validate_only) return cluster.create_partitions(topic.name, topic.count);
  const Topic* existing = cluster.find_topic(topic.name);
  if (!existing)
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", topic.name));
  if (topic.count <= existing->partition_count())
    return make_error(ErrorCode::INVALID_PARTITIONS,
                      fmt::format("Topic currently has {} partitions, which is higher than the requested {}.",
                                  existing->partition_count(), topic.count));
  return ok_status();
}

}  // namespace

void handle(const RequestPtr& request, const protocol::CreatePartitionsRequest& body) {
  protocol::CreatePartitionsResponse response;
  for (const auto& topic : body.topics) {
    auto& out = response.results.emplace_back();
    out.name = topic.name;
    const Status grown = grow(request->cluster(), topic, body.validate_only);
    if (grown) continue;
    out.error_code = static_cast<int16_t>(grown.error().code);
    out.error_message = grown.error().message;
  }
  request->respond(response);
}

}  // namespace klab::broker
