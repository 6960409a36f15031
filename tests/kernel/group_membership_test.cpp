// The group protocol end to end through the C++ API: a consumer subscribes, the coordinator waits
// group.initial.rebalance.delay.ms, generations count rebalances, members join and leave, and the
// group's states follow Kafka's classic protocol (classic_group.hpp).
#include <doctest/doctest.h>


#include "base/regex_match.hpp"
#include "base/usage_error.hpp"

#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::vector<std::string> group_state_events(const Cluster& cluster) {
  std::vector<std::string> out;
  for (const ClusterEvent& event : cluster.events())
    if (event.kind == "RebalanceStarted" || event.kind == "RebalanceCompleted" || event.kind == "GroupStable" ||
        event.kind == "GroupEmpty")
      out.push_back(event.kind);
  return out;
}

struct ListenerLog {
  std::vector<std::string> calls;
  RebalanceListener listener() {
    auto text = [](const std::vector<TopicPartition>& partitions) {
      std::string out;
      for (const TopicPartition& tp : partitions) out += (out.empty() ? "" : ",") + tp.to_string();
      return out;
    };
    return RebalanceListener{
        [this, text](const std::vector<TopicPartition>& p) { calls.push_back("assigned[" + text(p) + "]"); },
        [this, text](const std::vector<TopicPartition>& p) { calls.push_back("revoked[" + text(p) + "]"); },
        [this, text](const std::vector<TopicPartition>& p) { calls.push_back("lost[" + text(p) + "]"); }};
  }
};

}  // namespace

TEST_CASE("one consumer joins an empty group after group.initial.rebalance.delay.ms and gets every partition") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 3);
  test::fill(*cluster, "orders", 5);
  auto consumer = test::group_consumer(*cluster, "dash");
  CHECK(cluster->find_topic("__consumer_offsets") == nullptr);
  REQUIRE(consumer->subscribe({"orders"}).ok());
  std::vector<ConsumerRecord> records;
  std::size_t total = 0;
  test::poll_until(*cluster, {consumer.get()}, [&] {
    total += consumer->poll(100, records).value();
    return total == 15;
  });
  CHECK(consumer->assignment() == test::tps("orders", {0, 1, 2}));
  CHECK(consumer->generation() == 1);
  CHECK(consumer->member_state() == MemberState::Stable);
  CHECK(test::state_of(*cluster, "dash") == "Stable");
  const TimeMs started = test::first_event_time(*cluster, "RebalanceStarted");
  CHECK(test::first_event_time(*cluster, "RebalanceCompleted") - started == 3000);
  CHECK(group_state_events(*cluster) == std::vector<std::string>{"RebalanceStarted", "RebalanceCompleted", "GroupStable"});
  SUBCASE("a shorter group.initial.rebalance.delay.ms shortens the first rebalance") {
    auto quick = test::make_cluster(ClusterOptions{.config = {{"group.initial.rebalance.delay.ms", num(0)}}});
    test::make_topic(*quick, "orders", 1);
    auto member = test::group_consumer(*quick, "dash");
    REQUIRE(member->subscribe({"orders"}).ok());
    test::poll_until(*quick, {member.get()}, [&] { return member->assignment().size() == 1; });
    CHECK(test::first_event_time(*quick, "RebalanceCompleted") == test::first_event_time(*quick, "RebalanceStarted"));
  }
}

TEST_CASE("members arriving during the initial delay extend it and all start in generation 1") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 4);
  auto a = test::group_consumer(*cluster, "dash");
  auto b = test::group_consumer(*cluster, "dash");
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_together(*cluster, {a.get()}, 1000);
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] {
    return a->member_state() == MemberState::Stable && b->member_state() == MemberState::Stable;
  });
  // InitialDelayedJoin: 3000 ms, then (a member arrived meanwhile) min(3000, remaining) more.
  const TimeMs started = test::first_event_time(*cluster, "RebalanceStarted");
  CHECK(test::first_event_time(*cluster, "RebalanceCompleted") - started == 6000);
  CHECK(a->generation() == 1);
  CHECK(b->generation() == 1);
  CHECK(a->assignment().size() + b->assignment().size() == 4);
  CHECK(test::events_of_kind(*cluster, "RebalanceStarted").size() == 1);
}

