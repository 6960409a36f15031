// SyncGroup, versions 0-3: the leader hands in the assignment, every member gets its own.
//   v1: throttle_time_ms.  v2: the same as v1.  v3: group_instance_id.
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::SyncGroupRequest& body) {
  group::SyncRequest sync;
  sync.group_id = body.group_id;
  sync.generation = body.generation_id;
  sync.member_id = body.member_id;
  if (request->version() >= 3) sync.group_instance_id = body.group_instance_id;
  for (const auto& assignment : body.assignments) sync.assignments[assignment.member_id] = assignment.assignment;
  group::GroupCoordinator::of(request->cluster()).sync_group(request->broker(), std::move(sync),
                                                              [request](group::SyncResult result) {
                                                                protocol::SyncGroupResponse response;
                                                                response.error_code = static_cast<int16_t>(result.error);
                                                                response.assignment = result.assignment;
                                                                request->respond(response);
                                                              });
}

}  // namespace klab::broker
