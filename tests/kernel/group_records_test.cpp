// The group's storage format and placement: Java String.hashCode placement on __consumer_offsets,
// the topic's lazy creation, and Kafka's binary records round-tripping.
#include <doctest/doctest.h>

#include "group/consumer_protocol.hpp"
#include "group/coordinator_records.hpp"
#include "group/offsets_topic.hpp"
#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

TEST_CASE("a group's partition is Utils.abs(String.hashCode) % offsets.topic.num.partitions") {
  // Vectors from the reference (JDK 17): kafka-semantics.md §2.
  CHECK(group::partition_for_group("my-group", 50) == 12);
  CHECK(group::partition_for_group("test-group", 50) == 12);
  CHECK(group::partition_for_group("group1", 50) == 40);
  CHECK(group::partition_for_group("console-consumer-12345", 50) == 6);
  CHECK(group::partition_for_group("orders-service", 50) == 17);
  CHECK(group::partition_for_group("", 50) == 0);
  CHECK(group::partition_for_group("polygenelubricants", 50) == 0);  // hashCode is Integer.MIN_VALUE
  CHECK(group::partition_for_group("ключ", 50) == 32);
}

TEST_CASE("__consumer_offsets is created on first use: 50 partitions, compacted, min(3, brokers) replicas") {
  for (int32_t brokers : {1, 2, 3, 5}) {
    CAPTURE(brokers);
    auto cluster = test::make_cluster(ClusterOptions{.brokers = brokers});
    CHECK(cluster->find_topic(group::kOffsetsTopic) == nullptr);
    Result<Topic*> created = group::ensure_offsets_topic(*cluster);
    REQUIRE(created.ok());
    CHECK((*created)->partition_count() == 50);
    CHECK(static_cast<int32_t>((*created)->partitions[0]->replicas.size()) == std::min(3, brokers));
    Result<TopicDescription> described = cluster->describe_topic("__consumer_offsets");
    REQUIRE(described.ok());
    for (const TopicConfigEntry& entry : described->configs)
      if (entry.name == "cleanup.policy") CHECK(entry.value == "compact");
  }
  SUBCASE("an explicit replication factor above the live brokers: COORDINATOR_NOT_AVAILABLE") {
    auto cluster = test::make_cluster(ClusterOptions{.brokers = 1, .config = {{"offsets.topic.replication.factor", num(3)}}});
    Result<Topic*> created = group::ensure_offsets_topic(*cluster);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code == ErrorCode::COORDINATOR_NOT_AVAILABLE);
    CHECK(created.error().message.rfind("Number of alive brokers '1' does not meet the required replication factor '3'", 0) == 0);
  }
  SUBCASE("offsets.topic.num.partitions moves groups") {
    auto cluster = test::make_cluster(ClusterOptions{.config = {{"offsets.topic.num.partitions", num(7)}}});
    Result<Topic*> created = group::ensure_offsets_topic(*cluster);
    REQUIRE(created.ok());
    CHECK((*created)->partition_count() == 7);
  }
}

TEST_CASE("offset commit and group metadata records use Kafka's binary layout") {
  const std::string key = group::encode_key(group::OffsetCommitKey{"g", {"t", 1}});
  // version 1 | "g" | "t" | partition 1
  CHECK(key == std::string("\x00\x01\x00\x01g\x00\x01t\x00\x00\x00\x01", 12));
  const std::string value = group::encode_offset_value(group::OffsetCommitValue{5, 2, "m", 1000});
  CHECK(value.size() == 2 + 8 + 4 + 3 + 8);
  CHECK(value.substr(0, 2) == std::string("\x00\x03", 2));
  std::optional<group::OffsetCommitValue> decoded = group::decode_offset_value(value);
  REQUIRE(decoded);
  CHECK(decoded->offset == 5);
  CHECK(decoded->leader_epoch == 2);
  CHECK(decoded->metadata == "m");
  CHECK(decoded->commit_timestamp == 1000);
  CHECK(group::format_offsets_message(key, value) ==
        "[g,t,1]::OffsetAndMetadata(offset=5, leaderEpoch=Optional[2], metadata=m, commitTimestamp=1000, "
        "expireTimestamp=None)");
  CHECK(group::encode_key(group::GroupMetadataKey{"g"}) == std::string("\x00\x02\x00\x01g", 5));
  group::GroupMetadataValue metadata{"consumer", 3, "range", "m-1", 42,
                                     {{"m-1", std::nullopt, "c", "/127.0.0.1", 300000, 45000, "sub", "asg"}}};
  std::optional<group::GroupMetadataValue> round = group::decode_group_value(group::encode_group_value(metadata));
  REQUIRE(round);
  CHECK(round->generation == 3);
  CHECK(round->members.at(0).assignment == "asg");
  CHECK(group::format_group_metadata_message(group::encode_key(group::GroupMetadataKey{"g"}), std::nullopt) == "g::NULL");
  CHECK_FALSE(group::format_offsets_message(group::encode_key(group::GroupMetadataKey{"g"}), std::nullopt));
  SUBCASE("bad bytes are refused, not read past their end") {
    CHECK_FALSE(group::decode_key(std::string("\x00\x01\x00\x09g", 5)));
    CHECK_FALSE(group::decode_offset_value(std::string("\x00\x03\x00", 3)));
    CHECK_FALSE(group::decode_group_value(std::string("\x00\x09", 2)));
    CHECK_FALSE(group::decode_subscription(std::string("\x00\x03\x7f\xff\xff\xff", 6)));
    CHECK(group::format_offsets_message(std::string("junk"), std::nullopt) == std::nullopt);
  }
}

TEST_CASE("consumer protocol subscriptions and assignments round-trip") {
  group::Subscription subscription{{"a", "b"}, std::nullopt, {{"a", 0}, {"b", 2}, {"a", 1}}, 7};
  std::optional<group::Subscription> back = group::decode_subscription(group::encode_subscription(subscription));
  REQUIRE(back);
  CHECK(back->topics == std::vector<std::string>{"a", "b"});
  CHECK(back->owned_partitions == std::vector<group::TopicPartition>{{"a", 0}, {"a", 1}, {"b", 2}});
  CHECK(back->generation == 7);
  std::optional<std::vector<group::TopicPartition>> assigned =
      group::decode_assignment(group::encode_assignment({{"x", 3}, {"x", 1}}));
  REQUIRE(assigned);
  CHECK(assigned->size() == 2);
  CHECK(group::decode_assignment("")->empty());
}
