// Leader elections (controller.cpp): when a leader's broker stops, the new leader is the first
// replica in assignment order that is alive and in the ISR, and the leader epoch goes up by one;
// with none the partition is offline until its last in-sync replica returns, unless
// unclean.leader.election.enable lets the first live replica lead (UncleanLeaderElection).
// Preferred election moves leadership back to replicas[0] only when it is alive and in sync.
// The controller is the live broker with the lowest id.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

BrokerId first_alive_in_isr(const Cluster& cluster, const Partition& partition) {
  for (BrokerId id : partition.replicas)
    if (cluster.broker_alive(id) && partition.in_isr(id)) return id;
  return -1;
}

// Followers of `partition` fall out of the ISR: their fetch answers take a minute, and a record
// they never get is written at 1 ms; at 45000 the leader drops them.
void push_followers_out_of_isr(Cluster& cluster, const std::string& topic) {
  Partition& partition = test::partition_of(cluster, topic);
  test::slow_down_followers(cluster, partition, 60000);
  auto producer = test::make_producer(cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, topic, "only on the leader").ok());
  test::advance_to(cluster, 45000);
  REQUIRE(partition.in_sync_replicas == std::vector<BrokerId>{partition.leader});
}

}  // namespace

TEST_CASE("the new leader is the first replica in assignment order that is alive and in the ISR") {
  auto cluster = test::make_cluster();
  Topic& topic = test::make_topic(*cluster, "t", 6, 3);
  // A partition whose assignment order differs from broker id order tells the two rules apart.
  Partition* chosen = nullptr;
  for (auto& partition : topic.partitions)
    if (partition->replicas[1] > partition->replicas[2]) chosen = partition.get();
  REQUIRE(chosen != nullptr);
  const std::vector<BrokerId> replicas = chosen->replicas;
  CHECK(chosen->leader == replicas[0]);
  test::advance_to(*cluster, 100);

  REQUIRE(cluster->stop_broker(replicas[0]).ok());
  for (auto& partition : topic.partitions) {
    CHECK(partition->leader == first_alive_in_isr(*cluster, *partition));
    CHECK(partition->leader != replicas[0]);
  }
  CHECK(chosen->leader == replicas[1]);
  CHECK(chosen->leader_epoch == 1);
  std::vector<ClusterEvent> elected = test::events_of_kind(*cluster, "LeaderElected");
  CHECK(elected.size() == 2);  // replicas[0] led two of the six partitions
  CHECK(test::metric(*cluster, "LeaderElectionRateAndTimeMs") == static_cast<int64_t>(elected.size()));
  for (const ClusterEvent& event : elected) CHECK(event.time == 100);

  REQUIRE(cluster->stop_broker(replicas[1]).ok());
  CHECK(chosen->leader == replicas[2]);
  CHECK(chosen->leader_epoch == 2);
  CHECK(chosen->in_sync_replicas == std::vector<BrokerId>{replicas[2]});
}

TEST_CASE("an alive replica outside the ISR is passed over in a clean election") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  REQUIRE(cluster->set_latency(replicas[0], replicas[1], 60000).ok());  // only replicas[1] lags
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  test::advance_to(*cluster, 45000);
  REQUIRE(!partition.in_isr(replicas[1]));
  REQUIRE(cluster->stop_broker(replicas[0]).ok());
  CHECK(partition.leader == replicas[2]);
  CHECK(test::events_of_kind(*cluster, "UncleanLeaderElection").empty());
  CHECK(test::replica_values(partition, replicas[2]) == "x");
}

