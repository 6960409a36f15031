// The built-in partitioner for keyless records (KIP-794, Kafka 3.3+; kafka-semantics.md §1.2):
// stick to one partition, count the bytes appended there, switch once produced >= batch.size and
// the partition's last batch is full, or once produced >= 2 * batch.size regardless.
//
// In Kafka 3.7's RecordAccumulator.append the "last batch is full" test is allBatchesFull(dq) in
// both paths (joining a batch and starting one), and partitionChanged() completes a switch that
// was held back as soon as the partition's last batch is full (or its queue is empty).
//
// Sizes used here: a keyless record with a 91-byte value is exactly 100 bytes; a batch holding one
// of them is 161 bytes; with batch.size = 1000 a batch holds 9 of them (961 bytes).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/built_in_partitioner.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;

namespace {

const std::string kValue(91, 'v');

std::vector<int32_t> batch_sizes(const PartitionLog& log) {
  std::vector<int32_t> counts;
  for (const Segment& segment : log.segments())
    segment.for_each_batch(0, [&](const RecordBatchView& batch) {
      counts.push_back(batch.record_count());
      return true;
    });
  return counts;
}

}  // namespace

TEST_CASE("the record used here is 100 bytes and a batch of 1000 bytes holds 9 of them") {
  RecordInput record{std::nullopt, std::string_view(kValue), nullptr, 0, 0};
  CHECK(record_size_in_batch(0, 0, record) == 100);
  RecordBatchBuilder builder;
  builder.reset(1000);
  int taken = 0;
  while (builder.has_room_for(record)) builder.append(record), ++taken;
  CHECK(taken == 9);
  CHECK(builder.size_bytes() == 961);
}

TEST_CASE("with sync sends each keyless record is its own batch and the partition changes every 7 records") {
  // 7 one-record batches = 7 * 161 = 1127 bytes >= batch.size 1000 (each queue is empty again
  // before the next send, so the switch is not held back).
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 8);
  auto producer = test::make_producer(*cluster, {{"batch.size", num(1000)}});
  std::vector<int32_t> partitions;
  for (int i = 0; i < 70; ++i) {
    Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = kValue});
    REQUIRE(sent.ok());
    partitions.push_back(sent->partition);
  }
  for (std::size_t i = 1; i < partitions.size(); ++i) {
    CAPTURE(i);
    if (i % 7 != 0) CHECK(partitions[i] == partitions[i - 1]);
  }
  CHECK(std::set<int32_t>(partitions.begin(), partitions.end()).size() > 1);
  std::size_t batches = 0;
  for (int32_t p = 0; p < 8; ++p) {
    for (int32_t count : batch_sizes(test::log_of(*cluster, "t", p))) CHECK(count == 1);
    batches += batch_sizes(test::log_of(*cluster, "t", p)).size();
  }
  CHECK(batches == 70);
}

TEST_CASE("with async sends a switch waits until the partition's last batch is full") {
  // Kafka 3.7: records 1-9 fill batch A (961 bytes produced). Record 10 does not fit, A closes and
  // batch B starts (1122 bytes produced), but B is not full, so the switch is held back until B
  // fills too: records 1-18 (two batches of 9) go to the first partition; record 19 finds B full
  // and completes the switch before it is appended.
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 12);
  auto producer = test::make_producer(*cluster, {{"batch.size", num(1000)}});
  std::vector<int32_t> partitions;
  for (int i = 0; i < 40; ++i) {
    Result<int32_t> sent = producer->send(ProducerRecord{.topic = "t", .value = kValue});
    REQUIRE(sent.ok());
    partitions.push_back(*sent);
  }
  producer->flush();
  for (std::size_t i = 1; i < 18; ++i) {
    CAPTURE(i);
    CHECK(partitions[i] == partitions[0]);
  }
  std::vector<int32_t> first = batch_sizes(test::log_of(*cluster, "t", partitions[0]));
  REQUIRE(first.size() >= 2);
  CHECK(first[0] == 9);
  CHECK(first[1] == 9);
}

