// Schema resolution: data written with one schema, read with another (Avro specification,
// "Schema Resolution"), as the Avro deserializer does with specific.reader.schema.
#include <doctest/doctest.h>

#include "avro_support.hpp"

#include "schema/avro_datum.hpp"

using namespace klab::schema;

namespace {

AvroSchemaPtr parse(const std::string& text) { return klab::test::parse_schema(text); }

std::string record(const std::string& fields) { return klab::test::news_record(fields); }

SchemaResult<Datum> write_then_read(const std::string& writer, const std::string& reader, const std::string& data) {
  auto w = parse(writer);
  auto r = parse(reader);
  auto bytes = avro_encode(*w, Datum::parse(data));
  REQUIRE(bytes.ok());
  return avro_decode(*w, r.get(), *bytes);
}

const std::string kTitle = R"({"name":"title","type":"string"})";

}  // namespace

TEST_CASE("a reader field the writer lacks takes its default") {
  auto read = write_then_read(record(kTitle), record(kTitle + R"(,{"name":"test","type":"string","default":"none"})"),
                              R"({"title":"a"})");
  REQUIRE(read.ok());
  CHECK(read->dump() == R"({"title":"a","test":"none"})");
}

TEST_CASE("a reader field the writer lacks and without default fails, naming the field") {
  auto read = write_then_read(record(kTitle), record(kTitle + R"(,{"name":"test","type":"string"})"), R"({"title":"a"})");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message.find("Found News, expecting News, missing required field test") != std::string::npos);
}

TEST_CASE("writer fields the reader does not know are skipped") {
  auto read = write_then_read(record(kTitle + R"(,{"name":"views","type":"long"},{"name":"x","type":{"type":"array","items":"int"}})"),
                              record(kTitle), R"({"title":"a","views":5,"x":[1,2]})");
  REQUIRE(read.ok());
  CHECK(read->dump() == R"({"title":"a"})");
}

TEST_CASE("numbers are promoted: int to long, float and double; long to double; string to bytes") {
  auto read = write_then_read(record(R"({"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"long"},{"name":"s","type":"string"})"),
                              record(R"({"name":"a","type":"long"},{"name":"b","type":"double"},{"name":"c","type":"double"},{"name":"s","type":"bytes"})"),
                              R"({"a":7,"b":2,"c":9,"s":"xy"})");
  REQUIRE(read.ok());
  CHECK(read->dump() == R"({"a":7,"b":2.0,"c":9.0,"s":"xy"})");
}

TEST_CASE("a long cannot be read as an int") {
  auto read = write_then_read(record(R"({"name":"a","type":"long"})"), record(R"({"name":"a","type":"int"})"), R"({"a":1})");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message.find("Found long, expecting int") != std::string::npos);
}

TEST_CASE("a renamed field is found through the reader field's aliases") {
  auto read = write_then_read(record(kTitle), record(R"({"name":"headline","type":"string","aliases":["title"]})"),
                              R"({"title":"a"})");
  REQUIRE(read.ok());
  CHECK(read->dump() == R"({"headline":"a"})");
}

TEST_CASE("a renamed record is found through the reader record's aliases") {
  auto read = write_then_read(record(kTitle),
                              R"({"type":"record","name":"Article","aliases":["News"],"fields":[{"name":"title","type":"string"}]})",
                              R"({"title":"a"})");
  CHECK(read.ok());
}

TEST_CASE("an enum symbol the reader lacks becomes its default, or fails without one") {
  const std::string writer = record(R"({"name":"c","type":{"type":"enum","name":"Cat","symbols":["A","B","C"]}})");
  auto no_default = write_then_read(writer, record(R"({"name":"c","type":{"type":"enum","name":"Cat","symbols":["A","B"]}})"),
                                    R"({"c":"C"})");
  REQUIRE_FALSE(no_default.ok());
  CHECK(no_default.error().message.find("No match for C") != std::string::npos);
  auto with_default = write_then_read(
      writer, record(R"({"name":"c","type":{"type":"enum","name":"Cat","symbols":["A","B"],"default":"A"}})"), R"({"c":"C"})");
  REQUIRE(with_default.ok());
  CHECK(with_default->dump() == R"({"c":"A"})");
}

TEST_CASE("a value becomes a union, and a union branch becomes a plain value") {
  auto widened = write_then_read(record(kTitle), record(R"({"name":"title","type":["null","string"]})"), R"({"title":"a"})");
  REQUIRE(widened.ok());
  CHECK(widened->dump() == R"({"title":"a"})");
  auto narrowed = write_then_read(record(R"({"name":"title","type":["null","string"]})"), record(kTitle), R"({"title":"a"})");
  REQUIRE(narrowed.ok());
  auto null_branch = write_then_read(record(R"({"name":"title","type":["null","string"]})"), record(kTitle), R"({"title":null})");
  CHECK_FALSE(null_branch.ok());
}

TEST_CASE("record defaults fill nested records") {
  auto read = write_then_read(
      record(kTitle),
      record(kTitle + R"(,{"name":"meta","type":{"type":"record","name":"Meta","fields":[{"name":"lang","type":"string","default":"en"},{"name":"n","type":"int"}]},"default":{"n":1}})"),
      R"({"title":"a"})");
  REQUIRE(read.ok());
  CHECK(read->dump() == R"({"title":"a","meta":{"lang":"en","n":1}})");
}
