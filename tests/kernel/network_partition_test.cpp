// Network partitions (Cluster::isolate / heal): fencing after broker.session.timeout.ms, the zombie
// leader that keeps taking acks=1 writes from producers with stale metadata, and what heal()
// truncates. Timings are Kafka 3.7 KRaft defaults: session timeout 9000 ms, request timeout 30000 ms.
#include <doctest/doctest.h>

#include "replication_support.hpp"

namespace klab {
namespace {

using test::num;
using test::str;

using test::send_tracked;

// A 3-broker cluster with topic t (1 partition, replication factor 3) holding "a" on every replica.
struct Fixture {
  std::unique_ptr<Cluster> cluster = test::make_cluster();
  Partition* partition = nullptr;
  BrokerId old_leader = -1;
  Fixture() {
    test::make_topic(*cluster, "t", 1, 3);
    partition = &test::partition_of(*cluster, "t");
    old_leader = partition->leader;
    auto seed = test::make_producer(*cluster);
    REQUIRE(test::produce(*seed, "t", "a").ok());
    cluster->advance(100);
    REQUIRE(partition->high_watermark() == 1);
  }
};

}  // namespace

TEST_CASE("an isolated leader keeps its leadership until the controller fences it after broker.session.timeout.ms") {
  Fixture f;
  const TimeMs cut = f.cluster->now();
  REQUIRE(f.cluster->isolate(f.old_leader).ok());
  test::advance_to(*f.cluster, cut + 8999);
  CHECK(f.partition->leader == f.old_leader);
  CHECK(f.partition->in_sync_replicas.size() == 3);  // it cannot reach the controller to shrink the ISR
  CHECK(test::events_of_kind(*f.cluster, "BrokerFenced").empty());
  test::advance_to(*f.cluster, cut + 9000);
  CHECK(f.partition->leader != f.old_leader);
  CHECK(!f.partition->in_isr(f.old_leader));
  REQUIRE(test::events_of_kind(*f.cluster, "BrokerFenced").size() == 1);
  CHECK(test::events_of_kind(*f.cluster, "BrokerFenced")[0].time == cut + 9000);
  CHECK(f.cluster->is_zombie_leader(*f.partition, f.old_leader));
  CHECK(f.cluster->brokers()[static_cast<std::size_t>(f.old_leader - 1)].fenced);
}

TEST_CASE("acks=1 writes a stale producer sends to the zombie leader succeed, and heal() truncates them") {
  Fixture f;
  auto stale = test::make_producer(*f.cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*stale, "t", "before").ok());  // its metadata now names the old leader
  f.cluster->advance(100);
  REQUIRE(f.cluster->isolate(f.old_leader).ok());
  f.cluster->advance(10000);
  const BrokerId new_leader = f.partition->leader;
  REQUIRE(new_leader != f.old_leader);

  Result<RecordMetadata> zombie_write = test::produce(*stale, "t", "zombie");
  REQUIRE(zombie_write.ok());
  CHECK(zombie_write->offset == 2);
  CHECK(test::replica_values(*f.partition, f.old_leader) == "a,before,zombie");
  CHECK(test::visible_values(*f.partition) == "a,before");

  auto fresh = test::make_producer(*f.cluster, {{"acks", str("1")}});
  Result<RecordMetadata> real_write = test::produce(*fresh, "t", "real");
  REQUIRE(real_write.ok());
  CHECK(real_write->offset == 2);  // the same offset, on the real leader

  REQUIRE(f.cluster->heal().ok());
  REQUIRE(test::events_of_kind(*f.cluster, "Truncation").size() == 1);
  f.cluster->advance(2000);
  CHECK(test::replica_values(*f.partition, f.old_leader) == "a,before,real");
  CHECK(f.partition->in_isr(f.old_leader));
  CHECK(!f.cluster->is_zombie_leader(*f.partition, f.old_leader));
  CHECK(test::events_of_kind(*f.cluster, "BrokerUnfenced").size() == 1);
}

TEST_CASE("a producer stops writing to a zombie once its metadata is older than metadata.max.age.ms") {
  Fixture f;
  auto stale = test::make_producer(*f.cluster, {{"acks", str("1")}, {"metadata.max.age.ms", num(20000)}});
  REQUIRE(test::produce(*stale, "t", "before").ok());  // metadata fetched at about 100
  REQUIRE(f.cluster->isolate(f.old_leader).ok());
  f.cluster->advance(10000);
  REQUIRE(test::produce(*stale, "t", "to-zombie").ok());
  test::advance_to(*f.cluster, 25000);
  REQUIRE(test::produce(*stale, "t", "to-leader").ok());
  f.cluster->advance(100);  // acks=1 answered before the followers fetched it
  CHECK(test::replica_values(*f.partition, f.old_leader) == "a,before,to-zombie");
  CHECK(test::visible_values(*f.partition) == "a,before,to-leader");
}

