// Kafka's topic-name rules (Topic.java; kafka-semantics.md §9): 1..249 characters of
// [a-zA-Z0-9._-], not "." or "..", and the '.'/'_' metric-name collision.
#include <doctest/doctest.h>

#include <string>

#include "cluster/topic_name.hpp"

using namespace klab;

namespace {

std::string refusal(std::string_view name) {
  Status status = validate_topic_name(name);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::INVALID_TOPIC_EXCEPTION);
  return status.error().message;
}

}  // namespace

TEST_CASE("names of 1 to 249 ASCII letters, digits, '.', '_' and '-' are valid") {
  CHECK(validate_topic_name("orders").ok());
  CHECK(validate_topic_name("a").ok());
  CHECK(validate_topic_name("Orders.EU_west-1").ok());
  CHECK(validate_topic_name("...").ok());  // only exactly "." and ".." are refused
  CHECK(validate_topic_name("__consumer_offsets").ok());
  CHECK(validate_topic_name(std::string(249, 'a')).ok());
}

TEST_CASE("invalid names are refused with Kafka's messages") {
  CHECK(refusal("") == "Topic name is invalid: the empty string is not allowed");
  CHECK(refusal(".") == "Topic name is invalid: '.' is not allowed");
  CHECK(refusal("..") == "Topic name is invalid: '..' is not allowed");
  const std::string long_name(250, 'a');
  CHECK(refusal(long_name) ==
        "Topic name is invalid: the length of '" + long_name + "' is longer than the max allowed length 249");
  CHECK(refusal("bad name") ==
        "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' "
        "and '-'");
  CHECK(refusal("a/b").ends_with("contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"));
  CHECK(refusal("orders!").starts_with("Topic name is invalid: 'orders!' contains"));
  CHECK(refusal("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87").find("contains one or more characters") != std::string::npos);
}

TEST_CASE("two names collide when they are equal after replacing '.' with '_'") {
  CHECK(topic_names_collide("my.topic", "my_topic"));
  CHECK(topic_names_collide("my_topic", "my.topic"));
  CHECK(topic_names_collide("a.b_c", "a_b.c"));
  CHECK(topic_names_collide("same", "same"));
  CHECK_FALSE(topic_names_collide("my-topic", "my_topic"));
  CHECK_FALSE(topic_names_collide("my.topic", "mytopic"));
  CHECK_FALSE(topic_names_collide("my.topic", "my.topic2"));
}

TEST_CASE("a name with '.' or '_' gets kafka-topics.sh's collision warning") {
  CHECK(has_collision_chars("my.topic"));
  CHECK(has_collision_chars("my_topic"));
  CHECK_FALSE(has_collision_chars("my-topic"));
  CHECK(collision_warning() ==
        "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. "
        "To avoid issues it is best to use either, but not both.");
}
