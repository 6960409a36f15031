// acks on a replicated topic (kafka-semantics.md §6, producer.cpp, replication.cpp rule 5):
//  - acks=all completes when the high watermark passes the batch: request +1, the parked follower
//    fetches are answered +1, their next fetch reports it +1, the response +1 = 4 ms on RF 3;
//  - acks=all with the ISR below min(min.insync.replicas, replicas) fails with NOT_ENOUGH_REPLICAS
//    before anything is appended; it is retriable, so the default producer keeps trying until
//    delivery.timeout.ms;
//  - a request nobody answers fails with REQUEST_TIMED_OUT request.timeout.ms after it was sent;
//  - acks=0 completes when the request leaves, offset -1, and never hears about failures.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

using test::send_tracked;

TEST_CASE("acks=all completes when the followers have the batch: 4 ms on RF 3, against 2 ms for acks=1 and 0 for acks=0") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  auto all = test::make_producer(*cluster, {{"acks", str("all")}});
  auto one = test::make_producer(*cluster, {{"acks", str("1")}});
  auto none = test::make_producer(*cluster, {{"acks", str("0")}});

  Result<RecordMetadata> sent = test::produce(*all, "t", "a");
  REQUIRE(sent.ok());
  CHECK(sent->offset == 0);
  CHECK(cluster->now() == 4);
  CHECK(partition.high_watermark() == 1);
  for (BrokerId follower : test::followers_of(partition))
    CHECK(partition.replica_on(follower)->log.log_end_offset() == 1);

  sent = test::produce(*one, "t", "b");
  REQUIRE(sent.ok());
  CHECK(sent->offset == 1);
  CHECK(cluster->now() == 6);

  sent = test::produce(*none, "t", "c");
  REQUIRE(sent.ok());
  CHECK(sent->offset == -1);  // the producer never hears back
  CHECK(cluster->now() == 6);
  CHECK(partition.log().log_end_offset() == 2);  // the request is still on its way
  test::advance_to(*cluster, 7);
  CHECK(partition.log().log_end_offset() == 3);
}

TEST_CASE("acks=all waits for the slowest follower in the ISR") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> followers = test::followers_of(partition);
  REQUIRE(cluster->set_latency(partition.leader, followers[1], 50).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  CHECK(cluster->now() == 53);  // appended at 1, answer at 51, its fetch reports at 52, response at 53
}

TEST_CASE("acks=all with too few in-sync replicas fails with NOT_ENOUGH_REPLICAS before anything is appended") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, {{"min.insync.replicas", num(2)}});
  Partition& partition = test::partition_of(*cluster, "t");
  for (BrokerId follower : test::followers_of(partition)) REQUIRE(cluster->stop_broker(follower).ok());
  test::advance_to(*cluster, 1000);

  SUBCASE("retries=0: the first answer is final, one round trip later") {
    auto producer = test::make_producer_without_retries(*cluster, "all");
    Result<RecordMetadata> sent = test::produce(*producer, "t", "x");
    REQUIRE(!sent.ok());
    CHECK(sent.error().code == ErrorCode::NOT_ENOUGH_REPLICAS);
    CHECK(sent.error().retriable());
    CHECK(cluster->now() == 1002);
    CHECK(partition.log().log_end_offset() == 0);
  }
  SUBCASE("default retries: the producer keeps retrying until delivery.timeout.ms") {
    auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
    Result<RecordMetadata> sent = test::produce(*producer, "t", "x");
    REQUIRE(!sent.ok());
    CHECK(sent.error().code == ErrorCode::NOT_ENOUGH_REPLICAS);
    const int64_t elapsed = cluster->now() - 1000;
    CHECK(elapsed <= 120000);                // delivery.timeout.ms
    CHECK(elapsed >= 120000 - 1000 - 2);     // ... less one backoff (at most retry.backoff.max.ms) and a round trip
    CHECK(partition.log().log_end_offset() == 0);
  }
  SUBCASE("acks=1 does not look at min.insync.replicas") {
    auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
    Result<RecordMetadata> sent = test::produce(*producer, "t", "x");
    REQUIRE(sent.ok());
    CHECK(sent->offset == 0);
    CHECK(partition.high_watermark() == 0);  // appended, but not committed with one in sync
  }
}

