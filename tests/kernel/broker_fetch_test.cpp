// Fetch over the wire: the stored bytes as they are, Kafka's size rules, long polls woken by an
// append or ended by max_wait_ms, and errors; ListOffsets by earliest, latest and timestamp.
#include "broker_support.hpp"
#include "log/crc32c.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kProduce = 0, kFetch = 1, kListOffsets = 2;

protocol::FetchRequest fetch_request(const std::string& topic, int64_t offset, int32_t max_wait_ms = 0,
                                     int32_t min_bytes = 1, int32_t partition_max_bytes = 1 << 20) {
  protocol::FetchRequest request;
  request.max_wait_ms = max_wait_ms;
  request.min_bytes = min_bytes;
  request.isolation_level = 1;
  auto& wanted = request.topics.emplace_back();
  wanted.topic = topic;
  auto& partition = wanted.partitions.emplace_back();
  partition.partition = 0;
  partition.fetch_offset = offset;
  partition.partition_max_bytes = partition_max_bytes;
  return request;
}

const protocol::FetchResponse::PartitionData& only_partition(const protocol::FetchResponse& response) {
  REQUIRE(response.responses.size() == 1);
  REQUIRE(response.responses[0].partitions.size() == 1);
  return response.responses[0].partitions[0];
}

std::string stored_bytes(Cluster& cluster, const std::string& topic) {
  std::string bytes;
  cluster.find_topic(topic)->partitions[0]->log().read_batches(0, INT64_MAX, [&](const RecordBatchView& batch) {
    bytes.append(batch.bytes());
    return true;
  });
  return bytes;
}

void produce_wire(WireClient& wire, const std::string& topic, std::string batch) {
  protocol::ProduceRequest request;
  request.acks = 1;
  request.timeout_ms = 1000;
  auto& data = request.topic_data.emplace_back();
  data.name = topic;
  auto& partition = data.partition_data.emplace_back();
  partition.records = std::move(batch);
  auto response = wire.call<protocol::ProduceResponse>(leader_of(wire.cluster(), topic), kProduce, 7, request);
  REQUIRE(response.responses[0].partition_responses[0].error_code == 0);
}

}  // namespace

TEST_CASE("a record produced in-process is fetched over the wire byte for byte as stored, CRC valid") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  auto producer = make_producer(wire.cluster());
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .key = "truck-1", .value = "lat=1"}).ok());
  auto response = wire.call<protocol::FetchResponse>(leader_of(wire.cluster(), "orders"), kFetch, 11,
                                                     fetch_request("orders", 0));
  const auto& partition = only_partition(response);
  CHECK(partition.error_code == 0);
  CHECK(partition.high_watermark == 1);
  CHECK(partition.last_stable_offset == 1);
  CHECK(partition.log_start_offset == 0);
  REQUIRE(partition.aborted_transactions.has_value());
  CHECK(partition.aborted_transactions->empty());
  REQUIRE(partition.records.has_value());
  CHECK(*partition.records == stored_bytes(wire.cluster(), "orders"));
  CHECK(load_be(partition.records->data() + 17, 4) == record_batch_crc(*partition.records));
  CHECK(response.session_id == 0);
}

TEST_CASE("a record produced over the wire is read by an in-process consumer unchanged") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  const std::string sent = wire_batch({"hello"}, 77);
  produce_wire(wire, "orders", sent);
  const std::string stored = stored_bytes(wire.cluster(), "orders");
  REQUIRE(stored.size() == sent.size());
  CHECK(stored.substr(16) == sent.substr(16));  // base offset and leader epoch are the broker's
  auto consumer = make_consumer(wire.cluster(), {{"group.id", str("g")}, {"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"orders", 0}}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(consumer->poll(1000, records).ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].key == std::optional<std::string_view>("k0"));
  CHECK(records[0].value == std::optional<std::string_view>("hello"));
  CHECK(records[0].timestamp == 77);
}

TEST_CASE("a long poll is answered when an append moves the high watermark") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  auto slot = wire.send(leader, kFetch, 11, fetch_request("orders", 0, 5000));
  CHECK_FALSE(slot->arrived);
  wire.cluster().advance(100);
  CHECK_FALSE(slot->arrived);
  auto producer = make_producer(wire.cluster(), {{"acks", str("all")}});
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "v"}).ok());
  wire.wait(slot, 100);
  REQUIRE(slot->arrived);
  CHECK(wire.cluster().now() < 1000);
  auto response = wire.decode<protocol::FetchResponse>(slot, kFetch, 11);
  CHECK(only_partition(response).high_watermark == 1);
  CHECK(only_partition(response).records->size() > 0);
}

