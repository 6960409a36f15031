// Produce over the wire: acks 0, 1 and all, Kafka's checks of a client's batch (CRC, lengths,
// control batches), leadership, and the record read back in-process.
#include "broker_support.hpp"

#include "log/crc32c.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kProduce = 0;

protocol::ProduceRequest produce_request(const std::string& topic, std::optional<std::string> records, int16_t acks,
                                         int32_t timeout_ms = 30000) {
  protocol::ProduceRequest request;
  request.acks = acks;
  request.timeout_ms = timeout_ms;
  auto& topic_data = request.topic_data.emplace_back();
  topic_data.name = topic;
  auto& partition = topic_data.partition_data.emplace_back();
  partition.index = 0;
  partition.records = std::move(records);
  return request;
}

const protocol::ProduceResponse::PartitionProduceResponse& only_partition(const protocol::ProduceResponse& response) {
  REQUIRE(response.responses.size() == 1);
  REQUIRE(response.responses[0].partition_responses.size() == 1);
  return response.responses[0].partition_responses[0];
}

}  // namespace

TEST_CASE("Produce acks=1 appends at the leader and answers the base offset and log start offset") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  auto first = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", wire_batch({"a", "b"}), 1));
  CHECK(only_partition(first).error_code == 0);
  CHECK(only_partition(first).base_offset == 0);
  CHECK(only_partition(first).log_append_time_ms == -1);
  CHECK(only_partition(first).log_start_offset == 0);
  auto second = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", wire_batch({"c"}), 1));
  CHECK(only_partition(second).base_offset == 2);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().log_end_offset() == 3);
}

TEST_CASE("Produce acks=0 sends no response and still appends") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  auto slot = wire.send(leader_of(wire.cluster(), "orders"), kProduce, 3, produce_request("orders", wire_batch({"a"}), 0));
  REQUIRE(slot->arrived);
  CHECK(slot->frame.kind == broker::ReplyKind::NoResponse);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().log_end_offset() == 1);
}

TEST_CASE("Produce acks=all answers only once the followers have the batch") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  auto slot = wire.send(leader_of(wire.cluster(), "orders"), kProduce, 7, produce_request("orders", wire_batch({"a"}), -1));
  CHECK_FALSE(slot->arrived);
  wire.wait(slot);
  REQUIRE(slot->arrived);
  auto response = wire.decode<protocol::ProduceResponse>(slot, kProduce, 7);
  CHECK(only_partition(response).error_code == 0);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->high_watermark() == 1);
  CHECK(wire.cluster().now() > 0);
}

TEST_CASE("Produce acks=all times out with REQUEST_TIMED_OUT after the request's timeout") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  for (BrokerId follower : wire.cluster().find_topic("orders")->partitions[0]->replicas)
    if (follower != leader) REQUIRE(wire.cluster().set_latency(leader, follower, 5000).ok());
  auto slot = wire.send(leader, kProduce, 7, produce_request("orders", wire_batch({"a"}), -1, 100));
  wire.wait(slot, 1000);
  auto response = wire.decode<protocol::ProduceResponse>(slot, kProduce, 7);
  CHECK(only_partition(response).error_code == static_cast<int16_t>(ErrorCode::REQUEST_TIMED_OUT));
  CHECK(wire.cluster().now() == 100);
}

TEST_CASE("a batch whose CRC does not match is refused with CORRUPT_MESSAGE and nothing is stored") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  std::string batch = wire_batch({"a"});
  batch.back() = static_cast<char>(batch.back() ^ 0x01);
  auto response = wire.call<protocol::ProduceResponse>(leader_of(wire.cluster(), "orders"), kProduce, 7,
                                                       produce_request("orders", batch, 1));
  CHECK(only_partition(response).error_code == static_cast<int16_t>(ErrorCode::CORRUPT_MESSAGE));
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().log_end_offset() == 0);
}

