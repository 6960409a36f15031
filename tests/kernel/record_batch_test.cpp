// v2 record batches: the exact byte sizes Kafka's DefaultRecord / DefaultRecordBatch produce (they
// decide where batch.size, segment.bytes and max.message.bytes bite), round trips of keys, values
// and headers, and the write limit of a batch being built.
//
// A record is: varint(bodySize) + body, body = attributes(1) + varlong(timestampDelta) +
// varint(offsetDelta) + varint(keyLength|-1) + key + varint(valueLength|-1) + value +
// varint(headerCount) + headers. Varints are zig-zag: 0..63 take 1 byte, 64..8191 take 2.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/record_batch.hpp"

using namespace klab;

namespace {

RecordInput record(std::optional<std::string_view> key, std::optional<std::string_view> value, TimeMs timestamp = 0,
                   const HeaderView* headers = nullptr, std::size_t header_count = 0) {
  return RecordInput{key, value, headers, header_count, timestamp};
}

struct Decoded {
  int64_t offset;
  TimeMs timestamp;
  std::optional<std::string> key, value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

std::vector<Decoded> decode(std::string_view batch, int64_t from = 0) {
  std::vector<Decoded> out;
  RecordBatchView(batch.data()).for_each_record(from, [&](const RecordView& r) {
    Decoded d{r.offset, r.timestamp, {}, {}, {}};
    if (r.key) d.key = std::string(*r.key);
    if (r.value) d.value = std::string(*r.value);
    r.headers.for_each([&](const HeaderView& h) {
      d.headers.emplace_back(std::string(h.key), h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
    });
    out.push_back(std::move(d));
    return true;
  });
  return out;
}

}  // namespace

TEST_CASE("a record's size follows Kafka's DefaultRecord varint layout") {
  SUBCASE("null key, 1-byte value: body 1+1+1+1+(1+1)+1 = 7, plus 1 length byte") {
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, "v")) == 8);
  }
  SUBCASE("key 'k', value 'hello': body 3+(1+1)+(1+5)+1 = 12, total 13") {
    CHECK(record_size_in_batch(0, 0, record("k", "hello")) == 13);
  }
  SUBCASE("an empty key and an empty value cost one length byte each, like null ones") {
    CHECK(record_size_in_batch(0, 0, record("", "")) == 7);
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, std::nullopt)) == 7);
  }
  SUBCASE("a 64-byte value needs a 2-byte length varint; 63 bytes do not") {
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, std::string(63, 'x'))) == 71);  // body 69 -> 2-byte length
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, std::string(64, 'x'))) == 73);
  }
  SUBCASE("offset and timestamp deltas are varints too") {
    CHECK(record_size_in_batch(63, 0, record(std::nullopt, "v")) == 8);
    CHECK(record_size_in_batch(64, 0, record(std::nullopt, "v")) == 9);
    CHECK(record_size_in_batch(0, -1, record(std::nullopt, "v")) == 8);
    CHECK(record_size_in_batch(0, 1000, record(std::nullopt, "v")) == 9);
  }
  SUBCASE("headers: count varint, then each key and value with its length (-1 for a null value)") {
    HeaderView headers[] = {{"h", std::string_view("x")}};
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, "v", 0, headers, 1)) == 12);  // body 7-1+5 = 11
    HeaderView null_value[] = {{"h", std::nullopt}};
    CHECK(record_size_in_batch(0, 0, record(std::nullopt, "v", 0, null_value, 1)) == 11);
  }
  SUBCASE("the upper bound is the 61-byte header + MAX_RECORD_OVERHEAD 21 + key, value and headers") {
    CHECK(record_size_upper_bound(record(std::nullopt, "v")) == 61 + 21 + 1 + 2 + 1);
    CHECK(record_size_upper_bound(record("key", std::string(200, 'x'))) == 61 + 21 + 4 + 202 + 1);
  }
}

TEST_CASE("a finished batch is the 61-byte header plus its records, with v2 header fields") {
  RecordBatchBuilder builder;
  builder.reset(16384);
  CHECK(builder.append(record(std::nullopt, "v", 100)) == 61 + 8);  // the first append counts the header
  CHECK(builder.append(record("k", "hello", 105)) == 13);
  CHECK(builder.append(record(std::nullopt, "v", 99)) == 8);  // delta -1: still one byte
  std::string_view batch = builder.finish();
  CHECK(batch.size() == 61u + 8 + 13 + 8);
  RecordBatchView view(batch.data());
  CHECK(view.size_bytes() == 90);
  CHECK(load_be(batch.data() + batch_field::kBatchLength, 4) == 90u - 12);
  CHECK(batch[batch_field::kMagic] == 2);
  CHECK(view.record_count() == 3);
  CHECK(view.last_offset_delta() == 2);
  CHECK(view.base_offset() == 0);
  CHECK(view.base_timestamp() == 100);
  CHECK(view.max_timestamp() == 105);
  CHECK(view.timestamp_type() == TimestampType::CreateTime);
  CHECK(static_cast<int64_t>(load_be(batch.data() + batch_field::kProducerId, 8)) == -1);  // no idempotence yet
  std::vector<Decoded> records = decode(batch);
  REQUIRE(records.size() == 3);
  CHECK(records[0].timestamp == 100);
  CHECK(records[1].timestamp == 105);
  CHECK(records[2].timestamp == 99);  // a timestamp below the base is a negative delta
}

