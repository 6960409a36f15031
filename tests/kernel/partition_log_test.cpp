// The partition log: offsets, segment rolls (segment.bytes, segment.ms), reads by offset range,
// LogAppendTime, and the limits a broker enforces on append and fetch.
// Kafka's rule (LogSegment.shouldRoll): roll when size > segment.bytes - batchSize, or when the
// segment is not empty and batchMaxTimestamp - firstBatchMaxTimestamp > segment.ms.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/partition_log.hpp"
#include "test_support.hpp"

using namespace klab;
using test::offsets_of;
using test::read_log;

namespace {

// A finished batch of `count` records with values "0", "1", ... and the given create timestamp.
// With single-character values each record takes 8 bytes: a 1-record batch is 69 bytes.
std::string make_batch(int count, TimeMs timestamp = 0, std::string_view value = {}) {
  RecordBatchBuilder builder;
  builder.reset(1 << 20);
  std::vector<std::string> values;
  for (int i = 0; i < count; ++i) values.push_back(value.empty() ? std::to_string(i % 10) : std::string(value));
  for (const std::string& v : values) builder.append(RecordInput{std::nullopt, std::string_view(v), nullptr, 0, timestamp});
  return std::string(builder.finish());
}

AppendInfo append_ok(PartitionLog& log, const std::string& batch, TimeMs now = 0) {
  Result<AppendInfo> appended = log.append(batch, now);
  REQUIRE(appended.ok());
  return *appended;
}

std::vector<int64_t> segment_bases(const PartitionLog& log) {
  std::vector<int64_t> bases;
  for (const Segment& segment : log.segments()) bases.push_back(segment.base_offset());
  return bases;
}

}  // namespace

TEST_CASE("offsets start at 0 and grow by one per record") {
  PartitionLog log(LogConfig{});
  CHECK(log.log_start_offset() == 0);
  CHECK(log.log_end_offset() == 0);
  AppendInfo first = append_ok(log, make_batch(3));
  CHECK(first.base_offset == 0);
  CHECK(first.last_offset == 2);
  AppendInfo second = append_ok(log, make_batch(1));
  CHECK(second.base_offset == 3);
  CHECK(second.last_offset == 3);
  CHECK(log.log_end_offset() == 4);
  CHECK(offsets_of(read_log(log)) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(log.size_bytes() == (61 + 3 * 8) + 69);
}

TEST_CASE("the active segment rolls when the next batch would take it past segment.bytes") {
  const std::string batch = make_batch(1);
  REQUIRE(batch.size() == 69);
  SUBCASE("segment.bytes = 200: two 69-byte batches fit (138), a third would make 207") {
    PartitionLog log(LogConfig{200, 604800000, TimestampType::CreateTime, 1048588});
    for (int i = 0; i < 5; ++i) append_ok(log, batch);
    CHECK(segment_bases(log) == std::vector<int64_t>{0, 2, 4});
    CHECK(log.segments()[0].size_bytes() == 138);
    CHECK(log.segments()[1].size_bytes() == 138);
    CHECK(log.segments()[2].size_bytes() == 69);
    CHECK(offsets_of(read_log(log)) == std::vector<int64_t>{0, 1, 2, 3, 4});
  }
  SUBCASE("a segment may end exactly at segment.bytes") {
    PartitionLog log(LogConfig{138, 604800000, TimestampType::CreateTime, 1048588});
    for (int i = 0; i < 4; ++i) append_ok(log, batch);
    CHECK(segment_bases(log) == std::vector<int64_t>{0, 2});
  }
  SUBCASE("a batch of exactly segment.bytes fills a fresh segment; no empty segment is left behind") {
    PartitionLog log(LogConfig{69, 604800000, TimestampType::CreateTime, 1048588});
    for (int i = 0; i < 3; ++i) append_ok(log, batch);
    CHECK(segment_bases(log) == std::vector<int64_t>{0, 1, 2});
    for (const Segment& segment : log.segments()) CHECK(segment.batch_count() == 1);
  }
  SUBCASE("a batch larger than segment.bytes is refused as RECORD_LIST_TOO_LARGE and changes nothing") {
    PartitionLog log(LogConfig{68, 604800000, TimestampType::CreateTime, 1048588});
    Result<AppendInfo> refused = log.append(batch, 0);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::RECORD_LIST_TOO_LARGE);
    CHECK(log.segments().size() == 1);
    CHECK(log.log_end_offset() == 0);
  }
}

