// Helpers for the broker front-end tests: a small seeded cluster with a FrontEnd, requests sent as
// real frames (the codec's encode_request), replies decoded back (decode_response), and the
// scheduler run until a deferred reply arrives.
#pragma once
#include "test_support.hpp"

#include <optional>
#include <string>

#include "broker/front_end.hpp"
#include "log/record_batch.hpp"
#include "protocol/codec.hpp"

namespace klab::test {

struct WireReply {
  broker::FrameReply frame;
  bool arrived = false;
};

class WireClient {
 public:
  explicit WireClient(ClusterOptions options = {}) : cluster_(make_cluster(options)), front_end_(*cluster_) {}

  Cluster& cluster() { return *cluster_; }
  broker::FrontEnd& front_end() { return front_end_; }
  broker::ConnectionContext& connection() { return connection_; }

  // Sends one request to `broker`; the reply slot fills when the front end answers.
  std::shared_ptr<WireReply> send(BrokerId broker, int16_t api_key, int16_t version, const protocol::Request& body) {
    connection_.broker = broker;
    protocol::RequestHeader header{api_key, version, ++correlation_id_, std::string("wire-test")};
    return send_frame(protocol::encode_request(header, body));
  }
  std::shared_ptr<WireReply> send_frame(const std::string& frame) {
    auto slot = std::make_shared<WireReply>();
    front_end_.handle_frame(connection_, frame, [slot](broker::FrameReply reply) {
      REQUIRE_FALSE(slot->arrived);  // exactly once
      slot->frame = std::move(reply);
      slot->arrived = true;
    });
    return slot;
  }
  // Runs the simulation (at most `max_ms`) until the reply arrived.
  void wait(const std::shared_ptr<WireReply>& slot, int64_t max_ms = 60000) {
    cluster_->scheduler().run_until(cluster_->now() + max_ms, [&] { return slot->arrived; });
  }
  template <class Response>
  Response decode(const std::shared_ptr<WireReply>& slot, int16_t api_key, int16_t version) {
    REQUIRE(slot->arrived);
    REQUIRE(slot->frame.kind == broker::ReplyKind::Send);
    Result<protocol::Response> decoded = protocol::decode_response(api_key, version, slot->frame.bytes);
    REQUIRE(decoded.ok());
    REQUIRE(std::holds_alternative<Response>(*decoded));
    return std::get<Response>(*decoded);
  }
  // send, wait, decode.
  template <class Response>
  Response call(BrokerId broker, int16_t api_key, int16_t version, const protocol::Request& body) {
    auto slot = send(broker, api_key, version, body);
    wait(slot);
    return decode<Response>(slot, api_key, version);
  }

 private:
  std::unique_ptr<Cluster> cluster_;
  broker::FrontEnd front_end_;
  broker::ConnectionContext connection_{1, 7, "127.0.0.1:53211", {}, {}, {}, {}};
  int32_t correlation_id_ = 0;
};

// One magic-2 batch of `values` (keys "k0", "k1", ...), CRC stamped, as a Kafka client sends it.
inline std::string wire_batch(const std::vector<std::string>& values, TimeMs timestamp = 1000,
                              CompressionType compression = CompressionType::None) {
  RecordBatchBuilder builder;
  builder.reset(1 << 20, compression);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < values.size(); ++i) keys.push_back("k" + std::to_string(i));
  for (std::size_t i = 0; i < values.size(); ++i) {
    RecordInput record;
    record.key = std::string_view(keys[i]);
    record.value = std::string_view(values[i]);
    record.timestamp = timestamp;
    builder.append(record);
  }
  std::string batch(builder.finish());
  store_be(batch.data() + 12, static_cast<uint64_t>(static_cast<uint32_t>(-1)), 4);  // clients send epoch -1
  return batch;
}

inline BrokerId leader_of(Cluster& cluster, const std::string& topic, int32_t partition = 0) {
  return cluster.find_topic(topic)->partitions[static_cast<std::size_t>(partition)]->leader;
}

}  // namespace klab::test
