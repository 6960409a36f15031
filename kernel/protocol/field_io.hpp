// The field-level adapters the generated io_<Struct> functions call: FieldReader (decode) and FieldWriter
// (encode) share one method set with Sampler (sampler.hpp), so one walk of a struct's fields serves all three.
// `flex` selects the compact encodings of flexible versions; `nullable` says whether null is allowed in the
// version at hand. Invariants: 1. FieldReader stops filling arrays at the first error (the Reader's sticky
// error then names the field); 2. FieldWriter writes a null in a version where the field is not nullable as
// the empty value (Kafka would refuse to serialize it; a broker never builds one); 3. element names are ""
// for arrays of primitives, so paths read "replica_nodes[3]".
#pragma once
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/reader.hpp"
#include "protocol/sampler.hpp"
#include "protocol/writer.hpp"

namespace klab::protocol {

class FieldReader {
 public:
  explicit FieldReader(Reader& reader) : r_(reader) {}

  void int8(const char* name, int8_t& x) { x = scoped(name, [&] { return r_.int8(); }); }
  void int16(const char* name, int16_t& x) { x = scoped(name, [&] { return r_.int16(); }); }
  void int32(const char* name, int32_t& x) { x = scoped(name, [&] { return r_.int32(); }); }
  void int64(const char* name, int64_t& x) { x = scoped(name, [&] { return r_.int64(); }); }
  void boolean(const char* name, bool& x) { x = scoped(name, [&] { return r_.int8(); }) != 0; }
  void string(const char* name, std::string& x, bool flex) {
    x = scoped(name, [&] { return flex ? r_.compact_string() : r_.string(); });
  }
  void bytes(const char* name, std::string& x, bool flex) {
    x = scoped(name, [&] { return flex ? r_.compact_bytes() : r_.bytes(); });
  }
  void nullable_string(const char* name, std::optional<std::string>& x, bool flex, bool nullable) {
    x = scoped(name, [&] { return check_null(flex ? r_.compact_nullable_string() : r_.nullable_string(), nullable); });
  }
  void nullable_bytes(const char* name, std::optional<std::string>& x, bool flex, bool nullable) {
    x = scoped(name, [&] { return check_null(flex ? r_.compact_nullable_bytes() : r_.nullable_bytes(), nullable); });
  }

  template <class T, class F>
  void array(const char* name, std::vector<T>& x, bool flex, uint32_t min_size, F&& element) {
    r_.push(name);
    int32_t count = flex ? r_.compact_array_count(min_size) : r_.array_count(min_size);
    if (count < 0) r_.fail("null array but the field is not nullable");
    read_elements(x, count, element);
    r_.pop();
  }
  template <class T, class F>
  void nullable_array(const char* name, std::optional<std::vector<T>>& x, bool flex, bool nullable,
                      uint32_t min_size, F&& element) {
    r_.push(name);
    int32_t count = flex ? r_.compact_array_count(min_size) : r_.array_count(min_size);
    if (count < 0 && !nullable) r_.fail("null array but the field is not nullable in this version");
    if (count < 0) {
      x.reset();
    } else {
      x.emplace();
      read_elements(*x, count, element);
    }
    r_.pop();
  }
  void tagged_fields(bool flex) {
    if (flex) r_.skip_tagged_fields();
  }

 private:
  template <class F>
  auto scoped(const char* name, F&& read) -> decltype(read()) {
    if (*name) r_.push(name);
    auto value = read();
    if (*name) r_.pop();
    return value;
  }
  std::optional<std::string> check_null(std::optional<std::string> value, bool nullable) {
    if (!value && !nullable && r_.ok()) r_.fail("null but the field is not nullable in this version");
    return value;
  }
  template <class T, class F>
  void read_elements(std::vector<T>& x, int32_t count, F& element) {
    x.clear();
    for (int32_t i = 0; i < count && r_.ok(); ++i) {
      r_.push_index(i);
      element(x.emplace_back());
      r_.pop();
    }
  }
  Reader& r_;
};

class FieldWriter {
 public:
  explicit FieldWriter(Writer& writer) : w_(writer) {}

  void int8(const char*, int8_t x) { w_.int8(x); }
  void int16(const char*, int16_t x) { w_.int16(x); }
  void int32(const char*, int32_t x) { w_.int32(x); }
  void int64(const char*, int64_t x) { w_.int64(x); }
  void boolean(const char*, bool x) { w_.int8(x ? 1 : 0); }
  void string(const char*, const std::string& x, bool flex) { flex ? w_.compact_string(x) : w_.string(x); }
  void bytes(const char*, const std::string& x, bool flex) { flex ? w_.compact_bytes(x) : w_.bytes(x); }
  void nullable_string(const char*, const std::optional<std::string>& x, bool flex, bool nullable) {
    auto value = x || nullable ? x : std::optional<std::string>(std::string{});
    flex ? w_.compact_nullable_string(value) : w_.nullable_string(value);
  }
  void nullable_bytes(const char*, const std::optional<std::string>& x, bool flex, bool nullable) {
    auto value = x || nullable ? x : std::optional<std::string>(std::string{});
    flex ? w_.compact_nullable_bytes(value) : w_.nullable_bytes(value);
  }
  template <class T, class F>
  void array(const char*, const std::vector<T>& x, bool flex, uint32_t, F&& element) {
    count(static_cast<int32_t>(x.size()), flex);
    for (const auto& e : x) element(e);
  }
  template <class T, class F>
  void nullable_array(const char*, const std::optional<std::vector<T>>& x, bool flex, bool nullable, uint32_t,
                      F&& element) {
    if (!x) return count(nullable ? -1 : 0, flex);
    array("", *x, flex, 0, element);
  }
  void tagged_fields(bool flex) {
    if (flex) w_.empty_tagged_fields();
  }

 private:
  void count(int32_t n, bool flex) { flex ? w_.compact_array_count(n) : w_.array_count(n); }
  Writer& w_;
};

}  // namespace klab::protocol
