#include "kafka_log_format.hpp"

#include <fmt/format.h>

#include "log/compressed_batch.hpp"
#include "log/crc32c.hpp"

namespace klab {

const char* config_source_name(ConfigSource source) {
  switch (source) {
    case ConfigSource::TopicConfig: return "DYNAMIC_TOPIC_CONFIG";
    case ConfigSource::StaticBrokerConfig: return "STATIC_BROKER_CONFIG";
    case ConfigSource::Default: return "DEFAULT_CONFIG";
  }
  return "?";
}

// kafka-dump-log.sh prints CompressionType's name: none, gzip, snappy, lz4, zstd.
static std::string codec_name(const RecordBatchView& batch) {
  const std::optional<CompressionType> type = compression_from_id(batch.compression_id());
  if (!type) return fmt::format("unknown({})", batch.compression_id());
  return std::string(compression_name(*type));
}

std::string format_dump_log(const std::string& topic, int32_t partition, const PartitionLog& log) {
  std::string out;
  DecompressedBatches decompressed;
  for (const Segment& segment : log.segments()) {
    out += fmt::format("Dumping {}-{}/{:020d}.log\nLog starting offset: {}\n", topic, partition, segment.base_offset(),
                       segment.base_offset());
    int64_t position = 0;
    segment.for_each_batch(segment.base_offset(), [&](const RecordBatchView& batch) {
      const Result<RecordBatchView> plain = decompressed.plain(batch);
      const char* type = batch.timestamp_type() == TimestampType::LogAppendTime ? "LogAppendTime" : "CreateTime";
      const int32_t last_sequence = batch.base_sequence() < 0 ? -1 : batch.base_sequence() + batch.last_offset_delta();
      std::string horizon = batch.has_delete_horizon() ? fmt::format("OptionalLong[{}]", batch.delete_horizon_ms())
                                                       : std::string("OptionalLong.empty");
      out += fmt::format(
          "baseOffset: {} lastOffset: {} count: {} baseSequence: {} lastSequence: {} producerId: {} producerEpoch: {} "
          "partitionLeaderEpoch: {} isTransactional: false isControl: false deleteHorizonMs: {} position: {} {}: {} "
          "size: {} magic: 2 compresscodec: {} crc: {} isvalid: {}\n",
          batch.base_offset(), batch.last_offset(), batch.record_count(), batch.base_sequence(), last_sequence,
          batch.producer_id(), batch.producer_epoch(), batch.leader_epoch(), horizon, position, type,
          batch.max_timestamp(), batch.size_bytes(), codec_name(batch), record_batch_crc(batch.bytes()), plain.ok());
      if (plain) plain->for_each_record(0, [&](const RecordView& record) {
        std::string keys;
        record.headers.for_each([&](const HeaderView& header) {
          if (!keys.empty()) keys += ',';
          keys += header.key;
        });
        const int32_t sequence = batch.base_sequence() < 0 ? -1
                                                           : batch.base_sequence() +
                                                                 static_cast<int32_t>(record.offset - batch.base_offset());
        out += fmt::format("| offset: {} {}: {} keySize: {} valueSize: {} sequence: {} headerKeys: [{}]", record.offset,
                           type, record.timestamp, record.key ? static_cast<int64_t>(record.key->size()) : -1,
                           record.value ? static_cast<int64_t>(record.value->size()) : -1, sequence, keys);
        if (record.key) out += fmt::format(" key: {}", *record.key);
        out += fmt::format(" payload: {}\n", record.value ? std::string(*record.value) : std::string("null"));
        return true;
      });
      position += batch.size_bytes();
      return true;
    });
  }
  return out;
}

std::string format_describe_configs(const TopicDescription& description) {
  std::string out = fmt::format("All configs for topic {} are:\n", description.name);
  for (const TopicConfigEntry& entry : description.configs)
    out += fmt::format("  {}={} sensitive=false synonyms={{{}:{}={}}}\n", entry.name, entry.value,
                       config_source_name(entry.source), entry.name, entry.value);
  return out;
}

}  // namespace klab
