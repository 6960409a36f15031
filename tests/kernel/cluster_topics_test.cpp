// Topics on the cluster: creation checks in Kafka's order and words, auto-creation, growing the
// partition count, topic ids, placement and configs as describe shows them.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "cluster/cluster.hpp"
#include "cluster/topic_name.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

Error create_error(Cluster& cluster, const std::string& name, TopicSpec spec) {
  Result<CreateTopicResult> created = cluster.create_topic(name, spec);
  REQUIRE_FALSE(created.ok());
  CHECK(cluster.find_topic(name) == nullptr);
  return created.error();
}

std::vector<std::vector<BrokerId>> replicas_of(const Topic& topic) {
  std::vector<std::vector<BrokerId>> out;
  for (const auto& partition : topic.partitions) out.push_back(partition->replicas);
  return out;
}

}  // namespace

TEST_CASE("a created topic has its partitions, replicas, leaders and a full ISR; names list sorted") {
  auto cluster = test::make_cluster();
  Topic& orders = test::make_topic(*cluster, "orders", 3, 3);
  test::make_topic(*cluster, "clicks", 1, 1);
  CHECK(cluster->topic_names() == std::vector<std::string>{"clicks", "orders"});
  REQUIRE(orders.partition_count() == 3);
  for (const auto& partition : orders.partitions) {
    CHECK(partition->replicas.size() == 3);
    CHECK(partition->leader == partition->replicas.front());
    CHECK(partition->in_sync_replicas == partition->replicas);
    CHECK(partition->high_watermark() == 0);
  }
}

TEST_CASE("creating a topic that exists is TOPIC_ALREADY_EXISTS") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 3);
  Result<CreateTopicResult> again = cluster->create_topic("orders", TopicSpec{1, 1, {}});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::TOPIC_ALREADY_EXISTS);
  CHECK(again.error().message == "Topic 'orders' already exists.");
  CHECK(cluster->find_topic("orders")->partition_count() == 3);
}

TEST_CASE("a name that collides with an existing topic is refused; '.' or '_' earns the warning") {
  auto cluster = test::make_cluster();
  Result<CreateTopicResult> dotted = cluster->create_topic("my.topic", TopicSpec{1, 1, {}});
  REQUIRE(dotted.ok());
  CHECK(dotted->warnings == std::vector<std::string>{std::string(collision_warning())});
  Error collision = create_error(*cluster, "my_topic", TopicSpec{1, 1, {}});
  CHECK(collision.code == ErrorCode::INVALID_TOPIC_EXCEPTION);
  CHECK(collision.message == "Topic 'my_topic' collides with existing topic: my.topic");
  Result<CreateTopicResult> plain = cluster->create_topic("my-topic", TopicSpec{1, 1, {}});
  REQUIRE(plain.ok());
  CHECK(plain->warnings.empty());
}

TEST_CASE("an invalid name is refused before anything else") {
  auto cluster = test::make_cluster();
  Error error = create_error(*cluster, "bad name", TopicSpec{0, 9, {}});
  CHECK(error.code == ErrorCode::INVALID_TOPIC_EXCEPTION);
}

TEST_CASE("zero or negative partitions (other than -1) are INVALID_PARTITIONS") {
  auto cluster = test::make_cluster();
  for (int32_t partitions : {0, -2, -5}) {
    Error error = create_error(*cluster, "t", TopicSpec{partitions, 1, {}});
    CHECK(error.code == ErrorCode::INVALID_PARTITIONS);
    CHECK(error.message == "Number of partitions was set to an invalid non-positive value.");
  }
}

