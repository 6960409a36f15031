#include "log/log_cleaner.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "log/batch_filter.hpp"

namespace klab {
namespace {

// Index of the segment holding `offset`: the last one whose base offset is <= offset (0 if none).
std::size_t floor_segment(const PartitionLog& log, int64_t offset) {
  const auto& segments = log.segments();
  std::size_t index = 0;
  while (index + 1 < segments.size() && segments[index + 1].base_offset() <= offset) ++index;
  return index;
}

TimeMs saturating_add(TimeMs time, int64_t ms) { return time > INT64_MAX - ms ? INT64_MAX : time + ms; }

int64_t first_dirty_offset(const PartitionLog& log, int64_t checkpoint) {
  if (checkpoint < log.log_start_offset() || checkpoint > log.log_end_offset()) return log.log_start_offset();
  return checkpoint;
}

}  // namespace

CleanableLog check_cleanable(const PartitionLog& log, int64_t checkpoint, int64_t high_watermark, TimeMs now) {
  const auto& segments = log.segments();
  const LogConfig& config = log.config();
  const std::size_t active = segments.size() - 1;
  CleanableLog result;
  result.first_dirty_offset = first_dirty_offset(log, checkpoint);
  const std::size_t first_dirty_segment = floor_segment(log, result.first_dirty_offset);
  int64_t uncleanable = std::min(high_watermark, segments[active].base_offset());
  if (config.min_compaction_lag_ms > 0) {
    for (std::size_t i = first_dirty_segment; i < active; ++i) {
      if (segments[i].max_timestamp() > now - config.min_compaction_lag_ms) {
        uncleanable = std::min(uncleanable, segments[i].base_offset());
        break;
      }
    }
  }
  result.first_uncleanable_offset = segments[floor_segment(log, uncleanable)].base_offset();
  const int64_t cleanable_from = std::min(result.first_dirty_offset, result.first_uncleanable_offset);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].base_offset() < result.first_dirty_offset) result.clean_bytes += segments[i].size_bytes();
    if (i >= floor_segment(log, cleanable_from) && segments[i].base_offset() < result.first_uncleanable_offset)
      result.cleanable_bytes += segments[i].size_bytes();
  }
  const int64_t total = result.clean_bytes + result.cleanable_bytes;
  result.dirty_ratio = total > 0 ? static_cast<double>(result.cleanable_bytes) / static_cast<double>(total) : 0.0;
  // max.compaction.lag.ms counts from the first batch of the oldest dirty closed segment.
  TimeMs earliest = INT64_MAX;
  for (std::size_t i = first_dirty_segment; i < active; ++i)
    if (!segments[i].empty() && segments[i].rolling_based_timestamp() > 0)
      earliest = std::min(earliest, segments[i].rolling_based_timestamp());
  result.needs_compaction_now = earliest != INT64_MAX && earliest < now - config.max_compaction_lag_ms;
  result.should_clean = (result.needs_compaction_now && result.cleanable_bytes > 0) ||
                        result.dirty_ratio > config.min_cleanable_dirty_ratio;
  return result;
}

