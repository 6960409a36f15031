// The sticky assignor's general algorithm depends on Java hash codes and HashSet iteration order;
// these values were printed by OpenJDK 17 (java.util.HashSet, String.hashCode).
#include <doctest/doctest.h>

#include "group/java_hash_order.hpp"

using namespace klab::group;

TEST_CASE("sticky assignor hashes strings and topic-partitions as Java does") {
  CHECK(java_string_hash("C0") == 2125);
  CHECK(java_string_hash("t0") == 3644);
  CHECK(java_hash_code({"t0", 0}) == 4605);
  CHECK(java_hash_code({"orders", 7}) == -1008769153);
  CHECK(java_hash_code({"a-very-long-topic-name-to-overflow", 3}) == 672521748);
}

TEST_CASE("sticky assignor iterates a set of topic-partitions in Java HashSet order") {
  JavaHashSetOrder partitions;
  for (int32_t p = 0; p < 20; ++p) partitions.add({"t0", p});
  CHECK(partitions.capacity() == 32);
  std::vector<TopicPartition> expected;
  for (int32_t p = 19; p >= 0; --p) expected.push_back({"t0", p});
  CHECK(partitions.in_order() == expected);
  CHECK(partitions.first() == TopicPartition{"t0", 19});

  JavaHashSetOrder mixed;
  for (int32_t i = 0; i < 13; ++i) mixed.add({i % 2 == 0 ? "orders" : "payments", i * 7});
  std::vector<TopicPartition> java{{"payments", 35}, {"orders", 42},  {"payments", 63}, {"orders", 14}, {"payments", 77},
                                   {"payments", 7},  {"orders", 84},  {"orders", 56},   {"payments", 21}, {"orders", 28},
                                   {"payments", 49}, {"orders", 0},   {"orders", 70}};
  CHECK(mixed.in_order() == java);
  CHECK(mixed.remove({"payments", 35}));
  CHECK(mixed.first() == TopicPartition{"orders", 42});
  CHECK_FALSE(mixed.add({"orders", 42}));
}
