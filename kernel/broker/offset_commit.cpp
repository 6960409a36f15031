// OffsetCommit, versions 0-7.
//   v0: no generation or member id (a commit outside group management).  v1: generation and member
//   id, commit_timestamp per partition.  v2-v4: retention_time_ms (ignored: Kafka 3.7 keeps offsets
//   for offsets.retention.minutes either way).  v3: throttle_time_ms.  v5: the same as v4.
//   v6: committed_leader_epoch.  v7: group_instance_id.
// A request-level failure (NOT_COORDINATOR, UNKNOWN_MEMBER_ID, ...) is every partition's error.
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::OffsetCommitRequest& body) {
  group::MemberIdentity member;
  member.group_id = body.group_id;
  member.member_id = body.member_id;
  member.generation = body.generation_id_or_member_epoch;
  if (request->version() >= 7) member.group_instance_id = body.group_instance_id;
  std::vector<group::OffsetToCommit> offsets;
  for (const auto& topic : body.topics)
    for (const auto& partition : topic.partitions)
      offsets.push_back(group::OffsetToCommit{{topic.name, partition.partition_index}, partition.committed_offset,
                                              partition.committed_leader_epoch,
                                              partition.committed_metadata.value_or("")});
  auto layout = std::make_shared<protocol::OffsetCommitRequest>(body);
  group::GroupCoordinator::of(request->cluster())
      .commit_offsets(request->broker(), std::move(member), std::move(offsets),
                      [request, layout](Result<group::CommitResult> result) {
                        protocol::OffsetCommitResponse response;
                        std::size_t next = 0;
                        for (const auto& topic : layout->topics) {
                          auto& topic_out = response.topics.emplace_back();
                          topic_out.name = topic.name;
                          for (const auto& partition : topic.partitions) {
                            auto& out = topic_out.partitions.emplace_back();
                            out.partition_index = partition.partition_index;
                            ErrorCode error = result ? ErrorCode::NONE : result.error().code;
                            if (result && next < result->size()) error = (*result)[next].second;
                            ++next;
                            out.error_code = static_cast<int16_t>(error);
                          }
                        }
                        request->respond(response);
                      });
}

}  // namespace klab::broker
