// Truncation by leader epoch (KIP-101/279, kafka-semantics.md §6; controller.cpp truncate_diverged):
// a replica that becomes a follower asks the leader where its latest epoch ends and drops what it
// has beyond that. Records the new leader also has are kept, even above the follower's own high
// watermark; records it never had are dropped, even below it. Afterwards every in-sync replica's
// log is a byte-identical prefix of the leader's.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

void check_every_replica_identical(const Partition& partition) {
  const std::string leader = test::replica_bytes(partition, partition.leader);
  for (BrokerId id : partition.replicas) {
    const bool identical = test::replica_bytes(partition, id) == leader;
    CHECK_MESSAGE(identical, "replica " << id << " holds [" << test::replica_values(partition, id) << "], leader "
                                        << partition.leader << " holds [" << test::replica_values(partition, partition.leader) << "]");
  }
}

}  // namespace

TEST_CASE("acks=1 loses a write the followers never fetched: the old leader truncates it when it returns") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  const BrokerId old_leader = replicas[0];
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  std::string kept;  // what comes before the lost write and survives it
  SUBCASE("an empty log before the lost write") {}
  SUBCASE("a committed record before the lost write") {
    REQUIRE(test::produce(*producer, "t", "committed").ok());
    test::advance_to(*cluster, cluster->now() + 10);
    REQUIRE(partition.high_watermark() == 1);
    kept = "committed";
  }
  const int64_t lost_offset = partition.log().log_end_offset();
  test::slow_down_followers(*cluster, partition, 100);
  Result<RecordMetadata> lost = test::produce(*producer, "t", "acked but lost");
  REQUIRE(lost.ok());
  CHECK(lost->offset == lost_offset);  // acknowledged by the leader alone

  REQUIRE(cluster->stop_broker(old_leader).ok());
  CHECK(partition.leader == replicas[1]);
  Result<RecordMetadata> after = test::produce(*producer, "t", "after");
  REQUIRE(after.ok());
  CHECK(after->offset == lost_offset);  // the same offset, another record

  const TimeMs restarted_at = cluster->now();
  REQUIRE(cluster->start_broker(old_leader).ok());
  std::vector<ClusterEvent> truncations = test::events_of_kind(*cluster, "Truncation");
  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0].broker == old_leader);
  CHECK(truncations[0].time == restarted_at);
  CHECK(truncations[0].partition == 0);
  CHECK(partition.replica_on(old_leader)->log.log_end_offset() == lost_offset);
  CHECK(test::replica_values(partition, old_leader) == kept);
  test::advance_to(*cluster, cluster->now() + 500);
  CHECK(partition.in_sync_replicas.size() == 3);
  CHECK(test::visible_values(partition) == (kept.empty() ? "after" : kept + ",after"));
  check_every_replica_identical(partition);
}

TEST_CASE("a follower keeps records of an older epoch that the new leader also has, even above its high watermark") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "r0").ok());
  test::advance_to(*cluster, 3);  // both followers have r0 and reported it; they have not heard the high watermark
  for (BrokerId follower : {replicas[1], replicas[2]}) {
    CHECK(partition.replica_on(follower)->log.log_end_offset() == 1);
    CHECK(partition.replica_on(follower)->high_watermark == 0);
  }
  REQUIRE(cluster->stop_broker(replicas[0]).ok());
  CHECK(partition.leader == replicas[1]);
  CHECK(partition.replica_on(replicas[2])->log.log_end_offset() == 1);  // not cut back to its high watermark
  REQUIRE(cluster->start_broker(replicas[0]).ok());
  CHECK(partition.replica_on(replicas[0])->log.log_end_offset() == 1);
  CHECK(test::events_of_kind(*cluster, "Truncation").empty());
  test::advance_to(*cluster, cluster->now() + 100);
  CHECK(partition.in_sync_replicas.size() == 3);
  CHECK(partition.high_watermark() == 1);
  CHECK(test::visible_values(partition) == "r0");
  check_every_replica_identical(partition);
}

