// Where the producer puts a record (KafkaProducer.partition() in Kafka 3.7; kafka-semantics.md §1):
// explicit partition -> partitioner class -> key hash (unless partitioner.ignore.keys) -> sticky.
// Also RoundRobinPartitioner with 3.7's double call (KAFKA-16283) and librdkafka's partitioners.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "client/partitioners.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

int32_t send_ok(Producer& producer, ProducerRecord record) {
  Result<int32_t> partition = producer.send(record);
  REQUIRE(partition.ok());
  return *partition;
}

int32_t send_and_wait_ok(Producer& producer, ProducerRecord record) {
  Result<RecordMetadata> metadata = producer.send_and_wait(record);
  REQUIRE(metadata.ok());
  return metadata->partition;
}

const ConfigEntries kRoundRobin{{"partitioner.class", str("org.apache.kafka.clients.producer.RoundRobinPartitioner")}};

}  // namespace

TEST_CASE("a keyed record goes to toPositive(murmur2(key)) % partitions") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 3);
  auto producer = test::make_producer(*cluster);
  const std::vector<int32_t> expected{1, 0, 2, 0, 2, 2, 0, 2, 1, 2};  // teaching-anchors §6
  for (int i = 0; i < 10; ++i) {
    const std::string key = "id_" + std::to_string(i);
    CHECK(send_ok(*producer, ProducerRecord{.topic = "t", .key = key, .value = "v"}) ==
          expected[static_cast<std::size_t>(i)]);
  }
  producer->flush();
  CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 3);
  CHECK(test::log_of(*cluster, "t", 1).log_end_offset() == 2);
  CHECK(test::log_of(*cluster, "t", 2).log_end_offset() == 5);
  CHECK(test::read_log(test::log_of(*cluster, "t", 1))[1].key == "id_8");
}

TEST_CASE("an empty key is a key: it is hashed, not treated as keyless") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 5);
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 5; ++i) CHECK(send_ok(*producer, ProducerRecord{.topic = "t", .key = "", .value = "v"}) == 1);
}

TEST_CASE("an explicit partition wins over the key; one outside the topic is an error") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 3);
  auto producer = test::make_producer(*cluster, kRoundRobin);  // wins over a partitioner class too
  CHECK(send_and_wait_ok(*producer, ProducerRecord{.topic = "t", .partition = 2, .key = "id_0"}) == 2);
  CHECK(send_and_wait_ok(*producer, ProducerRecord{.topic = "t", .partition = 0, .key = "id_2"}) == 0);
  for (int32_t bad : {3, -1}) {
    bool called = false;
    Result<int32_t> refused = producer->send(ProducerRecord{.topic = "t", .partition = bad, .value = "v"},
                                             [&](const RecordMetadata&, const Error*) { called = true; });
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    producer->flush();
    CHECK_FALSE(called);
  }
  CHECK(producer->buffered_batches() == 0);
}

TEST_CASE("partitioner.ignore.keys sends keyed records through the sticky partitioner") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 2);
  auto keyed = test::make_producer(*cluster);
  auto ignoring = test::make_producer(*cluster, {{"partitioner.ignore.keys", ConfigInput(true)}});
  std::vector<int32_t> by_key, ignored;
  for (const char* key : {"key1", "key2", "key3", "key4"}) {
    by_key.push_back(send_and_wait_ok(*keyed, ProducerRecord{.topic = "t", .key = key, .value = "v"}));
    ignored.push_back(send_and_wait_ok(*ignoring, ProducerRecord{.topic = "t", .key = key, .value = "v"}));
  }
  CHECK(by_key == std::vector<int32_t>{0, 1, 1, 1});
  CHECK(std::set<int32_t>(ignored.begin(), ignored.end()).size() == 1);  // tiny records: no sticky switch
}

TEST_CASE("RoundRobinPartitioner as in Kafka 3.7: called twice when a record starts a batch (KAFKA-16283)") {
  // The first call's partition has no open batch, so the append aborts and the partitioner is asked
  // again; the counter moves by two and the second answer is used.
  auto cluster = test::make_cluster();
  SUBCASE("sync sends on 4 partitions use only partitions 1 and 3") {
    test::make_topic(*cluster, "t", 4);
    auto producer = test::make_producer(*cluster, kRoundRobin);
    std::vector<int32_t> partitions;
    for (int i = 0; i < 8; ++i)
      partitions.push_back(send_and_wait_ok(*producer, ProducerRecord{.topic = "t", .key = "same", .value = "v"}));
    CHECK(partitions == std::vector<int32_t>{1, 3, 1, 3, 1, 3, 1, 3});
    CHECK(test::log_of(*cluster, "t", 0).log_end_offset() == 0);
    CHECK(test::log_of(*cluster, "t", 2).log_end_offset() == 0);
  }
  SUBCASE("async sends on 4 partitions: the same two partitions, each record joining the open batch") {
    test::make_topic(*cluster, "t", 4);
    auto producer = test::make_producer(*cluster, kRoundRobin);
    std::vector<int32_t> partitions;
    for (int i = 0; i < 8; ++i) partitions.push_back(send_ok(*producer, ProducerRecord{.topic = "t", .value = "v"}));
    producer->flush();
    CHECK(partitions == std::vector<int32_t>{1, 3, 1, 3, 1, 3, 1, 3});
    CHECK(test::log_of(*cluster, "t", 1).segments()[0].batch_count() == 1);
    CHECK(test::log_of(*cluster, "t", 1).log_end_offset() == 4);
  }
  SUBCASE("sync sends on 3 partitions reach every partition") {
    test::make_topic(*cluster, "t", 3);
    auto producer = test::make_producer(*cluster, kRoundRobin);
    std::vector<int32_t> partitions;
    for (int i = 0; i < 6; ++i)
      partitions.push_back(send_and_wait_ok(*producer, ProducerRecord{.topic = "t", .value = "v"}));
    CHECK(partitions == std::vector<int32_t>{1, 0, 2, 1, 0, 2});
  }
  SUBCASE("async sends on 3 partitions starve partition 2: open batches on 1 and 0 absorb the counter") {
    test::make_topic(*cluster, "t", 3);
    auto producer = test::make_producer(*cluster, kRoundRobin);
    std::vector<int32_t> partitions;
    for (int i = 0; i < 6; ++i) partitions.push_back(send_ok(*producer, ProducerRecord{.topic = "t", .value = "v"}));
    CHECK(partitions == std::vector<int32_t>{1, 0, 1, 0, 1, 0});
  }
}

