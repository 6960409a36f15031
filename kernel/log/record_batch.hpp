// Record batches in Kafka's v2 ("magic 2") layout, the unit producers send and logs store.
// Sizes matter for teaching: batch.size, segment.bytes and max.message.bytes are counted in the
// bytes of this format, so klab's batches, segment rolls and limits land where Kafka's do.
//
// Layout (61-byte header, big-endian): baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 |
// magic i8 | crc u32 | attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
// producerId i64 | producerEpoch i16 | baseSequence i32 | recordCount i32 | records...
// Each record: length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
// keyLength varint (-1 = null) | key | valueLength varint | value | headerCount varint | headers.
// The crc field holds the CRC-32C of the bytes from attributes to the end, as Kafka's client writes
// it: finish() stamps it, and every later rewrite of covered bytes (LogAppendTime, recompression,
// the cleaner) stamps it again (crc32c.hpp), so batches served over the wire pass clients' checks.
// A compressed batch (attributes bits 0-2 != 0) holds everything after the header compressed;
// read its records through compressed_batch.hpp (plain_view / DecompressedBatches).
#pragma once
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "log/compression.hpp"
#include "log/record.hpp"

namespace klab {

constexpr int32_t kBatchHeaderSize = 61;
constexpr int32_t kMaxRecordOverhead = 21;  // Kafka's DefaultRecord.MAX_RECORD_OVERHEAD

namespace batch_field {
constexpr std::size_t kBaseOffset = 0, kBatchLength = 8, kLeaderEpoch = 12, kMagic = 16, kAttributes = 21,
                      kLastOffsetDelta = 23, kBaseTimestamp = 27, kMaxTimestamp = 35, kProducerId = 43,
                      kProducerEpoch = 51, kBaseSequence = 53, kRecordCount = 57;
}
constexpr int16_t kCompressionCodecMask = 0x07;  // attributes bits 0-2: the codec id (CompressionType)
constexpr int16_t kTimestampTypeAttribute = 0x08;
// KIP-534: set by the log cleaner on a batch holding tombstones; baseTimestamp then holds the time
// after which the cleaner may drop them (the "delete horizon").
constexpr int16_t kDeleteHorizonAttribute = 0x40;

inline void store_be(char* at, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, value >>= 8) at[i] = static_cast<char>(value & 0xff);
}
inline uint64_t load_be(const char* at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(at[i]);
  return value;
}

// Exact encoded size of one record, and Kafka's upper-bound estimate used to size a new batch.
int32_t record_size_in_batch(int64_t offset_delta, int64_t timestamp_delta, const RecordInput& record);
int32_t record_size_upper_bound(const RecordInput& record);

// Builds one batch the way Kafka's MemoryRecordsBuilder does: the first record always fits; a later
// record fits while the batch's estimated size stays within the write limit (max(batch.size, first
// record's bound)). Records are kept plain while the batch is open; finish() compresses them.
// For a compressed batch the size is an estimate, as in Kafka: header + plain record bytes x the
// topic's estimated compression ratio x 1.05 (COMPRESSION_RATE_ESTIMATION_FACTOR).
class RecordBatchBuilder {
 public:
  void reset(int32_t write_limit, CompressionType compression = CompressionType::None,
             float estimated_compression_ratio = 1.0f, CompressionLevel level = {});
  bool has_room_for(const RecordInput& record) const;
  int32_t append(const RecordInput& record);  // bytes the estimated size grew by
  bool is_full() const { return record_count_ > 0 && write_limit_ <= size_bytes(); }
  // Kafka's estimatedSizeInBytes(): the estimate while open, the real size once finished.
  int32_t size_bytes() const;
  int32_t uncompressed_size_bytes() const { return static_cast<int32_t>(buffer_.size()); }
  int32_t record_count() const { return record_count_; }
  TimeMs max_timestamp() const { return max_timestamp_; }
  CompressionType compression() const { return compression_; }
  // The finished batch: header fields written, base offset 0 (the log assigns real offsets),
  // records compressed. Compression runs once; later calls return the same bytes.
  std::string_view finish();
  // Kafka's compressionRatio(): compressed record bytes / plain record bytes of the finished batch.
  float compression_ratio() const { return compression_ratio_; }
  // An idempotent producer's id, epoch and first sequence number, written by finish().
  void set_producer(int64_t producer_id, int16_t epoch, int32_t base_sequence) {
    producer_id_ = producer_id;
    producer_epoch_ = epoch;
    base_sequence_ = base_sequence;
  }

