// Every writer of a batch stamps its CRC-32C (the checksum itself is tested in crc32c_test.cpp).
#include <doctest/doctest.h>

#include <string>

#include "log/compressed_batch.hpp"
#include "log/crc32c.hpp"
#include "log/partition_log.hpp"
#include "log/record_batch.hpp"

using namespace klab;

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