TEST_CASE("generations count rebalances: join, leave, and the last member leaving empties the group") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 3);
  auto a = test::group_consumer(*cluster, "dash");
  auto b = test::group_consumer(*cluster, "dash");
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get()}, [&] { return a->generation() == 1 && a->member_state() == MemberState::Stable; });
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] {
    return b->generation() == 2 && b->member_state() == MemberState::Stable && a->member_state() == MemberState::Stable;
  });
  // Range over [a, b] in join order: a is first by member id too ("consumer-1-..." < "consumer-2-...").
  CHECK(a->assignment() == test::tps("orders", {0, 1}));
  CHECK(b->assignment() == test::tps("orders", {2}));
  CHECK(test::group_of(*cluster, "dash").generation() == 2);
  REQUIRE(a->close().ok());
  test::poll_until(*cluster, {b.get()}, [&] { return b->generation() == 3 && b->member_state() == MemberState::Stable; });
  CHECK(b->assignment() == test::tps("orders", {0, 1, 2}));
  REQUIRE(b->close().ok());
  cluster->advance(100);
  CHECK(test::state_of(*cluster, "dash") == "Empty");
  CHECK(test::group_of(*cluster, "dash").generation() == 4);
  CHECK(group_state_events(*cluster) == std::vector<std::string>{
                                           "RebalanceStarted", "RebalanceCompleted", "GroupStable",  // a
                                           "RebalanceStarted", "RebalanceCompleted", "GroupStable",  // b joins
                                           "RebalanceStarted", "RebalanceCompleted", "GroupStable",  // a leaves
                                           "RebalanceStarted", "GroupEmpty"});                       // b leaves
}

TEST_CASE("member ids are client.id (or group.instance.id) plus a Java-style random UUID") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto dynamic = test::group_consumer(*cluster, "dash", {{"client.id", str("dashboard")}});
  auto fixed = test::group_consumer(*cluster, "dash", {{"group.instance.id", str("dash-0")}});
  REQUIRE(dynamic->subscribe({"orders"}).ok());
  REQUIRE(fixed->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {dynamic.get(), fixed.get()}, [&] {
    return dynamic->member_state() == MemberState::Stable && fixed->member_state() == MemberState::Stable;
  });
  const RegexMatch uuid4 = *RegexMatch::compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  CHECK(RegexMatch::compile("dashboard-[0-9a-f-]{36}")->matches(dynamic->member_id()));
  CHECK(uuid4.matches(dynamic->member_id().substr(10)));
  CHECK(fixed->member_id().rfind("dash-0-", 0) == 0);
  CHECK(uuid4.matches(fixed->member_id().substr(7)));
}

TEST_CASE("eager protocol (the default list runs range): every partition is revoked before the rebalance") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 3);
  ListenerLog log_a, log_b;
  auto a = test::group_consumer(*cluster, "dash", {}, log_a.listener());
  auto b = test::group_consumer(*cluster, "dash", {}, log_b.listener());
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get()}, [&] { return a->assignment().size() == 3; });
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] { return b->generation() == 2 && !b->assignment().empty(); });
  CHECK(a->group_protocol() == "range");
  // The first join has nothing to revoke (and no generation yet, so not even an empty call).
  CHECK(log_a.calls == std::vector<std::string>{"assigned[orders-0,orders-1,orders-2]",
                                                "revoked[orders-0,orders-1,orders-2]", "assigned[orders-0,orders-1]"});
  CHECK(log_b.calls == std::vector<std::string>{"assigned[orders-2]"});
  CHECK(test::events_of_kind(*cluster, "RebalanceCompleted").size() == 2);
}

TEST_CASE("cooperative-sticky revokes only what moves, and a second rebalance hands it over") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 3);
  ConfigEntries coop{{"partition.assignment.strategy", str("org.apache.kafka.clients.consumer.CooperativeStickyAssignor")}};
  ListenerLog log_a, log_b;
  auto a = test::group_consumer(*cluster, "dash", coop, log_a.listener());
  auto b = test::group_consumer(*cluster, "dash", coop, log_b.listener());
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get()}, [&] { return a->assignment().size() == 3; });
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] {
    return b->assignment().size() == 1 && a->member_state() == MemberState::Stable &&
           b->member_state() == MemberState::Stable;
  });
  CHECK(a->group_protocol() == "cooperative-sticky");
  // Scenario E of the reference: round 1 takes p2 from a (b gets nothing), round 2 gives it to b.
  CHECK(log_a.calls == std::vector<std::string>{"assigned[orders-0,orders-1,orders-2]", "revoked[orders-2]",
                                                "assigned[]", "assigned[]"});
  CHECK(log_b.calls == std::vector<std::string>{"assigned[]", "assigned[orders-2]"});
  CHECK(a->assignment() == test::tps("orders", {0, 1}));
  CHECK(b->generation() == 3);
  CHECK(test::events_of_kind(*cluster, "RebalanceCompleted").size() == 3);
}