TEST_CASE("a truncated batch is CORRUPT_MESSAGE; a control batch or two batches are INVALID_RECORD") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  const std::string batch = wire_batch({"a"});
  auto truncated = wire.call<protocol::ProduceResponse>(leader, kProduce, 7,
                                                        produce_request("orders", batch.substr(0, batch.size() - 3), 1));
  CHECK(only_partition(truncated).error_code == static_cast<int16_t>(ErrorCode::CORRUPT_MESSAGE));
  std::string control = batch;
  control[22] = static_cast<char>(control[22] | 0x20);
  stamp_record_batch_crc(control.data(), control.size());
  auto refused = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", control, 1));
  CHECK(only_partition(refused).error_code == static_cast<int16_t>(ErrorCode::INVALID_RECORD));
  auto two = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", batch + batch, 1));
  CHECK(only_partition(two).error_code == static_cast<int16_t>(ErrorCode::INVALID_RECORD));
  auto null_records = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("orders", std::nullopt, 1));
  CHECK(only_partition(null_records).error_code != 0);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().log_end_offset() == 0);
}

TEST_CASE("a keyless record sent to a compacted topic is INVALID_RECORD") {
  WireClient wire;
  make_topic(wire.cluster(), "compacted", 1, 1, {{"cleanup.policy", str("compact")}});
  RecordBatchBuilder builder;
  builder.reset(1 << 20);
  RecordInput record;
  record.value = std::string_view("no key");
  builder.append(record);
  auto response = wire.call<protocol::ProduceResponse>(leader_of(wire.cluster(), "compacted"), kProduce, 7,
                                                       produce_request("compacted", std::string(builder.finish()), 1));
  CHECK(only_partition(response).error_code == static_cast<int16_t>(ErrorCode::INVALID_RECORD));
}

TEST_CASE("every codec is accepted and a topic's compression.type recompresses with a fresh CRC") {
  WireClient wire;
  make_topic(wire.cluster(), "zstd", 1, 1, {{"compression.type", str("zstd")}});
  const BrokerId leader = leader_of(wire.cluster(), "zstd");
  for (CompressionType sent : {CompressionType::None, CompressionType::Gzip, CompressionType::Snappy,
                               CompressionType::Lz4, CompressionType::Zstd}) {
    auto response = wire.call<protocol::ProduceResponse>(leader, kProduce, 7,
                                                         produce_request("zstd", wire_batch({"x", "y"}, 1000, sent), 1));
    CHECK(only_partition(response).error_code == 0);
  }
  int batches = 0;
  wire.cluster().find_topic("zstd")->partitions[0]->log().read_batches(0, 100, [&](const RecordBatchView& batch) {
    ++batches;
    CHECK(batch.compression_id() == static_cast<int>(CompressionType::Zstd));
    CHECK(load_be(batch.bytes().data() + 17, 4) == record_batch_crc(batch.bytes()));
    return true;
  });
  CHECK(batches == 5);
}

TEST_CASE("Produce to a follower is NOT_LEADER_OR_FOLLOWER; to a missing topic UNKNOWN_TOPIC_OR_PARTITION") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 3);
  const BrokerId leader = leader_of(wire.cluster(), "orders");
  const BrokerId follower = leader == 1 ? 2 : 1;
  auto refused = wire.call<protocol::ProduceResponse>(follower, kProduce, 7, produce_request("orders", wire_batch({"a"}), 1));
  CHECK(only_partition(refused).error_code == static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  auto missing = wire.call<protocol::ProduceResponse>(leader, kProduce, 7, produce_request("nowhere", wire_batch({"a"}), 1));
  CHECK(only_partition(missing).error_code == static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
}

TEST_CASE("a LogAppendTime topic answers the append time and stores the batch with a recomputed CRC") {
  WireClient wire;
  make_topic(wire.cluster(), "stamped", 1, 1, {{"message.timestamp.type", str("LogAppendTime")}});
  wire.cluster().advance(42);
  auto response = wire.call<protocol::ProduceResponse>(leader_of(wire.cluster(), "stamped"), kProduce, 7,
                                                       produce_request("stamped", wire_batch({"a"}), 1));
  CHECK(only_partition(response).log_append_time_ms == 42);
  wire.cluster().find_topic("stamped")->partitions[0]->log().read_batches(0, 1, [&](const RecordBatchView& batch) {
    CHECK(batch.max_timestamp() == 42);
    CHECK(load_be(batch.bytes().data() + 17, 4) == record_batch_crc(batch.bytes()));
    return true;
  });
}
