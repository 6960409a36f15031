// Avro schemas and data through libavro: parsing errors, the bytes of an encoded record, records
// that do not fit their schema, and bytes that are not valid Avro.
#include <doctest/doctest.h>

#include "avro_support.hpp"
#include <fmt/format.h>

#include "schema/avro_datum.hpp"
#include "schema/avro_schema.hpp"

using namespace klab::schema;

namespace {

constexpr const char* kNews = R"({"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},
  {"name":"views","type":"int"},
  {"name":"tags","type":{"type":"array","items":"string"},"default":[]},
  {"name":"author","type":["null","string"],"default":null}]})";

AvroSchemaPtr parse(const std::string& text) { return klab::test::parse_schema(text); }

std::string hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

TEST_CASE("a record encodes to Avro binary: zig-zag varints, length-prefixed strings, no field names") {
  auto schema = parse(kNews);
  auto bytes = avro_encode(*schema, Datum::parse(R"({"title":"hi","views":3,"tags":["a"],"author":"bo"})"));
  REQUIRE(bytes.ok());
  // "hi" = 04 68 69; 3 = 06; one-item block 02, "a" = 02 61, end 00; union branch 1 = 02, "bo" = 04 62 6f
  CHECK(hex(*bytes) == "0468690602026100020462" "6f");
  auto back = avro_decode(*schema, nullptr, *bytes);
  REQUIRE(back.ok());
  CHECK(back->dump() == R"({"title":"hi","views":3,"tags":["a"],"author":"bo"})");
}

TEST_CASE("fields left out of a record take their defaults, or null when their union allows it") {
  auto schema = parse(kNews);
  auto bytes = avro_encode(*schema, Datum::parse(R"({"title":"hi","views":3})"));
  REQUIRE(bytes.ok());
  CHECK(hex(*bytes) == "046869060000");
  CHECK(avro_decode(*schema, nullptr, *bytes)->dump() == R"({"title":"hi","views":3,"tags":[],"author":null})");
}

TEST_CASE("a malformed schema is refused with the parser's message") {
  SUBCASE("JSON syntax: line and column") {
    auto parsed = AvroSchema::parse("{\"type\": \"record\",\n \"name\": News}");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == 42201);
    CHECK(parsed.error().name == "INVALID_SCHEMA");
    CHECK(parsed.error().message.find("line 2, column") != std::string::npos);
  }
  SUBCASE("an unknown type, from libavro") {
    auto parsed = AvroSchema::parse(R"({"type":"record","name":"N","fields":[{"name":"a","type":"strin"}]})");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("strin") != std::string::npos);
  }
  SUBCASE("a default that does not match its field's type names the field") {
    auto parsed = AvroSchema::parse(R"({"type":"record","name":"N","fields":[{"name":"test","type":"int","default":"x"}]})");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message == R"(Invalid schema: Invalid default for field test: "x" not a "int")");
  }
  SUBCASE("a union default must match the union's first branch") {
    auto parsed = AvroSchema::parse(R"({"type":"record","name":"N","fields":[{"name":"a","type":["null","string"],"default":"x"}]})");
    CHECK_FALSE(parsed.ok());
  }
}

TEST_CASE("a record that does not match its schema is refused, naming the field") {
  auto schema = parse(kNews);
  SUBCASE("wrong type") {
    auto bytes = avro_encode(*schema, Datum::parse(R"({"title":"hi","views":"many"})"));
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.error().name == "SerializationException");
    CHECK(bytes.error().message.find("News.views: expected int, got string \"many\"") != std::string::npos);
  }
  SUBCASE("missing field without default") {
    auto bytes = avro_encode(*schema, Datum::parse(R"({"views":1})"));
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.error().message.find("field 'title' is missing and has no default") != std::string::npos);
  }
  SUBCASE("a field the schema does not have") {
    auto bytes = avro_encode(*schema, Datum::parse(R"({"title":"t","views":1,"tilte":"x"})"));
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.error().message.find("has no field 'tilte'") != std::string::npos);
  }
  SUBCASE("an int out of range") {
    auto bytes = avro_encode(*schema, Datum::parse(R"({"title":"t","views":3000000000})"));
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.error().message.find("does not fit in an int") != std::string::npos);
  }
}

TEST_CASE("bytes that are not valid Avro for the schema are refused before libavro reads them") {
  auto schema = parse(kNews);
  auto good = *avro_encode(*schema, Datum::parse(R"({"title":"hi","views":3})"));
  SUBCASE("truncated") { CHECK_FALSE(avro_decode(*schema, nullptr, good.substr(0, 2)).ok()); }
  SUBCASE("a negative string length") {
    auto decoded = avro_decode(*schema, nullptr, std::string("\x01", 1));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().message.find("negative string length") != std::string::npos);
  }
  SUBCASE("a huge string length") { CHECK_FALSE(avro_decode(*schema, nullptr, std::string("\xfe\xff\xff\xff\x0f", 5)).ok()); }
  SUBCASE("a union index out of range") {
    std::string bad = good;
    bad.back() = '\x08';  // union branch 4 of 2
    CHECK_FALSE(avro_decode(*schema, nullptr, bad).ok());
  }
  SUBCASE("an endless varint") { CHECK_FALSE(avro_decode(*schema, nullptr, std::string(12, '\xff')).ok()); }
}

TEST_CASE("recursive schemas parse and round-trip") {
  auto schema = parse(R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
                          {"name":"next","type":["null","Node"],"default":null}]})");
  Datum list = Datum::parse(R"({"v":1,"next":{"v":2,"next":null}})");
  auto bytes = avro_encode(*schema, list);
  REQUIRE(bytes.ok());
  CHECK(avro_decode(*schema, nullptr, *bytes)->dump() == list.dump());
}
