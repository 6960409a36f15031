// The hashes behind partitioning: Java's murmur2 (keyed records), zlib CRC-32 (librdkafka's
// consistent partitioners) and Java's String.hashCode (group -> __consumer_offsets partition).
// Vectors: tests/kernel/fixtures/murmur2-vectors.tsv, computed with Kafka's Utils.murmur2 and
// Utils.toPositive (collected with the reference notes on Kafka semantics, §1-§2).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/hashing.hpp"
#include "client/partitioners.hpp"
#include "fixtures.hpp"
#include "test_support.hpp"

using namespace klab;

namespace {

struct Vector {
  std::string key;
  int32_t murmur2;
  int32_t p3, p5, p6, p10;
};

// murmur2-vectors.tsv: key_repr murmur2_int32 p3 p5 p6 p10, key_repr a Python repr without escapes.
std::vector<Vector> shared_vectors() {
  const std::string path = klab::test::fixture_path("murmur2-vectors.tsv");
  std::ifstream file(path);
  INFO("test fixture missing or unreadable: ", path);
  REQUIRE(file.good());
  std::vector<Vector> vectors;
  std::string line;
  std::getline(file, line);
  CHECK(line == "key_repr\tmurmur2_int32\tp3\tp5\tp6\tp10");
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string repr, hash, p3, p5, p6, p10;
    std::getline(fields, repr, '\t');
    fields >> hash >> p3 >> p5 >> p6 >> p10;
    REQUIRE(repr.size() >= 2);
    REQUIRE(repr.front() == '\'');
    REQUIRE(repr.back() == '\'');
    REQUIRE(repr.find('\\') == std::string::npos);
    vectors.push_back(Vector{repr.substr(1, repr.size() - 2), std::stoi(hash), std::stoi(p3), std::stoi(p5),
                             std::stoi(p6), std::stoi(p10)});
  }
  return vectors;
}

int32_t java_abs(int32_t n) { return n == INT32_MIN ? 0 : std::abs(n); }  // Kafka's Utils.abs

}  // namespace

TEST_CASE("murmur2 equals every vector of murmur2-vectors.tsv (Kafka's Utils.murmur2)") {
  std::vector<Vector> vectors = shared_vectors();
  CHECK(vectors.size() == 36);
  for (const Vector& v : vectors) {
    CAPTURE(v.key);
    CHECK(murmur2(v.key) == v.murmur2);
  }
}

TEST_CASE("a keyed record goes to toPositive(murmur2(key)) % partitions, as in the p3/p5/p6/p10 columns") {
  for (const Vector& v : shared_vectors()) {
    CAPTURE(v.key);
    CHECK(java_key_partition(v.key, 3) == v.p3);
    CHECK(java_key_partition(v.key, 5) == v.p5);
    CHECK(java_key_partition(v.key, 6) == v.p6);
    CHECK(java_key_partition(v.key, 10) == v.p10);
  }
}

TEST_CASE("the 256-byte key and the UTF-8 key of the shared vectors are hashed byte by byte") {
  CHECK(murmur2(std::string(256, 'x')) == -1339676658);
  CHECK(murmur2("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87") == 2122343024);  // 'ключ'
}

TEST_CASE("murmur2 equals Kafka's UtilsTest.testMurmur2 vectors") {
  CHECK(murmur2("21") == -973932308);
  CHECK(murmur2("foobar") == -790332482);
  CHECK(murmur2("a-little-bit-long-string") == -985981536);
  CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(murmur2("abc") == 479470107);
}

TEST_CASE("murmur2 equals librdkafka's rdmurmur2 unit-test vectors, including \"\" = 0x106e08d9") {
  auto hex = [](uint32_t value) { return static_cast<int32_t>(value); };
  CHECK(murmur2("kafka") == hex(0xd067cf64));
  CHECK(murmur2("giberish123456789") == hex(0x8f552b0c));
  CHECK(murmur2("1234") == hex(0x9fc97b14));
  CHECK(murmur2("234") == hex(0xe7c009ca));
  CHECK(murmur2("34") == hex(0x873930da));
  CHECK(murmur2("4") == hex(0x5a4b5ca1));
  CHECK(murmur2("PreAmbleWillBeRemoved,ThePrePartThatIs") == hex(0x78424f1c));
  CHECK(murmur2("reAmbleWillBeRemoved,ThePrePartThatIs") == hex(0x4a62b377));
  CHECK(murmur2("eAmbleWillBeRemoved,ThePrePartThatIs") == hex(0xe0e4e09e));
  CHECK(murmur2("AmbleWillBeRemoved,ThePrePartThatIs") == hex(0x62b8b43f));
  CHECK(murmur2("") == hex(0x106e08d9));
  CHECK(murmur2("") == 275646681);
}

