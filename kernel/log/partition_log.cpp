#include "log/partition_log.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace klab {

PartitionLog::PartitionLog(LogConfig config, TimeMs now) : config_(config) { segments_.emplace_back(0, now); }

int64_t PartitionLog::size_bytes() const {
  int64_t total = 0;
  for (const Segment& segment : segments_) total += segment.size_bytes();
  return total;
}

std::size_t PartitionLog::memory_bytes() const {
  std::size_t total = sizeof(*this);
  for (const Segment& segment : segments_) total += segment.memory_bytes();
  return total;
}

bool PartitionLog::should_roll(int32_t batch_size, TimeMs batch_max_timestamp) const {
  const Segment& active = segments_.back();
  if (active.empty()) return false;
  if (active.size_bytes() > config_.segment_bytes - batch_size) return true;
  return batch_max_timestamp - active.rolling_based_timestamp() > config_.segment_ms;
}

Result<AppendInfo> PartitionLog::append(std::string_view batch, TimeMs now, int32_t leader_epoch) {
  RecordBatchView view(batch.data());
  const int32_t size = view.size_bytes();
  if (size > config_.max_message_bytes)
    return make_error(ErrorCode::MESSAGE_TOO_LARGE,
                      fmt::format("The record batch size in the append is {} bytes which exceeds the maximum "
                                  "configured value of {} (max.message.bytes).",
                                  size, config_.max_message_bytes));
  if (size > config_.segment_bytes)
    return make_error(ErrorCode::RECORD_LIST_TOO_LARGE,
                      fmt::format("Message batch size is {} bytes which exceeds the maximum configured segment "
                                  "size of {} (segment.bytes).",
                                  size, config_.segment_bytes));
  const bool append_time = config_.timestamp_type == TimestampType::LogAppendTime;
  const TimeMs batch_timestamp = append_time ? now : view.max_timestamp();
  if (should_roll(size, batch_timestamp)) segments_.emplace_back(log_end_offset(), now);
  AppendInfo info;
  info.base_offset = log_end_offset();
  info.last_offset = info.base_offset + view.last_offset_delta();
  info.log_append_time = append_time ? now : -1;
  segments_.back().append(batch, info.base_offset, leader_epoch, now, append_time);
  return info;
}

void PartitionLog::append_replicated(std::string_view batch, TimeMs now) {
  RecordBatchView view(batch.data());
  if (should_roll(view.size_bytes(), view.max_timestamp())) segments_.emplace_back(log_end_offset(), now);
  segments_.back().append_copy(batch);
}

void PartitionLog::truncate_to(int64_t offset) {
  if (offset >= log_end_offset()) return;
  while (segments_.size() > 1 && segments_.back().base_offset() >= offset) segments_.pop_back();
  if (segments_.back().base_offset() >= offset) {
    TimeMs created = segments_.back().created_ms();
    segments_.back() = Segment(std::max(offset, log_start_offset_), created);
    return;
  }
  segments_.back().truncate_to(offset);
}

void PartitionLog::truncate_fully_and_start_at(int64_t offset, TimeMs now) {
  segments_.clear();
  segments_.emplace_back(offset, now);
  log_start_offset_ = offset;
}

bool PartitionLog::increment_log_start_offset(int64_t offset) {
  offset = std::min(offset, log_end_offset());
  if (offset <= log_start_offset_) return false;
  log_start_offset_ = offset;
  return true;
}

void PartitionLog::roll(TimeMs now) {
  if (segments_.back().empty()) return;
  segments_.emplace_back(log_end_offset(), now);
}

void PartitionLog::delete_oldest_segments(std::size_t count, TimeMs now) {
  if (count == 0) return;
  if (count >= segments_.size()) {
    roll(now);
    count = segments_.size() - 1;
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(count));
  log_start_offset_ = std::max(log_start_offset_, segments_.front().base_offset());
}

void PartitionLog::replace_segments(std::size_t first, std::size_t replaced, std::vector<Segment> cleaned) {
  auto begin = segments_.begin() + static_cast<std::ptrdiff_t>(first);
  segments_.erase(begin, begin + static_cast<std::ptrdiff_t>(replaced));
  segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(first), std::make_move_iterator(cleaned.begin()),
                   std::make_move_iterator(cleaned.end()));
}

Status PartitionLog::check_fetch_offset(int64_t offset) const {
  if (offset < log_start_offset_ || offset > log_end_offset())
    return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                      fmt::format("Fetch position {} is out of range [{}, {}]", offset, log_start_offset_,
                                  log_end_offset()));
  return ok_status();
}

}  // namespace klab
