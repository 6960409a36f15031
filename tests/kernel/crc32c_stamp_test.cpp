// The batch checksum kafka-dump-log.sh prints: CRC-32C from the attributes field to the end.
#include <doctest/doctest.h>

#include <string>

#include "log/compressed_batch.hpp"
#include "log/crc32c.hpp"
#include "log/partition_log.hpp"
#include "log/record_batch.hpp"

using namespace klab;

TEST_CASE("crc32c gives the Castagnoli check value and known vectors") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
  CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);  // RFC 3720 B.4: 32 bytes of zeros
  CHECK(crc32c(std::string(32, '\xff')) == 0x62A8AB43u);  // RFC 3720 B.4: 32 bytes of 0xff
}

TEST_CASE("a batch's crc covers attributes onwards, so a new base offset or leader epoch keeps it") {
  std::string batch(70, '\0');
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i] = static_cast<char>(i * 7);
  const uint32_t crc = record_batch_crc(batch);
  CHECK(crc == crc32c(std::string_view(batch).substr(21)));
  std::string moved = batch;
  moved[7] = 'x';   // baseOffset
  moved[14] = 'y';  // partitionLeaderEpoch
  CHECK(record_batch_crc(moved) == crc);
  std::string changed = batch;
  changed[69] = static_cast<char>(changed[69] ^ 1);  // the last byte of the last record
  CHECK(record_batch_crc(changed) != crc);
  CHECK(record_batch_crc("short") == 0u);
}

namespace {

uint32_t stored_crc(std::string_view batch) { return static_cast<uint32_t>(load_be(batch.data() + 17, 4)); }

std::string finished_batch(CompressionType compression) {
  RecordBatchBuilder builder;
  builder.reset(16384, compression);
  RecordInput record;
  record.key = std::string_view("truck-1");
  record.value = std::string_view("lat=1");
  record.timestamp = 5;
  builder.append(record);
  builder.append(record);
  return std::string(builder.finish());
}

}  // namespace

TEST_CASE("a finished batch carries its crc as Kafka's client writes it, plain or compressed") {
  for (CompressionType compression : {CompressionType::None, CompressionType::Gzip, CompressionType::Snappy,
                                      CompressionType::Lz4, CompressionType::Zstd}) {
    const std::string batch = finished_batch(compression);
    CHECK(stored_crc(batch) != 0u);
    CHECK(stored_crc(batch) == record_batch_crc(batch));
  }
}

TEST_CASE("a batch stamped with LogAppendTime or recompressed by the broker gets its crc recomputed") {
  LogConfig config;
  config.timestamp_type = TimestampType::LogAppendTime;
  PartitionLog log(config);
  REQUIRE(log.append(finished_batch(CompressionType::None), 1234).ok());
  log.read_batches(0, 1, [](const RecordBatchView& stored) {
    CHECK(stored.max_timestamp() == 1234);
    CHECK(stored_crc(stored.bytes()) == record_batch_crc(stored.bytes()));
    return true;
  });
  const std::string recompressed = compress_batch(finished_batch(CompressionType::None), CompressionType::Lz4);
  CHECK(stored_crc(recompressed) == record_batch_crc(recompressed));
}
