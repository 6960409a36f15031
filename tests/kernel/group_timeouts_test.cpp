// Failure detection in a group: session.timeout.ms for a member that stops heartbeating (crash),
// max.poll.interval.ms for one that heartbeats but stops polling, and static membership
// (group.instance.id), whose restart within the session timeout causes no rebalance.
#include <doctest/doctest.h>

#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

TimeMs last_event_time(const Cluster& cluster, std::string_view kind) {
  TimeMs last = -1;
  for (const ClusterEvent& event : cluster.events())
    if (event.kind == kind) last = event.time;
  return last;
}

}  // namespace

TEST_CASE("a crashed member is removed session.timeout.ms after its last heartbeat, then its partitions move") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto a = test::group_consumer(*cluster, "dash");
  auto b = test::group_consumer(*cluster, "dash");
  REQUIRE(a->subscribe({"orders"}).ok());
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] {
    return a->assignment().size() == 1 && b->assignment().size() == 1 && a->member_state() == MemberState::Stable;
  });
  test::poll_together(*cluster, {a.get(), b.get()}, 4000);  // a few heartbeats
  const std::string crashed_id = a->member_id();
  a->crash();
  const TimeMs crashed_at = cluster->now();
  test::poll_until(*cluster, {b.get()}, [&] { return b->assignment().size() == 2; }, 120000);
  std::vector<ClusterEvent> expired = test::events_of_kind(*cluster, "MemberSessionExpired");
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].description.find(crashed_id) != std::string::npos);
  // The coordinator counts from the last heartbeat it received, which came before the crash.
  CHECK(expired[0].time > crashed_at + 45000 - 3000);
  CHECK(expired[0].time <= crashed_at + 45000);
  CHECK(expired[0].description.find("45000 ms") != std::string::npos);
  CHECK(test::events_of_kind(*cluster, "MemberLeft").empty());  // a crash sends no LeaveGroup
  SUBCASE("a shorter session.timeout.ms is noticed sooner") {
    auto quick = test::make_cluster();
    test::make_topic(*quick, "orders", 2);
    auto x = test::group_consumer(*quick, "g", {{"session.timeout.ms", num(6000)}, {"heartbeat.interval.ms", num(2000)}});
    auto y = test::group_consumer(*quick, "g", {{"session.timeout.ms", num(6000)}, {"heartbeat.interval.ms", num(2000)}});
    REQUIRE(x->subscribe({"orders"}).ok());
    REQUIRE(y->subscribe({"orders"}).ok());
    test::poll_until(*quick, {x.get(), y.get()}, [&] { return x->assignment().size() == 1 && y->assignment().size() == 1; });
    x->crash();
    const TimeMs at = quick->now();
    test::poll_until(*quick, {y.get()}, [&] { return y->assignment().size() == 2; });
    const TimeMs removed = test::first_event_time(*quick, "MemberSessionExpired");
    CHECK(removed > at + 6000 - 2000);
    CHECK(removed <= at + 6000);
  }
}

TEST_CASE("a session.timeout.ms outside the broker's bounds is INVALID_SESSION_TIMEOUT") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto consumer = test::group_consumer(*cluster, "dash", {{"session.timeout.ms", num(5999)}});
  REQUIRE(consumer->subscribe({"orders"}).ok());
  std::vector<ConsumerRecord> records;
  Result<std::size_t> polled = consumer->poll(1000, records);
  REQUIRE_FALSE(polled.ok());
  CHECK(polled.error().code == ErrorCode::INVALID_SESSION_TIMEOUT);
}

