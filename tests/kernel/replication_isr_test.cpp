// The in-sync replica set (replication.cpp rules 2 and 3, controller.cpp broker stop):
//  - a follower is caught up at a fetch that reaches the leader's log end (a parked fetch is caught
//    up until the next append); the leader checks every replica.lag.time.max.ms / 2, at multiples of
//    that since t=0, and drops a follower with now - last caught-up > replica.lag.time.max.ms;
//  - a follower outside the ISR rejoins at the fetch that shows its log end reached the high watermark;
//  - a stopped broker leaves every ISR at once, except the last member of an ISR, which stays while
//    its partition goes offline.
// Each change is an IsrShrink / IsrExpand event and counts in IsrShrinksPerSec / IsrExpandsPerSec.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

// RF 2; the leader's fetch answers to the follower take 60 s; one acks=1 record produced at
// `produce_at` (appended at produce_at + 1). Returns when the follower left the ISR.
TimeMs isr_shrink_time(int64_t lag_ms, TimeMs produce_at) {
  auto cluster = test::make_cluster(ClusterOptions{.config = {{"replica.lag.time.max.ms", num(lag_ms)}}});
  test::make_topic(*cluster, "t", 1, 2);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->set_latency(partition.leader, follower, 60000).ok());
  test::advance_to(*cluster, produce_at);
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  const TimeMs appended_at = produce_at + 1;
  const int64_t interval = lag_ms / 2;
  TimeMs expected = (appended_at + lag_ms) / interval * interval;
  while (expected - appended_at <= lag_ms) expected += interval;
  test::advance_to(*cluster, expected - 1);
  CHECK_MESSAGE(partition.in_isr(follower), "lag " << lag_ms << ", produced at " << produce_at);
  test::advance_to(*cluster, expected);
  CHECK_MESSAGE(!partition.in_isr(follower), "lag " << lag_ms << ", produced at " << produce_at);
  std::vector<ClusterEvent> shrinks = test::events_of_kind(*cluster, "IsrShrink");
  REQUIRE(shrinks.size() == 1);
  CHECK(shrinks[0].topic == "t");
  CHECK(shrinks[0].partition == 0);
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 1);
  return shrinks[0].time;
}

}  // namespace

TEST_CASE("a follower that falls behind for replica.lag.time.max.ms leaves the ISR at the next check") {
  // First multiple of lag/2 with now - (time of the append) > lag.
  CHECK(isr_shrink_time(30000, 0) == 45000);
  CHECK(isr_shrink_time(30000, 7000) == 45000);
  CHECK(isr_shrink_time(30000, 14999) == 60000);  // 45000 - 15000 == lag: not more than lag yet
  CHECK(isr_shrink_time(30000, 20000) == 60000);
  CHECK(isr_shrink_time(1000, 0) == 1500);
  CHECK(isr_shrink_time(1000, 498) == 1500);
  CHECK(isr_shrink_time(1000, 499) == 2000);
}

TEST_CASE("a slow follower whose answers take less than replica.lag.time.max.ms stays in the ISR") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->set_latency(partition.leader, follower, 20000).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  test::advance_to(*cluster, 20001);
  CHECK(partition.high_watermark() == 0);
  test::advance_to(*cluster, 20002);
  CHECK(partition.high_watermark() == 1);
  test::advance_to(*cluster, 200000);
  CHECK(partition.in_sync_replicas.size() == 2);
  CHECK(test::events_of_kind(*cluster, "IsrShrink").empty());
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 0);
}