TEST_CASE("a follower truncates to where the leader's epoch ended, keeping the common prefix") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "a").ok());  // everyone gets "a"
  test::advance_to(*cluster, 10);
  REQUIRE(cluster->set_latency(replicas[0], replicas[2], 1000).ok());  // replicas[2] misses the next two
  REQUIRE(test::produce(*producer, "t", "b").ok());
  test::advance_to(*cluster, 20);
  REQUIRE(cluster->set_latency(replicas[0], replicas[1], 1000).ok());  // replicas[1] misses "c"
  REQUIRE(test::produce(*producer, "t", "c").ok());
  CHECK(test::replica_values(partition, replicas[0]) == "a,b,c");
  CHECK(test::replica_values(partition, replicas[1]) == "a,b");
  CHECK(test::replica_values(partition, replicas[2]) == "a");

  REQUIRE(cluster->stop_broker(replicas[0]).ok());  // replicas[1] leads epoch 1 from offset 2
  CHECK(partition.leader == replicas[1]);
  REQUIRE(test::produce(*producer, "t", "d").ok());  // offset 2 in epoch 1
  REQUIRE(cluster->start_broker(replicas[0]).ok());
  CHECK(test::replica_values(partition, replicas[0]) == "a,b");  // "c" dropped, "a,b" kept
  // Its fetches to the new leader still take 1000 ms (the latency set above): caught up by +2001.
  test::advance_to(*cluster, cluster->now() + 3000);
  CHECK(partition.in_sync_replicas.size() == 3);
  CHECK(test::visible_values(partition) == "a,b,d");
  check_every_replica_identical(partition);
  CHECK(test::events_of_kind(*cluster, "Truncation").size() == 1);
}

TEST_CASE("after an unclean election the old leader drops what the new leader never had, even below its high watermark") {
  // KIP-279: the leader answers OffsetsForLeaderEpoch for an epoch older than all of its own with
  // the start offset of its earliest epoch, so the follower truncates there (LeaderEpochFileCache
  // .endOffsetFor). Falling back to the follower's high watermark keeps records the leader lacks.
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2, {{"unclean.leader.election.enable", ConfigInput(true)}});
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId old_leader = partition.leader;
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->stop_broker(follower).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  CHECK(partition.high_watermark() == 1);  // the leader alone is the ISR
  REQUIRE(cluster->stop_broker(old_leader).ok());
  REQUIRE(cluster->start_broker(follower).ok());  // unclean: leads epoch 1 with an empty log
  REQUIRE(partition.leader == follower);
  REQUIRE(test::produce(*producer, "t", "y").ok());  // offset 0 again

  REQUIRE(cluster->start_broker(old_leader).ok());
  CHECK(test::replica_values(partition, old_leader) == "");
  CHECK(test::events_of_kind(*cluster, "Truncation").size() == 1);
  test::advance_to(*cluster, cluster->now() + 100);
  CHECK(test::replica_values(partition, old_leader) == "y");
  check_every_replica_identical(partition);
  // The follower must not rejoin the ISR with a log that differs from the leader's.
  const bool rejoined_with_a_different_log =
      partition.in_isr(old_leader) && test::replica_bytes(partition, old_leader) != test::replica_bytes(partition, follower);
  CHECK(!rejoined_with_a_different_log);
}

TEST_CASE("a Truncation event names the topic of the partition it truncated") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId old_leader = partition.leader;
  test::slow_down_followers(*cluster, partition, 100);
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "lost").ok());
  REQUIRE(cluster->stop_broker(old_leader).ok());
  REQUIRE(test::produce(*producer, "t", "after").ok());
  REQUIRE(cluster->start_broker(old_leader).ok());
  std::vector<ClusterEvent> truncations = test::events_of_kind(*cluster, "Truncation");
  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0].topic == "t");  // the other partition-level events (IsrShrink, LeaderElected) name it
}
