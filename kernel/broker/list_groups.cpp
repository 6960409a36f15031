// ListGroups, versions 0-2 (v1: throttle_time_ms; v2: the same as v1). Every group the cluster's
// coordinators hold, with its protocol type ("" for a group that only stores offsets).
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::ListGroupsRequest&) {
  protocol::ListGroupsResponse response;
  for (const group::GroupOverview& overview : group::GroupCoordinator::of(request->cluster()).list_groups()) {
    auto& out = response.groups.emplace_back();
    out.group_id = overview.group_id;
    out.protocol_type = overview.protocol_type;
  }
  request->respond(response);
}

}  // namespace klab::broker
