// Batching and timing of the producer in simulated time. With the default one-way latency of 1 ms
// a request that leaves at t reaches the leader at t+1 and its answer is back at t+2.
// Kafka 3.7 (KafkaProducer.doSend + Sender/RecordAccumulator.ready): a batch is sendable when it is
// full or another batch queues behind it, when linger.ms has passed, or during flush(); a send
// that fills a batch or starts a new one wakes the sender at once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

struct Completion {
  int32_t partition;
  int64_t offset;
  TimeMs timestamp;
  TimeMs completed_at;
};

SendCallback record_into(std::vector<Completion>& out, Cluster& cluster) {
  return [&out, &cluster](const RecordMetadata& metadata, const Error* error) {
    CHECK(error == nullptr);
    out.push_back(Completion{metadata.partition, metadata.offset, metadata.timestamp, cluster.now()});
  };
}

std::vector<int32_t> batch_sizes(const PartitionLog& log) {
  std::vector<int32_t> counts;
  for (const Segment& segment : log.segments())
    segment.for_each_batch(0, [&](const RecordBatchView& batch) {
      counts.push_back(batch.record_count());
      return true;
    });
  return counts;
}

const std::string kValue(91, 'v');  // a 100-byte keyless record

}  // namespace

TEST_CASE("a synchronous send takes linger.ms plus a 2 ms round trip") {
  SUBCASE("linger.ms = 0 (Kafka 3.7's default): done at t = 2") {
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster);
    Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .key = "k", .value = "v"});
    REQUIRE(sent.ok());
    CHECK(cluster->now() == 2);
    CHECK(sent->topic == "t");
    CHECK(sent->offset == 0);
    CHECK(sent->timestamp == 0);
    CHECK(sent->serialized_key_size == 1);
    CHECK(sent->serialized_value_size == 1);
  }
  SUBCASE("linger.ms = 5: done at t = 7") {
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster, {{"linger.ms", num(5)}});
    Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v"});
    REQUIRE(sent.ok());
    CHECK(cluster->now() == 7);
    CHECK(sent->timestamp == 0);  // CreateTime is the time of send()
    CHECK(sent->serialized_key_size == -1);
    Result<RecordMetadata> again = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v"});
    REQUIRE(again.ok());
    CHECK(cluster->now() == 14);
    CHECK(again->offset == 1);
    CHECK(again->timestamp == 7);
  }
  SUBCASE("a one-way latency of 3 ms makes the round trip 6 ms") {
    auto cluster = test::make_cluster(ClusterOptions{3, 42, {}, 3});
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster);
    REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v"}).ok());
    CHECK(cluster->now() == 6);
  }
}

TEST_CASE("records sent in the same instant share one batch and get their offsets in order") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster);
  std::vector<Completion> done;
  for (int i = 0; i < 5; ++i)
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = "v"}, record_into(done, *cluster)).ok());
  CHECK(producer->buffered_batches() == 1);
  CHECK(done.empty());  // nothing happens until the simulation runs
  producer->flush();
  CHECK(cluster->now() == 2);
  CHECK(batch_sizes(test::log_of(*cluster, "t", 0)) == std::vector<int32_t>{5});
  REQUIRE(done.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(done[static_cast<std::size_t>(i)].offset == i);
    CHECK(done[static_cast<std::size_t>(i)].completed_at == 2);
  }
}

TEST_CASE("records sent during linger.ms join the waiting batch") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(10)}});
  std::vector<Completion> done;
  REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = "a"}, record_into(done, *cluster)).ok());
  cluster->advance(5);
  REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = "b"}, record_into(done, *cluster)).ok());
  cluster->advance(100);
  REQUIRE(done.size() == 2);
  CHECK(done[0].completed_at == 12);  // linger ends at 10, appended at 11, answered at 12
  CHECK(done[1].completed_at == 12);
  CHECK(done[1].timestamp == 5);
  CHECK(batch_sizes(test::log_of(*cluster, "t", 0)) == std::vector<int32_t>{2});
}

