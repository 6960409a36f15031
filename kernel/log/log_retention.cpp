#include "log/log_retention.hpp"

#include <algorithm>

namespace klab {
namespace {

// The offset a segment's records end before: the next segment's base, or the log end.
int64_t upper_bound_offset(const PartitionLog& log, std::size_t index) {
  const auto& segments = log.segments();
  return index + 1 < segments.size() ? segments[index + 1].base_offset() : log.log_end_offset();
}

// How many oldest segments a pass may delete, starting at `first`: `deletable(index)` decides each,
// the high watermark and the empty active segment bound all passes.
template <class Deletable>
std::size_t deletable_prefix(const PartitionLog& log, std::size_t first, int64_t high_watermark, Deletable&& deletable) {
  const auto& segments = log.segments();
  std::size_t count = first;
  while (count < segments.size()) {
    const bool last_and_empty = count + 1 == segments.size() && segments[count].empty();
    if (last_and_empty || high_watermark < upper_bound_offset(log, count) || !deletable(count)) break;
    ++count;
  }
  return count;
}

}  // namespace

RetentionOutcome apply_retention(PartitionLog& log, TimeMs now, int64_t high_watermark) {
  RetentionOutcome outcome;
  outcome.old_log_start_offset = log.log_start_offset();
  const LogConfig& config = log.config();
  const auto& segments = log.segments();
  // Passes run one after another on what the previous ones left; here they extend one prefix.
  std::size_t count = deletable_prefix(log, 0, high_watermark, [&](std::size_t i) {
    return i + 1 < segments.size() && segments[i + 1].base_offset() <= log.log_start_offset();
  });
  if (count > 0) outcome.reason = "log start offset";
  if (config.delete_policy && config.retention_bytes >= 0) {
    int64_t excess = log.size_bytes() - config.retention_bytes;
    for (std::size_t i = 0; i < count; ++i) excess -= segments[i].size_bytes();
    const std::size_t before = count;
    count = deletable_prefix(log, count, high_watermark, [&](std::size_t i) {
      if (excess < segments[i].size_bytes()) return false;
      excess -= segments[i].size_bytes();
      return true;
    });
    if (count > before) outcome.reason = "retention.bytes";
  }
  if (config.delete_policy && config.retention_ms >= 0) {
    const std::size_t before = count;
    count = deletable_prefix(log, count, high_watermark,
                             [&](std::size_t i) { return now - segments[i].max_timestamp() > config.retention_ms; });
    if (count > before) outcome.reason = "retention.ms";
  }
  for (std::size_t i = 0; i < count; ++i) outcome.bytes_deleted += segments[i].size_bytes();
  outcome.segments_deleted = static_cast<int32_t>(count);
  log.delete_oldest_segments(count, now);
  outcome.new_log_start_offset = log.log_start_offset();
  return outcome;
}

std::optional<TimeMs> next_retention_due(const PartitionLog& log, TimeMs now, int64_t high_watermark) {
  const auto& segments = log.segments();
  const Segment& oldest = segments.front();
  // Every pass starts with the oldest segment: nothing happens until it can go.
  if ((segments.size() == 1 && oldest.empty()) || high_watermark < upper_bound_offset(log, 0)) return std::nullopt;
  const LogConfig& config = log.config();
  if (segments.size() > 1 && segments[1].base_offset() <= log.log_start_offset()) return now;
  if (config.delete_policy && config.retention_bytes >= 0 &&
      log.size_bytes() - config.retention_bytes >= oldest.size_bytes())
    return now;
  if (config.delete_policy && config.retention_ms >= 0) {
    const TimeMs expires = oldest.max_timestamp() > INT64_MAX - config.retention_ms - 1
                               ? INT64_MAX
                               : oldest.max_timestamp() + config.retention_ms + 1;
    return std::max(now, expires);
  }
  return std::nullopt;
}

}  // namespace klab