CleanerStats clean_log(PartitionLog& log, const CleanableLog& cleanable, TimeMs now) {
  const auto& segments = log.segments();
  const LogConfig& config = log.config();
  CleanerStats stats;
  stats.first_dirty_offset = cleanable.first_dirty_offset;
  const int64_t end = cleanable.first_uncleanable_offset;
  stats.end_offset = end;
  if (end <= cleanable.first_dirty_offset) {
    stats.end_offset = cleanable.first_dirty_offset;
    return stats;
  }
  // 1. The latest offset of every key in the dirty part. Keys are views into the old segments,
  // which live until replace_segments below.
  // Keys of compressed batches point into `decompressed`, which lives as long as `latest`.
  std::unordered_map<std::string_view, int64_t> latest;
  latest.reserve(1024);
  DecompressedBatches decompressed;
  // The broker checked every batch on append, so a stored batch always decompresses.
  (void)log.read(cleanable.first_dirty_offset, end, decompressed, [&](const RecordView& record) {
    if (record.key) latest[*record.key] = record.offset;
    return true;
  });
  const int64_t latest_offset = end - 1;
  // The last batch of each idempotent producer keeps its sequence numbers alive.
  std::map<int64_t, int64_t> producer_last_offset;
  log.read_batches(log.segments().front().base_offset(), log.log_end_offset(), [&](const RecordBatchView& batch) {
    if (batch.producer_id() >= 0) producer_last_offset[batch.producer_id()] = batch.last_offset();
    return true;
  });
  // 2. Group the segments below `end` so each group's original size fits segment.bytes.
  std::size_t cleaned_count = 0;
  while (cleaned_count < segments.size() - 1 && segments[cleaned_count].base_offset() < end) ++cleaned_count;
  std::vector<Segment> cleaned;
  BatchFilter filter;
  std::string batch_bytes;
  const TimeMs horizon = saturating_add(now, config.delete_retention_ms);
  for (std::size_t first = 0; first < cleaned_count;) {
    std::size_t last = first + 1;
    int64_t group_size = segments[first].size_bytes();
    while (last < cleaned_count && group_size + segments[last].size_bytes() <= config.segment_bytes)
      group_size += segments[last++].size_bytes();
    Segment out(segments[first].base_offset(), segments[first].created_ms());
    for (std::size_t s = first; s < last; ++s) {
      stats.bytes_before += segments[s].size_bytes();
      segments[s].for_each_batch(segments[s].base_offset(), [&](const RecordBatchView& batch) {
        const bool keep_empty = batch.last_offset() + 1 == end ||
                                (batch.producer_id() >= 0 && producer_last_offset[batch.producer_id()] == batch.last_offset());
        const bool horizon_passed = batch.has_delete_horizon() && batch.delete_horizon_ms() <= now;
        batch_bytes.clear();
        int32_t tombstones_dropped = 0;
        FilterOutcome outcome = filter.filter(batch, [&](const FilteredRecord& record) {
          ++stats.records_read;
          if (record.offset > latest_offset) return true;
          if (!record.key) return false;  // Kafka counts these as invalid and drops them
          auto found = latest.find(*record.key);
          if (found != latest.end() && record.offset < found->second) return false;
          if (!record.has_value && horizon_passed) {
            ++tombstones_dropped;
            return false;
          }
          return true;
        }, keep_empty, horizon, batch_bytes);
        stats.tombstones_removed += tombstones_dropped;
        stats.records_kept += filter.records_kept();
        if (outcome != FilterOutcome::Dropped) out.append_copy(batch_bytes);
        return true;
      });
    }
    stats.bytes_after += out.size_bytes();
    cleaned.push_back(std::move(out));
    first = last;
  }
  stats.segments_before = static_cast<int32_t>(cleaned_count);
  stats.segments_after = static_cast<int32_t>(cleaned.size());
  log.replace_segments(0, cleaned_count, std::move(cleaned));
  return stats;
}

std::optional<TimeMs> next_cleaner_due(const PartitionLog& log, int64_t checkpoint, int64_t high_watermark, TimeMs now) {
  const CleanableLog cleanable = check_cleanable(log, checkpoint, high_watermark, now);
  if (cleanable.should_clean) return now;
  const auto& segments = log.segments();
  const LogConfig& config = log.config();
  std::optional<TimeMs> due;
  auto consider = [&](TimeMs time) {
    if (time > now && (!due || time < *due)) due = time;
  };
  const std::size_t first_dirty_segment = floor_segment(log, cleanable.first_dirty_offset);
  for (std::size_t i = first_dirty_segment; i + 1 < segments.size(); ++i) {
    if (segments[i].empty()) continue;
    if (config.min_compaction_lag_ms > 0 && segments[i].max_timestamp() > now - config.min_compaction_lag_ms) {
      consider(saturating_add(segments[i].max_timestamp(), config.min_compaction_lag_ms));
      break;
    }
  }
  for (std::size_t i = first_dirty_segment; i + 1 < segments.size(); ++i) {
    if (!segments[i].empty() && segments[i].rolling_based_timestamp() > 0)
      consider(saturating_add(segments[i].rolling_based_timestamp(), saturating_add(config.max_compaction_lag_ms, 1)));
  }
  return due;
}

}  // namespace klab