TEST_CASE("the leader epoch goes up by one per election and the leader's log records it") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  CHECK(partition.leader_epoch == 0);
  auto producer = test::make_producer(*cluster);
  REQUIRE(test::produce(*producer, "t", "e0").ok());
  REQUIRE(cluster->stop_broker(replicas[0]).ok());
  CHECK(partition.leader_epoch == 1);
  REQUIRE(test::produce(*producer, "t", "e1").ok());
  REQUIRE(cluster->start_broker(replicas[0]).ok());
  test::advance_to(*cluster, cluster->now() + 10);
  REQUIRE(partition.in_isr(replicas[0]));
  Result<int32_t> moved = cluster->elect_preferred_leaders("t");
  REQUIRE(moved.ok());
  CHECK(*moved == 1);
  CHECK(partition.leader == replicas[0]);
  CHECK(partition.leader_epoch == 2);
  REQUIRE(test::produce(*producer, "t", "e2").ok());
  std::vector<int32_t> batch_epochs;
  partition.log().read_batches(0, INT64_MAX, [&](const RecordBatchView& batch) {
    batch_epochs.push_back(batch.leader_epoch());
    return true;
  });
  CHECK(batch_epochs == std::vector<int32_t>{0, 1, 2});
  CHECK(partition.leader_replica().latest_epoch() == 2);
  CHECK(test::metric(*cluster, "LeaderElectionRateAndTimeMs") == 2);
}

TEST_CASE("with no in-sync replica alive the partition is offline until its last in-sync replica returns") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId leader = partition.leader;
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->stop_broker(follower).ok());
  auto producer = test::make_producer(*cluster);
  REQUIRE(test::produce(*producer, "t", "kept").ok());
  REQUIRE(cluster->stop_broker(leader).ok());
  CHECK(!partition.online());
  const int32_t offline_epoch = partition.leader_epoch;

  REQUIRE(cluster->start_broker(follower).ok());  // not in the ISR, unclean election disabled
  test::advance_to(*cluster, cluster->now() + 5000);
  CHECK(!partition.online());
  CHECK(partition.in_sync_replicas == std::vector<BrokerId>{leader});
  CHECK(test::events_of_kind(*cluster, "UncleanLeaderElection").empty());
  CHECK(test::metric(*cluster, "OfflinePartitionsCount") == 1);

  REQUIRE(cluster->start_broker(leader).ok());
  CHECK(partition.leader == leader);
  CHECK(partition.leader_epoch > offline_epoch);
  CHECK(test::metric(*cluster, "OfflinePartitionsCount") == 0);
  CHECK(test::events_of_kind(*cluster, "LeaderElected").back().broker == leader);
  test::advance_to(*cluster, cluster->now() + 10);
  CHECK(partition.in_isr(follower));
  CHECK(test::visible_values(partition) == "kept");
  CHECK(test::replica_values(partition, follower) == "kept");
}

TEST_CASE("unclean.leader.election.enable lets the first live replica lead and loses what it lacks") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, {{"unclean.leader.election.enable", ConfigInput(true)}});
  Partition& partition = test::partition_of(*cluster, "t");
  const std::vector<BrokerId> replicas = partition.replicas;
  push_followers_out_of_isr(*cluster, "t");
  CHECK(partition.high_watermark() == 1);
  BrokerId expected = replicas[1];
  SUBCASE("both followers alive: the second replica in assignment order") { expected = replicas[1]; }
  SUBCASE("the second replica stopped: the third") {
    REQUIRE(cluster->stop_broker(replicas[1]).ok());
    expected = replicas[2];
  }
  const int32_t epoch = partition.leader_epoch;
  REQUIRE(cluster->stop_broker(replicas[0]).ok());
  CHECK(partition.leader == expected);
  CHECK(partition.leader_epoch == epoch + 1);
  CHECK(partition.in_sync_replicas == std::vector<BrokerId>{expected});
  CHECK(partition.high_watermark() == 0);
  CHECK(test::visible_values(partition) == "");  // "only on the leader" is lost
  std::vector<ClusterEvent> unclean = test::events_of_kind(*cluster, "UncleanLeaderElection");
  REQUIRE(unclean.size() == 1);
  CHECK(unclean[0].broker == expected);
  CHECK(unclean[0].time == 45000);
  CHECK(test::metric(*cluster, "UncleanLeaderElectionsPerSec") == 1);
}