TEST_CASE("callbacks get offsets in order across several batches of a partition") {
  // batch.size 400: 161 + 100 + 100 = 361 fits, a fourth record would make 461.
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"batch.size", num(400)}});
  std::vector<Completion> done;
  for (int i = 0; i < 10; ++i)
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = kValue}, record_into(done, *cluster)).ok());
  producer->flush();
  CHECK(batch_sizes(test::log_of(*cluster, "t", 0)) == std::vector<int32_t>{3, 3, 3, 1});
  REQUIRE(done.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(done[static_cast<std::size_t>(i)].offset == i);
}

TEST_CASE("a batch with another queued behind it is sent without waiting for linger.ms") {
  // Kafka: the send that starts batch 2 reports batchIsFull (dq.size() > 1) and wakes the sender,
  // and ready() treats the closed batch 1 as full; so batches 1 and 2 leave at t = 0 and only the
  // open batch 3 lingers.
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"batch.size", num(400)}, {"linger.ms", num(1000)}});
  std::vector<Completion> done;
  for (int i = 0; i < 7; ++i)
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .partition = 0, .value = kValue}, record_into(done, *cluster)).ok());
  cluster->advance(10);
  CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 6);
  CHECK(done.size() == 6);
  if (!done.empty()) CHECK(done[0].completed_at == 2);
  cluster->advance(1000);
  CHECK(done.size() == 7);
}

TEST_CASE("flush sends every buffered batch at once, ignoring linger.ms, and waits for the answers") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 3);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(1000)}});
  std::vector<Completion> done;
  for (int i = 0; i < 20; ++i) {
    const std::string key = "key" + std::to_string(i);
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .key = key, .value = "v"}, record_into(done, *cluster)).ok());
  }
  CHECK(producer->buffered_batches() == 3);
  producer->flush();
  CHECK(producer->buffered_batches() == 0);
  CHECK(done.size() == 20);
  CHECK(cluster->now() == 2);
  int64_t stored = 0;
  for (int32_t p = 0; p < 3; ++p) stored += test::log_of(*cluster, "t", p).log_end_offset();
  CHECK(stored == 20);
}

TEST_CASE("acks=0 completes when the request leaves, with offset -1; the record still lands") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"acks", str("0")}});
  CHECK(producer->acks() == 0);
  Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v"});
  REQUIRE(sent.ok());
  CHECK(sent->offset == -1);
  CHECK(sent->partition == 0);
  CHECK(cluster->now() == 0);
  CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 0);
  cluster->advance(1);
  CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 1);
}

TEST_CASE("acks=all is -1 and acks=1 is 1; both return the offset") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto all = test::make_producer(*cluster);
  auto one = test::make_producer(*cluster, {{"acks", num(1)}});
  CHECK(all->acks() == -1);
  CHECK(one->acks() == 1);
  CHECK(all->send_and_wait(ProducerRecord{.topic = "t", .value = "v"})->offset == 0);
  CHECK(one->send_and_wait(ProducerRecord{.topic = "t", .value = "v"})->offset == 1);
}

TEST_CASE("a record larger than max.request.size is MESSAGE_TOO_LARGE before it is queued") {
  // Kafka sizes the record as a whole batch: 61 + 21 + key(1 for null) + value(2 + n) + headers(1).
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"max.request.size", num(200)}});
  CHECK(producer->send(ProducerRecord{.topic = "t", .value = std::string(114, 'x')}).ok());  // exactly 200
  Result<int32_t> refused = producer->send(ProducerRecord{.topic = "t", .value = std::string(115, 'x')});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK(refused.error().message ==
        "The message is 201 bytes when serialized which is larger than 200, which is the value of the "
        "max.request.size configuration.");
  producer->flush();
  CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 1);
}

TEST_CASE("a batch the topic refuses fails its records' callbacks with the broker's error") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, {{"max.message.bytes", num(100)}});
  auto producer = test::make_producer(*cluster);
  std::vector<ErrorCode> errors;
  REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = kValue}, [&](const RecordMetadata& m, const Error* e) {
    CHECK(m.offset == -1);
    errors.push_back(e ? e->code : ErrorCode::NONE);
  }).ok());
  producer->flush();
  CHECK(errors == std::vector<ErrorCode>{ErrorCode::MESSAGE_TOO_LARGE});
  CHECK_FALSE(producer->send_and_wait(ProducerRecord{.topic = "t", .value = kValue}).ok());
}