TEST_CASE("the broker picks the protocol every member supports, by the members' votes") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  SUBCASE("two default members run range") {
    auto a = test::group_consumer(*cluster, "g");
    auto b = test::group_consumer(*cluster, "g");
    REQUIRE(a->subscribe({"orders"}).ok());
    REQUIRE(b->subscribe({"orders"}).ok());
    test::poll_until(*cluster, {a.get(), b.get()}, [&] { return a->generation() == 1 && b->generation() == 1; });
    CHECK(test::group_of(*cluster, "g").protocol() == "range");
  }
  SUBCASE("a member that only supports cooperative-sticky leaves it as the only candidate") {
    auto a = test::group_consumer(*cluster, "g");
    auto b = test::group_consumer(*cluster, "g", {{"partition.assignment.strategy", str("cooperative-sticky")}});
    REQUIRE(a->subscribe({"orders"}).ok());
    REQUIRE(b->subscribe({"orders"}).ok());
    test::poll_until(*cluster, {a.get(), b.get()}, [&] { return a->generation() == 1 && b->generation() == 1; });
    CHECK(test::group_of(*cluster, "g").protocol() == "cooperative-sticky");
  }
  SUBCASE("no common protocol: INCONSISTENT_GROUP_PROTOCOL for the newcomer") {
    auto a = test::group_consumer(*cluster, "g", {{"partition.assignment.strategy", str("range")}});
    auto b = test::group_consumer(*cluster, "g", {{"partition.assignment.strategy", str("roundrobin")}});
    REQUIRE(a->subscribe({"orders"}).ok());
    test::poll_until(*cluster, {a.get()}, [&] { return a->generation() == 1; });
    REQUIRE(b->subscribe({"orders"}).ok());
    std::vector<ConsumerRecord> records;
    Result<std::size_t> polled = b->poll(1000, records);
    REQUIRE_FALSE(polled.ok());
    CHECK(polled.error().code == ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
  }
  SUBCASE("an unknown assignor name is a config error") {
    Result<std::unique_ptr<Consumer>> created =
        Consumer::create(*cluster, {{"group.id", str("g")}, {"partition.assignment.strategy", str("fastest")}});
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code == ErrorCode::INVALID_CONFIG);
    CHECK(created.error().message.find("partition.assignment.strategy") != std::string::npos);
  }
}

TEST_CASE("subscribing without group.id is INVALID_GROUP_ID with Kafka's message") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto consumer = test::make_consumer(*cluster);
  Status subscribed = consumer->subscribe({"orders"});
  REQUIRE_FALSE(subscribed.ok());
  CHECK(subscribed.error().code == ErrorCode::INVALID_GROUP_ID);
  CHECK(subscribed.error().message ==
        "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer "
        "configuration.");
  CHECK(consumer->commit_sync().error().code == ErrorCode::INVALID_GROUP_ID);
  CHECK(consumer->committed({"orders", 0}).error().code == ErrorCode::INVALID_GROUP_ID);
  SUBCASE("assign() still works without a group") {
    REQUIRE(consumer->assign({{"orders", 0}}).ok());
    std::vector<ConsumerRecord> records;
    CHECK(consumer->poll(10, records).ok());
    CHECK(cluster->find_topic("__consumer_offsets") == nullptr);
  }
}

TEST_CASE("changing the subscription rebalances the group") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  test::make_topic(*cluster, "payments", 2);
  auto consumer = test::group_consumer(*cluster, "dash");
  REQUIRE(consumer->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {consumer.get()}, [&] { return consumer->assignment().size() == 2; });
  REQUIRE(consumer->subscribe({"orders", "payments"}).ok());
  test::poll_until(*cluster, {consumer.get()}, [&] { return consumer->assignment().size() == 4; });
  CHECK(consumer->generation() == 2);
  CHECK(consumer->assignment() == std::vector<TopicPartition>{{"orders", 0}, {"orders", 1}, {"payments", 0}, {"payments", 1}});
}

TEST_CASE("new partitions of a subscribed topic are assigned after the leader's next metadata refresh") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto consumer = test::group_consumer(*cluster, "dash", {{"metadata.max.age.ms", num(10000)}});
  REQUIRE(consumer->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {consumer.get()}, [&] { return consumer->assignment().size() == 2; });
  const TimeMs assigned_at = cluster->now();
  REQUIRE(cluster->create_partitions("orders", 3).ok());
  test::poll_together(*cluster, {consumer.get()}, 5000);
  CHECK(consumer->assignment().size() == 2);  // not yet: the metadata is cached for metadata.max.age.ms
  test::poll_until(*cluster, {consumer.get()}, [&] { return consumer->assignment().size() == 3; });
  CHECK(consumer->generation() == 2);
  CHECK(cluster->now() - assigned_at >= 10000);
}

