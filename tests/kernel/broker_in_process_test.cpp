// The in-process way into the brokers (broker/broker_service.hpp): klab's own producer reaches the
// same Produce handler the wire front end dispatches to, across the one simulated network (latency,
// bandwidth, dropped requests and responses, stopped brokers), and a typed in-process call gets the
// answer a wire client decodes.
#include "broker_support.hpp"

#include "broker/broker_service.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kProduce = 0;
constexpr int16_t kFetch = 1;
constexpr int16_t kMetadata = 3;

protocol::ProduceRequest produce_request(const std::string& topic, std::string records, int16_t acks) {
  protocol::ProduceRequest request;
  request.acks = acks;
  request.timeout_ms = 30000;
  auto& partition = request.topic_data.emplace_back(protocol::ProduceRequest::TopicProduceData{topic, {}})
                        .partition_data.emplace_back();
  partition.index = 0;
  partition.records = std::move(records);
  return request;
}

struct CallOutcome {
  bool arrived = false;
  TimeMs at = -1;
  std::optional<Result<broker::TypedReply>> reply;
};

std::shared_ptr<CallOutcome> call(Cluster& cluster, broker::ClientEndpoint& endpoint, BrokerId broker, int16_t api_key,
                                  int16_t version, protocol::Request body) {
  auto outcome = std::make_shared<CallOutcome>();
  broker::BrokerService::of(cluster).call(endpoint, broker, protocol::RequestHeader{api_key, version, 0, "in-process"},
                                          std::move(body), 100, [outcome, &cluster](Result<broker::TypedReply> reply) {
                                            REQUIRE_FALSE(outcome->arrived);  // at most once
                                            outcome->arrived = true;
                                            outcome->at = cluster.now();
                                            outcome->reply.emplace(std::move(reply));
                                          });
  return outcome;
}

template <class Response>
const Response& typed(const CallOutcome& outcome) {
  REQUIRE(outcome.arrived);
  REQUIRE(outcome.reply->ok());
  REQUIRE(outcome.reply->value().response.has_value());
  REQUIRE(std::holds_alternative<Response>(*outcome.reply->value().response));
  return std::get<Response>(*outcome.reply->value().response);
}

int64_t produce_requests_served(const Cluster& cluster, BrokerId broker) {
  return cluster.broker_metrics(broker).request(RequestName::Produce).requests.count();
}

}  // namespace

TEST_CASE("an in-process call and a wire frame get the same answer from the same handler") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  const BrokerId follower = leader % 3 + 1;
  auto endpoint = broker::BrokerService::of(wire.cluster()).connect("in-process");

  protocol::MetadataRequest metadata;
  metadata.topics.emplace();
  metadata.topics->emplace_back().name = "orders";
  auto over_wire = wire.call<protocol::MetadataResponse>(follower, kMetadata, 4, metadata);
  auto in_process = call(wire.cluster(), endpoint, follower, kMetadata, 4, metadata);
  wire.cluster().advance(10);
  CHECK(typed<protocol::MetadataResponse>(*in_process) == over_wire);

  // A produce to a follower is refused alike; to the leader both append to the one log.
  auto refused_wire = wire.call<protocol::ProduceResponse>(follower, kProduce, 7, produce_request("orders", wire_batch({"a"}), 1));
  auto refused = call(wire.cluster(), endpoint, follower, kProduce, 7, produce_request("orders", wire_batch({"a"}), 1));
  wire.cluster().advance(10);
  CHECK(typed<protocol::ProduceResponse>(*refused) == refused_wire);
  CHECK(refused_wire.responses[0].partition_responses[0].error_code ==
        static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  CHECK_FALSE(refused->reply->value().error_messages.empty());  // in process, the broker's words come along

  (void)wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", wire_batch({"w"}), 1));
  auto appended = call(wire.cluster(), endpoint, leader, kProduce, 7, produce_request("orders", wire_batch({"p"}), 1));
  wire.cluster().advance(10);
  CHECK(typed<protocol::ProduceResponse>(*appended).responses[0].partition_responses[0].base_offset == 1);
}

