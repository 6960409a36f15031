// A record as the log hands it out: a view into the segment bytes, valid until the log deletes
// the segment holding it (retention, compaction, topic deletion). Key and value are optional;
// a null value is legal (a tombstone on a compacted topic).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/scheduler.hpp"

namespace klab {

enum class TimestampType : int8_t { CreateTime = 0, LogAppendTime = 1 };
std::string_view timestamp_type_name(TimestampType type);

struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

// Headers as encoded in the record: iterate without copying.
class HeadersView {
 public:
  HeadersView() = default;
  HeadersView(const char* data, std::size_t size, int32_t count) : data_(data), size_(size), count_(count) {}
  int32_t count() const { return count_; }
  template <class Visit>  // Visit(const HeaderView&)
  void for_each(Visit&& visit) const;

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  int32_t count_ = 0;
};

struct RecordView {
  int64_t offset = 0;
  TimeMs timestamp = 0;
  TimestampType timestamp_type = TimestampType::CreateTime;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  HeadersView headers;
};

// What a producer hands to a batch: borrowed bytes, copied into the batch on append.
struct RecordInput {
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  const HeaderView* headers = nullptr;
  std::size_t header_count = 0;
  TimeMs timestamp = 0;
};

}  // namespace klab

#include "log/varint.hpp"

template <class Visit>
void klab::HeadersView::for_each(Visit&& visit) const {
  std::size_t pos = 0;
  for (int32_t i = 0; i < count_; ++i) {
    HeaderView header;
    int64_t key_length = get_varint(data_, pos);
    header.key = std::string_view(data_ + pos, static_cast<std::size_t>(key_length));
    pos += static_cast<std::size_t>(key_length);
    int64_t value_length = get_varint(data_, pos);
    if (value_length >= 0) {
      header.value = std::string_view(data_ + pos, static_cast<std::size_t>(value_length));
      pos += static_cast<std::size_t>(value_length);
    }
    visit(header);
  }
}
