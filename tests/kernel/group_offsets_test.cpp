// Committed offsets: commit_sync / commit_async / auto-commit / committed(), where a newly assigned
// partition starts, and commits surviving the failure of the coordinator's broker.
#include <doctest/doctest.h>

#include "group/coordinator_records.hpp"
#include "group/offsets_topic.hpp"
#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::unique_ptr<Consumer> joined(Cluster& cluster, const std::string& group, const std::string& topic,
                                 std::size_t partitions, ConfigEntries extra = {}) {
  auto consumer = test::group_consumer(cluster, group, std::move(extra));
  REQUIRE(consumer->subscribe({topic}).ok());
  test::poll_until(cluster, {consumer.get()}, [&] {
    return consumer->assignment().size() == partitions && consumer->member_state() == MemberState::Stable;
  });
  return consumer;
}

std::size_t drain(Cluster& cluster, Consumer& consumer, int64_t ms = 500) {
  std::size_t total = 0;
  for (auto count : test::poll_together(cluster, {&consumer}, ms)) total += count;
  return total;
}

int64_t committed_offset(Consumer& consumer, const TopicPartition& tp) {
  Result<std::optional<OffsetAndMetadata>> committed = consumer.committed(tp);
  REQUIRE(committed.ok());
  return committed->has_value() ? (*committed)->offset : -1;
}

}  // namespace

TEST_CASE("commit_sync stores the positions; a new member of the group resumes from them") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  test::fill(*cluster, "orders", 10);
  auto first = joined(*cluster, "dash", "orders", 2, {{"enable.auto.commit", str("false")}});
  CHECK(drain(*cluster, *first) == 20);
  CHECK(committed_offset(*first, {"orders", 0}) == -1);
  REQUIRE(first->commit_sync().ok());
  CHECK(committed_offset(*first, {"orders", 0}) == 10);
  CHECK(committed_offset(*first, {"orders", 1}) == 10);
  REQUIRE(first->commit_sync({{TopicPartition{"orders", 1}, OffsetAndMetadata{4, "replay"}}}).ok());
  Result<std::optional<OffsetAndMetadata>> with_metadata = first->committed({"orders", 1});
  REQUIRE(with_metadata.ok());
  CHECK((*with_metadata)->metadata == "replay");
  REQUIRE(first->close().ok());
  test::fill(*cluster, "orders", 1);
  auto second = joined(*cluster, "dash", "orders", 2, {{"enable.auto.commit", str("false")}});
  CHECK(*second->position({"orders", 0}) == 10);
  CHECK(*second->position({"orders", 1}) == 4);
  CHECK(drain(*cluster, *second) == 1 + 7);
  SUBCASE("a new group starts by auto.offset.reset instead") {
    auto fresh = joined(*cluster, "other", "orders", 2, {{"auto.offset.reset", str("latest")}});
    CHECK(*fresh->position({"orders", 0}) == 11);
    CHECK(drain(*cluster, *fresh) == 0);
  }
}

TEST_CASE("auto-commit runs inside poll every auto.commit.interval.ms") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  test::fill(*cluster, "orders", 3);
  auto consumer = test::group_consumer(*cluster, "dash", {{"auto.commit.interval.ms", num(2000)}});
  const TimeMs created = cluster->now();
  REQUIRE(consumer->subscribe({"orders"}).ok());
  test::poll_together(*cluster, {consumer.get()}, 12000);
  std::vector<TimeMs> commits;
  for (const ClusterEvent& event : test::events_of_kind(*cluster, "OffsetsCommitted")) commits.push_back(event.time);
  REQUIRE(commits.size() >= 3);
  // The first auto-commit with something to commit is the first interval after the assignment; then
  // one every interval (sent at created + k*2000, stored one network hop + replication later).
  for (std::size_t i = 1; i < commits.size(); ++i) CHECK(commits[i] - commits[i - 1] == 2000);
  CHECK((commits[0] - created) % 2000 <= 10);
  CHECK(committed_offset(*consumer, {"orders", 0}) == 3);
  SUBCASE("enable.auto.commit=false commits nothing") {
    auto manual = test::group_consumer(*cluster, "manual", {{"enable.auto.commit", str("false")}});
    REQUIRE(manual->subscribe({"orders"}).ok());
    test::poll_together(*cluster, {manual.get()}, 12000);
    CHECK(committed_offset(*manual, {"orders", 0}) == -1);
  }
}

