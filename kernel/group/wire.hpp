// Kafka's fixed-width protocol encoding (big-endian ints, int16-length strings, int32-length bytes,
// int32-count arrays; -1 lengths for null), for the records the group coordinator writes to
// __consumer_offsets and the consumer protocol's subscription and assignment blobs. Reads never
// run past the end: a short or malformed buffer sets failed() and yields zeros.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace klab::group::wire {

class Writer {
 public:
  void i16(int16_t v) { put(static_cast<uint64_t>(static_cast<uint16_t>(v)), 2); }
  void i32(int32_t v) { put(static_cast<uint64_t>(static_cast<uint32_t>(v)), 4); }
  void i64(int64_t v) { put(static_cast<uint64_t>(v), 8); }
  void string(std::string_view s) {
    i16(static_cast<int16_t>(s.size()));
    out_.append(s);
  }
  void nullable_string(const std::optional<std::string>& s) {
    if (!s) return i16(-1);
    string(*s);
  }
  void bytes(std::string_view b) {
    i32(static_cast<int32_t>(b.size()));
    out_.append(b);
  }
  void null_bytes() { i32(-1); }
  std::string take() { return std::move(out_); }

 private:
  void put(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  int16_t i16() { return static_cast<int16_t>(get(2)); }
  int32_t i32() { return static_cast<int32_t>(get(4)); }
  int64_t i64() { return static_cast<int64_t>(get(8)); }
  std::string string() { return std::string(take(i16())); }
  std::optional<std::string> nullable_string() {
    int16_t n = i16();
    if (n < 0) return std::nullopt;
    return std::string(take(n));
  }
  std::optional<std::string> nullable_bytes() {
    int32_t n = i32();
    if (n < 0) return std::nullopt;
    return std::string(take(n));
  }
  // An array count that cannot be larger than the bytes left (each element takes at least one).
  int32_t count() {
    int32_t n = i32();
    if (n < 0) return 0;
    if (static_cast<std::size_t>(n) > in_.size() - pos_) failed_ = true;
    return failed_ ? 0 : n;
  }
  bool failed() const { return failed_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  uint64_t get(int n) {
    if (failed_ || in_.size() - pos_ < static_cast<std::size_t>(n)) {
      failed_ = true;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(in_[pos_++]);
    return v;
  }
  std::string_view take(int64_t n) {
    if (n < 0 || failed_ || in_.size() - pos_ < static_cast<std::size_t>(n)) {
      failed_ = true;
      return {};
    }
    std::string_view out = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace klab::group::wire
