// LeaveGroup, versions 0-3.
//   v0-v2: one member_id.  v1: throttle_time_ms.  v3 (KIP-345): a batch of members, each with its
//   group_instance_id, answered one by one (the top-level error stays NONE unless all fail alike).
#include <memory>

#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

struct PendingLeave {
  RequestPtr request;
  protocol::LeaveGroupResponse response;
  std::size_t waiting = 0;
};

}  // namespace

void handle(const RequestPtr& request, const protocol::LeaveGroupRequest& body) {
  auto& coordinator = group::GroupCoordinator::of(request->cluster());
  const std::string reason = request->reason().value_or("left over the wire");
  if (request->version() < 3) {
    group::MemberIdentity member{body.group_id, body.member_id, std::nullopt, -1};
    coordinator.leave_group(request->broker(), std::move(member), reason, [request](ErrorCode error) {
      protocol::LeaveGroupResponse response;
      response.error_code = static_cast<int16_t>(error);
      request->respond(response);
    });
    return;
  }
  auto pending = std::make_shared<PendingLeave>();
  pending->request = request;
  pending->waiting = body.members.size();
  if (body.members.empty()) return request->respond(pending->response);
  for (std::size_t i = 0; i < body.members.size(); ++i) {
    auto& out = pending->response.members.emplace_back();
    out.member_id = body.members[i].member_id;
    out.group_instance_id = body.members[i].group_instance_id;
  }
  for (std::size_t i = 0; i < body.members.size(); ++i) {
    group::MemberIdentity member{body.group_id, body.members[i].member_id, body.members[i].group_instance_id, -1};
    coordinator.leave_group(request->broker(), std::move(member), reason, [pending, i](ErrorCode error) {
      pending->response.members[i].error_code = static_cast<int16_t>(error);
      if (--pending->waiting == 0) pending->request->respond(pending->response);
    });
  }
}

}  // namespace klab::broker
