#include "log/record_batch.hpp"

#include "log/compressed_batch.hpp"
#include "log/crc32c.hpp"

#include <algorithm>

namespace klab {
namespace {

int32_t bytes_field_size(const std::optional<std::string_view>& bytes) {
  if (!bytes) return varint_size(-1);
  return varint_size(static_cast<int64_t>(bytes->size())) + static_cast<int32_t>(bytes->size());
}

int32_t body_after_deltas_size(const RecordInput& record) {
  int32_t size = bytes_field_size(record.key) + bytes_field_size(record.value);
  size += varint_size(static_cast<int64_t>(record.header_count));
  for (std::size_t i = 0; i < record.header_count; ++i) {
    size += bytes_field_size(record.headers[i].key) + bytes_field_size(record.headers[i].value);
  }
  return size;
}

void put_bytes(std::string& out, const std::optional<std::string_view>& bytes) {
  if (!bytes) {
    put_varint(out, -1);
    return;
  }
  put_varint(out, static_cast<int64_t>(bytes->size()));
  out.append(bytes->data(), bytes->size());
}

}  // namespace

std::string_view timestamp_type_name(TimestampType type) {
  return type == TimestampType::LogAppendTime ? "LogAppendTime" : "CreateTime";
}

int32_t record_size_in_batch(int64_t offset_delta, int64_t timestamp_delta, const RecordInput& record) {
  int32_t body = 1 + varint_size(timestamp_delta) + varint_size(offset_delta) + body_after_deltas_size(record);
  return varint_size(body) + body;
}

int32_t record_size_upper_bound(const RecordInput& record) {
  return kBatchHeaderSize + kMaxRecordOverhead + body_after_deltas_size(record);
}

void RecordBatchBuilder::reset(int32_t write_limit, CompressionType compression, float estimated_compression_ratio,
                               CompressionLevel level) {
  buffer_.assign(kBatchHeaderSize, '\0');
  finished_.clear();
  finished_once_ = false;
  compression_ = compression;
  level_ = level;
  estimated_ratio_ = estimated_compression_ratio;
  compression_ratio_ = 1.0f;
  write_limit_ = write_limit;
  record_count_ = 0;
  base_timestamp_ = 0;
  max_timestamp_ = -1;
  producer_id_ = -1;
  producer_epoch_ = -1;
  base_sequence_ = -1;
}

bool RecordBatchBuilder::has_room_for(const RecordInput& record) const {
  if (is_full()) return false;
  if (record_count_ == 0) return true;
  int32_t size = record_size_in_batch(record_count_, record.timestamp - base_timestamp_, record);
  // As Kafka, the new record counts uncompressed: "be conservative".
  return write_limit_ >= estimated_size_bytes() + size;
}

int32_t RecordBatchBuilder::append(const RecordInput& record) {
  int32_t before = record_count_ == 0 ? 0 : estimated_size_bytes();
  finished_.clear();
  finished_once_ = false;
  if (record_count_ == 0) base_timestamp_ = record.timestamp;
  int64_t timestamp_delta = record.timestamp - base_timestamp_;
  int64_t offset_delta = record_count_;
  int32_t body = 1 + varint_size(timestamp_delta) + varint_size(offset_delta) + body_after_deltas_size(record);
  put_varint(buffer_, body);
  buffer_.push_back('\0');  // record attributes: unused in v2
  put_varint(buffer_, timestamp_delta);
  put_varint(buffer_, offset_delta);
  put_bytes(buffer_, record.key);
  put_bytes(buffer_, record.value);
  put_varint(buffer_, static_cast<int64_t>(record.header_count));
  for (std::size_t i = 0; i < record.header_count; ++i) {
    put_bytes(buffer_, record.headers[i].key);
    put_bytes(buffer_, record.headers[i].value);
  }
  ++record_count_;
  max_timestamp_ = std::max(max_timestamp_, record.timestamp);
  return estimated_size_bytes() - before;
}

int32_t RecordBatchBuilder::estimated_size_bytes() const {
  const auto records = static_cast<int32_t>(buffer_.size()) - kBatchHeaderSize;
  if (compression_ == CompressionType::None) return kBatchHeaderSize + records;
  // Java's float arithmetic and (int) truncation, so batches close where Kafka's close.
  return kBatchHeaderSize + static_cast<int32_t>(static_cast<float>(records) * estimated_ratio_ * 1.05f);
}

int32_t RecordBatchBuilder::size_bytes() const {
  if (finished_once_ && compression_ != CompressionType::None) return static_cast<int32_t>(finished_.size());
  return estimated_size_bytes();
}

std::string_view RecordBatchBuilder::finish() {
  char* header = buffer_.data();
  store_be(header + batch_field::kBaseOffset, 0, 8);
  store_be(header + batch_field::kBatchLength, static_cast<uint64_t>(buffer_.size() - 12), 4);
  store_be(header + batch_field::kLeaderEpoch, 0, 4);
  header[batch_field::kMagic] = 2;
  store_be(header + batch_field::kAttributes, 0, 2);
  store_be(header + batch_field::kLastOffsetDelta, static_cast<uint64_t>(record_count_ - 1), 4);
  store_be(header + batch_field::kBaseTimestamp, static_cast<uint64_t>(base_timestamp_), 8);
  store_be(header + batch_field::kMaxTimestamp, static_cast<uint64_t>(max_timestamp_), 8);
  store_be(header + batch_field::kProducerId, static_cast<uint64_t>(producer_id_), 8);
  store_be(header + batch_field::kProducerEpoch, static_cast<uint64_t>(static_cast<uint16_t>(producer_epoch_)), 2);
  store_be(header + batch_field::kBaseSequence, static_cast<uint64_t>(static_cast<uint32_t>(base_sequence_)), 4);
  store_be(header + batch_field::kRecordCount, static_cast<uint64_t>(record_count_), 4);
  const auto plain_records = static_cast<float>(buffer_.size() - kBatchHeaderSize);
  if (compression_ == CompressionType::None) {
    stamp_record_batch_crc(buffer_.data(), buffer_.size());
    finished_once_ = true;
    compression_ratio_ = 1.0f;
    return buffer_;
  }
  if (finished_.empty()) {
    finished_ = compress_batch(buffer_, compression_, level_);
  } else {  // the header changed (producer id, sequence): the compressed records did not
    finished_.replace(0, kBatchHeaderSize, buffer_, 0, kBatchHeaderSize);
    set_batch_codec(finished_, compression_);
  }
  finished_once_ = true;
  compression_ratio_ = static_cast<float>(finished_.size() - kBatchHeaderSize) / plain_records;
  return finished_;
}

}  // namespace klab