TEST_CASE("a long poll whose partition's leader moves away is answered at once with NOT_LEADER_OR_FOLLOWER") {
  WireClient wire;
  TopicSpec spec;
  spec.assignments = {ManualPartitionAssignment{0, {2, 1}}};
  REQUIRE(wire.cluster().create_topic("orders", spec).ok());
  REQUIRE(wire.cluster().stop_broker(2).ok());
  REQUIRE(leader_of(wire.cluster(), "orders") == 1);
  REQUIRE(wire.cluster().start_broker(2).ok());
  wire.cluster().advance(2000);  // broker 2 catches up and rejoins the ISR
  REQUIRE(wire.cluster().find_topic("orders")->partitions[0]->in_sync_replicas.size() == 2);
  const TimeMs parked_at = wire.cluster().now();
  auto slot = wire.send(1, kFetch, 11, fetch_request("orders", 0, 30000));
  wire.cluster().advance(10);
  CHECK_FALSE(slot->arrived);
  REQUIRE(wire.cluster().elect_preferred_leaders("orders").value() == 1);  // back to broker 2
  wire.wait(slot, 10);
  REQUIRE(slot->arrived);
  CHECK(wire.cluster().now() < parked_at + 100);
  auto response = wire.decode<protocol::FetchResponse>(slot, kFetch, 11);
  CHECK(only_partition(response).error_code == static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER));
}

TEST_CASE("a long poll with nothing to read answers empty at max_wait_ms and leaves no timer behind") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  wire.cluster().advance(1000);
  const std::size_t idle_events = wire.cluster().scheduler().pending_events();
  auto slot = wire.send(leader_of(wire.cluster(), "orders"), kFetch, 4, fetch_request("orders", 0, 500));
  CHECK(wire.cluster().scheduler().pending_events() == idle_events + 1);
  wire.cluster().advance(499);
  CHECK_FALSE(slot->arrived);
  wire.cluster().advance(1);
  REQUIRE(slot->arrived);
  auto response = wire.decode<protocol::FetchResponse>(slot, kFetch, 4);
  CHECK(only_partition(response).error_code == 0);
  CHECK((!only_partition(response).records || only_partition(response).records->empty()));
  CHECK(wire.cluster().scheduler().pending_events() == idle_events);
}

TEST_CASE("a fetch returns whole batches within partition_max_bytes, but always the first batch") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  const std::string one = wire_batch({std::string(100, 'a')});
  produce_wire(wire, "orders", one);
  produce_wire(wire, "orders", one);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  auto tiny = wire.call<protocol::FetchResponse>(leader, kFetch, 11, fetch_request("orders", 0, 0, 1, 10));
  CHECK(only_partition(tiny).records->size() == one.size());
  auto both = wire.call<protocol::FetchResponse>(leader, kFetch, 11,
                                                 fetch_request("orders", 0, 0, 1, static_cast<int32_t>(one.size() * 2)));
  CHECK(only_partition(both).records->size() == 2 * one.size());
  auto from_second = wire.call<protocol::FetchResponse>(leader, kFetch, 11, fetch_request("orders", 1));
  CHECK(only_partition(from_second).records->size() == one.size());
}

TEST_CASE("Fetch errors: OFFSET_OUT_OF_RANGE past the log end, NOT_LEADER_OR_FOLLOWER at a follower") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  auto out_of_range = wire.call<protocol::FetchResponse>(leader, kFetch, 11, fetch_request("orders", 5, 1000));
  CHECK(only_partition(out_of_range).error_code == static_cast<int16_t>(ErrorCode::OFFSET_OUT_OF_RANGE));
  CHECK(wire.cluster().now() == 0);  // an error answers at once
  const BrokerId follower = leader == 1 ? 2 : 1;
  auto not_leader = wire.call<protocol::FetchResponse>(follower, kFetch, 11, fetch_request("orders", 0));
  CHECK(only_partition(not_leader).error_code == static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER));
}

TEST_CASE("a wire fetch counts as a consumer fetch and its bytes as BytesOut") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  produce_wire(wire, "orders", wire_batch({"a"}));
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  const Cluster& cluster = wire.cluster();
  const BrokerMetrics& metrics = cluster.broker_metrics(leader);
  const int64_t bytes_before = metrics.all_topics.bytes_out.count();
  const int64_t fetches_before = metrics.request(RequestName::FetchConsumer).requests.count();
  (void)wire.call<protocol::FetchResponse>(leader, kFetch, 11, fetch_request("orders", 0));
  CHECK(metrics.all_topics.bytes_out.count() > bytes_before);
  CHECK(metrics.request(RequestName::FetchConsumer).requests.count() == fetches_before + 1);
}

TEST_CASE("ListOffsets answers earliest, latest and the first offset at or after a timestamp") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  produce_wire(wire, "orders", wire_batch({"a", "b"}, 100));
  produce_wire(wire, "orders", wire_batch({"c"}, 200));
  auto ask = [&](int64_t timestamp) {
    protocol::ListOffsetsRequest request;
    request.replica_id = -1;
    auto& topic = request.topics.emplace_back();
    topic.name = "orders";
    topic.partitions.emplace_back().timestamp = timestamp;
    auto response = wire.call<protocol::ListOffsetsResponse>(leader_of(wire.cluster(), "orders"), kListOffsets, 5, request);
    REQUIRE(response.topics.size() == 1);
    REQUIRE(response.topics[0].partitions.size() == 1);
    return response.topics[0].partitions[0];
  };
  CHECK(ask(-2).offset == 0);
  CHECK(ask(-1).offset == 3);
  CHECK(ask(-1).leader_epoch == wire.cluster().find_topic("orders")->partitions[0]->leader_epoch);
  CHECK(ask(150).offset == 2);
  CHECK(ask(150).timestamp == 200);
  CHECK(ask(100).offset == 0);
  CHECK(ask(201).offset == -1);
}