TEST_CASE("a replication factor above the broker count, or below one, is INVALID_REPLICATION_FACTOR") {
  auto cluster = test::make_cluster(ClusterOptions{3, 42, {}, 1});
  Error too_many = create_error(*cluster, "t", TopicSpec{1, 4, {}});
  CHECK(too_many.code == ErrorCode::INVALID_REPLICATION_FACTOR);
  CHECK(too_many.message ==
        "Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because "
        "only 3 broker(s) are registered.");
  CHECK(create_error(*cluster, "t", TopicSpec{1, 0, {}}).code == ErrorCode::INVALID_REPLICATION_FACTOR);
  CHECK(cluster->create_topic("t", TopicSpec{1, 3, {}}).ok());
}

TEST_CASE("a bad topic config is INVALID_CONFIG and creates nothing") {
  auto cluster = test::make_cluster();
  Error error = create_error(*cluster, "t", TopicSpec{1, 1, {{"segment.byte", num(1000)}}});
  CHECK(error.code == ErrorCode::INVALID_CONFIG);
  CHECK(error.message == "unknown topic config 'segment.byte' — did you mean 'segment.bytes'?");
}

TEST_CASE("-1 partitions or replication factor mean the broker default, as in CreateTopics") {
  // ReplicationControlManager.createTopic: numPartitions == -1 -> num.partitions, replicationFactor
  // == -1 -> default.replication.factor (KIP-464). klab's own message says "or -1 to use the default".
  auto cluster = test::make_cluster(ClusterOptions{3, 42, {{"num.partitions", num(4)}, {"default.replication.factor", num(2)}}, 1});
  Result<CreateTopicResult> created = cluster->create_topic("t", TopicSpec{-1, -1, {}});
  CHECK(created.ok());
  REQUIRE(cluster->find_topic("t") != nullptr);
  CHECK(cluster->find_topic("t")->partition_count() == 4);
  CHECK(cluster->find_topic("t")->partitions[0]->replicas.size() == 2);
}

TEST_CASE("without a partition count or replication factor the broker defaults apply") {
  SUBCASE("Kafka's defaults: one partition, one replica") {
    auto cluster = test::make_cluster();
    REQUIRE(cluster->create_topic("t", TopicSpec{}).ok());
    CHECK(cluster->find_topic("t")->partition_count() == 1);
    CHECK(cluster->find_topic("t")->partitions[0]->replicas.size() == 1);
  }
  SUBCASE("num.partitions and default.replication.factor set on the brokers") {
    auto cluster = test::make_cluster(
        ClusterOptions{3, 42, {{"num.partitions", num(4)}, {"default.replication.factor", num(2)}}, 1});
    REQUIRE(cluster->create_topic("t", TopicSpec{}).ok());
    CHECK(cluster->find_topic("t")->partition_count() == 4);
    CHECK(cluster->find_topic("t")->partitions[0]->replicas.size() == 2);
  }
}