TEST_CASE("unclean election when an out-of-sync replica starts while the partition is offline") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2, {{"unclean.leader.election.enable", ConfigInput(true)}});
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId leader = partition.leader;
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->stop_broker(follower).ok());
  auto producer = test::make_producer(*cluster);
  REQUIRE(test::produce(*producer, "t", "only on the leader").ok());
  REQUIRE(cluster->stop_broker(leader).ok());
  CHECK(!partition.online());
  CHECK(test::events_of_kind(*cluster, "UncleanLeaderElection").empty());
  REQUIRE(cluster->start_broker(follower).ok());
  CHECK(partition.leader == follower);
  CHECK(partition.in_sync_replicas == std::vector<BrokerId>{follower});
  CHECK(test::events_of_kind(*cluster, "UncleanLeaderElection").size() == 1);
  CHECK(test::metric(*cluster, "UncleanLeaderElectionsPerSec") == 1);
  CHECK(test::visible_values(partition) == "");
}

TEST_CASE("preferred election moves the leader back only when the preferred replica is alive and in sync") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId preferred = partition.replicas[0];
  auto moved = [&] {
    Result<int32_t> result = cluster->elect_preferred_leaders("t");
    REQUIRE(result.ok());
    return *result;
  };
  CHECK(moved() == 0);  // already leads
  REQUIRE(cluster->stop_broker(preferred).ok());
  const BrokerId interim = partition.leader;
  CHECK(moved() == 0);  // not alive
  REQUIRE(cluster->start_broker(preferred).ok());
  CHECK(moved() == 0);  // alive, not yet back in the ISR
  CHECK(partition.leader == interim);
  test::advance_to(*cluster, cluster->now() + 1);  // its first fetch: nothing missing, it rejoins
  REQUIRE(partition.in_isr(preferred));
  CHECK(moved() == 1);
  CHECK(partition.leader == preferred);
  CHECK(partition.leader_epoch == 2);
  CHECK(partition.in_isr(interim));
  CHECK(moved() == 0);
  Result<int32_t> missing = cluster->elect_preferred_leaders("nope");
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}

TEST_CASE("the controller is the lowest live broker id and keeps the role until it stops; none when every broker is down") {
  // As a KRaft quorum leader (or the ZooKeeper-era /controller holder): a returning broker with a
  // lower id does not take the role back.
  auto cluster = test::make_cluster();
  CHECK(cluster->controller() == 1);
  CHECK(test::metric(*cluster, "ActiveControllerCount") == 1);
  REQUIRE(cluster->stop_broker(1).ok());
  CHECK(cluster->controller() == 2);
  REQUIRE(cluster->stop_broker(3).ok());
  CHECK(cluster->controller() == 2);
  REQUIRE(cluster->stop_broker(2).ok());
  CHECK(cluster->controller() == -1);
  CHECK(test::metric(*cluster, "ActiveControllerCount") == 0);
  REQUIRE(cluster->start_broker(3).ok());
  CHECK(cluster->controller() == 3);
  REQUIRE(cluster->start_broker(1).ok());
  CHECK(cluster->controller() == 3);
  CHECK(test::metric(*cluster, "ActiveControllerCount") == 1);
  std::vector<BrokerId> elected;
  for (const ClusterEvent& event : test::events_of_kind(*cluster, "ControllerElected")) elected.push_back(event.broker);
  CHECK(elected == std::vector<BrokerId>{1, 2, 3});
  SUBCASE("stopping a stopped broker or starting a running one is refused") {
    CHECK(cluster->stop_broker(2).error().code == ErrorCode::BROKER_NOT_AVAILABLE);
    CHECK(cluster->stop_broker(9).error().code == ErrorCode::BROKER_NOT_AVAILABLE);
    CHECK(cluster->start_broker(1).error().code == ErrorCode::INVALID_REQUEST);
  }
}
