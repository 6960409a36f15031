// DeleteRecords, versions 0-1 (v1: the same as v0). Raises each partition's log start offset
// through Cluster::delete_records (offset -1: the high watermark) and answers the low watermark;
// OFFSET_OUT_OF_RANGE beyond the high watermark, POLICY_VIOLATION on a compact-only topic,
// NOT_LEADER_OR_FOLLOWER when this broker does not lead the partition.
#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

void delete_partition(Request& request, const std::string& topic_name, const auto& wanted, auto& out) {
  out.partition_index = wanted.partition_index;
  out.low_watermark = -1;
  Cluster& cluster = request.cluster();
  const Topic* topic = cluster.find_topic(topic_name);
  if (!topic || wanted.partition_index < 0 || wanted.partition_index >= topic->partition_count()) {
    out.error_code = static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    return;
  }
  if (topic->partitions[static_cast<std::size_t>(wanted.partition_index)]->leader != request.broker()) {
    out.error_code = static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER);
    return;
  }
  Result<int64_t> low = cluster.delete_records(topic_name, wanted.partition_index, wanted.offset);
  if (!low) {
    out.error_code = static_cast<int16_t>(low.error().code);
    return;
  }
  out.low_watermark = *low;
}

}  // namespace

void handle(const RequestPtr& request, const protocol::DeleteRecordsRequest& body) {
  protocol::DeleteRecordsResponse response;
  for (const auto& topic : body.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.name = topic.name;
    for (const auto& wanted : topic.partitions)
      delete_partition(*request, topic.name, wanted, topic_out.partitions.emplace_back());
  }
  request->respond(response);
}

}  // namespace klab::broker
