// The cluster's faults as a wire client meets them through the front end: a dropped request is never
// handled and never answered, a dropped response is handled but not answered, a slow follower link
// delays an acks=all answer, a stopped broker closes the connection - and every fault is an event on
// the cluster's timeline.
#include <algorithm>

#include "broker_support.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kProduce = 0, kCreateTopics = 19;

protocol::CreateTopicsRequest create_request(const std::string& name) {
  protocol::CreateTopicsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = name;
  topic.num_partitions = 1;
  topic.replication_factor = 1;
  return request;
}

protocol::ProduceRequest produce_request(const std::string& topic, int16_t acks) {
  protocol::ProduceRequest request;
  request.acks = acks;
  request.timeout_ms = 30000;
  auto& data = request.topic_data.emplace_back();
  data.name = topic;
  data.partition_data.emplace_back().records = wire_batch({"a"});
  return request;
}

bool has_event(const Cluster& cluster, const std::string& kind, BrokerId broker) {
  return std::any_of(cluster.events().begin(), cluster.events().end(),
                     [&](const ClusterEvent& event) { return event.kind == kind && event.broker == broker; });
}

}  // namespace

TEST_CASE("a dropped response: the broker handles the request, the wire client never hears back") {
  WireClient wire;
  REQUIRE(wire.cluster().drop_next_response(1).ok());
  auto lost = wire.send(1, kCreateTopics, 4, create_request("made"));
  wire.wait(lost, 5000);
  CHECK_FALSE(lost->arrived);
  CHECK(wire.cluster().find_topic("made") != nullptr);
  auto next = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("also"));
  CHECK(next.topics[0].error_code == 0);
}

TEST_CASE("a dropped request never reaches the broker: nothing is done and nothing answered") {
  WireClient wire;
  REQUIRE(wire.cluster().drop_next_request(2).ok());
  auto lost = wire.send(2, kCreateTopics, 4, create_request("never"));
  wire.wait(lost, 5000);
  CHECK_FALSE(lost->arrived);
  CHECK(wire.cluster().find_topic("never") == nullptr);
  CHECK(wire.connection().requests_by_api.empty());
}

TEST_CASE("an acks=0 produce does not use up a dropped response: the next answer is the one lost") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  REQUIRE(wire.cluster().drop_next_response(leader).ok());
  auto silent = wire.send(leader, kProduce, 7, produce_request("orders", 0));
  REQUIRE(silent->arrived);
  CHECK(silent->frame.kind == broker::ReplyKind::NoResponse);
  auto lost = wire.send(leader, kProduce, 7, produce_request("orders", 1));
  wire.wait(lost, 5000);
  CHECK_FALSE(lost->arrived);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().log_end_offset() == 2);
}

TEST_CASE("a slow follower link (c:set_latency) delays a wire client's acks=all answer by that latency") {
  const auto answer_time = [](int64_t follower_latency_ms) {
    WireClient wire;
    make_topic(wire.cluster(), "orders", 1, 3);
    const BrokerId leader = leader_of(wire.cluster(), "orders");
    for (BrokerId follower : wire.cluster().find_topic("orders")->partitions[0]->replicas)
      if (follower != leader) {
        REQUIRE(wire.cluster().set_latency(leader, follower, follower_latency_ms).ok());
      }
    wire.cluster().advance(1000);
    const TimeMs sent = wire.cluster().now();
    auto slot = wire.send(leader, kProduce, 7, produce_request("orders", -1));
    wire.wait(slot);
    REQUIRE(slot->arrived);
    return wire.cluster().now() - sent;
  };
  const int64_t fast = answer_time(1), slow = answer_time(400);
  CHECK(slow >= fast + 399);  // the 400 ms link replaces the default 1 ms one
}

TEST_CASE("a stopped broker closes a wire client's connection; started again, it answers") {
  WireClient wire;
  REQUIRE(wire.cluster().stop_broker(3).ok());
  CHECK(has_event(wire.cluster(), "BrokerStopped", 3));
  auto refused = wire.send(3, kCreateTopics, 4, create_request("t"));
  REQUIRE(refused->arrived);
  CHECK(refused->frame.kind == broker::ReplyKind::Close);
  REQUIRE(wire.cluster().start_broker(3).ok());
  CHECK(has_event(wire.cluster(), "BrokerStarted", 3));
  CHECK(wire.call<protocol::CreateTopicsResponse>(3, kCreateTopics, 4, create_request("t")).topics[0].error_code == 0);
  REQUIRE(wire.cluster().isolate(2).ok());
  CHECK(has_event(wire.cluster(), "BrokerIsolated", 2));
  REQUIRE(wire.cluster().heal().ok());
  CHECK(has_event(wire.cluster(), "NetworkHealed", -1));
}
