// Heartbeat, versions 0-3.   v1: throttle_time_ms.  v2: the same as v1.  v3: group_instance_id.
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::HeartbeatRequest& body) {
  group::MemberIdentity member;
  member.group_id = body.group_id;
  member.member_id = body.member_id;
  member.generation = body.generation_id;
  if (request->version() >= 3) member.group_instance_id = body.group_instance_id;
  group::GroupCoordinator::of(request->cluster()).heartbeat(request->broker(), std::move(member), [request](ErrorCode error) {
    protocol::HeartbeatResponse response;
    response.error_code = static_cast<int16_t>(error);
    request->respond(response);
  });
}

}  // namespace klab::broker