TEST_CASE("the active segment rolls once segment.ms has passed since its first batch's timestamp") {
  LogConfig config{1073741824, 100, TimestampType::CreateTime, 1048588};
  SUBCASE("strictly more than segment.ms: a batch 100 ms later stays, 101 ms later rolls") {
    PartitionLog log(config);
    append_ok(log, make_batch(1, 0), 0);
    append_ok(log, make_batch(1, 100), 100);
    CHECK(log.segments().size() == 1);
    append_ok(log, make_batch(1, 101), 101);
    CHECK(segment_bases(log) == std::vector<int64_t>{0, 2});
  }
  SUBCASE("measured from the first batch's timestamp, not from when the segment was created") {
    PartitionLog log(config, 0);  // created at 0, first batch at 50
    append_ok(log, make_batch(1, 50), 50);
    append_ok(log, make_batch(1, 140), 140);  // 90 ms after the first batch
    CHECK(log.segments().size() == 1);
    append_ok(log, make_batch(1, 151), 151);
    CHECK(segment_bases(log) == std::vector<int64_t>{0, 2});
    CHECK(log.segments()[1].rolling_based_timestamp() == 151);
  }
  SUBCASE("under CreateTime the batch's own timestamps count, not the broker's clock") {
    PartitionLog log(config);
    append_ok(log, make_batch(1, 0), 0);
    append_ok(log, make_batch(1, 5), 10000);  // an old record arriving late does not roll
    CHECK(log.segments().size() == 1);
  }
  SUBCASE("an empty log never rolls on time") {
    PartitionLog log(config, 0);
    append_ok(log, make_batch(1, 5000), 5000);
    CHECK(log.segments().size() == 1);
  }
}

TEST_CASE("under LogAppendTime the broker stamps its clock on the batch and its records") {
  PartitionLog log(LogConfig{1073741824, 100, TimestampType::LogAppendTime, 1048588});
  AppendInfo info = append_ok(log, make_batch(2, 5), 1000);
  CHECK(info.log_append_time == 1000);
  int visited = 0;
  DecompressedBatches decompressed;
  (void)log.read(0, 10, decompressed, [&](const RecordView& r) {
    CHECK(r.timestamp == 1000);
    CHECK(r.timestamp_type == TimestampType::LogAppendTime);
    ++visited;
    return true;
  });
  CHECK(visited == 2);
  SUBCASE("and segment.ms is then measured on broker time") {
    append_ok(log, make_batch(1, 5), 1100);
    CHECK(log.segments().size() == 1);
    append_ok(log, make_batch(1, 5), 1101);
    CHECK(log.segments().size() == 2);
  }
  SUBCASE("while CreateTime keeps the producer's timestamp and reports no append time") {
    PartitionLog create_time(LogConfig{});
    AppendInfo created = append_ok(create_time, make_batch(1, 5), 1000);
    CHECK(created.log_append_time == -1);
    CHECK(read_log(create_time)[0].timestamp == 5);
  }
}

TEST_CASE("a batch larger than max.message.bytes is refused as MESSAGE_TOO_LARGE") {
  const std::string batch = make_batch(1);  // 69 bytes
  PartitionLog log(LogConfig{1073741824, 604800000, TimestampType::CreateTime, 68});
  Result<AppendInfo> refused = log.append(batch, 0);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::MESSAGE_TOO_LARGE);
  CHECK(refused.error().message.find("69 bytes") != std::string::npos);
  CHECK(log.log_end_offset() == 0);
  log.set_config(LogConfig{1073741824, 604800000, TimestampType::CreateTime, 69});
  CHECK(log.append(batch, 0).ok());  // exactly the limit is fine
}