TEST_CASE("producing to a missing topic creates it unless auto.create.topics.enable is false") {
  SUBCASE("enabled (the default): created with num.partitions") {
    auto cluster = test::make_cluster(ClusterOptions{3, 42, {{"num.partitions", num(3)}}, 1});
    Result<Topic*> topic = cluster->topic_for_produce("new-topic");
    REQUIRE(topic.ok());
    CHECK((*topic)->partition_count() == 3);
    CHECK(cluster->topic_names() == std::vector<std::string>{"new-topic"});
  }
  SUBCASE("disabled: UNKNOWN_TOPIC_OR_PARTITION, and nothing is created") {
    auto cluster = test::make_cluster(ClusterOptions{3, 42, {{"auto.create.topics.enable", ConfigInput(false)}}, 1});
    Result<Topic*> topic = cluster->topic_for_produce("new-topic");
    REQUIRE_FALSE(topic.ok());
    CHECK(topic.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    CHECK(topic.error().retriable());
    CHECK(cluster->topic_names().empty());
  }
  SUBCASE("an invalid name is INVALID_TOPIC_EXCEPTION, not a new topic") {
    auto cluster = test::make_cluster();
    Result<Topic*> topic = cluster->topic_for_produce("no spaces please");
    REQUIRE_FALSE(topic.ok());
    CHECK(topic.error().code == ErrorCode::INVALID_TOPIC_EXCEPTION);
  }
}

TEST_CASE("create_partitions only grows, continuing the placement pattern from partition 0's leader") {
  auto cluster = test::make_cluster();
  Topic& topic = test::make_topic(*cluster, "t", 3, 2);
  const auto before = replicas_of(topic);
  CHECK(cluster->create_partitions("t", 3).error().code == ErrorCode::INVALID_PARTITIONS);
  CHECK(cluster->create_partitions("t", 2).error().code == ErrorCode::INVALID_PARTITIONS);
  CHECK(cluster->create_partitions("nope", 5).error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  REQUIRE(cluster->create_partitions("t", 5).ok());
  REQUIRE(topic.partition_count() == 5);
  const auto after = replicas_of(topic);
  CHECK(std::vector<std::vector<BrokerId>>(after.begin(), after.begin() + 3) == before);
  const auto start = static_cast<int32_t>(before[0][0] - 1);  // brokers are 1..3: index = id - 1
  CHECK(std::vector<std::vector<BrokerId>>(after.begin() + 3, after.end()) ==
        assign_replicas(cluster->broker_ids(), 2, 2, AssignmentStart{start, start}, 3));
  CHECK(topic.partitions[4]->id == 4);
  CHECK(topic.partitions[4]->leader == topic.partitions[4]->replicas.front());
}

TEST_CASE("create_partitions refuses a decrease and a no-op with the controller's messages") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 3);
  CHECK(cluster->create_partitions("t", 2).error().message ==
        "The topic t currently has 3 partition(s); 2 would not be an increase.");
  CHECK(cluster->create_partitions("t", 3).error().message == "Topic already has 3 partition(s).");
}

TEST_CASE("a topic's placement is Kafka's rack-unaware assignment for some drawn start and shift") {
  auto cluster = test::make_cluster(ClusterOptions{4, 7, {}, 1});
  Topic& topic = test::make_topic(*cluster, "t", 9, 3);
  const auto actual = replicas_of(topic);
  int matches = 0;
  for (int32_t start = 0; start < 4; ++start)
    for (int32_t shift = 0; shift < 4; ++shift)
      if (assign_replicas(cluster->broker_ids(), 9, 3, AssignmentStart{start, shift}) == actual) ++matches;
  CHECK(matches == 1);
}

TEST_CASE("topic ids are 22 URL-safe base64 characters, distinct, and the same for the same seed") {
  auto first = test::make_cluster(ClusterOptions{3, 42, {}, 1});
  auto second = test::make_cluster(ClusterOptions{3, 42, {}, 1});
  auto other_seed = test::make_cluster(ClusterOptions{3, 43, {}, 1});
  std::set<std::string> ids;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    const std::string id = test::make_topic(*first, name, 1).topic_id.to_string();
    CHECK(id.size() == 22);
    CHECK(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    CHECK(id.front() != '-');
    CHECK(test::make_topic(*second, name, 1).topic_id.to_string() == id);
    CHECK(test::make_topic(*other_seed, name, 1).topic_id.to_string() != id);
    ids.insert(id);
  }
  CHECK(ids.size() == 5);
  const Uuid id = first->find_topic("a")->topic_id;
  CHECK((id.most_significant & 0xF000u) == 0x4000u);  // version 4, as java.util.UUID.randomUUID()
  CHECK((id.least_significant >> 62) == 2u);          // IETF variant
}

TEST_CASE("Uuid prints as Kafka's Uuid.toString: base64url of the 16 bytes, no padding") {
  CHECK(Uuid{0, 0}.to_string() == "AAAAAAAAAAAAAAAAAAAAAA");  // Uuid.ZERO_UUID
  CHECK(Uuid{0, 1}.to_string() == "AAAAAAAAAAAAAAAAAAAAAQ");  // Uuid.METADATA_TOPIC_ID
  CHECK(Uuid{~0ull, ~0ull}.to_string() == "_____________________w");
  CHECK(Uuid{0xFBull << 56, 0}.to_string() == "-wAAAAAAAAAAAAAAAAAAAA");
}