TEST_CASE("a member that stops polling for max.poll.interval.ms leaves the group though it still heartbeats") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  std::vector<std::string> lazy_calls;
  RebalanceListener listener{[&](const std::vector<TopicPartition>& p) { lazy_calls.push_back("assigned " + std::to_string(p.size())); },
                             [&](const std::vector<TopicPartition>& p) { lazy_calls.push_back("revoked " + std::to_string(p.size())); },
                             [&](const std::vector<TopicPartition>& p) { lazy_calls.push_back("lost " + std::to_string(p.size())); }};
  auto lazy = test::group_consumer(*cluster, "dash", {{"max.poll.interval.ms", num(20000)}}, listener);
  auto busy = test::group_consumer(*cluster, "dash", {{"max.poll.interval.ms", num(20000)}});
  REQUIRE(lazy->subscribe({"orders"}).ok());
  REQUIRE(busy->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {lazy.get(), busy.get()}, [&] {
    return lazy->assignment().size() == 1 && busy->assignment().size() == 1 && lazy->member_state() == MemberState::Stable;
  });
  std::vector<ConsumerRecord> records;
  REQUIRE(lazy->poll(0, records).ok());
  const TimeMs last_poll = cluster->now();
  test::poll_until(*cluster, {busy.get()}, [&] { return busy->assignment().size() == 2; }, 60000);
  CHECK(test::first_event_time(*cluster, "MaxPollIntervalExceeded") == last_poll + 20000);
  CHECK(test::events_of_kind(*cluster, "MemberSessionExpired").empty());
  CHECK(test::events_of_kind(*cluster, "MemberLeft").size() == 1);  // it sent LeaveGroup
  // Back in poll(), it finds its generation gone: its partitions were lost, not revoked.
  CHECK(lazy->generation() == -1);
  CHECK(lazy->assignment().size() == 1);  // it does not know yet
  test::poll_until(*cluster, {lazy.get(), busy.get()}, [&] {
    return lazy_calls.size() == 3 && lazy->member_state() == MemberState::Stable;
  });
  CHECK(lazy->assignment().size() == 1);
  std::string calls;
  for (const std::string& call : lazy_calls) calls += call + ";";
  CHECK(calls == "assigned 1;lost 1;assigned 1;");
}

TEST_CASE("a static member restarting within session.timeout.ms keeps its partitions without a rebalance") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 4);
  ConfigEntries first{{"group.instance.id", str("reader-1")}};
  ConfigEntries second{{"group.instance.id", str("reader-2")}};
  auto a = test::group_consumer(*cluster, "dash", first);
  auto b = test::group_consumer(*cluster, "dash", second);
  REQUIRE(a->subscribe({"orders"}).ok());
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] {
    return a->assignment().size() == 2 && b->assignment().size() == 2 && a->member_state() == MemberState::Stable &&
           b->member_state() == MemberState::Stable;
  });
  const std::vector<TopicPartition> a_partitions = a->assignment();
  const int32_t generation = test::group_of(*cluster, "dash").generation();
  const std::size_t rebalances = test::events_of_kind(*cluster, "RebalanceStarted").size();
  REQUIRE(a->close().ok());  // a static member sends no LeaveGroup
  test::poll_together(*cluster, {b.get()}, 20000);
  CHECK(test::state_of(*cluster, "dash") == "Stable");
  auto restarted = test::group_consumer(*cluster, "dash", first);
  REQUIRE(restarted->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {restarted.get(), b.get()}, [&] { return restarted->assignment().size() == 2; });
  CHECK(restarted->assignment() == a_partitions);
  CHECK(restarted->generation() == generation);
  CHECK(test::group_of(*cluster, "dash").generation() == generation);
  CHECK(test::events_of_kind(*cluster, "RebalanceStarted").size() == rebalances);
  CHECK(test::events_of_kind(*cluster, "StaticMemberRejoined").size() == 1);
  CHECK(restarted->member_id() != a->member_id());
  SUBCASE("a static member that does not come back is removed after session.timeout.ms") {
    restarted->crash();
    test::poll_until(*cluster, {b.get()}, [&] { return b->assignment().size() == 4; }, 120000);
    CHECK(test::events_of_kind(*cluster, "MemberSessionExpired").size() == 1);
    CHECK(last_event_time(*cluster, "RebalanceStarted") == test::first_event_time(*cluster, "MemberSessionExpired"));
  }
}

TEST_CASE("a member that sends no SyncGroup within the rebalance timeout is removed (pending-sync expiration)") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  ConfigEntries config{{"max.poll.interval.ms", num(10000)}};
  auto a = test::group_consumer(*cluster, "dash", config);
  auto b = test::group_consumer(*cluster, "dash", config);
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get()}, [&] { return a->assignment().size() == 2; });
  REQUIRE(b->subscribe({"orders"}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(b->poll(50, records).ok());  // b joins, then stops polling before the rebalance ends
  test::poll_until(*cluster, {a.get()}, [&] { return a->generation() == 3 && a->member_state() == MemberState::Stable; });
  std::vector<ClusterEvent> completed = test::events_of_kind(*cluster, "RebalanceCompleted");
  REQUIRE(completed.size() == 3);
  std::vector<ClusterEvent> removed = test::events_of_kind(*cluster, "MemberRemoved");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].description.find("sent no SyncGroup") != std::string::npos);
  CHECK(removed[0].time == completed[1].time + 10000);
  CHECK(a->assignment().size() == 2);
  CHECK(test::events_of_kind(*cluster, "MaxPollIntervalExceeded").empty());
}