TEST_CASE("an in-process request crosses the network: latency both ways, and a stopped broker loses it") {
  ClusterOptions options;
  options.network_latency_ms = 7;
  auto cluster = make_cluster(options);
  make_topic(*cluster, "orders", 1, 1);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto endpoint = broker::BrokerService::of(*cluster).connect("in-process");

  const TimeMs sent = cluster->now();
  auto answered = call(*cluster, endpoint, leader, kMetadata, 4, protocol::MetadataRequest{});
  CHECK_FALSE(answered->arrived);  // never inside call()
  cluster->advance(100);
  CHECK(answered->at == sent + 14);

  REQUIRE(cluster->stop_broker(leader).ok());
  auto lost = call(*cluster, endpoint, leader, kMetadata, 4, protocol::MetadataRequest{});
  cluster->advance(100);
  REQUIRE(lost->arrived);
  REQUIRE_FALSE(lost->reply->ok());
  CHECK(lost->reply->error().code == ErrorCode::NETWORK_EXCEPTION);
  CHECK(lost->at == sent + 100 + 7);  // lost on arrival: the client hears nothing more
}

TEST_CASE("an in-process producer is served by the broker's Produce handler, which counts its requests") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 1, 3);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto producer = make_producer(*cluster, {{"acks", str("all")}});
  const int64_t before = produce_requests_served(*cluster, leader);
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "v"}).ok());
  CHECK(produce_requests_served(*cluster, leader) == before + 1);
  CHECK(cluster->find_topic("orders")->partitions[0]->log().log_end_offset() == 1);
}

TEST_CASE("a dropped response makes an idempotent in-process producer retry, and the handler stores one copy") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 1, 3);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto producer = make_producer(*cluster, {{"enable.idempotence", ConfigInput(true)}, {"request.timeout.ms", num(2000)}});
  REQUIRE(cluster->drop_next_response(leader).ok());
  const TimeMs sent = cluster->now();
  Result<RecordMetadata> sent_record = producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "once"});
  REQUIRE(sent_record.ok());
  CHECK(sent_record->offset == 0);
  CHECK(cluster->now() - sent >= 2000);  // the first attempt timed out
  CHECK(produce_requests_served(*cluster, leader) == 2);
  CHECK(read_log(cluster->find_topic("orders")->partitions[0]->log()).size() == 1);
}

TEST_CASE("a dropped response makes a producer without idempotence store the record twice") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 1, 3);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto producer = make_producer(*cluster, {{"enable.idempotence", ConfigInput(false)}, {"acks", str("all")},
                                           {"request.timeout.ms", num(2000)}});
  REQUIRE(cluster->drop_next_response(leader).ok());
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "twice"}).ok());
  CHECK(read_log(cluster->find_topic("orders")->partitions[0]->log()).size() == 2);
}

TEST_CASE("a stopped leader loses an in-process producer's request: it times out and retries at the new leader") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 1, 3);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto producer = make_producer(*cluster, {{"acks", str("all")}, {"request.timeout.ms", num(3000)}});
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "before"}).ok());
  REQUIRE(cluster->stop_broker(leader).ok());
  const BrokerId next = leader_of(*cluster, "orders");
  REQUIRE(next != leader);
  Result<RecordMetadata> after = producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "after"});
  REQUIRE(after.ok());
  CHECK(after->offset == 1);
  CHECK(produce_requests_served(*cluster, next) >= 1);
}

TEST_CASE("closing a wire front end releases only its own parked fetches, not an in-process one's") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 1, 1);
  const BrokerId leader = leader_of(*cluster, "orders");
  auto endpoint = broker::BrokerService::of(*cluster).connect("in-process");
  protocol::FetchRequest fetch;
  fetch.max_wait_ms = 5000;
  fetch.min_bytes = 1;
  fetch.max_bytes = 1 << 20;
  auto& wanted = fetch.topics.emplace_back();
  wanted.topic = "orders";
  auto& partition = wanted.partitions.emplace_back();
  partition.partition = 0;
  partition.fetch_offset = 0;
  partition.partition_max_bytes = 1 << 20;
  std::shared_ptr<CallOutcome> parked;
  {
    broker::FrontEnd front_end(*cluster);
    parked = call(*cluster, endpoint, leader, kFetch, 11, fetch);
    cluster->advance(10);
    CHECK_FALSE(parked->arrived);  // long poll: nothing to read yet
  }
  auto producer = make_producer(*cluster);
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "wake"}).ok());
  cluster->advance(10);
  REQUIRE(parked->arrived);
  const auto& response = typed<protocol::FetchResponse>(*parked);
  CHECK_FALSE(response.responses[0].partitions[0].records.value_or("").empty());
}