TEST_CASE("null key, empty key and null value survive the round trip distinctly") {
  RecordBatchBuilder builder;
  builder.reset(16384);
  builder.append(record(std::nullopt, "no key"));
  builder.append(record("", "empty key"));
  builder.append(record("tombstone", std::nullopt));
  builder.append(record("k", ""));
  std::vector<Decoded> records = decode(builder.finish());
  REQUIRE(records.size() == 4);
  CHECK_FALSE(records[0].key.has_value());
  CHECK(records[0].value == "no key");
  REQUIRE(records[1].key.has_value());
  CHECK(records[1].key->empty());
  CHECK(records[2].key == "tombstone");
  CHECK_FALSE(records[2].value.has_value());
  REQUIRE(records[3].value.has_value());
  CHECK(records[3].value->empty());
  CHECK(records[3].offset == 3);
}

TEST_CASE("headers round-trip in order, with null header values kept null") {
  HeaderView headers[] = {{"src", std::string_view("gps")}, {"trace", std::nullopt}, {"src", std::string_view("")}};
  RecordBatchBuilder builder;
  builder.reset(16384);
  builder.append(record("k", "v", 0, headers, 3));
  builder.append(record("k2", "v2"));
  std::vector<Decoded> records = decode(builder.finish());
  REQUIRE(records.size() == 2);
  REQUIRE(records[0].headers.size() == 3);
  CHECK(records[0].headers[0].first == "src");
  CHECK(records[0].headers[0].second == "gps");
  CHECK(records[0].headers[1].first == "trace");
  CHECK_FALSE(records[0].headers[1].second.has_value());
  CHECK(records[0].headers[2].second == "");
  CHECK(records[1].headers.empty());
  CHECK(records[1].value == "v2");  // headers of the first record did not eat into the second
}

TEST_CASE("reading a batch from an offset skips the records before it") {
  RecordBatchBuilder builder;
  builder.reset(16384);
  for (int i = 0; i < 5; ++i) builder.append(record(std::nullopt, std::to_string(i)));
  std::vector<Decoded> records = decode(builder.finish(), 3);
  REQUIRE(records.size() == 2);
  CHECK(records[0].offset == 3);
  CHECK(records[0].value == "3");
  CHECK(records[1].value == "4");
}

TEST_CASE("a batch takes records while it stays within its write limit; the first always fits") {
  RecordBatchBuilder builder;
  const RecordInput small = record(std::nullopt, "v");  // 8 bytes at small deltas
  SUBCASE("a limit of 100 holds 4 records of 8 bytes (61 + 32 = 93); the fifth would make 101") {
    builder.reset(100);
    for (int i = 0; i < 4; ++i) {
      CHECK(builder.has_room_for(small));
      builder.append(small);
    }
    CHECK(builder.size_bytes() == 93);
    CHECK_FALSE(builder.is_full());
    CHECK_FALSE(builder.has_room_for(small));
  }
  SUBCASE("a batch that reaches its limit exactly is full") {
    builder.reset(93);
    for (int i = 0; i < 4; ++i) builder.append(small);
    CHECK(builder.is_full());
    CHECK_FALSE(builder.has_room_for(record(std::nullopt, std::nullopt)));
  }
  SUBCASE("a first record larger than the limit is still taken, and the batch is then full") {
    builder.reset(100);
    const std::string large_value(200, 'x');
    const RecordInput big = record(std::nullopt, large_value);
    CHECK_FALSE(builder.is_full());
    CHECK(builder.has_room_for(big));
    builder.append(big);
    CHECK(builder.is_full());
    CHECK_FALSE(builder.has_room_for(small));
    CHECK(builder.record_count() == 1);
  }
  SUBCASE("reset empties the batch") {
    builder.reset(100);
    builder.append(small);
    builder.reset(100);
    CHECK(builder.record_count() == 0);
    CHECK(builder.size_bytes() == 61);
  }
}