TEST_CASE("a follower out of the ISR rejoins at the fetch that shows its log end reached the high watermark") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->set_latency(partition.leader, follower, 60000).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());  // appended at 1; its fetch answer arrives at 60001
  test::advance_to(*cluster, 45000);
  REQUIRE(!partition.in_isr(follower));
  CHECK(partition.high_watermark() == 1);  // the leader alone is the ISR now
  CHECK(test::metric(*cluster, "UnderReplicatedPartitions") == 1);
  REQUIRE(test::produce(*producer, "t", "y").ok());  // high watermark 2
  CHECK(partition.high_watermark() == 2);
  REQUIRE(cluster->set_latency(partition.leader, follower, 1).ok());

  test::advance_to(*cluster, 60002);  // "x" arrived at 60001; this fetch says 1 < high watermark 2
  CHECK(partition.replica_on(follower)->known_log_end_offset == 1);
  CHECK(!partition.in_isr(follower));
  test::advance_to(*cluster, 60003);  // "y" arrives
  CHECK(!partition.in_isr(follower));
  test::advance_to(*cluster, 60004);  // the fetch at offset 2 reaches the high watermark
  CHECK(partition.in_isr(follower));
  std::vector<ClusterEvent> expands = test::events_of_kind(*cluster, "IsrExpand");
  REQUIRE(expands.size() == 1);
  CHECK(expands[0].time == 60004);
  CHECK(expands[0].topic == "t");
  CHECK(expands[0].broker == partition.leader);
  CHECK(test::metric(*cluster, "IsrExpandsPerSec") == 1);
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 1);
  CHECK(test::metric(*cluster, "UnderReplicatedPartitions") == 0);
}

TEST_CASE("a stopped broker leaves the ISR at once; the last member stays and the partition goes offline") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId leader = partition.leader;
  const std::vector<BrokerId> followers = test::followers_of(partition);
  test::advance_to(*cluster, 500);

  REQUIRE(cluster->stop_broker(followers[0]).ok());
  CHECK(!partition.in_isr(followers[0]));
  CHECK(partition.in_sync_replicas.size() == 2);
  std::vector<ClusterEvent> shrinks = test::events_of_kind(*cluster, "IsrShrink");
  REQUIRE(shrinks.size() == 1);
  CHECK(shrinks[0].time == 500);
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 1);
  CHECK(test::metric(*cluster, "UnderReplicatedPartitions") == 1);

  REQUIRE(cluster->stop_broker(followers[1]).ok());
  CHECK(partition.in_sync_replicas == std::vector<BrokerId>{leader});
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 2);

  REQUIRE(cluster->stop_broker(leader).ok());
  CHECK(partition.leader == -1);
  CHECK(!partition.online());
  CHECK(partition.in_sync_replicas == std::vector<BrokerId>{leader});  // the last member stays
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 2);
  CHECK(test::metric(*cluster, "OfflinePartitionsCount") == 1);
  CHECK(test::metric(*cluster, "UnderReplicatedPartitions") == 0);  // offline is counted apart
  CHECK(test::events_of_kind(*cluster, "PartitionOffline").size() == 1);
  Result<TopicDescription> description = cluster->describe_topic("t");
  REQUIRE(description.ok());
  CHECK(description->partitions[0].leader == -1);
}

TEST_CASE("a restarted follower catches up and rejoins the ISR two fetches later") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->stop_broker(follower).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
  for (const char* value : {"a", "b", "c"}) REQUIRE(test::produce(*producer, "t", value).ok());
  CHECK(partition.high_watermark() == 3);
  test::advance_to(*cluster, 1000);

  REQUIRE(cluster->start_broker(follower).ok());
  CHECK(!partition.in_isr(follower));
  test::advance_to(*cluster, 1001);  // fetch at offset 0 < high watermark 3
  CHECK(!partition.in_isr(follower));
  test::advance_to(*cluster, 1003);  // records arrived at 1002, the fetch at offset 3 rejoins
  CHECK(partition.in_isr(follower));
  CHECK(test::events_of_kind(*cluster, "IsrExpand").back().time == 1003);
  CHECK(test::replica_bytes(partition, follower) == test::replica_bytes(partition, partition.leader));
  CHECK(test::metric(*cluster, "IsrExpandsPerSec") == 1);
}
