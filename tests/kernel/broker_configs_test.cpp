// Config and topic-creation admin APIs over the wire, against Kafka 3.7's behaviour: the legacy
// AlterConfigs replaces a resource's override set, CreateTopics takes manual replica assignments,
// DescribeConfigs and AlterConfigs on broker resources.
#include "broker_support.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kCreateTopics = 19, kDescribeConfigs = 32, kAlterConfigs = 33;
constexpr int8_t kTopic = 2, kBroker = 4;
constexpr auto kInvalidRequest = static_cast<int16_t>(ErrorCode::INVALID_REQUEST);
constexpr auto kInvalidAssignment = static_cast<int16_t>(ErrorCode::INVALID_REPLICA_ASSIGNMENT);

protocol::AlterConfigsRequest alter_request(int8_t type, const std::string& name,
                                            const std::vector<std::pair<std::string, std::optional<std::string>>>& configs,
                                            bool validate_only = false) {
  protocol::AlterConfigsRequest request;
  auto& resource = request.resources.emplace_back();
  resource.resource_type = type;
  resource.resource_name = name;
  for (const auto& [key, value] : configs) resource.configs.push_back({key, value});
  request.validate_only = validate_only;
  return request;
}

protocol::AlterConfigsResponse::AlterConfigsResourceResponse alter(WireClient& wire, BrokerId broker,
                                                                   const protocol::AlterConfigsRequest& request) {
  auto response = wire.call<protocol::AlterConfigsResponse>(broker, kAlterConfigs, 1, request);
  REQUIRE(response.responses.size() == request.resources.size());
  return response.responses[0];
}

protocol::DescribeConfigsResponse::DescribeConfigsResult describe(WireClient& wire, BrokerId broker, int8_t type,
                                                                  const std::string& name,
                                                                  std::vector<std::string> keys = {}) {
  protocol::DescribeConfigsRequest request;
  auto& resource = request.resources.emplace_back();
  resource.resource_type = type;
  resource.resource_name = name;
  resource.configuration_keys = std::move(keys);
  request.include_synonyms = true;
  auto response = wire.call<protocol::DescribeConfigsResponse>(broker, kDescribeConfigs, 1, request);
  REQUIRE(response.results.size() == 1);
  return response.results[0];
}

const protocol::DescribeConfigsResponse::DescribeConfigsResourceResult* find_config(
    const protocol::DescribeConfigsResponse::DescribeConfigsResult& result, const std::string& name) {
  for (const auto& config : result.configs)
    if (config.name == name) return &config;
  return nullptr;
}

protocol::CreateTopicsRequest assigned(const std::string& name, std::vector<std::vector<int32_t>> replicas,
                                       int32_t partitions = -1, int16_t replication = -1) {
  protocol::CreateTopicsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = name;
  topic.num_partitions = partitions;
  topic.replication_factor = replication;
  for (std::size_t p = 0; p < replicas.size(); ++p)
    topic.assignments.push_back({static_cast<int32_t>(p), replicas[p]});
  return request;
}

protocol::CreateTopicsResponse::CreatableTopicResult create(WireClient& wire, const protocol::CreateTopicsRequest& request) {
  auto response = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, request);
  REQUIRE(response.topics.size() == 1);
  return response.topics[0];
}

}  // namespace

TEST_CASE("AlterConfigs replaces a topic's overrides: the ones it does not name go back to the default") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1, {{"retention.ms", num(1000)}, {"segment.bytes", num(1 << 20)}});
  auto altered = alter(wire, 1, alter_request(kTopic, "orders", {{"cleanup.policy", "compact"}}));
  CHECK(altered.error_code == 0);
  const ConfigSet& config = wire.cluster().find_topic("orders")->config;
  CHECK(config.is_set("cleanup.policy"));
  CHECK_FALSE(config.is_set("retention.ms"));
  CHECK_FALSE(config.is_set("segment.bytes"));
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().config().segment_bytes ==
        wire.cluster().broker_config().get_long("log.segment.bytes"));
  auto described = describe(wire, 1, kTopic, "orders", {"retention.ms"});
  REQUIRE(described.configs.size() == 1);
  CHECK(described.configs[0].config_source == 5);
}