TEST_CASE("a Streams process id prints as java.util.UUID does: 8-4-4-4-12 lowercase hex") {
  CHECK(Uuid{0x123e4567e89b42d3ull, 0xa456426614174000ull}.to_java_string() == "123e4567-e89b-42d3-a456-426614174000");
  CHECK(Uuid{0, 1}.to_java_string() == "00000000-0000-0000-0000-000000000001");
  Rng rng(7);
  const std::string random = Uuid::random(rng).to_java_string();
  REQUIRE(random.size() == 36);
  CHECK(random[14] == '4');  // version 4, as randomUUID()
  CHECK(std::string("89ab").find(random[19]) != std::string::npos);  // the IETF variant
}

TEST_CASE("describe_topic reports each topic config with its value and where it came from") {
  auto cluster = test::make_cluster(ClusterOptions{3, 42, {{"log.segment.bytes", num(1048576)}}, 1});
  test::make_topic(*cluster, "t", 2, 2, {{"message.timestamp.type", str("LogAppendTime")}});
  Result<TopicDescription> description = cluster->describe_topic("t");
  REQUIRE(description.ok());
  CHECK(description->name == "t");
  CHECK(description->topic_id == cluster->find_topic("t")->topic_id.to_string());
  CHECK(description->replication_factor == 2);
  REQUIRE(description->partitions.size() == 2);
  CHECK(description->partitions[1].partition == 1);
  auto entry = [&](std::string_view name) {
    for (const TopicConfigEntry& e : description->configs)
      if (e.name == name) return e;
    FAIL("no config entry " << name);
    return TopicConfigEntry{};
  };
  CHECK(entry("message.timestamp.type").value == "LogAppendTime");
  CHECK(entry("message.timestamp.type").source == ConfigSource::TopicConfig);
  CHECK(entry("segment.bytes").value == "1048576");
  CHECK(entry("segment.bytes").source == ConfigSource::StaticBrokerConfig);
  CHECK(entry("segment.ms").value == "604800000");
  CHECK(entry("segment.ms").source == ConfigSource::Default);
  CHECK(cluster->find_topic("t")->partitions[0]->log().config().segment_bytes == 1048576);
  CHECK(cluster->find_topic("t")->partitions[0]->log().config().timestamp_type == TimestampType::LogAppendTime);
  CHECK(cluster->describe_topic("nope").error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}

TEST_CASE("log.roll.hours supplies segment.ms unless log.roll.ms is set") {
  auto hours = test::make_cluster(ClusterOptions{1, 42, {{"log.roll.hours", num(1)}}, 1});
  CHECK(test::make_topic(*hours, "t", 1).partitions[0]->log().config().segment_ms == 3600000);
  auto both = test::make_cluster(ClusterOptions{1, 42, {{"log.roll.hours", num(1)}, {"log.roll.ms", num(5000)}}, 1});
  CHECK(test::make_topic(*both, "t", 1).partitions[0]->log().config().segment_ms == 5000);
}

TEST_CASE("altering a topic config reaches its logs; deleting a topic removes it") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 2);
  REQUIRE(cluster->alter_topic_config("t", {{"segment.bytes", num(1000)}}).ok());
  CHECK(cluster->find_topic("t")->partitions[1]->log().config().segment_bytes == 1000);
  CHECK(cluster->alter_topic_config("t", {{"segment.bytes", num(1)}}).error().code == ErrorCode::INVALID_CONFIG);
  CHECK(cluster->find_topic("t")->partitions[1]->log().config().segment_bytes == 1000);
  REQUIRE(cluster->delete_topic("t").ok());
  CHECK(cluster->find_topic("t") == nullptr);
  CHECK(cluster->delete_topic("t").error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}
