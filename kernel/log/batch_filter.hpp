// Rewrites a stored v2 batch keeping some of its records, as Kafka's MemoryRecords.filterTo does
// for the log cleaner:
//  1. The header keeps its base offset, lastOffsetDelta, leader epoch and producer fields, so
//     offsets stay where they were (gaps appear) and the log end never moves back.
//  2. A batch whose records all stay, with no delete horizon to add, is copied unchanged.
//  3. A kept batch with a tombstone and no delete horizon gets one (KIP-534): the horizon goes into
//     baseTimestamp with attribute bit 0x40, and record timestamp deltas are rebased on it.
//  4. A batch with no record left is dropped unless the caller asks to keep it (empty).
//  5. A compressed batch is read decompressed; a rewritten one is compressed again with its own
//     codec (Kafka's cleaner keeps each batch's compression type), an unchanged one is copied as is.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/compressed_batch.hpp"
#include "log/record_batch.hpp"

namespace klab {

// What the cleaner needs to judge one record, read without copying.
struct FilteredRecord {
  int64_t offset = 0;
  std::optional<std::string_view> key;
  bool has_value = false;
};

enum class FilterOutcome { Unchanged, Rewritten, Dropped };

class BatchFilter {
 public:
  // Appends the filtered batch to `out` (unless dropped). `delete_horizon_ms` is the horizon a
  // batch gets if it keeps a tombstone and has none yet.
  FilterOutcome filter(const RecordBatchView& batch, const std::function<bool(const FilteredRecord&)>& keep,
                       bool keep_if_empty, TimeMs delete_horizon_ms, std::string& out);
  int32_t records_kept() const { return records_kept_; }
  int32_t tombstones_kept() const { return tombstones_kept_; }

 private:
  struct Raw {
    std::size_t begin;            // offset of the record's first byte after the length varint
    std::size_t after_timestamp;  // offset of the byte after the timestamp delta
    std::size_t end;
    int64_t timestamp_delta;
    bool tombstone;
  };
  FilterOutcome filter_plain(const RecordBatchView& batch, const std::function<bool(const FilteredRecord&)>& keep,
                             bool keep_if_empty, TimeMs delete_horizon_ms, std::string& out);
  std::vector<Raw> kept_;  // reused between batches
  std::string rewritten_;  // a compressed batch's plain rewrite, before it is compressed again
  int32_t records_kept_ = 0;
  int32_t tombstones_kept_ = 0;
};

}  // namespace klab
