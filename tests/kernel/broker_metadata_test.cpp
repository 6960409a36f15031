// The wire front end: ApiVersions (incl. KIP-511 and the v0-layout answer to an unsupported
// version), Metadata (brokers, controller, auto-creation, stopped brokers), and refused frames.
#include "broker_support.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kApiVersions = 18, kMetadata = 3;

protocol::MetadataRequest topics_request(std::vector<std::string> names, bool auto_create = true) {
  protocol::MetadataRequest request;
  request.topics.emplace();
  for (auto& name : names) request.topics->emplace_back().name = name;
  request.allow_auto_topic_creation = auto_create;
  return request;
}

}  // namespace

TEST_CASE("ApiVersions v3 advertises the API table and records the client's software name and version") {
  WireClient wire;
  protocol::ApiVersionsRequest request;
  request.client_software_name = "librdkafka";
  request.client_software_version = "2.3.0";
  auto response = wire.call<protocol::ApiVersionsResponse>(1, kApiVersions, 3, request);
  CHECK(response.error_code == 0);
  bool produce_found = false;
  for (const auto& api : response.api_keys)
    if (api.api_key == 0) produce_found = api.min_version == 3 && api.max_version == 7;
  CHECK(produce_found);
  CHECK(wire.connection().client_software_name == "librdkafka");
  CHECK(wire.connection().client_software_version == "2.3.0");
  CHECK(wire.connection().client_id == "wire-test");
  CHECK(wire.connection().requests_by_api["ApiVersions"] == 1);
}

TEST_CASE("ApiVersions at an unsupported version is answered in the v0 layout with UNSUPPORTED_VERSION") {
  WireClient wire;
  auto slot = wire.send(1, kApiVersions, 9, protocol::ApiVersionsRequest{});
  REQUIRE(slot->arrived);
  REQUIRE(slot->frame.kind == broker::ReplyKind::Send);
  auto decoded = protocol::decode_response(kApiVersions, 0, slot->frame.bytes);
  REQUIRE(decoded.ok());
  CHECK(std::get<protocol::ApiVersionsResponse>(*decoded).error_code == 35);
}

TEST_CASE("a frame that does not decode closes the connection with a reason") {
  WireClient wire;
  auto slot = wire.send_frame(std::string("\x00\x03", 2));  // an api key and nothing more
  REQUIRE(slot->arrived);
  CHECK(slot->frame.kind == broker::ReplyKind::Close);
  CHECK_FALSE(slot->frame.close_reason.empty());
}

TEST_CASE("Metadata lists the live brokers at their advertised listeners and a listed controller") {
  WireClient wire;
  REQUIRE(wire.cluster().stop_broker(2).ok());
  auto response = wire.call<protocol::MetadataResponse>(1, kMetadata, 4, protocol::MetadataRequest{std::nullopt, false});
  REQUIRE(response.brokers.size() == 2);
  CHECK(response.brokers[0].node_id == 1);
  CHECK(response.brokers[0].host == "localhost");
  CHECK(response.brokers[0].port == 9092);
  CHECK(response.brokers[1].node_id == 3);
  CHECK(response.brokers[1].port == 9094);
  bool controller_listed = false;
  for (const auto& broker : response.brokers) controller_listed |= broker.node_id == response.controller_id;
  CHECK(controller_listed);
  CHECK(response.cluster_id.has_value());
}

TEST_CASE("Metadata auto-creates a requested topic: LEADER_NOT_AVAILABLE first, then its partitions") {
  ClusterOptions options;
  options.config = {{"num.partitions", num(3)}};
  WireClient wire(options);
  auto first = wire.call<protocol::MetadataResponse>(1, kMetadata, 4, topics_request({"orders"}));
  REQUIRE(first.topics.size() == 1);
  CHECK(first.topics[0].error_code == static_cast<int16_t>(ErrorCode::LEADER_NOT_AVAILABLE));
  REQUIRE(wire.cluster().find_topic("orders") != nullptr);
  CHECK(wire.cluster().find_topic("orders")->partition_count() == 3);
  auto second = wire.call<protocol::MetadataResponse>(1, kMetadata, 4, topics_request({"orders"}));
  REQUIRE(second.topics[0].partitions.size() == 3);
  CHECK(second.topics[0].error_code == 0);
  for (const auto& partition : second.topics[0].partitions) {
    CHECK(partition.leader_id == leader_of(wire.cluster(), "orders", partition.partition_index));
    const Partition& stored = *wire.cluster().find_topic("orders")->partitions[static_cast<std::size_t>(partition.partition_index)];
    CHECK(partition.replica_nodes == stored.replicas);
    CHECK(partition.isr_nodes == stored.in_sync_replicas);
  }
}

TEST_CASE("Metadata does not create a topic when the request or the broker forbids it") {
  WireClient wire;
  auto refused = wire.call<protocol::MetadataResponse>(1, kMetadata, 4, topics_request({"orders"}, false));
  CHECK(refused.topics[0].error_code == static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
  CHECK(wire.cluster().find_topic("orders") == nullptr);
  auto invalid = wire.call<protocol::MetadataResponse>(1, kMetadata, 4, topics_request({"bad name!"}));
  CHECK(invalid.topics[0].error_code == static_cast<int16_t>(ErrorCode::INVALID_TOPIC_EXCEPTION));

  ClusterOptions options;
  options.config = {{"auto.create.topics.enable", ConfigInput(false)}};
  WireClient locked(options);
  auto off = locked.call<protocol::MetadataResponse>(1, kMetadata, 4, topics_request({"orders"}));
  CHECK(off.topics[0].error_code == static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
}

TEST_CASE("Metadata v0 with no topics lists every topic; a leaderless partition answers LEADER_NOT_AVAILABLE") {
  WireClient wire;
  make_topic(wire.cluster(), "alone", 1, 1);
  const BrokerId leader = leader_of(wire.cluster(), "alone");
  REQUIRE(wire.cluster().stop_broker(leader).ok());
  const BrokerId asked = leader == 1 ? 2 : 1;
  auto response = wire.call<protocol::MetadataResponse>(asked, kMetadata, 0, protocol::MetadataRequest{});
  REQUIRE(response.topics.size() == 1);
  CHECK(response.topics[0].name == "alone");
  REQUIRE(response.topics[0].partitions.size() == 1);
  CHECK(response.topics[0].partitions[0].leader_id == -1);
  CHECK(response.topics[0].partitions[0].error_code == static_cast<int16_t>(ErrorCode::LEADER_NOT_AVAILABLE));
}