TEST_CASE("a request to a leader whose broker stopped fails with REQUEST_TIMED_OUT after request.timeout.ms") {
  auto cluster = test::make_cluster();
  test::advance_to(*cluster, 100);
  SUBCASE("replication factor 1 and retries=0: the error is final") {
    test::make_topic(*cluster, "t", 1, 1);
    auto producer = test::make_producer_without_retries(*cluster, "1");
    auto outcome = send_tracked(*cluster, *producer, "x");
    cluster->advance(0);  // the request leaves at 100
    REQUIRE(cluster->stop_broker(test::partition_of(*cluster, "t").leader).ok());
    test::advance_to(*cluster, 200000);
    REQUIRE(outcome->done);
    CHECK(outcome->error == ErrorCode::REQUEST_TIMED_OUT);
    CHECK(outcome->at == 100 + 30000);
    CHECK(test::partition_of(*cluster, "t").replica_on(test::partition_of(*cluster, "t").last_leader)->log.log_end_offset() == 0);
  }
  SUBCASE("replication factor 3 with retries: the retry after the timeout reaches the new leader") {
    test::make_topic(*cluster, "t", 1, 3);
    Partition& partition = test::partition_of(*cluster, "t");
    const BrokerId old_leader = partition.leader;
    auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
    auto outcome = send_tracked(*cluster, *producer, "x");
    cluster->advance(0);
    REQUIRE(cluster->stop_broker(old_leader).ok());
    test::advance_to(*cluster, 200000);
    REQUIRE(outcome->done);
    CHECK(!outcome->error);
    CHECK(outcome->offset == 0);
    // The timeout, then no backoff: the partition has a new leader (KIP-580's shouldBackoff), then an
    // acks=all round.
    CHECK(outcome->at == 100 + 30000 + 4);
    CHECK(test::visible_values(partition) == "x");
    CHECK(partition.replica_on(old_leader)->log.log_end_offset() == 0);
  }
}

TEST_CASE("an acks=all write waiting when its leader stops gets NOT_LEADER_OR_FOLLOWER and is retried on the new leader") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId old_leader = partition.leader;
  test::slow_down_followers(*cluster, partition, 60000);  // the write waits at the leader
  SUBCASE("retries=0") {
    auto producer = test::make_producer_without_retries(*cluster, "all");
    auto outcome = send_tracked(*cluster, *producer, "x");
    test::advance_to(*cluster, 10);
    CHECK(!outcome->done);
    REQUIRE(cluster->stop_broker(old_leader).ok());
    test::advance_to(*cluster, 11);
    REQUIRE(outcome->done);
    CHECK(outcome->error == ErrorCode::NOT_LEADER_OR_FOLLOWER);
    CHECK(partition.log().log_end_offset() == 0);  // only the old leader had it
  }
  SUBCASE("default retries") {
    auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
    auto outcome = send_tracked(*cluster, *producer, "x");
    test::advance_to(*cluster, 10);
    REQUIRE(cluster->stop_broker(old_leader).ok());
    test::advance_to(*cluster, 1000);
    REQUIRE(outcome->done);
    CHECK(!outcome->error);
    CHECK(outcome->offset == 0);
    CHECK(outcome->at == 11 + 4);  // a new leader: retried at once, no retry.backoff.ms
    CHECK(test::visible_values(partition) == "x");
  }
}

