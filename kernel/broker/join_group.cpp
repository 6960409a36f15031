// JoinGroup, versions 0-5, onto the cluster's GroupCoordinator, so wire members and in-process
// consumers share groups. The member's client id and host come from the connection.
//   v0: no rebalance_timeout_ms (it equals session_timeout_ms).  v1: rebalance_timeout_ms.
//   v2: throttle_time_ms.  v3: the same as v2.  v4: a member without group.instance.id that sends
//   no member id gets MEMBER_ID_REQUIRED with its new id and joins again (KIP-394); before v4 the
//   broker adds it at once, as Kafka's requireKnownMemberId=false does.  v5: group_instance_id
//   (static membership, KIP-345) in the request and per member in the leader's list.
#include <fmt/format.h>

#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

void answer(const RequestPtr& request, const group::JoinResult& result) {
  protocol::JoinGroupResponse response;
  response.error_code = static_cast<int16_t>(result.error);
  response.generation_id = result.generation;
  response.protocol_name = result.protocol.value_or("");
  response.leader = result.leader_id;
  response.member_id = result.member_id;
  for (const group::JoinedMember& member : result.members) {
    auto& out = response.members.emplace_back();
    out.member_id = member.member_id;
    out.group_instance_id = member.group_instance_id;
    out.metadata = member.metadata;
  }
  request->respond(response, {}, result.skip_assignment);
}

void join(const RequestPtr& request, group::JoinRequest join_request, bool rejoin_for_old_versions) {
  auto& coordinator = group::GroupCoordinator::of(request->cluster());
  auto retry = join_request;
  coordinator.join_group(request->broker(), std::move(join_request),
                         [request, retry, rejoin_for_old_versions](group::JoinResult result) mutable {
                           if (rejoin_for_old_versions && result.error == ErrorCode::MEMBER_ID_REQUIRED) {
                             retry.member_id = result.member_id;
                             return join(request, std::move(retry), false);
                           }
                           answer(request, result);
                         });
}

}  // namespace

void handle(const RequestPtr& request, const protocol::JoinGroupRequest& body) {
  group::JoinRequest join_request;
  join_request.group_id = body.group_id;
  join_request.member_id = body.member_id;
  if (request->version() >= 5) join_request.group_instance_id = body.group_instance_id;
  join_request.client_id = request->client_id();
  join_request.client_host = fmt::format("/{}", request->client_host());
  join_request.session_timeout_ms = body.session_timeout_ms;
  join_request.rebalance_timeout_ms = request->version() >= 1 ? body.rebalance_timeout_ms : body.session_timeout_ms;
  join_request.protocol_type = body.protocol_type;
  for (const auto& protocol : body.protocols) join_request.protocols.emplace_back(protocol.name, protocol.metadata);
  join_request.reason = request->reason().value_or("joined over the wire");
  const bool old_version = request->version() < 4 && body.member_id.empty() && !join_request.group_instance_id;
  join(request, std::move(join_request), old_version);
}

}  // namespace klab::broker
