// kafka-consumer-groups.sh as data: list, describe (offsets, lag, owners, the notices), reset
// offsets (dry run by default, refused for an active group, clamped into the log) and delete.
#include <doctest/doctest.h>

#include "group/group_admin.hpp"
#include "group/coordinator_records.hpp"
#include "group/offsets_topic.hpp"
#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::unique_ptr<Consumer> joined(Cluster& cluster, const std::string& group, const std::string& topic) {
  auto consumer = test::group_consumer(cluster, group, {{"enable.auto.commit", str("false")}});
  REQUIRE(consumer->subscribe({topic}).ok());
  test::poll_until(cluster, {consumer.get()}, [&] { return consumer->member_state() == MemberState::Stable; });
  return consumer;
}

int64_t committed_offset(Cluster& cluster, const std::string& group, const group::TopicPartition& tp) {
  const group::ClassicGroup* found = group::GroupCoordinator::of(cluster).find_group(group);
  if (!found) return -1;
  auto it = found->offsets.find(tp);
  return it == found->offsets.end() ? -1 : it->second.offset;
}

}  // namespace

TEST_CASE("describe lists each partition with its committed offset, log end offset, lag and owner") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  test::fill(*cluster, "orders", 10);
  auto consumer = joined(*cluster, "dash", "orders");
  REQUIRE(consumer->commit_sync({{TopicPartition{"orders", 0}, OffsetAndMetadata{5, ""}}}).ok());
  group::GroupDescription described = group::describe_group(*cluster, "dash");
  CHECK(described.state == "Stable");
  CHECK(described.assignment_strategy == "range");
  CHECK(described.notice.empty());
  REQUIRE(described.partitions.size() == 2);
  const group::GroupPartitionRow& p0 = described.partitions[0];
  CHECK(p0.topic == "orders");
  CHECK(p0.partition == 0);
  CHECK(p0.current_offset == 5);
  CHECK(p0.log_end_offset == 10);
  CHECK(p0.lag == 5);
  CHECK(p0.consumer_id == consumer->member_id());
  CHECK(p0.host == "/127.0.0.1");
  CHECK(p0.client_id == consumer->client_id());
  const group::GroupPartitionRow& p1 = described.partitions[1];
  CHECK_FALSE(p1.current_offset.has_value());
  CHECK_FALSE(p1.lag.has_value());
  REQUIRE(described.members.size() == 1);
  CHECK(described.members[0].assignment.size() == 2);
  std::vector<group::GroupOverview> groups = group::list_groups(*cluster);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].group_id == "dash");
  CHECK(groups[0].state == "Stable");
  CHECK(groups[0].protocol_type == "consumer");
  SUBCASE("once the members are gone: no owners and Kafka's notice") {
    REQUIRE(consumer->close().ok());
    cluster->advance(10);
    group::GroupDescription empty = group::describe_group(*cluster, "dash");
    CHECK(empty.state == "Empty");
    CHECK(empty.notice == "Consumer group 'dash' has no active members.");
    REQUIRE(empty.partitions.size() == 1);  // only what was committed
    CHECK(empty.partitions[0].consumer_id == "-");
  }
  SUBCASE("a group that does not exist") {
    group::GroupDescription missing = group::describe_group(*cluster, "nobody");
    CHECK(missing.state == "Dead");
    CHECK(missing.notice == "Error: Consumer group 'nobody' does not exist.");
  }
}

TEST_CASE("reset offsets is refused while the group has members, with Kafka's message") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto consumer = joined(*cluster, "dash", "orders");
  group::ResetOffsetsRequest request{"dash", {{"orders", {}}}, false, group::ResetScope::ToEarliest, 0, true};
  Result<group::ResetOffsetsResult> refused = group::reset_offsets(*cluster, request);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::NON_EMPTY_GROUP);
  CHECK(refused.error().message ==
        "Assignments can only be reset if the group 'dash' is inactive, but the current state is Stable.");
}

