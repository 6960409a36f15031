// Admin APIs over the wire: CreateTopics (validate_only, Kafka's error words), DeleteTopics,
// CreatePartitions, DescribeConfigs, AlterConfigs, DeleteRecords, InitProducerId.
#include "broker_support.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kCreateTopics = 19, kDeleteTopics = 20, kDeleteRecords = 21, kInitProducerId = 22,
                  kDescribeConfigs = 32, kAlterConfigs = 33, kCreatePartitions = 37;

protocol::CreateTopicsRequest create_request(const std::string& name, int32_t partitions, int16_t replication,
                                             bool validate_only = false) {
  protocol::CreateTopicsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = name;
  topic.num_partitions = partitions;
  topic.replication_factor = replication;
  request.validate_only = validate_only;
  return request;
}

}  // namespace

TEST_CASE("CreateTopics creates, validate_only only checks, and errors carry Kafka's words") {
  WireClient wire;
  auto checked = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("orders", 3, 2, true));
  CHECK(checked.topics[0].error_code == 0);
  CHECK(wire.cluster().find_topic("orders") == nullptr);
  auto created = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("orders", 3, 2));
  CHECK(created.topics[0].error_code == 0);
  REQUIRE(wire.cluster().find_topic("orders") != nullptr);
  CHECK(wire.cluster().find_topic("orders")->partition_count() == 3);
  auto again = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("orders", 3, 2));
  CHECK(again.topics[0].error_code == static_cast<int16_t>(ErrorCode::TOPIC_ALREADY_EXISTS));
  CHECK(again.topics[0].error_message == std::optional<std::string>("Topic 'orders' already exists."));
  auto too_many = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("wide", 1, 5));
  CHECK(too_many.topics[0].error_code == static_cast<int16_t>(ErrorCode::INVALID_REPLICATION_FACTOR));
  auto defaults = wire.call<protocol::CreateTopicsResponse>(1, kCreateTopics, 4, create_request("plain", -1, -1));
  CHECK(defaults.topics[0].error_code == 0);
}

TEST_CASE("DeleteTopics deletes a topic and answers UNKNOWN_TOPIC_OR_PARTITION for a missing one") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  protocol::DeleteTopicsRequest request;
  request.topic_names = {"orders", "nowhere"};
  auto response = wire.call<protocol::DeleteTopicsResponse>(1, kDeleteTopics, 3, request);
  REQUIRE(response.responses.size() == 2);
  CHECK(response.responses[0].error_code == 0);
  CHECK(response.responses[1].error_code == static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
  CHECK(wire.cluster().find_topic("orders") == nullptr);
}

TEST_CASE("CreatePartitions grows a topic and refuses to shrink it") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 2, 1);
  protocol::CreatePartitionsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = "orders";
  topic.count = 4;
  topic.assignments = std::nullopt;
  auto grown = wire.call<protocol::CreatePartitionsResponse>(1, kCreatePartitions, 1, request);
  CHECK(grown.results[0].error_code == 0);
  CHECK(wire.cluster().find_topic("orders")->partition_count() == 4);
  request.topics[0].count = 3;
  auto shrink = wire.call<protocol::CreatePartitionsResponse>(1, kCreatePartitions, 1, request);
  CHECK(shrink.results[0].error_code == static_cast<int16_t>(ErrorCode::INVALID_PARTITIONS));
}

TEST_CASE("DescribeConfigs lists every topic config with its source; AlterConfigs sets an override") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1, {{"retention.ms", num(1000)}});
  protocol::DescribeConfigsRequest describe;
  auto& resource = describe.resources.emplace_back();
  resource.resource_type = 2;
  resource.resource_name = "orders";
  resource.configuration_keys = std::nullopt;
  auto described = wire.call<protocol::DescribeConfigsResponse>(1, kDescribeConfigs, 1, describe);
  REQUIRE(described.results.size() == 1);
  CHECK(described.results[0].configs.size() == topic_config_catalog().all().size());
  bool retention = false, segment = false;
  for (const auto& config : described.results[0].configs) {
    if (config.name == "retention.ms") retention = config.value == std::optional<std::string>("1000") && config.config_source == 1;
    if (config.name == "segment.bytes") segment = config.config_source == 5;
  }
  CHECK(retention);
  CHECK(segment);

  protocol::AlterConfigsRequest alter;
  auto& target = alter.resources.emplace_back();
  target.resource_type = 2;
  target.resource_name = "orders";
  auto& entry = target.configs.emplace_back();
  entry.name = "cleanup.policy";
  entry.value = "compact";
  auto altered = wire.call<protocol::AlterConfigsResponse>(1, kAlterConfigs, 1, alter);
  INFO("AlterConfigs error: ", altered.responses[0].error_message.value_or("none"));
  CHECK(altered.responses[0].error_code == 0);
  // cleanup.policy is a LIST config in Kafka: its value is a list of policies.
  CHECK(std::get<std::vector<std::string>>(wire.cluster().find_topic("orders")->config.get("cleanup.policy")) ==
        std::vector<std::string>{"compact"});
  target.configs[0].name = "no.such.config";
  auto unknown = wire.call<protocol::AlterConfigsResponse>(1, kAlterConfigs, 1, alter);
  CHECK(unknown.responses[0].error_code == static_cast<int16_t>(ErrorCode::INVALID_CONFIG));
}

TEST_CASE("DeleteRecords raises the low watermark; InitProducerId hands out producer ids") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  auto producer = make_producer(wire.cluster());
  for (int i = 0; i < 3; ++i) REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .value = "v"}).ok());
  protocol::DeleteRecordsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = "orders";
  auto& partition = topic.partitions.emplace_back();
  partition.offset = 2;
  auto deleted = wire.call<protocol::DeleteRecordsResponse>(leader_of(wire.cluster(), "orders"), kDeleteRecords, 1, request);
  CHECK(deleted.topics[0].partitions[0].error_code == 0);
  CHECK(deleted.topics[0].partitions[0].low_watermark == 2);

  protocol::InitProducerIdRequest init;
  init.transactional_id = std::nullopt;
  auto first = wire.call<protocol::InitProducerIdResponse>(1, kInitProducerId, 1, init);
  auto second = wire.call<protocol::InitProducerIdResponse>(1, kInitProducerId, 1, init);
  CHECK(first.error_code == 0);
  CHECK(second.producer_id == first.producer_id + 1);
  CHECK(first.producer_epoch == 0);
}
