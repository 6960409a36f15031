// InitProducerId, versions 0-1 (v1: the same as v0). An idempotent producer's id from
// Cluster::allocate_producer_id, epoch 0. A transactional id is refused: klab has no transaction
// coordinator (COORDINATOR_NOT_AVAILABLE, what a cluster without one answers).
#include "broker/handlers.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::InitProducerIdRequest& body) {
  protocol::InitProducerIdResponse response;
  if (body.transactional_id && !body.transactional_id->empty()) {
    response.error_code = static_cast<int16_t>(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    response.producer_id = -1;
    response.producer_epoch = -1;
  } else {
    response.producer_id = request->cluster().allocate_producer_id();
    response.producer_epoch = 0;
  }
  request->respond(response);
}

}  // namespace klab::broker
