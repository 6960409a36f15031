#include "log/compressed_batch.hpp"

#include "log/crc32c.hpp"

#include <fmt/format.h>

#include "log/varint.hpp"

namespace klab {
namespace {

void set_codec(std::string& batch, int codec_id) {
  char* header = batch.data();
  auto attributes = static_cast<uint16_t>(load_be(header + batch_field::kAttributes, 2));
  attributes = static_cast<uint16_t>((attributes & ~kCompressionCodecMask) | codec_id);
  store_be(header + batch_field::kAttributes, attributes, 2);
  store_be(header + batch_field::kBatchLength, static_cast<uint64_t>(batch.size() - 12), 4);
  stamp_record_batch_crc(batch.data(), batch.size());
}

// A varint read that never passes `end`; false when the bytes run out or it is over-long.
bool read_varint(std::string_view bytes, std::size_t& pos, int64_t& value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= bytes.size()) return false;
    const auto byte = static_cast<unsigned char>(bytes[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      value = unzigzag(v);
      return true;
    }
  }
  return false;
}

bool skip_bytes_field(std::string_view record, std::size_t& pos, bool nullable) {
  int64_t length = 0;
  if (!read_varint(record, pos, length)) return false;
  if (length < 0) return nullable && length == -1;
  if (static_cast<uint64_t>(length) > record.size() - pos) return false;
  pos += static_cast<std::size_t>(length);
  return true;
}

bool record_parses(std::string_view record) {
  std::size_t pos = 1;  // attributes
  int64_t ignored = 0;
  if (record.empty() || !read_varint(record, pos, ignored) || !read_varint(record, pos, ignored)) return false;
  if (!skip_bytes_field(record, pos, true) || !skip_bytes_field(record, pos, true)) return false;
  int64_t headers = 0;
  if (!read_varint(record, pos, headers) || headers < 0) return false;
  for (int64_t i = 0; i < headers; ++i)
    if (!skip_bytes_field(record, pos, false) || !skip_bytes_field(record, pos, true)) return false;
  return pos == record.size();
}

}  // namespace

void set_batch_codec(std::string& batch, CompressionType type) { set_codec(batch, static_cast<int>(type)); }

std::string compress_batch(std::string_view plain_batch, CompressionType type, const CompressionLevel& level) {
  std::string out(plain_batch.substr(0, kBatchHeaderSize));
  out += compress(type, plain_batch.substr(kBatchHeaderSize), level);
  set_codec(out, static_cast<int>(type));
  return out;
}

Status check_plain_records(const RecordBatchView& batch) {
  const std::string_view records = batch.bytes().substr(kBatchHeaderSize);
  std::size_t pos = 0;
  for (int32_t i = 0; i < batch.record_count(); ++i) {
    int64_t length = 0;
    if (!read_varint(records, pos, length) || length < 0 || static_cast<uint64_t>(length) > records.size() - pos ||
        !record_parses(records.substr(pos, static_cast<std::size_t>(length))))
      return make_error(ErrorCode::CORRUPT_MESSAGE,
                        fmt::format("Record {} of the batch at offset {} is malformed.", i, batch.base_offset()));
    pos += static_cast<std::size_t>(length);
  }
  if (pos != records.size())
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("The batch at offset {} has {} bytes after its {} records.", batch.base_offset(),
                                  records.size() - pos, batch.record_count()));
  return ok_status();
}

Result<std::string> decompress_batch(const RecordBatchView& batch) {
  const std::optional<CompressionType> type = compression_from_id(batch.compression_id());
  if (!type)
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("The batch at offset {} names compression codec {}, which Kafka does not define.",
                                  batch.base_offset(), batch.compression_id()));
  const std::string_view bytes = batch.bytes();
  Result<std::string> records = decompress(*type, bytes.substr(kBatchHeaderSize));
  if (!records) return records.error();
  std::string plain(bytes.substr(0, kBatchHeaderSize));
  plain += *records;
  set_codec(plain, 0);
  if (Status parsed = check_plain_records(RecordBatchView(plain.data())); !parsed) return parsed.error();
  return plain;
}

Result<RecordBatchView> DecompressedBatches::plain(const RecordBatchView& batch) {
  if (!batch.compressed()) return batch;
  Result<std::string> plain = decompress_batch(batch);
  if (!plain) return plain.error();
  buffers_.push_back(std::move(*plain));
  return RecordBatchView(buffers_.back().data());
}

}  // namespace klab
