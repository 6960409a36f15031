// One seed drives everything: the same seed and the same calls give the same topic ids, replica
// placement, partitions of keyless records, offsets and timestamps; another seed changes them.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace klab;
using test::num;

namespace {

struct Transcript {
  std::vector<std::string> topic_ids;
  std::vector<std::vector<BrokerId>> replicas;
  std::vector<int32_t> keyless_partitions;
  std::vector<std::string> records;  // "partition/offset@timestamp value", in consumption order
  TimeMs end_time = 0;
};

Transcript run(uint64_t seed) {
  Transcript out;
  auto cluster = test::make_cluster(ClusterOptions{5, seed, {}, 1});
  for (const char* name : {"orders", "clicks", "payments"}) {
    Topic& topic = test::make_topic(*cluster, name, 6, 3);
    out.topic_ids.push_back(topic.topic_id.to_string());
    for (const auto& partition : topic.partitions) out.replicas.push_back(partition->replicas);
  }
  auto producer = test::make_producer(*cluster, {{"batch.size", num(300)}, {"linger.ms", num(3)}});
  for (int i = 0; i < 40; ++i) {
    const std::string value = "event-" + std::to_string(i);
    if (i % 4 == 0) {
      Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "orders", .value = value});
      REQUIRE(sent.ok());
      out.keyless_partitions.push_back(sent->partition);
    } else {
      Result<int32_t> sent = producer->send(ProducerRecord{.topic = "orders", .value = value});
      REQUIRE(sent.ok());
      out.keyless_partitions.push_back(*sent);
    }
    if (i % 7 == 0) cluster->advance(2);
  }
  producer->flush();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", test::str("earliest")}});
  std::vector<TopicPartition> all;
  for (int32_t p = 0; p < 6; ++p) all.push_back(TopicPartition{"orders", p});
  REQUIRE(consumer->assign(all).ok());
  std::vector<ConsumerRecord> records;
  for (int round = 0; round < 3; ++round) {
    REQUIRE(consumer->poll(10, records).ok());
    for (const ConsumerRecord& r : records)
      out.records.push_back(fmt::format("{}/{}@{} {}", r.partition, r.offset, r.timestamp, *r.value));
  }
  out.end_time = cluster->now();
  return out;
}

}  // namespace

TEST_CASE("the same seed and the same calls give the same ids, placements, partitions, offsets and times") {
  const Transcript first = run(42);
  const Transcript second = run(42);
  CHECK(first.topic_ids == second.topic_ids);
  CHECK(first.replicas == second.replicas);
  CHECK(first.keyless_partitions == second.keyless_partitions);
  CHECK(first.records == second.records);
  CHECK(first.end_time == second.end_time);
  CHECK(first.records.size() == 40);
  CHECK(first.keyless_partitions.size() == 40);
}

TEST_CASE("a different seed changes topic ids and the keyless partition choice") {
  const Transcript first = run(42);
  const Transcript other = run(4242);
  for (std::size_t i = 0; i < first.topic_ids.size(); ++i) CHECK(first.topic_ids[i] != other.topic_ids[i]);
  CHECK(first.keyless_partitions != other.keyless_partitions);
  CHECK(first.records.size() == other.records.size());
}
