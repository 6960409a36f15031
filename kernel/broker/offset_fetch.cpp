// OffsetFetch, versions 0-5.
//   v0: offsets as stored by ZooKeeper in old Kafka; here the same group offsets as v1.
//   v2: topics null means every partition the group committed; a top-level error_code.
//   v3: throttle_time_ms.  v4: the same as v3.  v5: committed_leader_epoch.
// A partition without a commit answers offset -1 and empty metadata with error NONE, as Kafka does.
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

void add_partition(auto& topic_out, int32_t partition, const group::FetchedOffsets& offsets, const std::string& topic) {
  auto& out = topic_out.partitions.emplace_back();
  out.partition_index = partition;
  auto it = offsets.find(group::TopicPartition{topic, partition});
  out.committed_offset = it == offsets.end() ? -1 : it->second.offset;
  out.committed_leader_epoch = it == offsets.end() ? -1 : it->second.leader_epoch;
  out.metadata = it == offsets.end() ? std::string() : it->second.metadata;
}

}  // namespace

void handle(const RequestPtr& request, const protocol::OffsetFetchRequest& body) {
  std::vector<group::TopicPartition> partitions;
  if (body.topics)
    for (const auto& topic : *body.topics)
      for (int32_t index : topic.partition_indexes) partitions.push_back(group::TopicPartition{topic.name, index});
  auto layout = std::make_shared<protocol::OffsetFetchRequest>(body);
  group::GroupCoordinator::of(request->cluster())
      .fetch_offsets(request->broker(), body.group_id, partitions, [request, layout](Result<group::FetchedOffsets> fetched) {
        protocol::OffsetFetchResponse response;
        const ErrorCode error = fetched ? ErrorCode::NONE : fetched.error().code;
        response.error_code = static_cast<int16_t>(error);
        group::FetchedOffsets offsets = fetched ? *fetched : group::FetchedOffsets{};
        if (!layout->topics) {  // v2+: every partition the group committed
          if (const auto* g = group::GroupCoordinator::of(request->cluster()).find_group(layout->group_id);
              g && fetched)
            offsets = g->offsets;
          for (const auto& [tp, committed] : offsets) {
            if (response.topics.empty() || response.topics.back().name != tp.topic)
              response.topics.emplace_back().name = tp.topic;
            add_partition(response.topics.back(), tp.partition, offsets, tp.topic);
          }
        } else {
          for (const auto& topic : *layout->topics) {
            auto& topic_out = response.topics.emplace_back();
            topic_out.name = topic.name;
            for (int32_t index : topic.partition_indexes) {
              add_partition(topic_out, index, offsets, topic.name);
              topic_out.partitions.back().error_code = static_cast<int16_t>(error);  // v0-1 carry it here
            }
          }
        }
        request->respond(response);
      });
}

}  // namespace klab::broker
