// FindCoordinator, versions 0-2.
//   v0: key (a group id) only.  v1: key_type (0 group, 1 transaction), throttle_time_ms and
//   error_message in the response.  v2: the same as v1.
// Groups are placed by the group coordinator (the leader of the group's __consumer_offsets
// partition, the topic created on first use); transaction coordinators are not served
// (COORDINATOR_NOT_AVAILABLE: klab has no transactions).
// error_message (v1+) is Kafka's: "NONE" on success (Errors.NONE.message()), and on an error the
// error's own default text, as KafkaApis answers with error.exception; klab's longer explanation
// (why the coordinator is not available) stays with the in-process clients.
#include "broker/handlers.hpp"
#include "broker/topic_creation.hpp"
#include "group/group_coordinator.hpp"

namespace klab::broker {
namespace {

std::string wire_error_message(ErrorCode error, std::string klab_message) {
  switch (error) {
    case ErrorCode::NONE: return "NONE";
    case ErrorCode::COORDINATOR_NOT_AVAILABLE: return "The coordinator is not available.";
    case ErrorCode::INVALID_GROUP_ID: return "The configured groupId is invalid.";
    default: return klab_message;
  }
}

}  // namespace

void handle(const RequestPtr& request, const protocol::FindCoordinatorRequest& body) {
  auto answer = [request](ErrorCode error, std::string message, BrokerId node) {
    protocol::FindCoordinatorResponse response;
    response.error_code = static_cast<int16_t>(error);
    response.error_message = wire_error_message(error, std::move(message));
    response.node_id = node;
    if (node >= 0) {
      const AdvertisedListener listener = advertised_listener(request->options(), node);
      response.host = listener.host;
      response.port = listener.port;
    } else {
      response.host = "";
      response.port = -1;
    }
    request->respond(response);
  };
  if (body.key_type != 0) {
    answer(ErrorCode::COORDINATOR_NOT_AVAILABLE, "klab has no transaction coordinator.", -1);
    return;
  }
  group::GroupCoordinator::of(request->cluster()).find_coordinator(body.key, [answer](Result<BrokerId> found) {
    if (!found) return answer(found.error().code, found.error().message, -1);
    answer(ErrorCode::NONE, {}, *found);
  });
}

}  // namespace klab::broker
