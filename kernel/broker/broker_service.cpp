#include "broker/broker_service.hpp"

#include <fmt/format.h>

#include "broker/fetch_park.hpp"
#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

Error lost(BrokerId broker, std::string_view what) {
  return Error{ErrorCode::NETWORK_EXCEPTION, fmt::format("The {} to broker {} was lost.", what, broker)};
}

}  // namespace

BrokerService& BrokerService::of(Cluster& cluster) {
  if (auto* found = dynamic_cast<BrokerService*>(cluster.find_service(kServiceName))) return *found;
  return static_cast<BrokerService&>(cluster.add_service(kServiceName, std::make_unique<BrokerService>(cluster)));
}

BrokerService::BrokerService(Cluster& cluster)
    : cluster_(cluster), state_(std::make_shared<BrokerState>(cluster, FrontEndOptions{})) {}

BrokerService::~BrokerService() {
  *alive_ = false;
  state_->fetches->release_all();
  state_->fetches->detach();
}

ClientEndpoint BrokerService::connect(std::string client_id) {
  ClientEndpoint endpoint;
  endpoint.client_id = std::move(client_id);
  endpoint.connection_id = kInProcessConnectionBit | next_connection_++;
  endpoint.service_ptr = this;
  endpoint.service_alive = alive_;
  return endpoint;
}

void ClientEndpoint::disconnect() const {
  if (BrokerService* owner = service()) owner->disconnect(*this);
}

void BrokerService::disconnect(const ClientEndpoint& endpoint) {
  state_->closed_connections.insert(endpoint.connection_id);
  state_->fetches->release_connection(endpoint.connection_id);
}

TimeMs BrokerService::arrival_time(const ClientEndpoint& endpoint, BrokerId broker, int64_t request_bytes) const {
  auto it = endpoint.link_free_at.find(broker);
  const TimeMs leaves = std::max(cluster_.now(), it == endpoint.link_free_at.end() ? TimeMs{0} : it->second);
  return leaves + cluster_.transfer_ms(request_bytes) + cluster_.network_latency_ms();
}

void BrokerService::call(ClientEndpoint& endpoint, BrokerId broker, protocol::RequestHeader header,
                         protocol::Request body, int64_t request_bytes, Done done, std::function<bool()> cancelled,
                         std::optional<std::string> reason) {
  // The request waits for this client's link to the broker, then crosses it at the link's speed.
  const TimeMs arrives = arrival_time(endpoint, broker, request_bytes);
  endpoint.link_free_at[broker] = arrives - cluster_.network_latency_ms();
  header.correlation_id = endpoint.next_correlation_id++;
  std::weak_ptr<bool> alive = alive_;
  cluster_.scheduler().schedule_after(
      arrives - cluster_.now(), [this, alive, broker, connection = endpoint.connection_id, header = std::move(header),
                                 body = std::move(body), done = std::move(done), cancelled = std::move(cancelled),
                                 reason = std::move(reason)] {
        if (alive.expired() || (cancelled && cancelled())) return;
        if (!cluster_.broker_alive(broker) || cluster_.take_dropped_request(broker)) {
          if (done) done(lost(broker, "request"));
          return;
        }
        arrive(broker, connection, header, body, done, reason);
      });
}

void BrokerService::arrive(BrokerId broker, uint64_t connection_id, protocol::RequestHeader header,
                           const protocol::Request& body, Done done, std::optional<std::string> reason) {
  std::weak_ptr<bool> alive = alive_;
  auto reply = [this, alive, broker, done = std::move(done)](TypedReply typed) {
    if (alive.expired() || !done || typed.kind == ReplyKind::NoResponse) return;
    if (typed.kind == ReplyKind::Close) {
      done(Error{ErrorCode::NETWORK_EXCEPTION, fmt::format("Broker {} closed the connection: {}", broker, typed.close_reason)});
      return;
    }
    if (cluster_.take_dropped_response(broker)) {
      done(lost(broker, "response"));
      return;
    }
    auto shared = std::make_shared<TypedReply>(std::move(typed));
    cluster_.scheduler().schedule_after(cluster_.network_latency_ms(), [alive, done, shared] {
      if (!alive.expired()) done(std::move(*shared));
    });
  };
  auto request = std::make_shared<Request>(state_, broker, connection_id, std::move(header), "127.0.0.1", std::move(reply));
  if (reason) request->set_reason(std::move(*reason));
  std::visit([&](const auto& typed_body) { handle(request, typed_body); }, body);
}

}  // namespace klab::broker
