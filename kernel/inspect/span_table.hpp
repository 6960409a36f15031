// One sampled table stored as spans: a row per entity (a partition, a replica, a metric, ...) per
// stretch of consecutive samples during which none of its values changed. The view with the
// table's old name (inspect_schema.cpp) joins the spans with `samples`, so queries still see a row
// per entity per sample. Why: most entities (the 50 partitions of __consumer_offsets) do not change
// between samples, and a sample should cost rows only for what changed.
//
// How a sample is written:
//  1. For each entity, the caller fills row() (key columns first) and calls record().
//  2. record() compares with the values last written for that entity, kept in memory (no SQL read
//     back). Unchanged: nothing is written. Changed: the open span is closed at the previous
//     sample (last_sample) and a new one opened (last_sample NULL: still open).
//  3. finish_sample() closes the spans of entities the sample did not see (a deleted topic, a
//     metric that went away).
// Entities come in the same order sample after sample, so the previous sample's entity at the same
// position is tried first; a search follows only when entities appear or disappear.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::inspect {

class SpanTable {
 public:
  // `table` has columns first_sample, last_sample, then `columns`, the first `key_columns` of
  // which identify the entity.
  static Result<SpanTable> prepare(SqliteConnection& connection, std::string_view table,
                                   const std::vector<std::string_view>& columns, std::size_t key_columns);

  // Sets value `column` (0-based, in `columns` order) of the row being recorded.
  SpanTable& set(std::size_t column, int64_t value);
  SpanTable& set(std::size_t column, double value);
  SpanTable& set(std::size_t column, std::string_view value);
  SpanTable& set(std::size_t column, std::optional<int64_t> value);
  // Records the row as the entity's state at `sample_id`.
  Status record(int64_t sample_id);
  // Ends sample `sample_id`: spans of entities it did not record are closed.
  Status finish_sample(int64_t sample_id);

 private:
  struct Open {
    std::vector<SqlValue> values;
    int64_t rowid = 0;
    bool seen = false;
  };
  Open* find_open();
  Status close(int64_t rowid);

  Statement insert_, close_;
  std::size_t key_columns_ = 0;
  std::vector<SqlValue> row_;
  std::vector<Open> open_;  // in the order of the previous sample
  std::vector<Open> next_;  // this sample's, in its order
  std::size_t cursor_ = 0;
  std::optional<int64_t> previous_sample_;
};

}  // namespace klab::inspect
