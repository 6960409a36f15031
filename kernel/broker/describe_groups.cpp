// DescribeGroups, versions 0-4.
//   v1: throttle_time_ms.  v2: the same as v1.  v3: authorized_operations (not computed: klab has
//   no ACLs, so it answers Kafka's "not requested" value).  v4: group_instance_id per member.
// An unknown group is described as Kafka describes it: state Dead, no members, error NONE.
// protocol_data is the chosen assignor; members carry their metadata and assignment only while the
// group is Stable (Kafka leaves them empty otherwise), and client_host as Kafka prints it ("/host").
#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

void describe(const group::ClassicGroup& g, auto& out) {
  out.group_state = std::string(group::group_state_name(g.state()));
  out.protocol_type = g.protocol_type().value_or("");
  out.protocol_data = g.protocol().value_or("");
  const bool stable = g.is(group::GroupState::Stable);
  for (const std::string& id : g.member_order()) {
    const group::Member& member = g.member(id);
    auto& member_out = out.members.emplace_back();
    member_out.member_id = member.id;
    member_out.group_instance_id = member.group_instance_id;
    member_out.client_id = member.client_id;
    member_out.client_host = member.client_host;
    if (!stable) continue;
    for (const auto& [name, metadata] : member.protocols)
      if (g.protocol() && name == *g.protocol()) member_out.member_metadata = metadata;
    member_out.member_assignment = member.assignment;
  }
}

}  // namespace

void handle(const RequestPtr& request, const protocol::DescribeGroupsRequest& body) {
  protocol::DescribeGroupsResponse response;
  auto& coordinator = group::GroupCoordinator::of(request->cluster());
  for (const std::string& group_id : body.groups) {
    auto& out = response.groups.emplace_back();
    out.group_id = group_id;
    if (const group::ClassicGroup* g = coordinator.find_group(group_id)) {
      describe(*g, out);
    } else {
      out.group_state = "Dead";
    }
  }
  request->respond(response);
}

}  // namespace klab::broker