TEST_CASE("a negative timestamp is INVALID_TIMESTAMP; an explicit one is kept under CreateTime") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster);
  CHECK(producer->send(ProducerRecord{.topic = "t", .value = "v", .timestamp = -5}).error().code ==
        ErrorCode::INVALID_TIMESTAMP);
  Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v", .timestamp = 12345});
  REQUIRE(sent.ok());
  CHECK(sent->timestamp == 12345);
  CHECK(test::read_log(test::log_of(*cluster, "t", 0))[0].timestamp == 12345);
}

TEST_CASE("under LogAppendTime the metadata carries the broker's append time") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, {{"message.timestamp.type", str("LogAppendTime")}});
  auto producer = test::make_producer(*cluster);
  cluster->advance(100);
  Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v", .timestamp = 5});
  REQUIRE(sent.ok());
  CHECK(sent->timestamp == 101);  // sent at 100, appended at 101
  CHECK(test::read_log(test::log_of(*cluster, "t", 0))[0].timestamp == 101);
}

TEST_CASE("sending to a missing topic creates it, or fails when auto-creation is off") {
  auto cluster = test::make_cluster(ClusterOptions{3, 42, {{"auto.create.topics.enable", ConfigInput(false)}}, 1});
  auto producer = test::make_producer(*cluster);
  Result<int32_t> refused = producer->send(ProducerRecord{.topic = "missing", .value = "v"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  auto open = test::make_cluster();
  auto open_producer = test::make_producer(*open);
  CHECK(open_producer->send_and_wait(ProducerRecord{.topic = "missing", .value = "v"}).ok());
  CHECK(open->topic_names() == std::vector<std::string>{"missing"});
}

TEST_CASE("clients without client.id are named as the Java clients name them") {
  auto cluster = test::make_cluster();
  CHECK(test::make_producer(*cluster)->client_id() == "producer-1");
  CHECK(test::make_producer(*cluster)->client_id() == "producer-2");
  CHECK(test::make_producer(*cluster, {{"client.id", str("gps")}})->client_id() == "gps");
  // Consumers: consumer-<group.id>-<n>, n from one sequence over every group.
  CHECK(test::make_consumer(*cluster)->client_id() == "consumer-null-1");
  CHECK(test::make_consumer(*cluster, {{"group.id", str("dash")}})->client_id() == "consumer-dash-2");
  CHECK(test::make_consumer(*cluster, {{"group.id", str("billing")}})->client_id() == "consumer-billing-3");
  CHECK(test::make_consumer(*cluster, {{"group.id", str("dash")}, {"group.instance.id", str("pod-a")}})->client_id() ==
        "consumer-dash-pod-a");
  CHECK(test::make_consumer(*cluster, {{"group.id", str("dash")}})->client_id() == "consumer-dash-4");
}

TEST_CASE("records buffered for a topic that is deleted still complete, with an error") {
  // A Java producer never drops a callback: such batches fail (UNKNOWN_TOPIC_OR_PARTITION, or a
  // TimeoutException after delivery.timeout.ms) and flush() returns once every batch is done.
  // The simulation is stepped by hand with a bound, because flush() on such a producer never returns.
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(100)}});
  int failed = 0;
  for (int i = 0; i < 3; ++i)
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = "v"}, [&](const RecordMetadata&, const Error* e) {
      if (e) ++failed;
    }).ok());
  REQUIRE(cluster->delete_topic("t").ok());
  for (int step = 0; step < 100000 && producer->buffered_batches() > 0; ++step)
    if (!cluster->scheduler().run_next()) break;
  CHECK(failed == 3);
  CHECK(producer->buffered_batches() == 0);
  CHECK(cluster->scheduler().pending_events() == 0);  // and the sender is not left spinning
}
