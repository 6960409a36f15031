// The schema registry in the simulated cluster: subjects, versions, ids, compatibility levels, the
// registry's errors, and its state rebuilt from the _schemas topic.
#include <doctest/doctest.h>

#include "schema/schema_registry.hpp"
#include "test_support.hpp"

using namespace klab;
using namespace klab::schema;

namespace {

std::string news(const std::string& extra = "") {
  return R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"})" + extra + "]}";
}
const std::string kWithDefault = R"(,{"name":"test","type":"string","default":"none"})";
const std::string kWithoutDefault = R"(,{"name":"test","type":"string"})";

}  // namespace

TEST_CASE("registering assigns version 1 and a global id; the same schema again changes nothing") {
  auto cluster = test::make_cluster();
  SchemaRegistry& registry = SchemaRegistry::of(*cluster);
  auto first = registry.register_schema("news-value", news());
  REQUIRE(first.ok());
  CHECK(first->version == 1);
  CHECK(first->id == 1);
  auto again = registry.register_schema("news-value", "  " + news() + "\n");  // layout does not matter
  REQUIRE(again.ok());
  CHECK(again->version == 1);
  CHECK(again->id == 1);
  SUBCASE("the same schema in another subject keeps its id") {
    auto other = registry.register_schema("archive-value", news());
    REQUIRE(other.ok());
    CHECK(other->id == 1);
    CHECK(other->version == 1);
  }
  SUBCASE("a compatible change is version 2 with a new id") {
    auto second = registry.register_schema("news-value", news(kWithDefault));
    REQUIRE(second.ok());
    CHECK(second->version == 2);
    CHECK(second->id == 2);
    CHECK(*registry.versions("news-value") == std::vector<int32_t>{1, 2});
    CHECK(registry.version("news-value", -1)->id == 2);
    CHECK(registry.schema_text(1).value() == first->schema);
  }
  CHECK(cluster->find_topic(kSchemasTopic) != nullptr);
}

TEST_CASE("under BACKWARD (the default) a field added without default is refused with error 409") {
  auto cluster = test::make_cluster();
  SchemaRegistry& registry = SchemaRegistry::of(*cluster);
  REQUIRE(registry.register_schema("news-value", news()).ok());
  CHECK(registry.compatibility("news-value") == CompatibilityLevel::BACKWARD);
  auto refused = registry.register_schema("news-value", news(kWithoutDefault));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == 409);
  CHECK(refused.error().message.rfind(
            "Schema being registered is incompatible with an earlier schema for subject \"news-value\", details: "
            "[{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'test' at path '/fields/1' in "
            "the new schema has no default value and is missing in the old schema', additionalInfo:'test'}, "
            "{oldSchemaVersion: 1}, {oldSchema: '",
            0) == 0);
  CHECK(refused.error().message.find("{validateFields: 'false', compatibility: 'BACKWARD'}]") != std::string::npos);
  CHECK(*registry.versions("news-value") == std::vector<int32_t>{1});
  auto tested = registry.test("news-value", news(kWithoutDefault));
  REQUIRE(tested.ok());
  CHECK_FALSE(tested->is_compatible);
  CHECK(registry.test("news-value", news(kWithDefault))->is_compatible);
}

TEST_CASE("each compatibility level decides on the same evolution as its direction says") {
  // v1 {title}; v2 adds test with a default; candidate v3 makes test required (no default).
  // v3 reads v2 data (it has test) but not v1 data: only the transitive backward levels see v1.
  // v2 and v1 readers can read v3 data (test is ignored by v1, v2 has it), so FORWARD levels pass.
  struct Expectation {
    const char* level;
    bool accepted;
  };
  for (const Expectation& e : {Expectation{"NONE", true}, {"BACKWARD", true}, {"BACKWARD_TRANSITIVE", false},
                               {"FORWARD", true}, {"FORWARD_TRANSITIVE", true}, {"FULL", true},
                               {"FULL_TRANSITIVE", false}}) {
    CAPTURE(e.level);
    auto cluster = test::make_cluster();
    SchemaRegistry& registry = SchemaRegistry::of(*cluster);
    REQUIRE(registry.set_compatibility("news-value", e.level).ok());
    REQUIRE(registry.register_schema("news-value", news()).ok());
    REQUIRE(registry.register_schema("news-value", news(kWithDefault)).ok());
    CHECK(registry.register_schema("news-value", news(kWithoutDefault)).ok() == e.accepted);
  }
  for (const Expectation& e : {Expectation{"NONE", true}, {"BACKWARD", true}, {"FORWARD", false}, {"FULL", false}}) {
    CAPTURE(e.level);  // removing a required field: old readers miss it
    auto cluster = test::make_cluster();
    SchemaRegistry& registry = SchemaRegistry::of(*cluster);
    REQUIRE(registry.set_compatibility(std::nullopt, e.level).ok());  // the global level
    REQUIRE(registry.register_schema("news-value", news(kWithoutDefault)).ok());
    CHECK(registry.register_schema("news-value", news()).ok() == e.accepted);
  }
}

