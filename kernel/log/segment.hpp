// One segment of a partition log: batches stored back to back in a few large memory chunks (no
// heap object per record) plus an index from offsets to batch positions.
//
// Invariants:
//  1. Batches are in offset order; a batch never straddles two chunks.
//  2. size_bytes() is the sum of the stored batch sizes, the number segment.bytes is compared with.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "log/record_batch.hpp"

namespace klab {

class Segment {
 public:
  Segment(int64_t base_offset, TimeMs created_ms) : base_offset_(base_offset), next_offset_(base_offset), created_ms_(created_ms) {}

  int64_t base_offset() const { return base_offset_; }
  int64_t next_offset() const { return next_offset_; }
  int64_t size_bytes() const { return size_bytes_; }
  bool empty() const { return index_.empty(); }
  std::size_t batch_count() const { return index_.size(); }
  TimeMs created_ms() const { return created_ms_; }
  TimeMs max_timestamp() const { return max_timestamp_; }
  // Kafka rolls on segment.ms measured from the first batch's timestamp (or creation when unknown).
  TimeMs rolling_based_timestamp() const { return first_batch_timestamp_ >= 0 ? first_batch_timestamp_ : created_ms_; }
  std::size_t memory_bytes() const;

  // Copies a finished batch in and stamps its offsets, the leader epoch, and the append time for
  // LogAppendTime.
  void append(std::string_view batch, int64_t base_offset, int32_t leader_epoch, TimeMs log_append_time,
              bool stamp_append_time);
  // Copies a batch exactly as the leader stored it (a follower's append).
  void append_copy(std::string_view batch);
  // Drops every batch whose base offset is >= offset.
  void truncate_to(int64_t offset);

  // Visits stored batches from the one holding `from_offset` onwards; stops when visit returns false.
  template <class Visit>  // bool Visit(const RecordBatchView&)
  void for_each_batch(int64_t from_offset, Visit&& visit) const;

 private:
  struct Chunk {
    std::unique_ptr<char[]> bytes;
    uint32_t capacity = 0;
    uint32_t used = 0;
  };
  struct IndexEntry {
    int64_t last_offset;
    uint32_t chunk;
    uint32_t position;
  };
  char* reserve(std::size_t size, uint32_t& chunk, uint32_t& position);
  void index_batch(const char* at, uint32_t chunk, uint32_t position);

  int64_t base_offset_;
  int64_t next_offset_;
  TimeMs created_ms_;
  TimeMs max_timestamp_ = -1;
  TimeMs first_batch_timestamp_ = -1;
  int64_t size_bytes_ = 0;
  std::vector<Chunk> chunks_;
  std::vector<IndexEntry> index_;
};

template <class Visit>
void Segment::for_each_batch(int64_t from_offset, Visit&& visit) const {
  auto it = index_.begin();
  // Binary search: the first batch whose last offset reaches from_offset.
  std::size_t low = 0, high = index_.size();
  while (low < high) {
    std::size_t mid = (low + high) / 2;
    if (index_[mid].last_offset < from_offset) low = mid + 1;
    else high = mid;
  }
  for (it = index_.begin() + static_cast<std::ptrdiff_t>(low); it != index_.end(); ++it) {
    RecordBatchView batch(chunks_[it->chunk].bytes.get() + it->position);
    if (!visit(batch)) return;
  }
}

}  // namespace klab
