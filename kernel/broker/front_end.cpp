#include "broker/front_end.hpp"

#include <fmt/format.h>

#include "broker/broker_service.hpp"
#include "broker/fetch_park.hpp"
#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

// "127.0.0.1:53211" -> "127.0.0.1", "[::1]:53211" -> "::1": the host Kafka records for a member.
std::string host_of(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    return close == std::string::npos ? address : address.substr(1, close - 1);
  }
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

void count_request(ConnectionContext& connection, int16_t api_key) {
  const protocol::ApiInfo* api = protocol::find_api(api_key);
  connection.last_counted_api = api ? std::string(api->name) : std::to_string(api_key);
  ++connection.requests_by_api[connection.last_counted_api];
}

void note_request(ConnectionContext& connection, const protocol::DecodedRequest& decoded) {
  if (decoded.header.client_id) connection.client_id = *decoded.header.client_id;
  count_request(connection, decoded.header.api_key);
  if (const auto* versions = std::get_if<protocol::ApiVersionsRequest>(&decoded.body)) {
    if (!versions->client_software_name.empty()) connection.client_software_name = versions->client_software_name;
    if (!versions->client_software_version.empty())
      connection.client_software_version = versions->client_software_version;
  }
}

}  // namespace

// The state is the cluster's BrokerService's: in-process clients and the wire are served alike.
FrontEnd::FrontEnd(Cluster& cluster, FrontEndOptions options)
    : cluster_(cluster), state_(BrokerService::of(cluster).state()) {
  state_->options = std::move(options);
}

FrontEnd::~FrontEnd() {
  state_->fetches->release_if(
      [](uint64_t connection_id) { return (connection_id & BrokerService::kInProcessConnectionBit) == 0; });
}

void FrontEnd::set_advertised_listener(BrokerId broker, AdvertisedListener listener) {
  state_->options.advertised_listeners[broker] = std::move(listener);
}

void FrontEnd::handle_frame(ConnectionContext& connection, std::string_view frame,
                            std::function<void(FrameReply)> reply) {
  state_->closed_connections.erase(connection.connection_id);  // a reused id is a new connection
  connection.last_counted_api.clear();
  // c:drop_next_request / c:drop_next_response reach wire clients as they reach in-process ones: the
  // request is lost before the broker sees it, or handled and its answer lost (only a response can be
  // lost: a Close still closes, an acks=0 Produce still frees the connection).
  if (cluster_.take_dropped_request(connection.broker)) return;
  reply = [&cluster = cluster_, broker = connection.broker, reply = std::move(reply)](FrameReply answer) {
    if (answer.kind != ReplyKind::Send || !cluster.take_dropped_response(broker)) reply(std::move(answer));
  };
  auto decoded = protocol::decode_request(frame);
  if (auto* failed = std::get_if<protocol::DecodeError>(&decoded)) {
    if (failed->failure == protocol::DecodeFailure::UnsupportedVersion &&
        failed->header.api_key == protocol::kApiVersionsKey) {
      count_request(connection, failed->header.api_key);
      reply(FrameReply{ReplyKind::Send, protocol::unsupported_api_versions_response(failed->header), {}});
      return;
    }
    reply(FrameReply{ReplyKind::Close, {}, failed->message});
    return;
  }
  auto& request = std::get<protocol::DecodedRequest>(decoded);
  note_request(connection, request);
  if (!cluster_.broker_alive(connection.broker)) {
    reply(FrameReply{ReplyKind::Close, {}, fmt::format("broker {} is stopped", connection.broker)});
    return;
  }
  auto served = std::make_shared<Request>(state_, connection.broker, connection.connection_id, request.header,
                                          host_of(connection.client_address), std::move(reply));
  std::visit([&](const auto& body) { handle(served, body); }, request.body);
}

void FrontEnd::connection_closed(uint64_t connection_id) {
  state_->closed_connections.insert(connection_id);
  state_->fetches->release_connection(connection_id);
}

}  // namespace klab::broker
