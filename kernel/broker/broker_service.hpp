// The in-process way into the brokers: klab's own clients (kernel/client) send typed requests to the
// same handlers the wire front end dispatches to (handlers.hpp), across one simulated network. There
// is one BrokerService per cluster (a Cluster::Service, found or installed by `of`); the FrontEnd
// shares its BrokerState, so parked fetches and options are the same for wire and in-process callers.
//
// The simulated network, client <-> broker (ClusterOptions):
//   request leaves once the client's link to that broker is free -> transfer T (request bytes over
//   network_bandwidth_mbps; 0 when unlimited) -> latency L (network_latency_ms) -> the broker's
//   handler runs -> its response crosses back after L.
//   On arrival a stopped broker or a dropped request (Cluster::drop_next_request) loses the request;
//   a dropped response (drop_next_response) is lost as it leaves the broker. A lost exchange is
//   reported to the caller at the moment of loss as NETWORK_EXCEPTION: "no answer will come". A
//   client then waits out its request.timeout.ms, as a Kafka client whose request went unanswered.
//   A Close reply (an API no handler serves) is reported as NETWORK_EXCEPTION with the reason.
// Invariants: 1. `done` is called at most once per call, always from a scheduler event (never inside
// `call`); 2. no wall clock, no threads: same seed + same calls = same timings.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "broker/request_context.hpp"
#include "cluster/cluster.hpp"
#include "protocol/codec.hpp"

namespace klab::broker {

class BrokerService;

// One in-process client's side of the network: its identity and its links to the brokers. It may
// outlive the service (a client destroyed while its cluster tears down): service() is then null.
struct ClientEndpoint {
  std::string client_id;
  uint64_t connection_id = 0;               // distinct from every wire connection's id
  std::map<BrokerId, TimeMs> link_free_at;  // when this client's link to a broker is free again
  int32_t next_correlation_id = 0;
  BrokerService* service() const { return service_alive.expired() ? nullptr : service_ptr; }
  // The client went away: its parked fetches are released, replies still due are dropped.
  void disconnect() const;

  BrokerService* service_ptr = nullptr;
  std::weak_ptr<bool> service_alive;
};

class BrokerService : public Cluster::Service {
 public:
  static constexpr const char* kServiceName = "broker";
  // The cluster's service, installed on first use.
  static BrokerService& of(Cluster& cluster);
  explicit BrokerService(Cluster& cluster);
  ~BrokerService() override;

  ClientEndpoint connect(std::string client_id);
  void disconnect(const ClientEndpoint& endpoint);

  // When a request of `request_bytes` sent now would reach `broker` (its link queue included).
  TimeMs arrival_time(const ClientEndpoint& endpoint, BrokerId broker, int64_t request_bytes) const;
  using Done = std::function<void(Result<TypedReply>)>;
  // Sends `body` (api key and version in `header`; the correlation id is the endpoint's next) to
  // `broker`. `cancelled`, when given, is asked as the request reaches the broker: true means the
  // client gave up on it before it was read (it disconnected), and nothing happens. `reason`:
  // Request::reason (KIP-800), for the group calls of klab's own consumer.
  void call(ClientEndpoint& endpoint, BrokerId broker, protocol::RequestHeader header, protocol::Request body,
            int64_t request_bytes, Done done, std::function<bool()> cancelled = nullptr,
            std::optional<std::string> reason = std::nullopt);

  const std::shared_ptr<BrokerState>& state() const { return state_; }
  Cluster& cluster() { return cluster_; }

  // In-process connection ids have this bit set, so they never meet a wire connection's id.
  static constexpr uint64_t kInProcessConnectionBit = uint64_t{1} << 62;

 private:
  void arrive(BrokerId broker, uint64_t connection_id, protocol::RequestHeader header, const protocol::Request& body,
              Done done, std::optional<std::string> reason);

  Cluster& cluster_;
  std::shared_ptr<BrokerState> state_;
  uint64_t next_connection_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace klab::broker
