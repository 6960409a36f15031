#include "broker/wire_batch.hpp"

#include <fmt/format.h>

#include "log/compressed_batch.hpp"
#include "log/crc32c.hpp"
#include "log/record_batch.hpp"

namespace klab::broker {
namespace {

constexpr int16_t kControlAttribute = 0x20;
constexpr std::size_t kLogOverhead = 12;  // baseOffset + batchLength, not counted in batchLength

Status check_frame(std::string_view records) {
  if (records.size() < kLogOverhead)
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record batch of {} bytes is shorter than its 12-byte log overhead.", records.size()));
  const auto batch_length = static_cast<int32_t>(load_be(records.data() + batch_field::kBatchLength, 4));
  if (batch_length < kBatchHeaderSize - static_cast<int32_t>(kLogOverhead))
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record batch size {} is smaller than the minimum allowed ({}).",
                                  static_cast<int64_t>(batch_length) + 12, kBatchHeaderSize));
  const auto size = static_cast<std::size_t>(batch_length) + kLogOverhead;
  if (size > records.size())
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record batch claims {} bytes but only {} arrived.", size, records.size()));
  if (size < records.size())
    return make_error(ErrorCode::INVALID_RECORD,
                      "Produce requests with version 3 or later are only allowed to contain exactly one record batch "
                      "per partition.");
  const auto magic = static_cast<int8_t>(records[batch_field::kMagic]);
  if (magic != 2)
    return make_error(ErrorCode::INVALID_RECORD,
                      fmt::format("Produce requests with version 3 or later are only allowed to contain record "
                                  "batches with magic version 2, not {}.",
                                  magic));
  const auto stored = static_cast<uint32_t>(load_be(records.data() + batch_field::kMagic + 1, 4));
  const uint32_t computed = record_batch_crc(records);
  if (stored != computed)
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record is corrupt (stored crc = {}, computed crc = {})", stored, computed));
  return ok_status();
}

Status check_header(const RecordBatchView& batch) {
  const auto attributes = static_cast<int16_t>(load_be(batch.bytes().data() + batch_field::kAttributes, 2));
  if ((attributes & kControlAttribute) != 0)
    return make_error(ErrorCode::INVALID_RECORD, "Clients are not allowed to write control records.");
  if (batch.base_offset() != 0)
    return make_error(ErrorCode::INVALID_RECORD,
                      fmt::format("The baseOffset of the record batch should be 0, but it is {}.", batch.base_offset()));
  if (batch.record_count() <= 0 || batch.last_offset_delta() != batch.record_count() - 1)
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record batch has lastOffsetDelta {} for {} records.", batch.last_offset_delta(),
                                  batch.record_count()));
  return ok_status();
}

// Kafka's LogValidator: the n-th record of a batch has offset delta n.
Status check_record_offsets(const RecordBatchView& plain) {
  int64_t expected = plain.base_offset();
  Status status = ok_status();
  plain.for_each_record(0, [&](const RecordView& record) {
    if (record.offset == expected++) return true;
    status = make_error(ErrorCode::CORRUPT_MESSAGE,
                        fmt::format("Record offset delta {} where {} was expected.", record.offset - plain.base_offset(),
                                    expected - 1 - plain.base_offset()));
    return false;
  });
  return status;
}

}  // namespace

Status check_wire_batch(std::string_view records) {
  if (Status framed = check_frame(records); !framed) return framed;
  const RecordBatchView batch(records.data());
  if (Status header = check_header(batch); !header) return header;
  if (!batch.compressed()) {
    if (Status parsed = check_plain_records(batch); !parsed) return parsed;
    return check_record_offsets(batch);
  }
  Result<std::string> plain = decompress_batch(batch);  // checks every record and the count
  if (!plain) return plain.error();
  return check_record_offsets(RecordBatchView(plain->data()));
}

}  // namespace klab::broker
