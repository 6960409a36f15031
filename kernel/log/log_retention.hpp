// Retention of a delete-policy log (Kafka's UnifiedLog.deleteOldSegments, 3.7). Retention removes
// whole segments, oldest first, in three passes that each stop at the first segment they keep:
//
//  1. log start offset: a segment whose successor begins at or below the log start offset
//     (DeleteRecords raised it) holds nothing readable. Runs whatever the cleanup.policy.
//  2. retention.bytes (policy delete): while the partition is larger than retention.bytes by at
//     least the oldest segment's size, that segment goes.
//  3. retention.ms (policy delete): a segment whose largest timestamp is more than retention.ms
//     before now goes.
//
// Invariants:
//  1. A segment is deleted only if the high watermark has reached the end of it (the next segment's
//     base offset, or the log end for the active one), so the log start never passes the high watermark.
//  2. An empty active segment is never deleted. A non-empty active segment that qualifies is rolled
//     first (Kafka rolls when every segment is to go, so a log always has one segment).
//  3. Afterwards the log start offset is at least the first remaining segment's base offset.
#pragma once
#include <cstdint>
#include <optional>

#include "log/partition_log.hpp"

namespace klab {

struct RetentionOutcome {
  int32_t segments_deleted = 0;
  int64_t bytes_deleted = 0;
  int64_t old_log_start_offset = 0;
  int64_t new_log_start_offset = 0;
  const char* reason = "";  // the pass that deleted the last segment: "log start offset", "retention.bytes", "retention.ms"
};

// Deletes what the three passes allow at `now`.
RetentionOutcome apply_retention(PartitionLog& log, TimeMs now, int64_t high_watermark);

// The earliest time >= now at which apply_retention would delete something if nothing else
// changed; nullopt when only an append, a high watermark move or a new log start can make it act.
std::optional<TimeMs> next_retention_due(const PartitionLog& log, TimeMs now, int64_t high_watermark);

}  // namespace klab
