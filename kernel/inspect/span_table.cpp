#include "inspect/span_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace klab::inspect {
namespace {

// Equal values, NaN equal to NaN (a metric that stays NaN has not changed).
bool same_value(const SqlValue& a, const SqlValue& b) {
  const auto* x = std::get_if<double>(&a);
  const auto* y = std::get_if<double>(&b);
  if (x && y && std::isnan(*x) && std::isnan(*y)) return true;
  return a == b;
}

bool same_values(const std::vector<SqlValue>& a, const std::vector<SqlValue>& b, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    if (!same_value(a[i], b[i])) return false;
  return true;
}

}  // namespace

Result<SpanTable> SpanTable::prepare(SqliteConnection& connection, std::string_view table,
                                     const std::vector<std::string_view>& columns, std::size_t key_columns) {
  std::string names = "first_sample", parameters = "?1";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += fmt::format(", {}", columns[i]);
    parameters += fmt::format(", ?{}", i + 2);
  }
  Result<Statement> insert = connection.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", table, names, parameters));
  if (!insert) return insert.error();
  Result<Statement> close = connection.prepare(fmt::format("UPDATE {} SET last_sample = ?1 WHERE rowid = ?2", table));
  if (!close) return close.error();
  SpanTable spans;
  spans.insert_ = std::move(*insert);
  spans.close_ = std::move(*close);
  spans.key_columns_ = key_columns;
  spans.row_.resize(columns.size());
  return spans;
}

SpanTable& SpanTable::set(std::size_t column, int64_t value) {
  row_[column] = value;
  return *this;
}

SpanTable& SpanTable::set(std::size_t column, double value) {
  row_[column] = value;
  return *this;
}

SpanTable& SpanTable::set(std::size_t column, std::string_view value) {
  // Reuses the string's buffer from the previous row: no allocation per value.
  if (auto* text = std::get_if<std::string>(&row_[column])) text->assign(value);
  else row_[column] = std::string(value);
  return *this;
}

SpanTable& SpanTable::set(std::size_t column, std::optional<int64_t> value) {
  if (value) row_[column] = *value;
  else row_[column] = std::monostate{};
  return *this;
}

SpanTable::Open* SpanTable::find_open() {
  const auto same_key = [this](const Open& open) {
    return !open.seen && same_values(row_, open.values, key_columns_);
  };
  if (cursor_ < open_.size() && same_key(open_[cursor_])) return &open_[cursor_++];
  const auto found = std::find_if(open_.begin(), open_.end(), same_key);
  if (found == open_.end()) return nullptr;
  cursor_ = static_cast<std::size_t>(found - open_.begin()) + 1;
  return &*found;
}

Status SpanTable::close(int64_t rowid) {
  return close_.bind(1, previous_sample_.value_or(0)).bind(2, rowid).run();
}

Status SpanTable::record(int64_t sample_id) {
  Open* open = find_open();
  if (open) {
    open->seen = true;
    if (same_values(open->values, row_, row_.size())) {
      next_.push_back(std::move(*open));
      return ok_status();
    }
    if (Status closed = close(open->rowid); !closed) return closed;
  }
  insert_.bind(1, sample_id);
  for (std::size_t i = 0; i < row_.size(); ++i) {
    const int index = static_cast<int>(i) + 2;
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) insert_.bind(index, std::optional<int64_t>());
          else if constexpr (std::is_same_v<T, std::string>) insert_.bind(index, std::string_view(value));
          else insert_.bind(index, value);
        },
        row_[i]);
  }
  if (Status inserted = insert_.run(); !inserted) return inserted;
  next_.push_back(Open{row_, insert_.last_insert_rowid(), true});
  return ok_status();
}

Status SpanTable::finish_sample(int64_t sample_id) {
  for (const Open& open : open_)
    if (!open.seen)
      if (Status closed = close(open.rowid); !closed) return closed;
  open_.swap(next_);
  next_.clear();
  for (Open& open : open_) open.seen = false;
  cursor_ = 0;
  previous_sample_ = sample_id;
  return ok_status();
}

}  // namespace klab::inspect
