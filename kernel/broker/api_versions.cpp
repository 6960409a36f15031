// ApiVersions, versions 0-3.
//   v1: throttle_time_ms.  v2: the same as v1.  v3 (KIP-511, flexible): the client names its
//   software (client_software_name / _version; the front end keeps them on the connection); names
//   outside Kafka's pattern are INVALID_REQUEST, as Kafka answers them. The response header is v0
//   at every version (the codec's rule for ApiVersions).
// The ranges come from the one API table (protocol/api_table.hpp). A version above 3 never gets
// here: the front end answers it with the v0-layout UNSUPPORTED_VERSION response.
#include "broker/handlers.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::ApiVersionsRequest& body) {
  const bool valid = protocol::valid_client_software(body, request->version());
  request->respond(protocol::api_versions_response(valid ? ErrorCode::NONE : ErrorCode::INVALID_REQUEST));
}

}  // namespace klab::broker
