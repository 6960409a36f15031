// The log cleaner for one compacted partition replica (Kafka 3.7's LogCleanerManager + Cleaner).
//
//   log start      first dirty offset (the cleaner's checkpoint)   first uncleanable    log end
//   | clean part (one record per key) | dirty part (closed segments)  | not yet cleanable |
//
// Which part is cleanable (LogCleanerManager.cleanableOffsets):
//  1. The first uncleanable offset is the lowest of: the high watermark (no transactions here, so
//     the last stable offset is the high watermark), the active segment's base offset, and - with
//     min.compaction.lag.ms > 0 - the base of the first dirty segment holding a record younger than
//     that lag. It is rounded down to the start of its segment: segments are cleaned whole.
//  2. dirty ratio = dirty bytes / (clean bytes + dirty bytes). The log is cleaned when the ratio is
//     above min.cleanable.dirty.ratio, or when a dirty segment's first batch is older than
//     max.compaction.lag.ms (and some bytes are cleanable).
// Cleaning (Cleaner.doClean):
//  3. A map key -> latest offset is built from the dirty part. Every segment below the first
//     uncleanable offset is then rewritten, in groups whose total size fits segment.bytes, keeping a
//     record only if no later record has its key. Records without a key are dropped.
//  4. Tombstones: the first cleaning that keeps one stamps its batch with a delete horizon (now +
//     delete.retention.ms); a cleaning after that time drops it.
//  5. Offsets never change; an empty batch is kept only if it is the last before the first
//     uncleanable offset or an idempotent producer's last batch (its sequence numbers live there).
//  6. The checkpoint moves to the first uncleanable offset.
// The result depends only on the log's bytes, the high watermark, the checkpoint, the config and
// `now`: two replicas with equal inputs end byte-identical.
#pragma once
#include <cstdint>
#include <optional>

#include "log/partition_log.hpp"

namespace klab {

struct CleanableLog {
  int64_t first_dirty_offset = 0;
  int64_t first_uncleanable_offset = 0;
  int64_t clean_bytes = 0;
  int64_t cleanable_bytes = 0;
  double dirty_ratio = 0;
  bool needs_compaction_now = false;  // max.compaction.lag.ms passed
  bool should_clean = false;
};

struct CleanerStats {
  int64_t first_dirty_offset = 0;
  int64_t end_offset = 0;  // the new checkpoint
  int64_t records_read = 0;
  int64_t records_kept = 0;
  int64_t tombstones_removed = 0;
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int32_t segments_before = 0;
  int32_t segments_after = 0;
};

// `checkpoint` is where the last cleaning stopped (-1: never cleaned).
CleanableLog check_cleanable(const PartitionLog& log, int64_t checkpoint, int64_t high_watermark, TimeMs now);
// Cleans what `cleanable` found (should_clean need not be true: the caller decides).
CleanerStats clean_log(PartitionLog& log, const CleanableLog& cleanable, TimeMs now);
// The earliest time the log becomes worth cleaning if nothing is appended and the high watermark
// stays: now when it already is, a later time when a compaction lag expires, nullopt otherwise.
std::optional<TimeMs> next_cleaner_due(const PartitionLog& log, int64_t checkpoint, int64_t high_watermark, TimeMs now);

}  // namespace klab