TEST_CASE("a subject's own level overrides the global one") {
  auto cluster = test::make_cluster();
  SchemaRegistry& registry = SchemaRegistry::of(*cluster);
  REQUIRE(registry.set_compatibility(std::nullopt, "full").ok());
  REQUIRE(registry.set_compatibility("news-value", "NONE").ok());
  CHECK(registry.compatibility(std::nullopt) == CompatibilityLevel::FULL);
  CHECK(registry.compatibility("news-value") == CompatibilityLevel::NONE);
  CHECK(registry.compatibility("other-value") == CompatibilityLevel::FULL);
  auto bad = registry.set_compatibility("news-value", "SIDEWAYS");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == 42203);
}

TEST_CASE("the registry's errors: unknown subject, version and id; deletes soft then permanent") {
  auto cluster = test::make_cluster();
  SchemaRegistry& registry = SchemaRegistry::of(*cluster);
  CHECK(registry.versions("nope").error().code == 40401);
  CHECK(registry.versions("nope").error().message == "Subject 'nope' not found.");
  CHECK(registry.schema_by_id(42).error().code == 40403);
  REQUIRE(registry.register_schema("news-value", news()).ok());
  CHECK(registry.version("news-value", 7).error().code == 40402);
  CHECK(registry.lookup("news-value", news(kWithDefault)).error().code == 40403);
  CHECK(registry.register_schema("news-value", "{not json").error().code == 42201);
  CHECK(registry.delete_subject("news-value", true).error().code == 40405);
  CHECK(*registry.delete_subject("news-value", false) == std::vector<int32_t>{1});
  CHECK(registry.subjects().empty());
  CHECK(registry.schema_by_id(1).ok());  // a soft-deleted schema keeps its id
  CHECK(registry.delete_subject("news-value", false).error().code == 40404);
  CHECK(*registry.delete_subject("news-value", true) == std::vector<int32_t>{1});
  CHECK(registry.schema_by_id(1).error().code == 40403);
}

TEST_CASE("after a restart the registry rebuilds subjects, ids and levels from _schemas alone") {
  auto cluster = test::make_cluster();
  SchemaRegistry& registry = SchemaRegistry::of(*cluster);
  REQUIRE(registry.register_schema("news-value", news()).ok());
  REQUIRE(registry.register_schema("news-value", news(kWithDefault)).ok());
  REQUIRE(registry.register_schema("old-value", news()).ok());
  REQUIRE(registry.delete_subject("old-value", false).ok());
  REQUIRE(registry.set_compatibility("news-value", "FULL").ok());
  REQUIRE(registry.set_compatibility("news-value", "FORWARD").ok());  // the last one wins
  auto check_state = [&](const SchemaRegistry& r) {
    CHECK(r.subjects() == std::vector<std::string>{"news-value"});
    CHECK(*r.versions("news-value") == std::vector<int32_t>{1, 2});
    CHECK(r.version("news-value", 2)->id == 2);
    CHECK(r.compatibility("news-value") == CompatibilityLevel::FORWARD);
    CHECK(r.schema_text(2).ok());
  };
  registry.restart();
  CHECK(registry.records_replayed() == 6);
  check_state(registry);
  SUBCASE("also after the log cleaner compacted _schemas") {
    REQUIRE(cluster->alter_topic_config(std::string(kSchemasTopic),
                                        {{"min.cleanable.dirty.ratio", ConfigInput(0.01)},
                                         {"segment.ms", ConfigInput(int64_t{1})}})
                .ok());
    cluster->advance(10);
    REQUIRE(registry.set_compatibility("news-value", "FORWARD").ok());  // an append rolls the segment
    registry.restart();
    CHECK(registry.records_replayed() == 7);
    cluster->run_cleaner();
    registry.restart();
    CHECK(registry.records_replayed() < 7);
    check_state(registry);
  }
  SUBCASE("the next id continues after the replayed ones") {
    auto third = registry.register_schema("news-value", news(kWithDefault + R"(,{"name":"x","type":"int","default":0})"));
    REQUIRE(third.ok());
    CHECK(third->id == 3);
    CHECK(third->version == 3);
  }
}