TEST_CASE("close() commits and leaves at once; crash() neither commits nor leaves") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  test::fill(*cluster, "orders", 5);
  SUBCASE("close") {
    auto consumer = joined(*cluster, "dash", "orders", 1);
    CHECK(drain(*cluster, *consumer, 300) == 5);
    const TimeMs closing = cluster->now();
    REQUIRE(consumer->close().ok());
    auto reader = test::make_consumer(*cluster, {{"group.id", str("dash")}});
    CHECK(committed_offset(*reader, {"orders", 0}) == 5);
    CHECK(test::first_event_time(*cluster, "MemberLeft") - closing < 100);
    CHECK(test::state_of(*cluster, "dash") == "Empty");
  }
  SUBCASE("crash") {
    auto consumer = joined(*cluster, "dash", "orders", 1, {{"auto.commit.interval.ms", num(100000)}});
    CHECK(drain(*cluster, *consumer, 300) == 5);
    consumer->crash();
    auto reader = test::make_consumer(*cluster, {{"group.id", str("dash")}});
    CHECK(committed_offset(*reader, {"orders", 0}) == -1);
    CHECK(test::state_of(*cluster, "dash") == "Stable");  // until the session times out
  }
}

TEST_CASE("commit_async reports through its callback at a later poll") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  test::fill(*cluster, "orders", 4);
  auto consumer = joined(*cluster, "dash", "orders", 1, {{"enable.auto.commit", str("false")}});
  CHECK(drain(*cluster, *consumer, 300) == 4);
  int calls = 0;
  std::optional<ErrorCode> outcome;
  consumer->commit_async([&](const std::map<TopicPartition, OffsetAndMetadata>& offsets, const Error* error) {
    ++calls;
    outcome = error ? error->code : ErrorCode::NONE;
    CHECK(offsets.at(TopicPartition{"orders", 0}).offset == 4);
  });
  CHECK(calls == 0);
  drain(*cluster, *consumer, 100);
  CHECK(calls == 1);
  CHECK(outcome == ErrorCode::NONE);
  CHECK(committed_offset(*consumer, {"orders", 0}) == 4);
}

TEST_CASE("a commit from a member the group has moved on from fails as CommitFailedException") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto slow = joined(*cluster, "dash", "orders", 2, {{"max.poll.interval.ms", num(10000)}, {"enable.auto.commit", str("false")}});
  auto other = test::group_consumer(*cluster, "dash");
  REQUIRE(other->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {other.get()}, [&] { return other->assignment().size() == 2; }, 60000);
  Status commit = slow->commit_sync({{TopicPartition{"orders", 0}, OffsetAndMetadata{1, ""}}});
  REQUIRE_FALSE(commit.ok());
  CHECK((commit.error().code == ErrorCode::ILLEGAL_GENERATION || commit.error().code == ErrorCode::UNKNOWN_MEMBER_ID));
  CHECK(commit.error().message.rfind("CommitFailedException: Commit cannot be completed since the group has already "
                                     "rebalanced", 0) == 0);
}

TEST_CASE("like the Java client, a member may commit a partition it is not assigned") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  auto a = test::group_consumer(*cluster, "dash", {{"enable.auto.commit", str("false")}});
  auto b = test::group_consumer(*cluster, "dash", {{"enable.auto.commit", str("false")}});
  REQUIRE(a->subscribe({"orders"}).ok());
  REQUIRE(b->subscribe({"orders"}).ok());
  test::poll_until(*cluster, {a.get(), b.get()}, [&] { return a->assignment().size() == 1 && b->assignment().size() == 1; });
  const TopicPartition not_mine = b->assignment().front();
  CHECK(a->commit_sync({{not_mine, OffsetAndMetadata{0, ""}}}).ok());
  Status missing = a->commit_sync({{TopicPartition{"nope", 0}, OffsetAndMetadata{0, ""}}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK(missing.error().message == "Topic or Partition nope-0 does not exist");
}

TEST_CASE("committed offsets survive the failure of the coordinator's broker") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2, 3);
  test::fill(*cluster, "orders", 6);
  auto consumer = joined(*cluster, "dash", "orders", 2, {{"enable.auto.commit", str("false")}});
  CHECK(drain(*cluster, *consumer) == 12);
  REQUIRE(consumer->commit_sync().ok());
  const Topic* offsets_topic = cluster->find_topic("__consumer_offsets");
  REQUIRE(offsets_topic != nullptr);
  CHECK(offsets_topic->partition_count() == 50);
  CHECK(offsets_topic->partitions[0]->replicas.size() == 3);
  const BrokerId old_coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  REQUIRE(cluster->stop_broker(old_coordinator).ok());
  cluster->advance(10);
  const BrokerId new_coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  CHECK(new_coordinator != old_coordinator);
  CHECK(new_coordinator >= 0);
  std::vector<ClusterEvent> moved = test::events_of_kind(*cluster, "CoordinatorMoved");
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].partition == group::partition_for_group("dash", 50));
  CHECK(moved[0].broker == new_coordinator);
  CHECK(test::events_of_kind(*cluster, "GroupLoaded").size() == 1);
  // The group keeps going on the new coordinator: the member finds it and commits again.
  test::fill(*cluster, "orders", 1);
  CHECK(drain(*cluster, *consumer, 6000) == 2);
  REQUIRE(consumer->commit_sync().ok());
  auto reader = test::make_consumer(*cluster, {{"group.id", str("dash")}});
  CHECK(committed_offset(*reader, {"orders", 0}) == 7);
  CHECK(committed_offset(*reader, {"orders", 1}) == 7);
  CHECK(consumer->generation() == 1);  // no rebalance was needed
}