TEST_CASE("murmur2 partitions of 1000 equal kafka-python's Java-compatibility vectors") {
  CHECK(java_key_partition("", 1000) == 681);
  CHECK(java_key_partition("a", 1000) == 524);
  CHECK(java_key_partition("ab", 1000) == 434);
  CHECK(java_key_partition("abc", 1000) == 107);
  CHECK(java_key_partition("123456789", 1000) == 566);
  CHECK(java_key_partition(std::string_view("\x00 ", 2), 1000) == 742);  // a zero byte is a byte
}

TEST_CASE("the course's golden keys land where the course material says") {
  SUBCASE("id_0..id_9 on 3 partitions (simplesteph ProducerDemoKeys)") {
    const std::vector<int32_t> expected{1, 0, 2, 0, 2, 2, 0, 2, 1, 2};
    for (int i = 0; i < 10; ++i) {
      CAPTURE(i);
      CHECK(java_key_partition("id_" + std::to_string(i), 3) == expected[static_cast<std::size_t>(i)]);
    }
  }
  SUBCASE("key1..key4 on 2 partitions (Confluent specific-offset tutorial)") {
    CHECK(java_key_partition("key1", 2) == 0);
    CHECK(java_key_partition("key2", 2) == 1);
    CHECK(java_key_partition("key3", 2) == 1);
    CHECK(java_key_partition("key4", 2) == 1);
  }
  SUBCASE("single keys from issue threads and labs") {
    CHECK(java_key_partition("my key", 5) == 3);
    CHECK(java_key_partition("wu", 10) == 0);
    CHECK(java_key_partition("100:48069", 12) == 9);
    CHECK(java_key_partition("fd7af248-ce5c-46a5-93d7-1c0c9005b99d", 32) == 26);
    CHECK(java_key_partition("TT0124", 15) == 10);
    CHECK(crc32("TT0124") % 15 == 9);
  }
}

TEST_CASE("toPositive masks the sign bit instead of taking abs: \"my key\" on 5 partitions is 3, not 0") {
  const int32_t hash = murmur2("my key");
  CHECK(hash == -462743395);
  CHECK(to_positive(hash) == 1684740253);
  CHECK(to_positive(hash) % 5 == 3);
  CHECK(std::abs(hash) % 5 == 0);  // what a port using abs() would answer
  CHECK(to_positive(INT32_MIN) == 0);
  CHECK(to_positive(-1) == INT32_MAX);
  CHECK(to_positive(7) == 7);
}

TEST_CASE("crc32 equals zlib's CRC-32 and librdkafka's consistent partitioner table") {
  struct Row {
    std::string key;
    uint32_t crc;
    int32_t p3, p5, p6, p10;
  };
  const std::vector<Row> rows{
      {"", 0u, 0, 0, 0, 0},
      {"a", 3904355907u, 0, 2, 3, 7},
      {"my key", 613016092u, 1, 2, 4, 2},
      {"truck_id_123", 1886088179u, 2, 4, 5, 9},
      {"key0", 1532712134u, 2, 4, 2, 4},
      {"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", 212833818u, 0, 3, 0, 8},
  };
  CHECK(crc32("123456789") == 0xcbf43926u);  // the CRC-32 check value
  for (const Row& row : rows) {
    CAPTURE(row.key);
    CHECK(crc32(row.key) == row.crc);
    const int32_t counts[] = {3, 5, 6, 10};
    const int32_t expected[] = {row.p3, row.p5, row.p6, row.p10};
    for (int i = 0; i < 4; ++i) {
      Topic topic = test::standalone_topic("t", counts[i]);
      Rng rng(1);
      LibrdkafkaPartitioner consistent(LibrdkafkaPartitionerKind::Consistent, 10);
      CHECK(consistent.partition(topic, std::string_view(row.key), 0, rng) == expected[i]);
    }
  }
}

TEST_CASE("java_string_hash is String.hashCode over UTF-16 units and places groups on __consumer_offsets") {
  struct Row {
    std::string group;
    int32_t hash;
    int32_t partition;
  };
  const std::vector<Row> rows{
      {"my-group", -1906497762, 12},
      {"test-group", 627841412, 12},
      {"group1", -1237460590, 40},
      {"console-consumer-12345", 158455506, 6},
      {"orders-service", 23943117, 17},
      {"", 0, 0},
      {"polygenelubricants", INT32_MIN, 0},
      {"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", 33309882, 32},  // 'ключ'
  };
  for (const Row& row : rows) {
    CAPTURE(row.group);
    CHECK(java_string_hash(row.group) == row.hash);
    CHECK(java_abs(java_string_hash(row.group)) % 50 == row.partition);
  }
  // A character outside the BMP counts as two surrogates: U+1F600 = D83D DE00 -> 31*0xD83D + 0xDE00.
  CHECK(java_string_hash("\xf0\x9f\x98\x80") == 31 * 0xD83D + 0xDE00);
}
