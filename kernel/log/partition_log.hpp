// The log of one partition: an ordered list of segments, appended at the end, read by offset.
//
//   log_start_offset                                  log_end_offset (next offset to write)
//   |  segment 0 (closed)  |  segment 1 (closed)  |  active segment  |
//
// Invariants:
//  1. log_start_offset <= log_end_offset; offsets only grow; an append gets log_end_offset.
//  2. Only the last (active) segment takes appends. It is rolled when the next batch would make it
//     larger than segment.bytes, or when segment.ms has passed since its first batch's timestamp.
//  3. Reads return views into segment memory; nothing is copied.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "log/compressed_batch.hpp"
#include "log/segment.hpp"

namespace klab {

struct LogConfig {
  int64_t segment_bytes = 1073741824;
  int64_t segment_ms = 604800000;
  TimestampType timestamp_type = TimestampType::CreateTime;
  int64_t max_message_bytes = 1048588;
  // cleanup.policy: delete, compact, or both.
  bool delete_policy = true;
  bool compact_policy = false;
  int64_t retention_ms = 604800000;  // -1: forever
  int64_t retention_bytes = -1;      // per partition; negative: no limit
  double min_cleanable_dirty_ratio = 0.5;
  int64_t min_compaction_lag_ms = 0;
  int64_t max_compaction_lag_ms = INT64_MAX;
  int64_t delete_retention_ms = 86400000;
  // compression.type: the codec batches are stored with; nullopt ("producer") keeps the producer's.
  std::optional<CompressionType> compression;
};

struct AppendInfo {
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  TimeMs log_append_time = -1;  // -1 under CreateTime, as Kafka reports it
  bool duplicate = false;        // an idempotent retry, answered with the original offsets
};

class PartitionLog {
 public:
  explicit PartitionLog(LogConfig config, TimeMs now = 0);

  const LogConfig& config() const { return config_; }
  void set_config(const LogConfig& config) { config_ = config; }

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return segments_.back().next_offset(); }
  int64_t size_bytes() const;
  std::size_t memory_bytes() const;
  const std::deque<Segment>& segments() const { return segments_; }

  // Appends one finished batch (from RecordBatchBuilder::finish) at `now`, as the leader of
  // `leader_epoch`.
  Result<AppendInfo> append(std::string_view batch, TimeMs now, int32_t leader_epoch = 0);
  // A follower's append: the batch keeps the offsets and epoch the leader gave it. Its base offset
  // is log_end_offset(), or later when compaction on the leader left a gap.
  void append_replicated(std::string_view batch, TimeMs now);
  // Removes every batch holding an offset at or after `offset` (a follower discarding a diverged
  // suffix). A batch that straddles `offset` is removed whole, so the log may end before `offset`.
  void truncate_to(int64_t offset);
  // Empties the log and starts it again at `offset` (a follower whose fetch offset fell below the
  // leader's log start: everything it has is older than what the leader still keeps).
  void truncate_fully_and_start_at(int64_t offset, TimeMs now);
  // Raises the log start offset (retention, DeleteRecords, a leader's start seen by a follower).
  // Never lowers it and never passes the log end. Returns whether it moved.
  bool increment_log_start_offset(int64_t offset);
  // Closes the active segment and opens an empty one at log_end_offset().
  void roll(TimeMs now);
  // Deletes the `count` oldest segments; when that is all of them, rolls first so one (empty)
  // segment remains. The log start offset moves to the first kept segment's base offset.
  void delete_oldest_segments(std::size_t count, TimeMs now);
  // Swaps segments [first, first + replaced) for `cleaned` (the log cleaner's output). The active
  // segment is never part of the range.
  void replace_segments(std::size_t first, std::size_t replaced, std::vector<Segment> cleaned);
  // Visits stored batches from the one holding `from_offset` up to (excluding) `upto_offset`.
  template <class Visit>  // bool Visit(const RecordBatchView&)
  void read_batches(int64_t from_offset, int64_t upto_offset, Visit&& visit) const;

  // OFFSET_OUT_OF_RANGE unless log_start_offset <= offset <= log_end_offset.
  Status check_fetch_offset(int64_t offset) const;

  // Visits records with from_offset <= offset < upto_offset in order until visit returns false.
  // Records of compressed batches point into `decompressed`, valid until it is cleared.
  // CORRUPT_MESSAGE (after visiting the records before it) when a stored batch cannot be read.
  template <class Visit>  // bool Visit(const RecordView&)
  Status read(int64_t from_offset, int64_t upto_offset, DecompressedBatches& decompressed, Visit&& visit) const;

 private:
  bool should_roll(int32_t batch_size, TimeMs batch_max_timestamp) const;

  LogConfig config_;
  int64_t log_start_offset_ = 0;
  std::deque<Segment> segments_;
};

template <class Visit>
void PartitionLog::read_batches(int64_t from_offset, int64_t upto_offset, Visit&& visit) const {
  if (from_offset >= upto_offset) return;
  std::size_t first = segments_.size() - 1;
  while (first > 0 && segments_[first].base_offset() > from_offset) --first;
  bool more = true;
  for (std::size_t s = first; s < segments_.size() && more; ++s) {
    segments_[s].for_each_batch(from_offset, [&](const RecordBatchView& batch) {
      if (batch.base_offset() >= upto_offset) return more = false;
      return more = visit(batch);
    });
  }
}

template <class Visit>
Status PartitionLog::read(int64_t from_offset, int64_t upto_offset, DecompressedBatches& decompressed,
                          Visit&& visit) const {
  if (from_offset >= upto_offset) return ok_status();
  Status status = ok_status();
  // The last segment whose base offset is <= from_offset holds it (segments are few; scan back).
  std::size_t first = segments_.size() - 1;
  while (first > 0 && segments_[first].base_offset() > from_offset) --first;
  bool more = true;
  for (std::size_t s = first; s < segments_.size() && more; ++s) {
    segments_[s].for_each_batch(from_offset, [&](const RecordBatchView& batch) {
      if (batch.base_offset() >= upto_offset) return more = false;
      Result<RecordBatchView> plain = decompressed.plain(batch);
      if (!plain) {
        status = plain.error();
        return more = false;
      }
      plain->for_each_record(from_offset, [&](const RecordView& record) {
        if (record.offset >= upto_offset) return more = false;
        return more = visit(record);
      });
      return more;
    });
  }
  return status;
}

}  // namespace klab