TEST_CASE("an acks=all write whose ISR falls below min.insync.replicas while it waits times out, left in the leader's log") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, {{"min.insync.replicas", num(2)}});
  Partition& partition = test::partition_of(*cluster, "t");
  test::slow_down_followers(*cluster, partition, 60000);
  auto producer = test::make_producer_without_retries(*cluster, "all");
  auto outcome = send_tracked(*cluster, *producer, "x");
  test::advance_to(*cluster, 10);
  for (BrokerId follower : test::followers_of(partition)) REQUIRE(cluster->stop_broker(follower).ok());
  test::advance_to(*cluster, 40000);
  REQUIRE(outcome->done);
  CHECK(outcome->error == ErrorCode::REQUEST_TIMED_OUT);
  CHECK(outcome->at >= 30000);
  CHECK(outcome->at <= 30000 + 2);  // the leader gives up request.timeout.ms after the append at 1
  CHECK(partition.log().log_end_offset() == 1);  // appended before the ISR shrank
  CHECK(partition.high_watermark() == 0);        // and never committed (KAFKA-15583)
}

TEST_CASE("acks=0 never waits") {
  auto cluster = test::make_cluster();
  SUBCASE("not for slow followers") {
    test::make_topic(*cluster, "t", 1, 3);
    test::slow_down_followers(*cluster, test::partition_of(*cluster, "t"), 60000);
    auto producer = test::make_producer(*cluster, {{"acks", str("0")}});
    auto outcome = send_tracked(*cluster, *producer, "x");
    cluster->advance(0);
    CHECK(outcome->done);
    CHECK(outcome->at == 0);
    CHECK(outcome->offset == -1);
  }
  SUBCASE("not for min.insync.replicas: the record is appended with one replica in sync") {
    test::make_topic(*cluster, "t", 1, 3, {{"min.insync.replicas", num(3)}});
    Partition& partition = test::partition_of(*cluster, "t");
    for (BrokerId follower : test::followers_of(partition)) REQUIRE(cluster->stop_broker(follower).ok());
    auto producer = test::make_producer(*cluster, {{"acks", str("0")}});
    auto outcome = send_tracked(*cluster, *producer, "x");
    cluster->advance(0);
    CHECK(outcome->done);
    CHECK(!outcome->error);
    test::advance_to(*cluster, 1);
    CHECK(partition.log().log_end_offset() == 1);
  }
}

TEST_CASE("an acks=0 record sent to a broker that stops before it arrives is lost") {
  // The request travels to the broker that led when it was sent; a stopped broker appends nothing,
  // and a broker that no longer leads the partition rejects it (and acks=0 never learns either way).
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId old_leader = partition.leader;
  auto producer = test::make_producer(*cluster, {{"acks", str("0")}});
  auto outcome = send_tracked(*cluster, *producer, "x");
  cluster->advance(0);  // the request leaves at 0 for old_leader
  REQUIRE(outcome->done);
  REQUIRE(cluster->stop_broker(old_leader).ok());
  REQUIRE(partition.leader != old_leader);
  test::advance_to(*cluster, 100);
  CHECK(partition.log().log_end_offset() == 0);  // the new leader never received it
}

TEST_CASE("an idempotent producer whose acks=all batch failed for want of replicas writes again once they are back") {
  // The broker refused the batch before appending it (NOT_ENOUGH_REPLICAS), so its sequence number
  // was never used: Kafka's producer hands the sequence back (TransactionManager
  // .adjustSequencesDueToFailedBatch) or, when it cannot tell, bumps its epoch (KIP-360, 2.5+).
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2, {{"min.insync.replicas", num(2)}});
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  auto producer = test::make_producer(*cluster, {{"request.timeout.ms", num(1000)}, {"delivery.timeout.ms", num(3000)}});
  REQUIRE(producer->idempotent());
  REQUIRE(test::produce(*producer, "t", "a").ok());
  REQUIRE(cluster->stop_broker(follower).ok());
  Result<RecordMetadata> refused = test::produce(*producer, "t", "b");
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == ErrorCode::NOT_ENOUGH_REPLICAS);
  REQUIRE(cluster->start_broker(follower).ok());
  test::advance_to(*cluster, cluster->now() + 100);
  REQUIRE(partition.in_sync_replicas.size() == 2);
  Result<RecordMetadata> again = test::produce(*producer, "t", "c");
  CHECK_MESSAGE(again.ok(), (again.ok() ? std::string() : again.error().to_string()));
  CHECK(test::visible_values(partition) == "a,c");
}
