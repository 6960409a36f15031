// DeleteGroups, versions 0-1 (v1: the same as v0). Each group: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP,
// or deleted with its offsets (tombstones in __consumer_offsets), answered once all are done.
#include <memory>

#include "broker/handlers.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

struct PendingDelete {
  RequestPtr request;
  protocol::DeleteGroupsResponse response;
  std::size_t waiting = 0;
};

}  // namespace

void handle(const RequestPtr& request, const protocol::DeleteGroupsRequest& body) {
  auto pending = std::make_shared<PendingDelete>();
  pending->request = request;
  pending->waiting = body.groups_names.size();
  for (const std::string& name : body.groups_names) pending->response.results.emplace_back().group_id = name;
  if (body.groups_names.empty()) return request->respond(pending->response);
  auto& coordinator = group::GroupCoordinator::of(request->cluster());
  for (std::size_t i = 0; i < body.groups_names.size(); ++i)
    coordinator.delete_group(body.groups_names[i], [pending, i](Status deleted) {
      pending->response.results[i].error_code = static_cast<int16_t>(deleted ? ErrorCode::NONE : deleted.error().code);
      if (--pending->waiting == 0) pending->request->respond(pending->response);
    });
}

}  // namespace klab::broker