TEST_CASE("a fetch offset must lie between the log start and the log end, inclusive") {
  PartitionLog log(LogConfig{});
  append_ok(log, make_batch(4));
  CHECK(log.check_fetch_offset(0).ok());
  CHECK(log.check_fetch_offset(4).ok());  // the log end: nothing yet, but not out of range
  Status past_end = log.check_fetch_offset(5);
  REQUIRE_FALSE(past_end.ok());
  CHECK(past_end.error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
  CHECK(past_end.error().message == "Fetch position 5 is out of range [0, 4]");
  CHECK(log.check_fetch_offset(-1).error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
}

TEST_CASE("reads start in the middle of a batch and stop before the upper bound") {
  // Batches of 5 (offsets 0-4), 3 (5-7) and 2 (8-9), each in its own segment.
  PartitionLog log(LogConfig{110, 604800000, TimestampType::CreateTime, 1048588});  // 101 + 85 > 110
  append_ok(log, make_batch(5));
  append_ok(log, make_batch(3));
  append_ok(log, make_batch(2));
  REQUIRE(segment_bases(log) == std::vector<int64_t>{0, 5, 8});
  CHECK(offsets_of(read_log(log, 2)) == std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(offsets_of(read_log(log, 0, 3)) == std::vector<int64_t>{0, 1, 2});
  CHECK(offsets_of(read_log(log, 6, 7)) == std::vector<int64_t>{6});
  CHECK(offsets_of(read_log(log, 3, 9)) == std::vector<int64_t>{3, 4, 5, 6, 7, 8});
  CHECK(read_log(log, 3, 3).empty());
  CHECK(read_log(log, 10).empty());
  CHECK(read_log(log, 7)[0].value == "2");  // offset 7 is the third record of the second batch
  SUBCASE("a visitor that returns false stops the read") {
    std::vector<int64_t> seen;
    DecompressedBatches decompressed;
    (void)log.read(1, 100, decompressed, [&](const RecordView& r) {
      seen.push_back(r.offset);
      return seen.size() < 3;
    });
    CHECK(seen == std::vector<int64_t>{1, 2, 3});
  }
}

TEST_CASE("a log holding thousands of batches reads back every record exactly once") {
  PartitionLog log(LogConfig{4096, 604800000, TimestampType::CreateTime, 1048588});
  for (int i = 0; i < 3000; ++i) append_ok(log, make_batch(1 + i % 3, i, "value-" + std::to_string(i)), i);
  CHECK(log.log_end_offset() == 6000);  // 1000 batches each of 1, 2 and 3 records
  std::vector<int64_t> expected(6000);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int64_t>(i);
  CHECK(offsets_of(read_log(log)) == expected);
  CHECK(read_log(log, 5999)[0].value == "value-2999");
  CHECK(log.segments().size() > 10);
  int64_t total = 0;
  for (const Segment& segment : log.segments()) {
    CHECK(segment.size_bytes() <= 4096);
    CHECK_FALSE(segment.empty());
    total += segment.size_bytes();
  }
  CHECK(total == log.size_bytes());
}

TEST_CASE("truncation removes whole batches: one that straddles the offset goes too") {
  PartitionLog log(LogConfig{});
  append_ok(log, make_batch(3));  // offsets 0-2
  append_ok(log, make_batch(4));  // offsets 3-6
  append_ok(log, make_batch(1));  // offset 7
  SUBCASE("at a batch boundary") {
    log.truncate_to(3);
    CHECK(log.log_end_offset() == 3);
    CHECK(offsets_of(read_log(log)) == std::vector<int64_t>{0, 1, 2});
  }
  SUBCASE("inside a batch") {
    log.truncate_to(5);
    CHECK(log.log_end_offset() == 3);
    CHECK(offsets_of(read_log(log)) == std::vector<int64_t>{0, 1, 2});
    CHECK(log.size_bytes() == 61 + 3 * 8);
  }
  SUBCASE("at or beyond the end: nothing changes") {
    log.truncate_to(8);
    CHECK(log.log_end_offset() == 8);
  }
}
