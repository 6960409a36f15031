// DeleteTopics, versions 0-3 (v1: throttle_time_ms; v2, v3: the same as v1). Each name is deleted
// at once (klab's controller has no deletion delay): UNKNOWN_TOPIC_OR_PARTITION for a missing one.
#include "broker/handlers.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::DeleteTopicsRequest& body) {
  protocol::DeleteTopicsResponse response;
  for (const std::string& name : body.topic_names) {
    auto& out = response.responses.emplace_back();
    out.name = name;
    const Status deleted = request->cluster().delete_topic(name);
    out.error_code = static_cast<int16_t>(deleted ? ErrorCode::NONE : deleted.error().code);
  }
  request->respond(response);
}

}  // namespace klab::broker
