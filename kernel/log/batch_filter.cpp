#include "log/batch_filter.hpp"

#include <algorithm>

#include "log/crc32c.hpp"
#include "log/varint.hpp"

namespace klab {

FilterOutcome BatchFilter::filter(const RecordBatchView& batch, const std::function<bool(const FilteredRecord&)>& keep,
                                  bool keep_if_empty, TimeMs delete_horizon_ms, std::string& out) {
  if (!batch.compressed()) return filter_plain(batch, keep, keep_if_empty, delete_horizon_ms, out);
  // Stored batches were checked when the leader appended them; one that still cannot be read is
  // kept as it is rather than lost (a consumer reports it as CORRUPT_MESSAGE).
  Result<std::string> plain = decompress_batch(batch);
  if (!plain) {
    out.append(batch.bytes());
    return FilterOutcome::Unchanged;
  }
  rewritten_.clear();
  const FilterOutcome outcome = filter_plain(RecordBatchView(plain->data()), keep, keep_if_empty, delete_horizon_ms, rewritten_);
  if (outcome == FilterOutcome::Unchanged) out.append(batch.bytes());
  if (outcome == FilterOutcome::Rewritten)
    out += compress_batch(rewritten_, *compression_from_id(batch.compression_id()));
  return outcome;
}

FilterOutcome BatchFilter::filter_plain(const RecordBatchView& batch,
                                        const std::function<bool(const FilteredRecord&)>& keep, bool keep_if_empty,
                                        TimeMs delete_horizon_ms, std::string& out) {
  kept_.clear();
  records_kept_ = tombstones_kept_ = 0;
  const char* records = batch.bytes().data() + kBatchHeaderSize;
  const int32_t count = batch.record_count();
  std::size_t pos = 0;
  for (int32_t i = 0; i < count; ++i) {
    const int64_t length = get_varint(records, pos);
    Raw raw{};
    raw.begin = pos;
    raw.end = pos + static_cast<std::size_t>(length);
    ++pos;  // attributes
    raw.timestamp_delta = get_varint(records, pos);
    raw.after_timestamp = pos;
    FilteredRecord record;
    record.offset = batch.base_offset() + get_varint(records, pos);
    const int64_t key_length = get_varint(records, pos);
    if (key_length >= 0) {
      record.key = std::string_view(records + pos, static_cast<std::size_t>(key_length));
      pos += static_cast<std::size_t>(key_length);
    }
    record.has_value = get_varint(records, pos) >= 0;
    raw.tombstone = !record.has_value;
    pos = raw.end;
    if (!keep(record)) continue;
    kept_.push_back(raw);
    tombstones_kept_ += raw.tombstone ? 1 : 0;
  }
  records_kept_ = static_cast<int32_t>(kept_.size());
  if (kept_.empty() && !keep_if_empty) return FilterOutcome::Dropped;
  const bool set_horizon = tombstones_kept_ > 0 && !batch.has_delete_horizon();
  if (records_kept_ == count && !set_horizon) {
    out.append(batch.bytes());
    return FilterOutcome::Unchanged;
  }
  const std::size_t start = out.size();
  out.append(batch.bytes().substr(0, kBatchHeaderSize));
  const TimeMs old_base = batch.base_timestamp();
  const bool horizon = set_horizon || batch.has_delete_horizon();
  TimeMs new_base = set_horizon ? delete_horizon_ms : old_base;
  if (!horizon && !kept_.empty()) new_base = old_base + kept_.front().timestamp_delta;
  TimeMs max_timestamp = -1;
  for (const Raw& raw : kept_) {
    const TimeMs timestamp = old_base + raw.timestamp_delta;
    max_timestamp = std::max(max_timestamp, timestamp);
    const int64_t delta = timestamp - new_base;
    const auto rest = raw.end - raw.after_timestamp;
    const auto body = static_cast<int64_t>(1 + static_cast<std::size_t>(varint_size(delta)) + rest);
    put_varint(out, body);
    out.push_back(records[raw.begin]);  // attributes
    put_varint(out, delta);
    out.append(records + raw.after_timestamp, rest);
  }
  char* header = out.data() + start;
  uint16_t attributes = static_cast<uint16_t>(load_be(header + batch_field::kAttributes, 2));
  if (horizon) attributes |= kDeleteHorizonAttribute;
  store_be(header + batch_field::kAttributes, attributes, 2);
  store_be(header + batch_field::kBaseTimestamp, static_cast<uint64_t>(new_base), 8);
  // LogAppendTime batches keep the append time; CreateTime ones the largest timestamp left.
  if (batch.timestamp_type() == TimestampType::CreateTime && !kept_.empty())
    store_be(header + batch_field::kMaxTimestamp, static_cast<uint64_t>(max_timestamp), 8);
  store_be(header + batch_field::kRecordCount, static_cast<uint64_t>(static_cast<uint32_t>(records_kept_)), 4);
  store_be(header + batch_field::kBatchLength, static_cast<uint64_t>(out.size() - start - 12), 4);
  stamp_record_batch_crc(header, out.size() - start);
  return FilterOutcome::Rewritten;
}

}  // namespace klab