TEST_CASE("a custom partitioner is asked twice for a record that starts a batch, once for one that joins") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 3);
  int calls = 0;
  auto producer = test::make_producer(*cluster, {}, [&](std::string_view, std::optional<std::string_view> key,
                                                         std::optional<std::string_view>, int32_t count) -> Result<int32_t> {
    ++calls;
    return static_cast<int32_t>(key ? key->size() % static_cast<std::size_t>(count) : 0);
  });
  CHECK(send_and_wait_ok(*producer, ProducerRecord{.topic = "t", .key = "ab", .value = "v"}) == 2);
  CHECK(calls == 2);
  for (int i = 0; i < 4; ++i) CHECK(send_ok(*producer, ProducerRecord{.topic = "t", .key = "abcd", .value = "v"}) == 1);
  CHECK(calls == 2 + 2 + 3);
  SUBCASE("an answer outside the topic is an error") {
    auto wild = test::make_producer(*cluster, {}, [](std::string_view, std::optional<std::string_view>,
                                                     std::optional<std::string_view>, int32_t) -> Result<int32_t> { return 7; });
    Result<int32_t> refused = wild->send(ProducerRecord{.topic = "t", .value = "v"});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  }
}

TEST_CASE("librdkafka's partitioners: CRC32 for consistent*, Java's hash for murmur2*") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t15", 15);
  test::make_topic(*cluster, "t5", 5);
  test::make_topic(*cluster, "t10", 10);
  auto with = [&](const char* name, ConfigEntries extra = {}) {
    extra.emplace_back("partitioner", str(name));
    return test::make_producer(*cluster, extra);
  };
  SUBCASE("consistent_random (librdkafka's default) puts \"TT0124\" on 15 partitions at 9; murmur2_random at 10") {
    CHECK(send_ok(*with("consistent_random"), ProducerRecord{.topic = "t15", .key = "TT0124"}) == 9);
    CHECK(send_ok(*with("consistent"), ProducerRecord{.topic = "t15", .key = "TT0124"}) == 9);
    CHECK(send_ok(*with("murmur2_random"), ProducerRecord{.topic = "t15", .key = "TT0124"}) == 10);
    CHECK(send_ok(*with("murmur2"), ProducerRecord{.topic = "t15", .key = "TT0124"}) == 10);
  }
  SUBCASE("consistent sends keyless and empty-key records to partition 0") {
    auto producer = with("consistent");
    for (int i = 0; i < 5; ++i) {
      CHECK(send_ok(*producer, ProducerRecord{.topic = "t10", .value = "v"}) == 0);
      CHECK(send_ok(*producer, ProducerRecord{.topic = "t10", .key = "", .value = "v"}) == 0);
    }
  }
  SUBCASE("murmur2 hashes a missing key as the empty key") {
    auto producer = with("murmur2");
    CHECK(send_ok(*producer, ProducerRecord{.topic = "t5", .value = "v"}) == java_key_partition("", 5));
    CHECK(send_ok(*producer, ProducerRecord{.topic = "t5", .value = "v"}) == 1);
  }
  SUBCASE("consistent_random keeps keyless and empty-key records on one random partition for the sticky linger") {
    auto producer = with("consistent_random");
    std::set<int32_t> used;
    for (int i = 0; i < 20; ++i) used.insert(send_ok(*producer, ProducerRecord{.topic = "t10", .key = "", .value = "v"}));
    CHECK(used.size() == 1);
  }
  SUBCASE("with sticky.partitioning.linger.ms = 0 every keyless record draws a new random partition") {
    auto producer = with("consistent_random", {{"sticky.partitioning.linger.ms", num(0)}});
    std::set<int32_t> used;
    for (int i = 0; i < 50; ++i) used.insert(send_ok(*producer, ProducerRecord{.topic = "t10", .key = "", .value = "v"}));
    CHECK(used.size() > 3);
  }
}

TEST_CASE("the partition returned by send is where the record is stored") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 6);
  auto producer = test::make_producer(*cluster);
  std::vector<std::pair<int32_t, std::string>> sent;
  for (int i = 0; i < 30; ++i) {
    const std::string key = "user-" + std::to_string(i);
    sent.emplace_back(send_ok(*producer, ProducerRecord{.topic = "t", .key = key, .value = key}), key);
  }
  producer->flush();
  for (const auto& [partition, key] : sent) {
    CAPTURE(key);
    CHECK(partition == java_key_partition(key, 6));
    bool found = false;
    for (const auto& record : test::read_log(test::log_of(*cluster, "t", partition))) found = found || record.key == key;
    CHECK(found);
  }
}
