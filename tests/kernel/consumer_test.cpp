// The group-less consumer: assign, seek, position, poll. Positions resolve lazily by
// auto.offset.reset, poll returns at most max.poll.records, and an empty poll waits in simulated
// time. The golden case is Confluent's "read from a specific offset and partition" tutorial
// (teaching-anchors.md §2.4): key1..key4 x3 on 2 partitions -> 3 records on 0, 9 on 1.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/usage_error.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::unique_ptr<Cluster> tutorial_cluster() {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "example-topic", 2);
  auto producer = test::make_producer(*cluster);
  for (int round = 0; round < 3; ++round)
    for (const char* key : {"key1", "key2", "key3", "key4"}) {
      const std::string value = std::string(key) + "-" + std::to_string(round);
      REQUIRE(producer->send(ProducerRecord{.topic = "example-topic", .key = key, .value = value}).ok());
    }
  producer->flush();
  return cluster;
}

std::vector<ConsumerRecord> poll_ok(Consumer& consumer, int64_t timeout_ms) {
  std::vector<ConsumerRecord> records;
  Result<std::size_t> polled = consumer.poll(timeout_ms, records);
  REQUIRE(polled.ok());
  CHECK(*polled == records.size());
  return records;
}

std::vector<int64_t> offsets(const std::vector<ConsumerRecord>& records) {
  std::vector<int64_t> out;
  for (const ConsumerRecord& r : records) out.push_back(r.offset);
  return out;
}

const TopicPartition p0{"example-topic", 0};
const TopicPartition p1{"example-topic", 1};

}  // namespace

TEST_CASE("the Confluent tutorial: partition 0 holds 3 records, partition 1 holds 9, offset 6 on 1 gives the last 3") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  SUBCASE("partition 0 from the beginning: three records, all key1") {
    REQUIRE(consumer->assign({p0}).ok());
    std::vector<ConsumerRecord> records = poll_ok(*consumer, 100);
    CHECK(offsets(records) == std::vector<int64_t>{0, 1, 2});
    for (const ConsumerRecord& r : records) CHECK(r.key == "key1");
    CHECK(records[2].value == "key1-2");
  }
  SUBCASE("partition 1 from the beginning: nine records, key2..key4") {
    REQUIRE(consumer->assign({p1}).ok());
    std::vector<ConsumerRecord> records = poll_ok(*consumer, 100);
    CHECK(offsets(records) == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(records[0].key == "key2");
    CHECK(records[8].key == "key4");
    CHECK(records[4].topic == "example-topic");
    CHECK(records[4].partition == 1);
  }
  SUBCASE("partition 1 from offset 6: exactly the last three records") {
    REQUIRE(consumer->assign({p1}).ok());
    consumer->seek(p1, 6);
    std::vector<ConsumerRecord> records = poll_ok(*consumer, 100);
    CHECK(offsets(records) == std::vector<int64_t>{6, 7, 8});
    CHECK(records[0].value == "key2-2");
    CHECK(records[1].value == "key3-2");
    CHECK(records[2].value == "key4-2");
    CHECK(*consumer->position(p1) == 9);
    CHECK(poll_ok(*consumer, 0).empty());
  }
}

TEST_CASE("max.poll.records caps each poll; the position moves past what was returned") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}, {"max.poll.records", num(4)}});
  REQUIRE(consumer->assign({p1}).ok());
  CHECK(offsets(poll_ok(*consumer, 0)) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(*consumer->position(p1) == 4);
  CHECK(offsets(poll_ok(*consumer, 0)) == std::vector<int64_t>{4, 5, 6, 7});
  CHECK(offsets(poll_ok(*consumer, 0)) == std::vector<int64_t>{8});
  CHECK(*consumer->position(p1) == 9);
  CHECK(poll_ok(*consumer, 0).empty());
}

TEST_CASE("max.poll.records counts across partitions") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}, {"max.poll.records", num(5)}});
  REQUIRE(consumer->assign({p0, p1}).ok());
  std::size_t total = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t got = poll_ok(*consumer, 0).size();
    CHECK(got <= 5);
    total += got;
  }
  CHECK(total == 12);
}

TEST_CASE("auto.offset.reset decides where a partition without a position starts") {
  auto cluster = tutorial_cluster();
  SUBCASE("earliest: the log start offset") {
    auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
    REQUIRE(consumer->assign({p1}).ok());
    CHECK(*consumer->position(p1) == 0);
  }
  SUBCASE("latest (the default): the log end offset, so only new records are read") {
    auto consumer = test::make_consumer(*cluster);
    REQUIRE(consumer->assign({p1}).ok());
    CHECK(*consumer->position(p1) == 9);
    CHECK(poll_ok(*consumer, 0).empty());
    auto producer = test::make_producer(*cluster);
    REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "example-topic", .key = "key2", .value = "new"}).ok());
    std::vector<ConsumerRecord> records = poll_ok(*consumer, 0);
    REQUIRE(records.size() == 1);
    CHECK(records[0].offset == 9);
    CHECK(records[0].value == "new");
  }
  SUBCASE("none: an error until the application seeks") {
    auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("none")}});
    REQUIRE(consumer->assign({p1}).ok());
    CHECK(consumer->position(p1).error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
    std::vector<ConsumerRecord> records;
    CHECK(consumer->poll(0, records).error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
    consumer->seek(p1, 7);
    CHECK(offsets(poll_ok(*consumer, 0)) == std::vector<int64_t>{7, 8});
  }
}

