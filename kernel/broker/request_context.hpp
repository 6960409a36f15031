// What a handler needs to serve one request: the cluster, the front end's options, who asked (broker,
// client id and host, header), and the one-shot way to answer. Handlers hold a RequestPtr in their
// scheduled callbacks; answering after the connection closed is a no-op.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "cluster/cluster.hpp"
#include "protocol/codec.hpp"

namespace klab::broker {

struct AdvertisedListener {
  std::string host = "localhost";
  int32_t port = 9092;
};

struct FrontEndOptions {
  // Broker id -> the host and port Metadata gives clients; a broker not listed here is advertised
  // as localhost:9091+id (9092 for broker 1).
  std::map<BrokerId, AdvertisedListener> advertised_listeners;
  // Partitions of a topic auto-created by Metadata or Produce; default: num.partitions.
  std::optional<int32_t> auto_create_partitions;
};

enum class ReplyKind { Send, NoResponse, Close };

struct FrameReply {
  ReplyKind kind = ReplyKind::Send;
  std::string bytes;  // response header + body, no size prefix
  std::string close_reason;
};

// Kafka's per-partition error_message (ProduceResponse v8+, KIP-467): the wire versions klab serves
// carry only codes, but an in-process client hears the broker's words, keyed by (topic, partition).
using ErrorMessages = std::map<std::pair<std::string, int32_t>, std::string>;

// What an in-process caller (broker_service.hpp) gets instead of bytes: the typed response.
struct TypedReply {
  ReplyKind kind = ReplyKind::Send;
  std::optional<protocol::Response> response;  // with kind Send
  std::string close_reason;
  ErrorMessages error_messages;
  // JoinGroupResponse v9+ (KIP-814): a static leader rejoining a stable group keeps the assignment.
  // klab serves JoinGroup up to v5, where a wire leader gets no members instead (as Kafka answers
  // v0-8); klab's own consumer behaves as Kafka 3.7's, which speaks v9, and hears it here.
  bool skip_assignment = false;
};

class FetchPark;  // fetch.cpp: long polls waiting for data

// State shared by the front end and the requests it is serving.
struct BrokerState {
  Cluster& cluster;
  FrontEndOptions options;
  std::set<uint64_t> closed_connections;  // replies for these are dropped
  std::unique_ptr<FetchPark> fetches;
  explicit BrokerState(Cluster& c, FrontEndOptions o);
  ~BrokerState();
};

class Request {
 public:
  Request(std::shared_ptr<BrokerState> state, BrokerId broker, uint64_t connection_id, protocol::RequestHeader header,
          std::string client_host, std::function<void(FrameReply)> reply);
  // In process: the same handlers answer with typed messages, never encoded.
  Request(std::shared_ptr<BrokerState> state, BrokerId broker, uint64_t connection_id, protocol::RequestHeader header,
          std::string client_host, std::function<void(TypedReply)> typed_reply);

  Cluster& cluster() { return state_->cluster; }
  const FrontEndOptions& options() const { return state_->options; }
  BrokerState& state() { return *state_; }
  BrokerId broker() const { return broker_; }
  uint64_t connection_id() const { return connection_id_; }
  const protocol::RequestHeader& header() const { return header_; }
  int16_t version() const { return header_.api_version; }
  std::string client_id() const { return header_.client_id.value_or(""); }
  const std::string& client_host() const { return client_host_; }
  // Why the client sends this request (JoinGroup v8+ / LeaveGroup v5+ `reason`, KIP-800): empty
  // none on the wire versions klab serves; klab's own clients hand it over beside the request.
  const std::optional<std::string>& reason() const { return reason_; }
  void set_reason(std::string reason) { reason_ = std::move(reason); }
  // False once the connection closed or the request was answered.
  bool open() const;

  void respond(const protocol::Response& response, ErrorMessages error_messages = {}, bool skip_assignment = false);
  void no_response();
  void close(std::string reason);

 private:
  void deliver(FrameReply reply);
  void deliver_typed(TypedReply reply);
  std::shared_ptr<BrokerState> state_;
  BrokerId broker_;
  uint64_t connection_id_;
  protocol::RequestHeader header_;
  std::string client_host_;
  std::optional<std::string> reason_;
  std::function<void(FrameReply)> reply_;
  std::function<void(TypedReply)> typed_reply_;
  bool answered_ = false;
};

using RequestPtr = std::shared_ptr<Request>;

}  // namespace klab::broker
