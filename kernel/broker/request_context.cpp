#include "broker/request_context.hpp"

#include "broker/fetch_park.hpp"

namespace klab::broker {

BrokerState::BrokerState(Cluster& c, FrontEndOptions o)
    : cluster(c), options(std::move(o)), fetches(std::make_unique<FetchPark>(c)) {}

BrokerState::~BrokerState() = default;

Request::Request(std::shared_ptr<BrokerState> state, BrokerId broker, uint64_t connection_id,
                 protocol::RequestHeader header, std::string client_host, std::function<void(FrameReply)> reply)
    : state_(std::move(state)),
      broker_(broker),
      connection_id_(connection_id),
      header_(std::move(header)),
      client_host_(std::move(client_host)),
      reply_(std::move(reply)) {}

Request::Request(std::shared_ptr<BrokerState> state, BrokerId broker, uint64_t connection_id,
                 protocol::RequestHeader header, std::string client_host, std::function<void(TypedReply)> typed_reply)
    : Request(std::move(state), broker, connection_id, std::move(header), std::move(client_host),
              std::function<void(FrameReply)>()) {
  typed_reply_ = std::move(typed_reply);
}

bool Request::open() const { return !answered_ && !state_->closed_connections.contains(connection_id_); }

void Request::deliver(FrameReply reply) {
  if (!open()) return;
  answered_ = true;
  auto callback = std::move(reply_);
  callback(std::move(reply));
}

void Request::deliver_typed(TypedReply reply) {
  if (!open()) return;
  answered_ = true;
  auto callback = std::move(typed_reply_);
  callback(std::move(reply));
}

void Request::respond(const protocol::Response& response, ErrorMessages error_messages, bool skip_assignment) {
  if (typed_reply_)
    return deliver_typed(TypedReply{ReplyKind::Send, response, {}, std::move(error_messages), skip_assignment});
  FrameReply reply;
  reply.bytes = protocol::encode_response(header_, response);
  deliver(std::move(reply));
}

void Request::no_response() {
  if (typed_reply_) return deliver_typed(TypedReply{ReplyKind::NoResponse, std::nullopt, {}, {}, false});
  deliver(FrameReply{ReplyKind::NoResponse, {}, {}});
}

void Request::close(std::string reason) {
  if (typed_reply_) return deliver_typed(TypedReply{ReplyKind::Close, std::nullopt, std::move(reason), {}, false});
  deliver(FrameReply{ReplyKind::Close, {}, std::move(reason)});
}

}  // namespace klab::broker
