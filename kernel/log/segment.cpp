#include "log/segment.hpp"

#include <algorithm>
#include <cstring>

#include "log/crc32c.hpp"

namespace klab {
namespace {
// Chunks start small (most teaching topics hold a handful of records) and double up to 1 MiB,
// which keeps the slack of a full log to a few percent.
constexpr uint32_t kFirstChunkBytes = 4096;
constexpr uint32_t kLargestChunkBytes = 1u << 20;
}  // namespace

std::size_t Segment::memory_bytes() const {
  std::size_t total = sizeof(*this) + index_.capacity() * sizeof(IndexEntry) + chunks_.capacity() * sizeof(Chunk);
  for (const Chunk& chunk : chunks_) total += chunk.capacity;
  return total;
}

char* Segment::reserve(std::size_t size, uint32_t& chunk, uint32_t& position) {
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < size) {
    uint32_t next = chunks_.empty() ? kFirstChunkBytes : std::min(chunks_.back().capacity * 2, kLargestChunkBytes);
    uint32_t capacity = std::max<uint32_t>(next, static_cast<uint32_t>(size));
    chunks_.push_back(Chunk{std::unique_ptr<char[]>(new char[capacity]), capacity, 0});
  }
  Chunk& last = chunks_.back();
  chunk = static_cast<uint32_t>(chunks_.size() - 1);
  position = last.used;
  last.used += static_cast<uint32_t>(size);
  return last.bytes.get() + position;
}

void Segment::append(std::string_view batch, int64_t base_offset, int32_t leader_epoch, TimeMs log_append_time,
                     bool stamp_append_time) {
  uint32_t chunk = 0, position = 0;
  char* at = reserve(batch.size(), chunk, position);
  std::memcpy(at, batch.data(), batch.size());
  store_be(at + batch_field::kBaseOffset, static_cast<uint64_t>(base_offset), 8);
  store_be(at + batch_field::kLeaderEpoch, static_cast<uint64_t>(static_cast<uint32_t>(leader_epoch)), 4);
  if (stamp_append_time) {
    auto attributes = static_cast<uint16_t>(load_be(at + batch_field::kAttributes, 2) | kTimestampTypeAttribute);
    store_be(at + batch_field::kAttributes, attributes, 2);
    store_be(at + batch_field::kMaxTimestamp, static_cast<uint64_t>(log_append_time), 8);
    stamp_record_batch_crc(at, batch.size());  // the crc covers attributes and maxTimestamp
  }
  index_batch(at, chunk, position);
}

void Segment::append_copy(std::string_view batch) {
  uint32_t chunk = 0, position = 0;
  char* at = reserve(batch.size(), chunk, position);
  std::memcpy(at, batch.data(), batch.size());
  index_batch(at, chunk, position);
}

void Segment::index_batch(const char* at, uint32_t chunk, uint32_t position) {
  RecordBatchView view(at);
  index_.push_back(IndexEntry{view.last_offset(), chunk, position});
  if (first_batch_timestamp_ < 0) first_batch_timestamp_ = view.max_timestamp();
  max_timestamp_ = std::max(max_timestamp_, view.max_timestamp());
  next_offset_ = view.last_offset() + 1;
  size_bytes_ += view.size_bytes();
}

void Segment::truncate_to(int64_t offset) {
  std::size_t keep = 0;
  // A batch is the unit of the log: one that straddles `offset` goes too, as Kafka's
  // LogSegment.truncateTo cuts at the first batch whose last offset reaches `offset`.
  while (keep < index_.size() && RecordBatchView(chunks_[index_[keep].chunk].bytes.get() + index_[keep].position).last_offset() < offset)
    ++keep;
  if (keep == index_.size()) return;
  const IndexEntry first_dropped = index_[keep];
  index_.resize(keep);
  chunks_.resize(first_dropped.chunk + 1);
  chunks_.back().used = first_dropped.position;
  // Recount what is left: sizes and timestamps of the kept batches.
  size_bytes_ = 0;
  max_timestamp_ = -1;
  first_batch_timestamp_ = -1;
  next_offset_ = base_offset_;
  for (const IndexEntry& entry : index_) {
    RecordBatchView view(chunks_[entry.chunk].bytes.get() + entry.position);
    if (first_batch_timestamp_ < 0) first_batch_timestamp_ = view.max_timestamp();
    max_timestamp_ = std::max(max_timestamp_, view.max_timestamp());
    size_bytes_ += view.size_bytes();
    next_offset_ = view.last_offset() + 1;
  }
}

}  // namespace klab
