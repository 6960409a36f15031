// The config registry: Kafka 3.7's keys, defaults, types and ranges, and Kafka's wording when a
// value is refused (kafka-semantics.md §9 for defaults).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "base/config.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::string refusal(const ConfigCatalog& catalog, std::string_view key, const ConfigInput& input) {
  ConfigSet set(catalog);
  Status status = set.set(key, input);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::INVALID_CONFIG);
  CHECK_FALSE(set.is_set(key));
  return status.error().message;
}

}  // namespace

TEST_CASE("an unknown key is refused as INVALID_CONFIG with a did-you-mean suggestion") {
  CHECK(refusal(producer_config_catalog(), "ack", str("1")) == "unknown producer config 'ack' — did you mean 'acks'?");
  CHECK(refusal(producer_config_catalog(), "lingerms", num(5)) ==
        "unknown producer config 'lingerms' — did you mean 'linger.ms'?");
  CHECK(refusal(consumer_config_catalog(), "max.poll.record", num(5)) ==
        "unknown consumer config 'max.poll.record' — did you mean 'max.poll.records'?");
  SUBCASE("a key far from every known key gets no suggestion") {
    CHECK(refusal(producer_config_catalog(), "zzzzzzzzzz", num(1)) == "unknown producer config 'zzzzzzzzzz'");
  }
  SUBCASE("a key of another scope is unknown in this one") {
    CHECK(refusal(producer_config_catalog(), "auto.offset.reset", str("earliest")).starts_with(
        "unknown producer config 'auto.offset.reset'"));
  }
}

TEST_CASE("a value of the wrong type is refused in Kafka's wording") {
  CHECK(refusal(producer_config_catalog(), "batch.size", str("abc")) ==
        "Invalid value abc for configuration batch.size: Not a number of type INT");
  CHECK(refusal(producer_config_catalog(), "linger.ms", str("soon")) ==
        "Invalid value soon for configuration linger.ms: Not a number of type LONG");
  CHECK(refusal(producer_config_catalog(), "partitioner.ignore.keys", str("maybe")) ==
        "Invalid value maybe for configuration partitioner.ignore.keys: Expected value to be either true or false");
  CHECK(refusal(producer_config_catalog(), "batch.size", num(3000000000)) ==
        "Invalid value 3000000000 for configuration batch.size: Not a number of type INT");
  CHECK(refusal(producer_config_catalog(), "batch.size", ConfigInput(1.5)) ==
        "Invalid value 1.5 for configuration batch.size: Expected a whole number");
}

TEST_CASE("a value out of range or outside the allowed strings is refused in Kafka's wording") {
  CHECK(refusal(producer_config_catalog(), "linger.ms", num(-1)) ==
        "Invalid value -1 for configuration linger.ms: Value must be at least 0");
  CHECK(refusal(consumer_config_catalog(), "max.poll.records", num(0)) ==
        "Invalid value 0 for configuration max.poll.records: Value must be at least 1");
  CHECK(refusal(producer_config_catalog(), "sticky.partitioning.linger.ms", num(900001)) ==
        "Invalid value 900001 for configuration sticky.partitioning.linger.ms: Value must be no more than 900000");
  CHECK(refusal(producer_config_catalog(), "acks", str("2")) ==
        "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");
  CHECK(refusal(consumer_config_catalog(), "auto.offset.reset", str("smallest")) ==
        "Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none");
  CHECK(refusal(topic_config_catalog(), "message.timestamp.type", str("AppendTime")) ==
        "Invalid value AppendTime for configuration message.timestamp.type: String must be one of: CreateTime, "
        "LogAppendTime");
  CHECK(refusal(topic_config_catalog(), "segment.bytes", num(13)) ==
        "Invalid value 13 for configuration segment.bytes: Value must be at least 14");
}

TEST_CASE("accepted values are converted to the declared type") {
  ConfigSet producer(producer_config_catalog());
  CHECK(producer.set("batch.size", str(" 32768 ")).ok());
  CHECK(producer.get_long("batch.size") == 32768);
  CHECK(producer.set("acks", num(1)).ok());  // acks = 1 given as a number
  CHECK(producer.get_string("acks") == "1");
  CHECK(producer.set("partitioner.ignore.keys", str("TRUE")).ok());
  CHECK(producer.get_bool("partitioner.ignore.keys") == true);
  CHECK(producer.set("linger.ms", ConfigInput(5.0)).ok());
  CHECK(producer.get_long("linger.ms") == 5);
  CHECK(producer.is_set("linger.ms"));
  CHECK_FALSE(producer.is_set("client.id"));
}