TEST_CASE("with async sends the first partition takes at least one full batch before switching") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 12);
  auto producer = test::make_producer(*cluster, {{"batch.size", num(1000)}});
  std::vector<int32_t> partitions;
  for (int i = 0; i < 200; ++i) partitions.push_back(*producer->send(ProducerRecord{.topic = "t", .value = kValue}));
  producer->flush();
  for (std::size_t i = 1; i < 10; ++i) CHECK(partitions[i] == partitions[0]);
  CHECK(std::set<int32_t>(partitions.begin(), partitions.end()).size() > 2);
  int64_t stored = 0;
  for (int32_t p = 0; p < 12; ++p) stored += test::log_of(*cluster, "t", p).log_end_offset();
  CHECK(stored == 200);
}

TEST_CASE("BuiltInPartitioner switches at batch.size with a full batch, at twice batch.size regardless") {
  Topic topic = test::standalone_topic("t", 4);
  Rng rng(3);
  BuiltInPartitioner partitioner(100);
  partitioner.current_partition(topic, rng);
  SUBCASE("enable_switch true: the append that reaches 100 bytes switches") {
    partitioner.on_append(topic, rng, 60, true);
    CHECK(partitioner.produced_bytes() == 60);
    partitioner.on_append(topic, rng, 39, true);
    CHECK(partitioner.produced_bytes() == 99);
    partitioner.on_append(topic, rng, 1, true);
    CHECK(partitioner.produced_bytes() == 0);  // a new sticky partition starts counting afresh
  }
  SUBCASE("enable_switch false: held back until 200 bytes") {
    partitioner.on_append(topic, rng, 150, false);
    CHECK(partitioner.produced_bytes() == 150);
    partitioner.on_append(topic, rng, 49, false);
    CHECK(partitioner.produced_bytes() == 199);
    partitioner.on_append(topic, rng, 1, false);
    CHECK(partitioner.produced_bytes() == 0);
  }
  SUBCASE("batch.size 0 is treated as 1") {
    BuiltInPartitioner zero(0);
    zero.current_partition(topic, rng);
    zero.on_append(topic, rng, 1, true);
    CHECK(zero.produced_bytes() == 0);
  }
}

TEST_CASE("the next sticky partition is uniform over partitions that have a leader") {
  Topic topic = test::standalone_topic("t", 3);
  topic.partitions[1]->leader = -1;
  Rng rng(11);
  BuiltInPartitioner partitioner(1);
  std::map<int32_t, int> picks;
  for (int i = 0; i < 600; ++i) {
    ++picks[partitioner.current_partition(topic, rng)];
    partitioner.on_append(topic, rng, 1, true);
  }
  CHECK(picks.count(1) == 0);
  CHECK(picks[0] > 200);
  CHECK(picks[2] > 200);
}

TEST_CASE("with load statistics shorter queues are likelier: weight = max queue + 1 - queue") {
  Topic topic = test::standalone_topic("t", 3);
  Rng rng(5);
  BuiltInPartitioner partitioner(1);
  SUBCASE("queues of 0 and 5 on partitions 0 and 1 weigh 6 : 1; partition 2, not in the stats, is never drawn") {
    partitioner.update_load_stats({0, 5}, {0, 1}, 3);
    REQUIRE(partitioner.has_load_stats());
    std::map<int32_t, int> picks;
    for (int i = 0; i < 700; ++i) {
      partitioner.on_append(topic, rng, 1, true);
      ++picks[partitioner.current_partition(topic, rng)];
    }
    CHECK(picks.count(2) == 0);
    CHECK(picks[0] > 540);  // expected 600
    CHECK(picks[1] > 50);   // expected 100
  }
  SUBCASE("equal queues over every partition carry no information: no statistics") {
    partitioner.update_load_stats({3, 3, 3}, {0, 1, 2}, 3);
    CHECK_FALSE(partitioner.has_load_stats());
  }
  SUBCASE("equal queues over only some partitions still exclude the others") {
    partitioner.update_load_stats({3, 3}, {0, 2}, 3);
    CHECK(partitioner.has_load_stats());
  }
}