TEST_CASE("AlterConfigs with validate_only checks the whole replacement and changes nothing") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1, {{"retention.ms", num(1000)}});
  CHECK(alter(wire, 1, alter_request(kTopic, "orders", {{"segment.bytes", "2000000"}}, true)).error_code == 0);
  const ConfigSet& config = wire.cluster().find_topic("orders")->config;
  CHECK(config.get_long("retention.ms") == 1000);
  CHECK_FALSE(config.is_set("segment.bytes"));
  auto bad = alter(wire, 1, alter_request(kTopic, "orders", {{"segment.bytes", "1"}}, true));
  CHECK(bad.error_code == static_cast<int16_t>(ErrorCode::INVALID_CONFIG));
  CHECK(config.get_long("retention.ms") == 1000);
}

TEST_CASE("AlterConfigs refuses what Kafka's broker refuses before changing anything") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1, {{"retention.ms", num(1000)}});
  auto unknown_key = alter(wire, 1, alter_request(kTopic, "orders", {{"no.such.config", "1"}}));
  CHECK(unknown_key.error_code == static_cast<int16_t>(ErrorCode::INVALID_CONFIG));
  CHECK(unknown_key.error_message == std::optional<std::string>("Unknown topic config name: no.such.config"));
  auto twice = alter(wire, 1, alter_request(kTopic, "orders", {{"retention.ms", "5"}, {"retention.ms", "6"}}));
  CHECK(twice.error_code == kInvalidRequest);
  CHECK(twice.error_message == std::optional<std::string>("Error due to duplicate config keys"));
  auto null_value = alter(wire, 1, alter_request(kTopic, "orders", {{"retention.ms", std::nullopt}}));
  CHECK(null_value.error_message == std::optional<std::string>("Null value not supported for : retention.ms"));
  auto missing = alter(wire, 1, alter_request(kTopic, "nowhere", {{"retention.ms", "5"}}));
  CHECK(missing.error_code == static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
  CHECK(missing.error_message == std::optional<std::string>("The topic 'nowhere' does not exist."));
  auto group = alter(wire, 1, alter_request(3, "g", {}));
  CHECK(group.error_message == std::optional<std::string>("Unknown resource type 3"));
  auto request = alter_request(kTopic, "orders", {{"retention.ms", "5"}});
  request.resources.push_back(request.resources[0]);
  auto response = wire.call<protocol::AlterConfigsResponse>(1, kAlterConfigs, 0, request);
  REQUIRE(response.responses.size() == 2);
  CHECK(response.responses[1].error_message == std::optional<std::string>("Each resource must appear at most once."));
  CHECK(wire.cluster().find_topic("orders")->config.get_long("retention.ms") == 1000);
}

TEST_CASE("CreateTopics places replicas where a manual assignment says, the first live one leading") {
  WireClient wire;
  REQUIRE(wire.cluster().stop_broker(3).ok());
  auto created = create(wire, assigned("placed", {{3, 1}, {2, 3}, {1, 2}}));
  INFO(created.error_message.value_or(""));
  REQUIRE(created.error_code == 0);
  const Topic& topic = *wire.cluster().find_topic("placed");
  REQUIRE(topic.partition_count() == 3);
  CHECK(topic.partitions[0]->replicas == std::vector<BrokerId>{3, 1});
  CHECK(topic.partitions[0]->leader == 1);  // broker 3 is stopped
  CHECK(topic.partitions[0]->in_sync_replicas == std::vector<BrokerId>{1});
  CHECK(topic.partitions[1]->leader == 2);
  CHECK(topic.partitions[2]->replicas == std::vector<BrokerId>{1, 2});
  CHECK(topic.partitions[2]->leader == 1);
}

TEST_CASE("CreateTopics answers a bad manual assignment with Kafka's error and creates nothing") {
  WireClient wire;
  const auto refused = [&](protocol::CreateTopicsRequest request, int16_t code, const std::string& message) {
    auto result = create(wire, request);
    CHECK(result.error_code == code);
    CHECK(result.error_message == std::optional<std::string>(message));
    CHECK(wire.cluster().find_topic(request.topics[0].name) == nullptr);
  };
  refused(assigned("t", {{1}}, 1, -1), kInvalidRequest,
          "A manual partition assignment was specified, but numPartitions was not set to -1.");
  refused(assigned("t", {{1}}, -1, 1), kInvalidRequest,
          "A manual partition assignment was specified, but replication factor was not set to -1.");
  refused(assigned("t", {{1, 1}}), kInvalidAssignment, "The manual partition assignment includes the broker 1 more than once.");
  refused(assigned("t", {{1, 9}}), kInvalidAssignment,
          "The manual partition assignment includes broker 9, but no such broker is registered.");
  refused(assigned("t", {{}}), kInvalidAssignment, "The manual partition assignment includes an empty replica list.");
  refused(assigned("t", {{1, 2}, {3}}), kInvalidAssignment,
          "The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with "
          "previous partitions, which have 2 replica(s).");
  auto gap = assigned("t", {{1}, {2}});
  gap.topics[0].assignments[1].partition_index = 2;
  refused(gap, kInvalidAssignment, "partitions should be a consecutive 0-based integer sequence");
  auto repeated = assigned("t", {{1}, {2}});
  repeated.topics[0].assignments[1].partition_index = 0;
  refused(repeated, kInvalidAssignment, "Found multiple manual partition assignments for partition 0");
  REQUIRE(wire.cluster().stop_broker(2).ok());
  refused(assigned("t", {{2}}), kInvalidAssignment,
          "All brokers specified in the manual partition assignment for partition 0 are fenced or in controlled "
          "shutdown.");
}

