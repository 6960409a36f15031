// Kafka's built-in serdes and Confluent's Avro serde: the bytes they write and the errors they raise.
#include <doctest/doctest.h>

#include "serde/client_serdes.hpp"
#include "test_support.hpp"

using namespace klab;
using namespace klab::serde;

namespace {

const std::string kNews = R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"}]})";
const std::string kNewsWithTest =
    R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"},{"name":"test","type":"string"}]})";

ConfigSet producer_config(const ConfigEntries& entries) {
  ConfigSet config(producer_config_catalog());
  for (const auto& [key, value] : entries) REQUIRE(config.set(key, value).ok());
  return config;
}
ConfigSet consumer_config(const ConfigEntries& entries) {
  ConfigSet config(consumer_config_catalog());
  for (const auto& [key, value] : entries) REQUIRE(config.set(key, value).ok());
  return config;
}

}  // namespace

TEST_CASE("the built-in serializers write Java's bytes") {
  CHECK(**builtin_serialize(BuiltinSerde::Integer, Datum(258), "value.serializer") == std::string("\0\0\x01\x02", 4));
  CHECK(**builtin_serialize(BuiltinSerde::Integer, Datum(-1), "value.serializer") == std::string("\xff\xff\xff\xff", 4));
  CHECK(**builtin_serialize(BuiltinSerde::Long, Datum(1), "value.serializer") == std::string("\0\0\0\0\0\0\0\x01", 8));
  CHECK(**builtin_serialize(BuiltinSerde::Double, Datum(1.0), "value.serializer") == std::string("\x3f\xf0\0\0\0\0\0\0", 8));
  CHECK(**builtin_serialize(BuiltinSerde::String, Datum("hé"), "value.serializer") == "hé");
  CHECK_FALSE(builtin_serialize(BuiltinSerde::Integer, Datum(nullptr), "value.serializer")->has_value());
  auto wrong = builtin_serialize(BuiltinSerde::Integer, Datum("7"), "value.serializer");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message ==
        "Can't convert value of class string to class org.apache.kafka.common.serialization.IntegerSerializer "
        "specified in value.serializer");
  CHECK(builtin_deserialize(BuiltinSerde::Integer, std::string_view("\xff\xff\xff\xfe", 4))->get<int64_t>() == -2);
  CHECK(builtin_deserialize(BuiltinSerde::Double, std::string_view("\x3f\xf0\0\0\0\0\0\0", 8))->get<double>() == 1.0);
  CHECK(builtin_deserialize(BuiltinSerde::Long, std::string_view("abc")).error().message ==
        "Size of data received by LongDeserializer is not 8");
  CHECK(builtin_serde_named("org.apache.kafka.common.serialization.LongDeserializer", true) == BuiltinSerde::Long);
  CHECK_FALSE(builtin_serde_named("LongDeserializer", false).has_value());
}

TEST_CASE("the Avro serializer writes magic byte 0, the schema id big-endian, then the Avro binary") {
  auto cluster = test::make_cluster();
  auto serdes = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")},
                                                                      {"value.schema", test::str(kNews)}}));
  REQUIRE(serdes.ok());
  auto bytes = serdes->serialize("news", false, Datum::parse(R"({"title":"hi"})"));
  REQUIRE(bytes.ok());
  CHECK(**bytes == std::string("\x00\x00\x00\x00\x01\x04hi", 8));
  CHECK(*schema::SchemaRegistry::of(*cluster).versions("news-value") == std::vector<int32_t>{1});
  auto wire = parse_wire_format(**bytes);
  REQUIRE(wire.ok());
  CHECK(wire->schema_id == 1);
  CHECK(wire->payload == "\x04hi");
  CHECK(wire_format(0x01020304, "x") == std::string("\x00\x01\x02\x03\x04x", 6));
}

TEST_CASE("the Avro deserializer reads the writer's schema by id and resolves it to its reader schema") {
  auto cluster = test::make_cluster();
  auto producer = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")},
                                                                        {"value.schema", test::str(kNews)}}));
  auto bytes = **producer->serialize("news", false, Datum::parse(R"({"title":"hi"})"));
  const std::string reader = R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"},
                                 {"name":"test","type":"string","default":"none"}]})";
  auto consumer = ClientSerdes::for_consumer(
      *cluster, consumer_config({{"value.deserializer", test::str("io.confluent.kafka.serializers.KafkaAvroDeserializer")},
                                 {"specific.reader.schema", test::str(reader)}}));
  REQUIRE(consumer.ok());
  CHECK(consumer->deserialize(false, bytes)->dump() == R"({"title":"hi","test":"none"})");
  SUBCASE("bytes without the magic byte") {
    auto bad = consumer->deserialize(false, std::string_view("\x04hi"));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "Unknown magic byte!");
  }
  SUBCASE("an id the registry does not know") {
    auto bad = consumer->deserialize(false, std::string_view("\x00\x00\x00\x00\x09\x04hi", 7));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "Error retrieving Avro value schema for id 9: Schema 9 not found; error code: 40403");
    CHECK(bad.error().code == 40403);
  }
}

TEST_CASE("an incompatible schema makes the Avro serializer fail with the registry's 409") {
  auto cluster = test::make_cluster();
  auto v1 = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")},
                                                                  {"value.schema", test::str(kNews)}}));
  REQUIRE(v1->serialize("news", false, Datum::parse(R"({"title":"a"})")).ok());
  auto v2 = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")},
                                                                  {"value.schema", test::str(kNewsWithTest)}}));
  auto refused = v2->serialize("news", false, Datum::parse(R"({"title":"a","test":"t"})"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().name == "SerializationException");
  CHECK(refused.error().code == 409);
  CHECK(refused.error().message.find("Error registering Avro schema") == 0);
  CHECK(refused.error().message.find("; error code: 409") != std::string::npos);
  SUBCASE("without auto.register.schemas the schema must already be registered") {
    auto lookup_only = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")},
                                                                             {"value.schema", test::str(kNewsWithTest)},
                                                                             {"auto.register.schemas", ConfigInput(false)}}));
    auto missing = lookup_only->serialize("news", false, Datum::parse(R"({"title":"a","test":"t"})"));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == 40403);
  }
}

TEST_CASE("an Avro serializer without its schema, or with an unknown name, is a config error") {
  auto cluster = test::make_cluster();
  auto no_schema = ClientSerdes::for_producer(*cluster, producer_config({{"value.serializer", test::str("avro")}}));
  REQUIRE_FALSE(no_schema.ok());
  CHECK(no_schema.error().message.find("needs value.schema") != std::string::npos);
  auto bad_schema = ClientSerdes::for_producer(
      *cluster, producer_config({{"value.serializer", test::str("avro")}, {"value.schema", test::str("{")}}));
  REQUIRE_FALSE(bad_schema.ok());
  CHECK(bad_schema.error().code == ErrorCode::INVALID_CONFIG);
}