TEST_CASE("defaults equal Kafka 3.7's") {
  ConfigSet producer(producer_config_catalog());
  CHECK(producer.get_string("acks") == "all");
  CHECK(producer.get_long("linger.ms") == 0);
  CHECK(producer.get_long("batch.size") == 16384);
  CHECK(producer.get_long("max.request.size") == 1048576);
  CHECK(producer.get_bool("partitioner.ignore.keys") == false);
  CHECK(producer.get_bool("partitioner.adaptive.partitioning.enable") == true);
  CHECK(std::holds_alternative<std::monostate>(producer.get("partitioner.class")));  // null: built-in

  ConfigSet consumer(consumer_config_catalog());
  CHECK(consumer.get_string("auto.offset.reset") == "latest");
  CHECK(consumer.get_long("max.poll.records") == 500);

  ConfigSet broker(broker_config_catalog());
  CHECK(broker.get_long("num.partitions") == 1);
  CHECK(broker.get_long("default.replication.factor") == 1);
  CHECK(broker.get_bool("auto.create.topics.enable") == true);
  CHECK(broker.get_long("log.segment.bytes") == 1073741824);
  CHECK(broker.get_long("log.roll.hours") == 168);
  CHECK(broker.get_long("message.max.bytes") == 1048588);

  ConfigSet topic(topic_config_catalog());
  CHECK(topic.get_long("segment.bytes") == 1073741824);
  CHECK(topic.get_long("segment.ms") == 604800000);
  CHECK(topic.get_string("message.timestamp.type") == "CreateTime");
  CHECK(topic.get_long("max.message.bytes") == 1048588);
}

TEST_CASE("set_all sets every entry or none") {
  ConfigSet producer(producer_config_catalog());
  REQUIRE(producer.set("batch.size", num(100)).ok());
  Status status = producer.set_all({{"linger.ms", num(5)}, {"ack", str("1")}, {"batch.size", num(200)}});
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message == "unknown producer config 'ack' — did you mean 'acks'?");
  CHECK_FALSE(producer.is_set("linger.ms"));
  CHECK(producer.get_long("batch.size") == 100);

  CHECK(producer.set_all({{"linger.ms", num(5)}, {"acks", str("1")}}).ok());
  CHECK(producer.get_long("linger.ms") == 5);
  CHECK(producer.get_string("acks") == "1");
  CHECK(producer.explicit_values().size() == 3);
}

TEST_CASE("reading a key that no catalog declares is a programmer error") {
  ConfigSet producer(producer_config_catalog());
  CHECK_THROWS_AS(producer.get("no.such.key"), std::logic_error);
}

TEST_CASE("help text names the type, the default and the valid values") {
  const ConfigDef* acks = producer_config_catalog().find("acks");
  REQUIRE(acks != nullptr);
  std::string text = describe_config(*acks, ConfigScope::Producer);
  CHECK(text.starts_with("acks  (producer config, type string)"));
  CHECK(text.find("  Default:      all\n") != std::string::npos);
  CHECK(text.find("  Valid values: all, -1, 0, 1\n") != std::string::npos);
  const ConfigDef* segment_bytes = topic_config_catalog().find("segment.bytes");
  REQUIRE(segment_bytes != nullptr);
  text = describe_config(*segment_bytes, ConfigScope::Topic);
  CHECK(text.find("  Valid values: [14,...]\n") != std::string::npos);
  CHECK(text.find("  Broker default from: log.segment.bytes\n") != std::string::npos);
}

TEST_CASE("a cluster refuses a bad broker config and a broker count below one") {
  Result<std::unique_ptr<Cluster>> bad_config = Cluster::create(ClusterOptions{3, 42, {{"num.partition", num(3)}}, 1});
  REQUIRE_FALSE(bad_config.ok());
  CHECK(bad_config.error().code == ErrorCode::INVALID_CONFIG);
  CHECK(bad_config.error().message == "unknown broker config 'num.partition' — did you mean 'num.partitions'?");
  Result<std::unique_ptr<Cluster>> no_brokers = Cluster::create(ClusterOptions{0, 42, {}, 1});
  REQUIRE_FALSE(no_brokers.ok());
  CHECK(no_brokers.error().code == ErrorCode::INVALID_REQUEST);
}

TEST_CASE("error codes carry Kafka's names, numbers and retriable flags") {
  CHECK(static_cast<int>(ErrorCode::OFFSET_OUT_OF_RANGE) == 1);
  CHECK(static_cast<int>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION) == 3);
  CHECK(static_cast<int>(ErrorCode::MESSAGE_TOO_LARGE) == 10);
  CHECK(static_cast<int>(ErrorCode::INVALID_TOPIC_EXCEPTION) == 17);
  CHECK(static_cast<int>(ErrorCode::RECORD_LIST_TOO_LARGE) == 18);
  CHECK(static_cast<int>(ErrorCode::TOPIC_ALREADY_EXISTS) == 36);
  CHECK(static_cast<int>(ErrorCode::INVALID_PARTITIONS) == 37);
  CHECK(static_cast<int>(ErrorCode::INVALID_REPLICATION_FACTOR) == 38);
  CHECK(static_cast<int>(ErrorCode::INVALID_CONFIG) == 40);
  CHECK(error_name(ErrorCode::NOT_ENOUGH_REPLICAS) == "NOT_ENOUGH_REPLICAS");
  CHECK(is_retriable(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
  CHECK(is_retriable(ErrorCode::NOT_ENOUGH_REPLICAS));
  CHECK_FALSE(is_retriable(ErrorCode::MESSAGE_TOO_LARGE));
  CHECK_FALSE(is_retriable(ErrorCode::OFFSET_OUT_OF_RANGE));
  CHECK(Error{ErrorCode::TOPIC_ALREADY_EXISTS, "Topic 'x' already exists."}.to_string() ==
        "TOPIC_ALREADY_EXISTS: Topic 'x' already exists.");
}