TEST_CASE("DescribeConfigs on a broker lists its configs with Kafka's sources, read_only flags and synonyms") {
  ClusterOptions options;
  options.config = {{"log.retention.hours", num(24)}};
  WireClient wire(options);
  auto all = describe(wire, 2, kBroker, "2");
  CHECK(all.error_code == 0);
  CHECK(all.configs.size() == broker_config_catalog().all().size());
  const auto* hours = find_config(all, "log.retention.hours");
  REQUIRE(hours != nullptr);
  CHECK(hours->value == std::optional<std::string>("24"));
  CHECK(hours->config_source == 4);
  CHECK(hours->read_only);
  REQUIRE(hours->synonyms.size() == 2);  // the static value, then the default
  CHECK(hours->synonyms[1].source == 5);
  CHECK(hours->synonyms[1].value == std::optional<std::string>("168"));
  const auto* segment = find_config(all, "log.segment.bytes");
  REQUIRE(segment != nullptr);
  CHECK(segment->config_source == 5);
  CHECK_FALSE(segment->read_only);  // Kafka changes it dynamically
  const auto* retention_ms = find_config(all, "log.retention.ms");
  REQUIRE(retention_ms != nullptr);
  CHECK(retention_ms->value == std::nullopt);  // null default
  CHECK(retention_ms->synonyms.empty());
  auto other = describe(wire, 2, kBroker, "1");
  CHECK(other.error_code == kInvalidRequest);
  CHECK(other.error_message == std::optional<std::string>("Unexpected broker id, expected 2 or empty string, but received 1"));
  CHECK(describe(wire, 2, kBroker, "x").error_message ==
        std::optional<std::string>("Broker id must be an integer, but it is: x"));
  CHECK(describe(wire, 2, kBroker, "").configs.empty());  // no dynamic defaults yet
}

TEST_CASE("AlterConfigs on the default broker resource sets dynamic configs every topic then reads") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  auto fixed = alter(wire, 1, alter_request(kBroker, "", {{"num.partitions", "3"}, {"log.segment.bytes", "2000000"}}));
  CHECK(fixed.error_code == kInvalidRequest);
  CHECK(fixed.error_message == std::optional<std::string>("Cannot update these configs dynamically: Set(num.partitions)"));
  CHECK(alter(wire, 1, alter_request(kBroker, "", {{"log.segment.bytes", "2000000"}}, true)).error_code == 0);
  CHECK_FALSE(wire.cluster().dynamic_broker_config().is_set("log.segment.bytes"));
  CHECK(alter(wire, 1, alter_request(kBroker, "", {{"log.segment.bytes", "2000000"}})).error_code == 0);
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().config().segment_bytes == 2000000);
  auto defaults = describe(wire, 1, kBroker, "");
  REQUIRE(defaults.configs.size() == 1);
  CHECK(defaults.configs[0].config_source == 3);
  CHECK(find_config(describe(wire, 1, kTopic, "orders"), "segment.bytes")->config_source == 3);
  CHECK(alter(wire, 1, alter_request(kBroker, "", {})).error_code == 0);  // replaces: the dynamic set is now empty
  CHECK(wire.cluster().find_topic("orders")->partitions[0]->log().config().segment_bytes ==
        wire.cluster().static_broker_config().get_long("log.segment.bytes"));
  CHECK(alter(wire, 1, alter_request(kBroker, "2", {})).error_message ==
        std::optional<std::string>("Unexpected broker id, expected 1, but received 2"));
}
