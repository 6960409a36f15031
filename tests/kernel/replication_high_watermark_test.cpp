// The high watermark (kafka-semantics.md §6, replication.cpp rule 4): the smallest log end offset
// among the ISR as the leader last heard it from each follower's fetch; consumers read below it;
// it stops advancing while the ISR is smaller than min(min.insync.replicas, replica count)
// (KAFKA-15583, Kafka 3.7). Times assume the default one-way latency of 1 ms: a produce request
// reaches the leader at +1, a parked follower fetch is answered at +2, the follower's next fetch
// (whose offset tells the leader what it has) arrives at +3.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::string poll_values(Consumer& consumer) {
  std::vector<ConsumerRecord> records;
  REQUIRE(consumer.poll(0, records).ok());
  std::string out;
  for (const ConsumerRecord& record : records) out += (out.empty() ? "" : ",") + std::string(record.value.value_or("null"));
  return out;
}

}  // namespace

TEST_CASE("a follower's fetch moves the high watermark: appended at 1 ms, reported by the follower at 3 ms") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});

  Result<RecordMetadata> sent = test::produce(*producer, "t", "x");
  REQUIRE(sent.ok());
  CHECK(sent->offset == 0);
  CHECK(cluster->now() == 2);  // acks=1: request and response only
  CHECK(partition.log().log_end_offset() == 1);
  CHECK(partition.replica_on(follower)->log.log_end_offset() == 1);  // the answer arrived at 2 ms
  CHECK(partition.high_watermark() == 0);  // ... but the leader has not heard back yet
  test::advance_to(*cluster, 3);
  CHECK(partition.high_watermark() == 1);
  CHECK(partition.replica_on(follower)->known_log_end_offset == 1);
  SUBCASE("the follower learns the new high watermark only with its next fetch answer") {
    CHECK(partition.replica_on(follower)->high_watermark == 0);
    REQUIRE(test::produce(*producer, "t", "y").ok());
    test::advance_to(*cluster, cluster->now() + 10);
    CHECK(partition.high_watermark() == 2);
    CHECK(partition.replica_on(follower)->high_watermark >= 1);
  }
}

TEST_CASE("consumers read only below the high watermark: nothing at 51 ms, the record at 52 ms") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  test::slow_down_followers(*cluster, partition, 50);  // the answer to the parked fetches takes 50 ms
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"t", 0}}).ok());

  REQUIRE(test::produce(*producer, "t", "x").ok());  // appended at 1 ms, answered at 1 + 50
  CHECK(partition.log().log_end_offset() == 1);
  test::advance_to(*cluster, 51);
  CHECK(partition.high_watermark() == 0);
  CHECK(poll_values(*consumer) == "");
  CHECK(*consumer->position(TopicPartition{"t", 0}) == 0);
  test::advance_to(*cluster, 52);
  CHECK(partition.high_watermark() == 1);
  CHECK(poll_values(*consumer) == "x");
}

TEST_CASE("with the ISR below min.insync.replicas the high watermark stops advancing (KAFKA-15583)") {
  auto cluster = test::make_cluster();
  SUBCASE("min.insync.replicas=2 and only the leader in sync: acks=1 writes stay invisible until a follower returns") {
    test::make_topic(*cluster, "t", 1, 3, {{"min.insync.replicas", num(2)}});
    Partition& partition = test::partition_of(*cluster, "t");
    const std::vector<BrokerId> followers = test::followers_of(partition);
    REQUIRE(cluster->stop_broker(followers[0]).ok());
    REQUIRE(cluster->stop_broker(followers[1]).ok());
    CHECK(partition.in_sync_replicas == std::vector<BrokerId>{partition.leader});
    auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
    REQUIRE(test::produce(*producer, "t", "x").ok());
    test::advance_to(*cluster, 1000);
    CHECK(partition.log().log_end_offset() == 1);
    CHECK(partition.high_watermark() == 0);
    CHECK(test::visible_values(partition) == "");

    REQUIRE(cluster->start_broker(followers[0]).ok());  // at 1000: fetch at 1001 rejoins, answer 1002, report 1003
    test::advance_to(*cluster, 1001);
    CHECK(partition.in_isr(followers[0]));
    CHECK(partition.high_watermark() == 0);
    test::advance_to(*cluster, 1002);
    CHECK(partition.high_watermark() == 0);
    test::advance_to(*cluster, 1003);
    CHECK(partition.high_watermark() == 1);
    CHECK(test::visible_values(partition) == "x");
  }
  SUBCASE("min.insync.replicas=1: the leader alone moves it at the append") {
    test::make_topic(*cluster, "t", 1, 3);
    Partition& partition = test::partition_of(*cluster, "t");
    for (BrokerId follower : test::followers_of(partition)) REQUIRE(cluster->stop_broker(follower).ok());
    auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
    REQUIRE(test::produce(*producer, "t", "x").ok());
    CHECK(partition.high_watermark() == 1);
    CHECK(test::visible_values(partition) == "x");
  }
}

TEST_CASE("the effective minimum ISR is min(min.insync.replicas, replica count)") {
  auto cluster = test::make_cluster();
  SUBCASE("replication factor 2 with min.insync.replicas=3: a full ISR of two is enough") {
    test::make_topic(*cluster, "t", 1, 2, {{"min.insync.replicas", num(3)}});
    Partition& partition = test::partition_of(*cluster, "t");
    auto producer = test::make_producer(*cluster, {{"acks", str("all")}, {"retries", num(0)}});
    Result<RecordMetadata> sent = test::produce(*producer, "t", "x");
    REQUIRE(sent.ok());
    CHECK(cluster->now() == 4);
    CHECK(partition.high_watermark() == 1);
    SUBCASE("one of two in sync is not") {
      REQUIRE(cluster->stop_broker(test::followers_of(partition).at(0)).ok());
      Result<RecordMetadata> refused = test::produce(*producer, "t", "y");
      REQUIRE(!refused.ok());
      CHECK(refused.error().code == ErrorCode::NOT_ENOUGH_REPLICAS);
      auto acks_one = test::make_producer(*cluster, {{"acks", str("1")}});
      REQUIRE(test::produce(*acks_one, "t", "z").ok());
      test::advance_to(*cluster, cluster->now() + 100);
      CHECK(partition.log().log_end_offset() == 2);
      CHECK(partition.high_watermark() == 1);  // 1 in sync < min(3, 2)
    }
  }
  SUBCASE("replication factor 1 with min.insync.replicas=2: acks=all completes after one round trip") {
    test::make_topic(*cluster, "t", 1, 1, {{"min.insync.replicas", num(2)}});
    Partition& partition = test::partition_of(*cluster, "t");
    auto producer = test::make_producer(*cluster, {{"acks", str("all")}, {"retries", num(0)}});
    REQUIRE(test::produce(*producer, "t", "x").ok());
    CHECK(cluster->now() == 2);
    CHECK(partition.high_watermark() == 1);
  }
}

TEST_CASE("the high watermark is the smallest log end offset in the ISR, not among all replicas") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> followers = test::followers_of(partition);
  REQUIRE(cluster->set_latency(partition.leader, followers[1], 40).ok());  // followers[1] lags, still in the ISR
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());  // appended at 1
  test::advance_to(*cluster, 3);
  CHECK(partition.replica_on(followers[0])->known_log_end_offset == 1);
  CHECK(partition.high_watermark() == 0);  // followers[1] is in the ISR and has not reported offset 1
  test::advance_to(*cluster, 42);  // its answer arrives at 41, its fetch at 42
  CHECK(partition.high_watermark() == 1);
}
