// Reader: bounds-checked big-endian reads over one frame, for Kafka's primitive types.
// Invariants: 1. no read ever touches a byte outside the frame; 2. the first error sticks: after it every
// read returns a zero value and consumes nothing, and error() names what was being read
// ("MetadataRequest v4: topics[2].name: length 300 exceeds the 12 bytes left"); 3. an array count is
// refused unless count * min_element_size fits in the bytes left, so no declared count or length can make
// a caller allocate more than the frame could hold. Field names pushed with push() must outlive the Reader
// (the generated code passes string literals).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace klab::protocol {

class Reader {
 public:
  explicit Reader(std::string_view bytes, std::string context = {}) : bytes_(bytes), context_(std::move(context)) {}
  // The Reader views the bytes it reads; a temporary string would dangle.
  Reader(std::string&&, std::string = {}) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t remaining() const { return bytes_.size() - position_; }
  size_t position() const { return position_; }
  void set_context(std::string context) { context_ = std::move(context); }

  int8_t int8();
  int16_t int16();
  int32_t int32();
  int64_t int64();
  uint32_t uint32();
  uint32_t unsigned_varint();
  int32_t varint();   // zigzag
  int64_t varlong();  // zigzag

  std::string string();  // int16 length, not null
  std::optional<std::string> nullable_string();
  std::string compact_string();  // uvarint length+1, not null
  std::optional<std::string> compact_nullable_string();
  std::string bytes();  // int32 length, not null
  std::optional<std::string> nullable_bytes();
  std::string compact_bytes();
  std::optional<std::string> compact_nullable_bytes();

  // Element counts; -1 stands for a null array. A count whose elements cannot fit is an error (returns 0).
  int32_t array_count(uint32_t min_element_size);
  int32_t compact_array_count(uint32_t min_element_size);
  void skip_tagged_fields();
  std::string_view raw(size_t length);

  // Marks the reader failed with a message about the field being read (no-op if already failed).
  void fail(const std::string& what);

  // The field path in error messages: push("topics"), push_index(2), push("name") reads "topics[2].name".
  void push(std::string_view name) { path_.push_back({name, -1}); }
  void push_index(int64_t index) { path_.push_back({{}, index}); }
  void pop() { path_.pop_back(); }

 private:
  bool need(size_t count, const char* what);
  std::optional<std::string> take_string(int64_t length, bool nullable, const char* what);
  int32_t check_count(int64_t count, uint32_t min_element_size);
  uint64_t read_varint(int max_bytes, const char* what);

  struct Segment {
    std::string_view name;
    int64_t index;
  };
  std::string_view bytes_;
  size_t position_ = 0;
  std::string context_;
  std::string error_;
  std::vector<Segment> path_;
};

}  // namespace klab::protocol