TEST_CASE("an assign() consumer with a group.id commits outside group management") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  test::fill(*cluster, "orders", 3);
  auto consumer = test::make_consumer(*cluster, {{"group.id", str("manual")}, {"auto.offset.reset", str("earliest")},
                                                  {"enable.auto.commit", str("false")}});
  REQUIRE(consumer->assign({{"orders", 0}}).ok());
  CHECK(drain(*cluster, *consumer, 100) == 3);
  REQUIRE(consumer->commit_sync().ok());
  CHECK(committed_offset(*consumer, {"orders", 0}) == 3);
  CHECK(test::state_of(*cluster, "manual") == "Empty");
  CHECK(consumer->subscription().empty());
}

TEST_CASE("commits are records in __consumer_offsets that Kafka's formatter prints") {
  auto cluster = test::make_cluster(ClusterOptions{.brokers = 1});
  test::make_topic(*cluster, "orders", 1);
  test::fill(*cluster, "orders", 2);
  auto consumer = joined(*cluster, "dash", "orders", 1, {{"enable.auto.commit", str("false")}});
  drain(*cluster, *consumer, 100);
  REQUIRE(consumer->commit_sync().ok());
  const Topic* topic = cluster->find_topic("__consumer_offsets");
  REQUIRE(topic != nullptr);
  CHECK(topic->partitions[0]->replicas.size() == 1);  // min(3, brokers)
  const int32_t partition = group::partition_for_group("dash", 50);
  std::vector<std::string> offsets_lines, group_lines;
  const PartitionLog& log = topic->partitions[static_cast<std::size_t>(partition)]->log();
  DecompressedBatches decompressed;
  REQUIRE(log.read(0, log.log_end_offset(), decompressed, [&](const RecordView& record) {
    if (auto line = group::format_offsets_message(record.key, record.value)) offsets_lines.push_back(*line);
    if (auto line = group::format_group_metadata_message(record.key, record.value)) group_lines.push_back(*line);
    return true;
  }).ok());
  REQUIRE(offsets_lines.size() == 1);
  // The epoch of the last record read (the partition's first leader, epoch 0) goes with the commit.
  const std::string expected_prefix = "[dash,orders,0]::OffsetAndMetadata(offset=2, leaderEpoch=Optional[0], metadata=, commitTimestamp=";
  CHECK(offsets_lines[0].rfind(expected_prefix, 0) == 0);
  CHECK(offsets_lines[0].find(", expireTimestamp=None)") != std::string::npos);
  REQUIRE(group_lines.size() == 1);
  CHECK(group_lines[0].rfind("dash::GroupMetadata(groupId=dash, generation=1, protocolType=Some(consumer), "
                             "currentState=Stable, members=HashMap(" + consumer->member_id() + " -> MemberMetadata(memberId=" +
                                 consumer->member_id() + ", groupInstanceId=None, clientId=consumer-",
                             0) == 0);
  CHECK(group_lines[0].find("clientHost=/127.0.0.1, sessionTimeoutMs=45000, rebalanceTimeoutMs=300000, "
                            "supportedProtocols=List(range))") != std::string::npos);
}
