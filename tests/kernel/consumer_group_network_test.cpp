// A consumer's group requests (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit,
// OffsetFetch, LeaveGroup) cross the one simulated network (broker/broker_service.hpp) to the same
// handlers a wire client reaches: a dropped request or response hits them as it hits a Produce.
#include <doctest/doctest.h>

#include <algorithm>

#include "group/group_coordinator.hpp"
#include "group_support.hpp"

using namespace klab;
using test::str;

namespace {

std::unique_ptr<Consumer> stable_member(Cluster& cluster, const std::string& topic) {
  auto consumer = test::group_consumer(cluster, "dash", {{"enable.auto.commit", str("false")}});
  REQUIRE(consumer->subscribe({topic}).ok());
  test::poll_until(cluster, {consumer.get()}, [&] { return consumer->member_state() == MemberState::Stable; });
  return consumer;
}

bool coordinator_lost_after(const Cluster& cluster, TimeMs after) {
  return std::any_of(cluster.events().begin(), cluster.events().end(), [&](const ClusterEvent& event) {
    return event.kind == "CoordinatorUnknown" && event.time >= after;
  });
}

}  // namespace

TEST_CASE("a dropped heartbeat is lost like any request: the member finds its coordinator again and stays") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto consumer = stable_member(*cluster, "orders");
  const int32_t generation = consumer->generation();
  const BrokerId coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  const TimeMs dropped_at = cluster->now();
  REQUIRE(cluster->drop_next_request(coordinator).ok());
  test::poll_together(*cluster, {consumer.get()}, 10000);  // heartbeat.interval.ms is 3000
  CHECK(coordinator_lost_after(*cluster, dropped_at));
  CHECK(consumer->member_state() == MemberState::Stable);
  CHECK(consumer->generation() == generation);
  CHECK(test::state_of(*cluster, "dash") == "Stable");
}

TEST_CASE("a commit whose response is dropped is retried by commit_sync and stored once answered") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto consumer = stable_member(*cluster, "orders");
  const BrokerId coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  const TimeMs dropped_at = cluster->now();
  REQUIRE(cluster->drop_next_response(coordinator).ok());
  REQUIRE(consumer->commit_sync({{TopicPartition{"orders", 0}, OffsetAndMetadata{7, "after a lost answer"}}}).ok());
  CHECK(coordinator_lost_after(*cluster, dropped_at));
  Result<std::optional<OffsetAndMetadata>> committed = consumer->committed({"orders", 0});
  REQUIRE(committed.ok());
  REQUIRE(committed->has_value());
  CHECK((*committed)->offset == 7);
  CHECK((*committed)->metadata == "after a lost answer");
}

TEST_CASE("a stopped coordinator: the member's requests are lost, it moves to the new coordinator and keeps its group") {
  auto cluster = test::make_cluster();  // 3 brokers
  test::make_topic(*cluster, "orders", 2, 3);
  auto consumer = stable_member(*cluster, "orders");
  const BrokerId old_coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  const TimeMs stopped_at = cluster->now();
  REQUIRE(cluster->stop_broker(old_coordinator).ok());
  test::poll_until(*cluster, {consumer.get()}, [&] {
    const BrokerId now_coordinating = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
    return now_coordinating >= 0 && now_coordinating != old_coordinator &&
           consumer->member_state() == MemberState::Stable && coordinator_lost_after(*cluster, stopped_at);
  });
  CHECK(consumer->assignment().size() == 2);
}

TEST_CASE("the timeline keeps why a member rejoins: the consumer's reason reaches the coordinator beside JoinGroup") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  test::make_topic(*cluster, "refunds", 1);
  auto consumer = stable_member(*cluster, "orders");
  REQUIRE(consumer->subscribe({"orders", "refunds"}).ok());
  test::poll_until(*cluster, {consumer.get()}, [&] { return consumer->assignment().size() == 2; });
  const bool reason_seen = std::any_of(cluster->events().begin(), cluster->events().end(), [](const ClusterEvent& event) {
    return event.kind == "RebalanceStarted" && event.description.find("(subscription changed)") != std::string::npos;
  });
  CHECK(reason_seen);
}