TEST_CASE("during a rebalance an eager member stops reading everything; a cooperative one keeps what it keeps") {
  for (const char* strategy : {"range", "cooperative-sticky"}) {
    CAPTURE(strategy);
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "orders", 4);
    ConfigEntries config{{"partition.assignment.strategy", str(strategy)}};
    std::size_t revoked = 0;
    RebalanceListener listener{nullptr, [&](const std::vector<TopicPartition>& p) { revoked += p.size(); }, nullptr};
    auto a = test::group_consumer(*cluster, "dash", config, listener);
    auto b = test::group_consumer(*cluster, "dash", config);
    REQUIRE(a->subscribe({"orders"}).ok());
    test::poll_until(*cluster, {a.get()}, [&] { return a->assignment().size() == 4; });
    REQUIRE(b->subscribe({"orders"}).ok());
    test::poll_until(*cluster, {a.get(), b.get()}, [&] {
      return b->assignment().size() == 2 && a->member_state() == MemberState::Stable;
    });
    CHECK(a->assignment().size() == 2);
    // Eager: all four stopped (two of them only to be handed straight back); cooperative: only the two that moved.
    CHECK(revoked == (std::string(strategy) == "range" ? 4u : 2u));
  }
}

TEST_CASE("with auto-commit, an eager member commits its positions before it revokes for a rebalance") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  test::fill(*cluster, "orders", 3);
  auto a = test::group_consumer(*cluster, "dash", {{"auto.commit.interval.ms", num(60000)}});
  REQUIRE(a->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get()}, [&] { return a->assignment().size() == 2; });
  test::poll_together(*cluster, {a.get()}, 200);
  CHECK(test::events_of_kind(*cluster, "OffsetsCommitted").empty());
  auto b = test::group_consumer(*cluster, "dash");
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] { return b->assignment().size() == 1; });
  const TimeMs committed = test::first_event_time(*cluster, "OffsetsCommitted");
  REQUIRE(committed >= 0);
  CHECK(committed <= test::first_event_time(*cluster, "PartitionsRevoked"));
  CHECK(*b->position(b->assignment().front()) == 3);  // b resumes where a was, nothing read twice
}

TEST_CASE("unsubscribe leaves the group at once") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto a = test::group_consumer(*cluster, "dash");
  auto b = test::group_consumer(*cluster, "dash");
  REQUIRE(a->subscribe({"orders"}).ok());
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] { return a->assignment().size() == 1 && b->assignment().size() == 1; });
  a->unsubscribe();
  CHECK(a->assignment().empty());
  CHECK(a->subscription().empty());
  test::poll_until(*cluster, {b.get()}, [&] { return b->assignment().size() == 2; });
  CHECK(test::events_of_kind(*cluster, "MemberLeft").size() == 1);
  CHECK(test::events_of_kind(*cluster, "MemberSessionExpired").empty());
  REQUIRE(a->assign({{"orders", 0}}).ok());  // free to assign by hand now
}

TEST_CASE("consumer configs Kafka's client refuses") {
  auto cluster = test::make_cluster();
  Result<std::unique_ptr<Consumer>> auto_commit = Consumer::create(*cluster, {{"enable.auto.commit", str("true")}});
  REQUIRE_FALSE(auto_commit.ok());
  CHECK(auto_commit.error().message == "enable.auto.commit cannot be set to true when default group id (null) is used.");
  Result<std::unique_ptr<Consumer>> heartbeat = Consumer::create(
      *cluster, {{"group.id", str("g")}, {"heartbeat.interval.ms", num(10000)}, {"session.timeout.ms", num(10000)}});
  REQUIRE_FALSE(heartbeat.ok());
  CHECK(heartbeat.error().message == "Heartbeat must be set lower than the session timeout");
  Result<std::unique_ptr<Consumer>> duplicate = Consumer::create(
      *cluster, {{"group.id", str("g")}, {"partition.assignment.strategy", str("range,org.apache.kafka.clients.consumer.RangeAssignor")}});
  REQUIRE_FALSE(duplicate.ok());
  auto consumer = test::group_consumer(*cluster, "g");
  CHECK(consumer->subscribe({"bad name!"}).error().code == ErrorCode::INVALID_TOPIC_EXCEPTION);
  REQUIRE(consumer->subscribe({"orders"}).ok());
  CHECK_THROWS_AS((void)consumer->assign({{"orders", 0}}), UsageError);
}
