// auto.leader.rebalance.enable (Kafka's default true): leadership returns to the preferred replica
// leader.imbalance.check.interval.seconds (300) after a failover gave it to another one.
#include <doctest/doctest.h>

#include "replication_support.hpp"

namespace klab {

TEST_CASE("the preferred replica leads again 300 s after a failover, once it is back in sync") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId preferred = partition.replicas.front();
  REQUIRE(partition.leader == preferred);
  const TimeMs failover = cluster->now();
  REQUIRE(cluster->stop_broker(preferred).ok());
  REQUIRE(partition.leader != preferred);
  cluster->advance(1000);
  REQUIRE(cluster->start_broker(preferred).ok());
  cluster->advance(1000);
  REQUIRE(partition.in_isr(preferred));
  test::advance_to(*cluster, failover + 299999);
  CHECK(partition.leader != preferred);
  test::advance_to(*cluster, failover + 300000);
  CHECK(partition.leader == preferred);
  CHECK(test::events_of_kind(*cluster, "LeaderElected").back().time == failover + 300000);
}

TEST_CASE("a preferred replica still down at the check is looked at again one interval later") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId preferred = partition.replicas.front();
  REQUIRE(cluster->stop_broker(preferred).ok());
  test::advance_to(*cluster, 400000);
  CHECK(partition.leader != preferred);
  REQUIRE(cluster->start_broker(preferred).ok());
  test::advance_to(*cluster, 599999);
  CHECK(partition.leader != preferred);
  test::advance_to(*cluster, 600000);
  CHECK(partition.leader == preferred);
}

TEST_CASE("with auto.leader.rebalance.enable=false leadership stays where the election put it") {
  auto cluster = test::make_cluster(ClusterOptions{.config = {{"auto.leader.rebalance.enable", ConfigInput(false)}}});
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId preferred = partition.replicas.front();
  REQUIRE(cluster->stop_broker(preferred).ok());
  REQUIRE(cluster->start_broker(preferred).ok());
  cluster->advance(3600000);
  CHECK(partition.leader != preferred);
  REQUIRE(cluster->elect_preferred_leaders("t").ok());
  CHECK(partition.leader == preferred);
}

}  // namespace klab
