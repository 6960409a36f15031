// Avro's compatibility rules on a matrix of schema changes: for each change from an old schema to a
// new one, whether the new can read the old's data (BACKWARD) and the old the new's (FORWARD), and
// what the registry says when it cannot.
#include <doctest/doctest.h>

#include "avro_support.hpp"

#include "schema/avro_compatibility.hpp"

using namespace klab::schema;

namespace {

AvroSchemaPtr parse(const std::string& text) { return klab::test::parse_schema(text); }

std::string record(const std::string& fields) { return klab::test::news_record(fields); }
std::string category(const std::string& symbols, const std::string& extra = "") {
  return record(R"({"name":"c","type":{"type":"enum","name":"Cat","symbols":[)" + symbols + "]" + extra + "}}");
}

struct Change {
  const char* what;
  std::string old_schema, new_schema;
  bool backward, forward;
  const char* backward_error;  // errorType when BACKWARD fails
  const char* forward_error;
};

const std::string kTitle = R"({"name":"title","type":"string"})";

std::vector<Change> changes() {
  return {
      {"add a field with a default", record(kTitle), record(kTitle + R"(,{"name":"test","type":"string","default":""})"),
       true, true, "", ""},
      {"add a field without default", record(kTitle), record(kTitle + R"(,{"name":"test","type":"string"})"), false,
       true, "READER_FIELD_MISSING_DEFAULT_VALUE", ""},
      {"remove a field with a default", record(kTitle + R"(,{"name":"test","type":"string","default":""})"),
       record(kTitle), true, true, "", ""},
      {"remove a field without default", record(kTitle + R"(,{"name":"test","type":"string"})"), record(kTitle), true,
       false, "", "READER_FIELD_MISSING_DEFAULT_VALUE"},
      {"promote int to long", record(R"({"name":"v","type":"int"})"), record(R"({"name":"v","type":"long"})"), true,
       false, "", "TYPE_MISMATCH"},
      {"promote float to double", record(R"({"name":"v","type":"float"})"), record(R"({"name":"v","type":"double"})"),
       true, false, "", "TYPE_MISMATCH"},
      {"string to bytes", record(R"({"name":"v","type":"string"})"), record(R"({"name":"v","type":"bytes"})"), true,
       true, "", ""},
      {"change string to int", record(R"({"name":"v","type":"string"})"), record(R"({"name":"v","type":"int"})"), false,
       false, "TYPE_MISMATCH", "TYPE_MISMATCH"},
      {"rename a field with an alias", record(kTitle), record(R"({"name":"headline","type":"string","aliases":["title"]})"),
       true, false, "", "READER_FIELD_MISSING_DEFAULT_VALUE"},
      {"rename a field without alias", record(kTitle), record(R"({"name":"headline","type":"string"})"), false, false,
       "READER_FIELD_MISSING_DEFAULT_VALUE", "READER_FIELD_MISSING_DEFAULT_VALUE"},
      {"add an enum symbol", category(R"("A","B")"), category(R"("A","B","C")"), true, false, "", "MISSING_ENUM_SYMBOLS"},
      {"remove an enum symbol", category(R"("A","B","C")"), category(R"("A","B")"), false, true, "MISSING_ENUM_SYMBOLS",
       ""},
      {"add an enum symbol when the old enum has a default", category(R"("A","B")", R"(,"default":"A")"),
       category(R"("A","B","C")", R"(,"default":"A")"), true, true, "", ""},
      {"make a field optional", record(kTitle), record(R"({"name":"title","type":["null","string"],"default":null})"),
       true, false, "", "TYPE_MISMATCH"},
      {"rename the record", record(kTitle), R"({"type":"record","name":"Article","fields":[)" + kTitle + "]}", false,
       false, "NAME_MISMATCH", "NAME_MISMATCH"},
      {"rename the record with an alias", record(kTitle),
       R"({"type":"record","name":"Article","aliases":["News"],"fields":[)" + kTitle + "]}", true, false, "",
       "NAME_MISMATCH"},
      {"change a fixed size", R"({"type":"fixed","name":"F","size":4})", R"({"type":"fixed","name":"F","size":8})",
       false, false, "FIXED_SIZE_MISMATCH", "FIXED_SIZE_MISMATCH"},
      {"add a union branch", record(R"({"name":"v","type":["null","string"]})"),
       record(R"({"name":"v","type":["null","string","int"]})"), true, false, "", "MISSING_UNION_BRANCH"},
  };
}

std::string first_error(const std::vector<Incompatibility>& found) {
  return found.empty() ? "" : std::string(incompatibility_name(found.front().type));
}

}  // namespace

TEST_CASE("the compatibility matrix: each change checked with the new schema as reader and as writer") {
  for (const Change& change : changes()) {
    CAPTURE(change.what);
    auto old_schema = parse(change.old_schema);
    auto new_schema = parse(change.new_schema);
    auto backward = check_compatibility(new_schema->root(), old_schema->root());
    auto forward = check_compatibility(old_schema->root(), new_schema->root());
    CHECK(backward.empty() == change.backward);
    CHECK(forward.empty() == change.forward);
    CHECK(first_error(backward) == change.backward_error);
    CHECK(first_error(forward) == change.forward_error);
  }
}

TEST_CASE("an incompatibility is located in the reader schema and described as the registry does") {
  auto old_schema = parse(record(kTitle));
  auto new_schema = parse(record(kTitle + R"(,{"name":"test","type":"string"})"));
  auto found = check_compatibility(new_schema->root(), old_schema->root());
  REQUIRE(found.size() == 1);
  CHECK(found[0].location == "/fields/1");
  CHECK(registry_message(found[0], "new", "old") ==
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'test' at path '/fields/1' in the new "
        "schema has no default value and is missing in the old schema', additionalInfo:'test'}");
  auto types = check_compatibility(parse(record(R"({"name":"v","type":"int"})"))->root(),
                                   parse(record(R"({"name":"v","type":"long"})"))->root());
  REQUIRE(types.size() == 1);
  CHECK(types[0].location == "/fields/0/type");
  CHECK(types[0].additional_info == "reader type: INT not compatible with writer type: LONG");
  auto symbols = check_compatibility(parse(category(R"("A")"))->root(), parse(category(R"("A","C","B")"))->root());
  REQUIRE(symbols.size() == 1);
  CHECK(symbols[0].location == "/fields/0/type/symbols");
  CHECK(symbols[0].additional_info == "[B, C]");
}

TEST_CASE("recursive schemas are compared without looping") {
  const std::string list = R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]})";
  const std::string wider = R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]})";
  CHECK(check_compatibility(parse(wider)->root(), parse(list)->root()).empty());
  CHECK_FALSE(check_compatibility(parse(list)->root(), parse(wider)->root()).empty());
}