TEST_CASE("acks=all writes to an isolated leader wait, time out after request.timeout.ms and succeed on the new leader") {
  Fixture f;
  auto producer = test::make_producer(*f.cluster);  // idempotent, acks=all
  REQUIRE(test::produce(*producer, "t", "warm-up").ok());
  f.cluster->advance(100);
  REQUIRE(f.cluster->isolate(f.old_leader).ok());
  const TimeMs sent = f.cluster->now();
  auto outcome = send_tracked(*f.cluster, *producer, "b");
  f.cluster->advance(29000);
  CHECK(!outcome->done);  // appended by the old leader, but its high watermark is frozen
  CHECK(f.partition->leader != f.old_leader);
  f.cluster->advance(5000);
  REQUIRE(outcome->done);
  CHECK(!outcome->error);
  CHECK(outcome->at > sent + 30000);  // timed out at sent + 30000, retried after retry.backoff.ms
  CHECK(test::visible_values(*f.partition) == "a,warm-up,b");
  REQUIRE(f.cluster->heal().ok());
  f.cluster->advance(2000);
  CHECK(test::replica_values(*f.partition, f.old_leader) == "a,warm-up,b");
  CHECK(f.partition->in_sync_replicas.size() == 3);
}

TEST_CASE("healing before the session timeout moves nothing, and the waiting acks=all write completes") {
  Fixture f;
  auto producer = test::make_producer(*f.cluster);
  REQUIRE(f.cluster->isolate(f.old_leader).ok());
  auto outcome = send_tracked(*f.cluster, *producer, "b");
  f.cluster->advance(5000);
  CHECK(!outcome->done);
  REQUIRE(f.cluster->heal().ok());
  f.cluster->advance(2000);
  REQUIRE(outcome->done);
  CHECK(!outcome->error);
  CHECK(outcome->offset == 1);
  CHECK(f.partition->leader == f.old_leader);
  CHECK(test::events_of_kind(*f.cluster, "BrokerFenced").empty());
  CHECK(test::events_of_kind(*f.cluster, "LeaderElected").empty());
}

TEST_CASE("an isolated follower leaves the ISR when fenced, not after replica.lag.time.max.ms, and rejoins after heal") {
  Fixture f;
  const BrokerId follower = test::followers_of(*f.partition).at(0);
  const TimeMs cut = f.cluster->now();
  REQUIRE(f.cluster->isolate(follower).ok());
  auto producer = test::make_producer(*f.cluster);
  // The isolated follower is still in the ISR, so the high watermark waits for it: an acks=all
  // write completes only once the controller has fenced it.
  auto outcome = send_tracked(*f.cluster, *producer, "b");
  test::advance_to(*f.cluster, cut + 8999);
  CHECK(!outcome->done);
  test::advance_to(*f.cluster, cut + 9000);
  CHECK(!f.partition->in_isr(follower));
  f.cluster->advance(10);
  REQUIRE(outcome->done);
  CHECK(!outcome->error);
  auto shrinks = test::events_of_kind(*f.cluster, "IsrShrink");
  REQUIRE(shrinks.size() == 1);
  CHECK(shrinks[0].time == cut + 9000);
  CHECK(f.partition->leader == f.old_leader);
  REQUIRE(f.cluster->heal().ok());
  f.cluster->advance(2000);
  CHECK(f.partition->in_isr(follower));
  CHECK(test::replica_values(*f.partition, follower) == "a,b");
}

TEST_CASE("an isolated controller hands the role to a connected broker at once") {
  Fixture f;
  const BrokerId controller = f.cluster->controller();
  REQUIRE(f.cluster->isolate(controller).ok());
  CHECK(f.cluster->controller() != controller);
  CHECK(f.cluster->controller() >= 0);
  CHECK(test::metric(*f.cluster, "ActiveControllerCount") == 1);
  REQUIRE(f.cluster->heal().ok());
  CHECK(f.cluster->controller() != controller);  // it does not take the role back
}

TEST_CASE("min.insync.replicas=2 refuses acks=all writes on the connected side when only one replica is left there") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 2, {{"min.insync.replicas", num(2)}});
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId follower = test::followers_of(partition).at(0);
  REQUIRE(cluster->isolate(follower).ok());
  cluster->advance(9000);
  REQUIRE(partition.in_sync_replicas.size() == 1);
  auto producer = test::make_producer_without_retries(*cluster, "all");
  Result<RecordMetadata> refused = test::produce(*producer, "t", "x");
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == ErrorCode::NOT_ENOUGH_REPLICAS);
}

TEST_CASE("isolate and heal refuse what makes no sense") {
  auto cluster = test::make_cluster();
  CHECK(cluster->isolate(9).error().code == ErrorCode::BROKER_NOT_AVAILABLE);
  CHECK(cluster->heal().error().code == ErrorCode::INVALID_REQUEST);
  REQUIRE(cluster->stop_broker(2).ok());
  CHECK(cluster->isolate(2).error().code == ErrorCode::BROKER_NOT_AVAILABLE);
  REQUIRE(cluster->isolate(3).ok());
  CHECK(cluster->isolate(3).error().code == ErrorCode::INVALID_REQUEST);
  CHECK(cluster->isolate(3).error().message.find("already isolated") != std::string::npos);
  REQUIRE(cluster->heal().ok());
  CHECK(!cluster->isolated(3));
}

TEST_CASE("a broker started while isolated stays fenced until heal") {
  Fixture f;
  const BrokerId follower = test::followers_of(*f.partition).at(0);
  REQUIRE(f.cluster->isolate(follower).ok());
  REQUIRE(f.cluster->stop_broker(follower).ok());
  REQUIRE(f.cluster->start_broker(follower).ok());
  f.cluster->advance(5000);
  CHECK(!f.partition->in_isr(follower));
  REQUIRE(f.cluster->heal().ok());
  f.cluster->advance(2000);
  CHECK(f.partition->in_isr(follower));
}

}  // namespace klab