TEST_CASE("a position past the log end is reset by auto.offset.reset, or is OFFSET_OUT_OF_RANGE under none") {
  auto cluster = tutorial_cluster();
  auto earliest = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(earliest->assign({p0}).ok());
  earliest->seek(p0, 50);
  CHECK(offsets(poll_ok(*earliest, 0)) == std::vector<int64_t>{0, 1, 2});
  auto none = test::make_consumer(*cluster, {{"auto.offset.reset", str("none")}});
  REQUIRE(none->assign({p0}).ok());
  none->seek(p0, 50);
  std::vector<ConsumerRecord> records;
  CHECK(none->poll(0, records).error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
  none->seek(p0, 3);  // the log end itself is a valid position
  CHECK(poll_ok(*none, 0).empty());
}

TEST_CASE("seek_to_beginning and seek_to_end resolve at the next poll or position") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({p0, p1}).ok());
  consumer->seek_to_end();
  CHECK(*consumer->position(p0) == 3);
  CHECK(*consumer->position(p1) == 9);
  consumer->seek_to_beginning({p1});
  CHECK(*consumer->position(p1) == 0);
  CHECK(*consumer->position(p0) == 3);
}

TEST_CASE("misuse throws klab::UsageError, as Kafka's client throws IllegalStateException") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster);
  std::vector<ConsumerRecord> records;
  CHECK_THROWS_AS(consumer->poll(0, records), UsageError);  // nothing assigned
  REQUIRE(consumer->assign({p0}).ok());
  CHECK_THROWS_AS(consumer->seek(p1, 0), UsageError);
  CHECK_THROWS_WITH_AS(consumer->seek(p1, 0), "No current assignment for partition example-topic-1", UsageError);
  CHECK_THROWS_AS(consumer->position(p1), UsageError);
  CHECK_THROWS_AS(consumer->seek(p0, -1), UsageError);
  CHECK_THROWS_AS(consumer->poll(-1, records), UsageError);
  CHECK_THROWS_AS(consumer->seek_to_end({p1}), UsageError);
}

TEST_CASE("assigning a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION and keeps the old assignment") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster);
  REQUIRE(consumer->assign({p0}).ok());
  Status refused = consumer->assign({p1, TopicPartition{"example-topic", 2}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK(consumer->assignment() == std::vector<TopicPartition>{p0});
  CHECK(consumer->assign({TopicPartition{"nope", 0}}).error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}

TEST_CASE("re-assigning keeps the position of partitions that stay assigned") {
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({p1}).ok());
  consumer->seek(p1, 5);
  REQUIRE(consumer->assign({p0, p1, p1}).ok());
  CHECK(consumer->assignment() == std::vector<TopicPartition>{p0, p1});
  CHECK(*consumer->position(p1) == 5);
}

TEST_CASE("an empty poll waits its whole timeout in simulated time") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"t", 0}}).ok());
  cluster->advance(30);
  CHECK(poll_ok(*consumer, 100).empty());
  CHECK(cluster->now() == 130);
  CHECK(poll_ok(*consumer, 0).empty());
  CHECK(cluster->now() == 130);
}

TEST_CASE("a waiting poll returns as soon as a lingering batch lands") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(50)}});
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"t", 0}}).ok());
  REQUIRE(producer->send(ProducerRecord{.topic = "t", .key = "k", .value = "hello"}).ok());
  std::vector<ConsumerRecord> records = poll_ok(*consumer, 1000);
  CHECK(cluster->now() == 51);  // linger ends at 50, the leader appends at 51
  REQUIRE(records.size() == 1);
  CHECK(records[0].value == "hello");
  CHECK(records[0].timestamp == 0);
  CHECK(records[0].timestamp_type == TimestampType::CreateTime);
}

TEST_CASE("a polled record keeps its headers") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster);
  const HeaderView headers[] = {{"src", std::string_view("gps")}};
  REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "t", .value = "v", .headers = headers}).ok());
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"t", 0}}).ok());
  std::vector<ConsumerRecord> records = poll_ok(*consumer, 0);
  REQUIRE(records.size() == 1);
  CHECK(records[0].headers.count() == 1);
  std::string seen;
  records[0].headers.for_each([&](const HeaderView& h) { seen = std::string(h.key) + "=" + std::string(*h.value); });
  CHECK(seen == "src=gps");
}

TEST_CASE("a poll that fails on one partition consumes nothing from the others") {
  // Kafka resolves every missing position (updateFetchPositions) before it fetches, so a
  // NoOffsetForPartitionException leaves all positions where they were.
  auto cluster = tutorial_cluster();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("none")}});
  REQUIRE(consumer->assign({p0, p1}).ok());
  consumer->seek(p0, 0);  // p1 has no position and no reset policy
  std::vector<ConsumerRecord> records;
  CHECK(consumer->poll(0, records).error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
  CHECK(*consumer->position(p0) == 0);
}
