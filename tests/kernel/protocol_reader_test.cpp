// The Reader and Writer: primitives round-trip, bounds are checked before every read, the first error
// sticks and names the field, declared counts and lengths are refused before anything is allocated.
#include <doctest/doctest.h>

#include <climits>

#include "protocol/reader.hpp"
#include "protocol/writer.hpp"
#include "protocol_support.hpp"

using namespace klab::protocol;
using klab::protocol::testing::from_hex;
using klab::protocol::testing::to_hex;

TEST_CASE("the Writer writes Kafka's integers big-endian and the Reader reads them back") {
  Writer w;
  w.int8(-2);
  w.int16(0x1234);
  w.int32(-1);
  w.int64(0x0102030405060708LL);
  w.uint32(0xdeadbeef);
  CHECK(to_hex(w.bytes()) == "fe1234ffffffff0102030405060708deadbeef");
  Reader r(w.bytes());
  CHECK(r.int8() == -2);
  CHECK(r.int16() == 0x1234);
  CHECK(r.int32() == -1);
  CHECK(r.int64() == 0x0102030405060708LL);
  CHECK(r.uint32() == 0xdeadbeef);
  CHECK(r.ok());
  CHECK(r.remaining() == 0);
}

TEST_CASE("varints are unsigned LEB128 and zigzag for signed values, as Kafka's ByteUtils writes them") {
  Writer w;
  w.unsigned_varint(300);
  w.varint(-1);
  w.varint(1);
  w.varlong(INT64_MIN);
  w.unsigned_varint(UINT32_MAX);
  CHECK(to_hex(w.bytes()).substr(0, 8) == "ac020102");
  Reader r(w.bytes());
  CHECK(r.unsigned_varint() == 300);
  CHECK(r.varint() == -1);
  CHECK(r.varint() == 1);
  CHECK(r.varlong() == INT64_MIN);
  CHECK(r.unsigned_varint() == UINT32_MAX);
  CHECK(r.ok());
}

TEST_CASE("a varint longer than five bytes is an error, not an endless loop") {
  std::string r_bytes = from_hex("ff ff ff ff ff 01");
  Reader r(r_bytes);
  r.unsigned_varint();
  CHECK_FALSE(r.ok());
  CHECK(r.error().find("longer than 5 bytes") != std::string::npos);
}

TEST_CASE("strings, nullable strings, compact strings and bytes round-trip, null included") {
  Writer w;
  w.string("abc");
  w.nullable_string(std::nullopt);
  w.compact_string("de");
  w.compact_nullable_string(std::nullopt);
  w.bytes(std::string("\0\1", 2));
  w.nullable_bytes(std::nullopt);
  w.compact_bytes("z");
  w.compact_nullable_bytes(std::string{});
  CHECK(to_hex(w.bytes()) == "0003616263ffff03646500000000020001ffffffff027a01");
  Reader r(w.bytes());
  CHECK(r.string() == "abc");
  CHECK(r.nullable_string() == std::nullopt);
  CHECK(r.compact_string() == "de");
  CHECK(r.compact_nullable_string() == std::nullopt);
  CHECK(r.bytes() == std::string("\0\1", 2));
  CHECK(r.nullable_bytes() == std::nullopt);
  CHECK(r.compact_bytes() == "z");
  CHECK(r.compact_nullable_bytes() == std::string{});
  CHECK(r.ok());
}

TEST_CASE("a string length beyond the frame fails with the field's path and the bytes left") {
  std::string r_bytes = from_hex("012c 000000000000000000000000");
  Reader r(r_bytes, "MetadataRequest v4");  // length 300, 12 bytes follow
  r.push("topics");
  r.push_index(2);
  r.push("name");
  auto value = r.string();
  CHECK(value.empty());
  CHECK(r.error() == "MetadataRequest v4: topics[2].name: length 300 exceeds the 12 bytes left");
}

TEST_CASE("the first error sticks: later reads return zero and consume nothing") {
  std::string r_bytes = from_hex("00 01");
  Reader r(r_bytes);
  CHECK(r.int32() == 0);
  std::string first = r.error();
  CHECK(first == "int32 needs 4 bytes but 2 are left");
  CHECK(r.int16() == 0);
  CHECK(r.string().empty());
  CHECK(r.error() == first);
}

TEST_CASE("a null where the field is not nullable is an error") {
  std::string r_bytes = from_hex("ffff");
  Reader r(r_bytes);
  r.string();
  CHECK(r.error().find("not nullable") != std::string::npos);
}

TEST_CASE("a huge declared array count is refused before anything is allocated") {
  SUBCASE("int32 count") {
    std::string r_bytes = from_hex("7fffffff 00000000");
  Reader r(r_bytes);
    CHECK(r.array_count(4) == 0);
    CHECK(r.error() == "count 2147483647 needs at least 8589934588 bytes but 4 are left");
  }
  SUBCASE("compact count") {
    std::string r_bytes = from_hex("ffffffff0f 00");
  Reader r(r_bytes);
    CHECK(r.compact_array_count(1) == 0);
    CHECK_FALSE(r.ok());
  }
  SUBCASE("a count that fits exactly is accepted") {
    std::string r_bytes = from_hex("00000002 0000000100000002");
  Reader r(r_bytes);
    CHECK(r.array_count(4) == 2);
    CHECK(r.ok());
  }
  SUBCASE("a negative count is a null array") {
    std::string r_bytes = from_hex("ffffffff");
  Reader r(r_bytes);
    CHECK(r.array_count(4) == -1);
    CHECK(r.ok());
  }
}

TEST_CASE("a huge declared bytes length is refused") {
  std::string r_bytes = from_hex("7fffffff 01");
  Reader r(r_bytes);
  CHECK(r.nullable_bytes() == std::nullopt);
  CHECK(r.error() == "length 2147483647 exceeds the 1 bytes left");
}

TEST_CASE("a compact string longer than 32767 is refused as Kafka refuses it") {
  Writer w;
  w.unsigned_varint(40000);
  w.raw(std::string(39999, 'a'));
  Reader r(w.bytes());
  r.compact_string();
  CHECK(r.error() == "compact string length 39999 exceeds 32767");
}

TEST_CASE("tagged-field sections are skipped, and a tag size beyond the frame is an error") {
  std::string ok_reader_bytes = from_hex("02 00 02 aaaa 05 01 bb 7f");
  Reader ok_reader(ok_reader_bytes);
  ok_reader.skip_tagged_fields();
  CHECK(ok_reader.ok());
  CHECK(ok_reader.int8() == 0x7f);
  std::string bad_bytes = from_hex("01 00 09 aa");
  Reader bad(bad_bytes);
  bad.skip_tagged_fields();
  CHECK(bad.error() == "tagged field size 9 exceeds the 1 bytes left");
}

TEST_CASE("Writer::patch_int32 fills in a size known only afterwards") {
  Writer w;
  w.int32(0);
  w.string("ab");
  w.patch_int32(0, static_cast<int32_t>(w.size() - 4));
  CHECK(to_hex(w.bytes()) == "00000004" "00026162");
}