TEST_CASE("reset offsets: a plan by default, applied with execute, clamped into the log") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2);
  test::fill(*cluster, "orders", 10);
  {
    auto consumer = joined(*cluster, "dash", "orders");
    REQUIRE(consumer->commit_sync({{TopicPartition{"orders", 0}, OffsetAndMetadata{8, ""}},
                                   {TopicPartition{"orders", 1}, OffsetAndMetadata{8, ""}}})
                .ok());
    REQUIRE(consumer->close().ok());
  }
  cluster->advance(10);
  using group::ResetScope;
  auto plan = [&](ResetScope scope, int64_t value, bool execute = false) {
    Result<group::ResetOffsetsResult> result =
        group::reset_offsets(*cluster, group::ResetOffsetsRequest{"dash", {{"orders", {}}}, false, scope, value, execute});
    REQUIRE(result.ok());
    return std::move(result).value();
  };
  group::ResetOffsetsResult earliest = plan(ResetScope::ToEarliest, 0);
  CHECK(earliest.plan[0].new_offset == 0);
  CHECK_FALSE(earliest.executed);
  CHECK(committed_offset(*cluster, "dash", {"orders", 0}) == 8);  // a dry run changes nothing
  CHECK(plan(ResetScope::ToLatest, 0).plan[1].new_offset == 10);
  CHECK(plan(ResetScope::ShiftBy, -3).plan[0].new_offset == 5);
  group::ResetOffsetsResult beyond = plan(ResetScope::ToOffset, 25);
  CHECK(beyond.plan[0].new_offset == 10);
  REQUIRE(beyond.warnings.size() == 2);
  CHECK(beyond.warnings[0] ==
        "New offset (25) is higher than latest offset for topic partition orders-0. Value will be set to 10");
  group::ResetOffsetsResult below = plan(ResetScope::ShiftBy, -20);
  CHECK(below.plan[0].new_offset == 0);
  CHECK(below.warnings[0] ==
        "New offset (-12) is lower than earliest offset for topic partition orders-0. Value will be set to 0");
  group::ResetOffsetsResult executed = plan(ResetScope::ToOffset, 3, true);
  CHECK(executed.executed);
  CHECK(committed_offset(*cluster, "dash", {"orders", 0}) == 3);
  CHECK(committed_offset(*cluster, "dash", {"orders", 1}) == 3);
  auto resumed = joined(*cluster, "dash", "orders");
  CHECK(*resumed->position({"orders", 0}) == 3);
}

TEST_CASE("reset offsets by time: to_datetime and by_duration find the first record at or after the time") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(test::produce(*producer, "orders", "v" + std::to_string(i)).ok());
    cluster->advance(1000);
  }
  const TimeMs third = test::read_log(test::log_of(*cluster, "orders", 0))[2].timestamp;
  using group::ResetScope;
  Result<group::ResetOffsetsResult> at =
      group::reset_offsets(*cluster, {"replay", {{"orders", {0}}}, false, ResetScope::ToDatetime, third, false});
  REQUIRE(at.ok());
  CHECK(at->plan[0].new_offset == 2);
  Result<group::ResetOffsetsResult> recent =
      group::reset_offsets(*cluster, {"replay", {{"orders", {0}}}, false, ResetScope::ByDuration, cluster->now() - third, false});
  REQUIRE(recent.ok());
  CHECK(recent->plan[0].new_offset == 2);
  Result<group::ResetOffsetsResult> future =
      group::reset_offsets(*cluster, {"replay", {{"orders", {0}}}, false, ResetScope::ToDatetime, cluster->now() + 1, false});
  REQUIRE(future.ok());
  CHECK(future->plan[0].new_offset == 5);
  CHECK(future->warnings.at(0) == "Warn: Partition 0 from topic orders is empty. Falling back to latest known offset.");
  Result<group::ResetOffsetsResult> unknown =
      group::reset_offsets(*cluster, {"replay", {{"nope", {}}}, false, ResetScope::ToEarliest, 0, false});
  CHECK(unknown.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  Result<group::ResetOffsetsResult> no_commit =
      group::reset_offsets(*cluster, {"replay", {{"orders", {}}}, false, ResetScope::ShiftBy, 1, false});
  CHECK(no_commit.error().message == "Cannot shift offset for partition orders-0 since there is no current committed offset");
}

TEST_CASE("delete group: refused while it has members, then its offsets are tombstoned") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1);
  auto consumer = joined(*cluster, "dash", "orders");
  REQUIRE(consumer->commit_sync({{TopicPartition{"orders", 0}, OffsetAndMetadata{0, ""}}}).ok());
  Status busy = group::delete_group(*cluster, "dash");
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().code == ErrorCode::NON_EMPTY_GROUP);
  CHECK(busy.error().message == "The group is not empty.");
  REQUIRE(consumer->close().ok());
  cluster->advance(10);
  REQUIRE(group::delete_group(*cluster, "dash").ok());
  CHECK(group::describe_group(*cluster, "dash").state == "Dead");
  CHECK(group::list_groups(*cluster).empty());
  CHECK(group::delete_group(*cluster, "dash").error().code == ErrorCode::GROUP_ID_NOT_FOUND);
  const Topic* topic = cluster->find_topic("__consumer_offsets");
  const PartitionLog& log = topic->partitions[static_cast<std::size_t>(group::partition_for_group("dash", 50))]->log();
  std::vector<std::string> tail;
  DecompressedBatches decompressed;
  REQUIRE(log.read(0, log.log_end_offset(), decompressed, [&](const RecordView& record) {
    if (auto line = group::format_offsets_message(record.key, record.value)) tail.push_back(*line);
    if (auto line = group::format_group_metadata_message(record.key, record.value)) tail.push_back(*line);
    return true;
  }).ok());
  REQUIRE(tail.size() >= 2);
  CHECK(tail[tail.size() - 2] == "[dash,orders,0]::NULL");
  CHECK(tail.back() == "dash::NULL");
  // A coordinator that loads this partition again finds no group.
  const BrokerId coordinator = group::GroupCoordinator::of(*cluster).coordinator_broker("dash");
  REQUIRE(cluster->stop_broker(coordinator).ok());
  cluster->advance(10);
  CHECK(group::GroupCoordinator::of(*cluster).find_group("dash") == nullptr);
}