 private:
  int32_t estimated_size_bytes() const;
  std::string buffer_;
  std::string finished_;  // the compressed batch, once finish() ran (empty for None)
  int32_t write_limit_ = 0;
  int32_t record_count_ = 0;
  TimeMs base_timestamp_ = 0;
  TimeMs max_timestamp_ = -1;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  int32_t base_sequence_ = -1;
  CompressionType compression_ = CompressionType::None;
  CompressionLevel level_;
  float estimated_ratio_ = 1.0f;
  float compression_ratio_ = 1.0f;
  bool finished_once_ = false;
};

// Read access to one stored batch.
class RecordBatchView {
 public:
  explicit RecordBatchView(const char* data) : data_(data) {}
  std::string_view bytes() const { return std::string_view(data_, static_cast<std::size_t>(size_bytes())); }
  int32_t leader_epoch() const { return static_cast<int32_t>(load_be(data_ + batch_field::kLeaderEpoch, 4)); }
  int64_t base_offset() const { return static_cast<int64_t>(load_be(data_ + batch_field::kBaseOffset, 8)); }
  int32_t size_bytes() const {
    return static_cast<int32_t>(load_be(data_ + batch_field::kBatchLength, 4)) + 12;
  }
  int32_t last_offset_delta() const { return static_cast<int32_t>(load_be(data_ + batch_field::kLastOffsetDelta, 4)); }
  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  int32_t record_count() const { return static_cast<int32_t>(load_be(data_ + batch_field::kRecordCount, 4)); }
  TimeMs base_timestamp() const { return static_cast<TimeMs>(load_be(data_ + batch_field::kBaseTimestamp, 8)); }
  TimeMs max_timestamp() const { return static_cast<TimeMs>(load_be(data_ + batch_field::kMaxTimestamp, 8)); }
  int64_t producer_id() const { return static_cast<int64_t>(load_be(data_ + batch_field::kProducerId, 8)); }
  int16_t producer_epoch() const { return static_cast<int16_t>(load_be(data_ + batch_field::kProducerEpoch, 2)); }
  int32_t base_sequence() const { return static_cast<int32_t>(load_be(data_ + batch_field::kBaseSequence, 4)); }
  int compression_id() const { return static_cast<int>(load_be(data_ + batch_field::kAttributes, 2) & kCompressionCodecMask); }
  bool compressed() const { return compression_id() != 0; }
  bool has_delete_horizon() const { return (load_be(data_ + batch_field::kAttributes, 2) & kDeleteHorizonAttribute) != 0; }
  TimeMs delete_horizon_ms() const { return has_delete_horizon() ? base_timestamp() : -1; }
  TimestampType timestamp_type() const {
    return (load_be(data_ + batch_field::kAttributes, 2) & kTimestampTypeAttribute) ? TimestampType::LogAppendTime
                                                                                   : TimestampType::CreateTime;
  }
  // Calls visit(const RecordView&) for each record with offset >= from_offset until visit returns false.
  // Returns false if visit stopped the walk. Uncompressed batches only (see compressed_batch.hpp).
  template <class Visit>
  bool for_each_record(int64_t from_offset, Visit&& visit) const;

 private:
  const char* data_;
};

template <class Visit>
bool RecordBatchView::for_each_record(int64_t from_offset, Visit&& visit) const {
  assert(!compressed() && "decompress first: compressed_batch.hpp");
  const int64_t base = base_offset();
  const TimeMs base_time = base_timestamp();
  const TimestampType type = timestamp_type();
  const TimeMs append_time = max_timestamp();
  const int32_t count = record_count();
  const char* records = data_ + kBatchHeaderSize;
  std::size_t pos = 0;
  RecordView view;
  view.timestamp_type = type;
  for (int32_t i = 0; i < count; ++i) {
    int64_t length = get_varint(records, pos);
    std::size_t end = pos + static_cast<std::size_t>(length);
    ++pos;  // attributes
    int64_t timestamp_delta = get_varint(records, pos);
    int64_t offset_delta = get_varint(records, pos);
    view.offset = base + offset_delta;
    if (view.offset < from_offset) {
      pos = end;
      continue;
    }
    view.timestamp = type == TimestampType::LogAppendTime ? append_time : base_time + timestamp_delta;
    int64_t key_length = get_varint(records, pos);
    view.key.reset();
    if (key_length >= 0) {
      view.key = std::string_view(records + pos, static_cast<std::size_t>(key_length));
      pos += static_cast<std::size_t>(key_length);
    }
    int64_t value_length = get_varint(records, pos);
    view.value.reset();
    if (value_length >= 0) {
      view.value = std::string_view(records + pos, static_cast<std::size_t>(value_length));
      pos += static_cast<std::size_t>(value_length);
    }
    auto header_count = static_cast<int32_t>(get_varint(records, pos));
    view.headers = HeadersView(records + pos, end - pos, header_count);
    pos = end;
    if (!visit(static_cast<const RecordView&>(view))) return false;
  }
  return true;
}

}  // namespace klab
