// Tab completion for the klab console: Lua names (globals, `t.field`, `obj:method`, nested paths such as
// `klab.partition_for`) and, inside an open string literal, a fixed list such as every Kafka config key.
//
// completion_candidates() is the pure part (tests call it); LineCompletion plugs it into libedit.
#pragma once

#include <lua.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace klab {

// The characters that end a word for completion. `.` and `:` are not among them, so `cluster:cr` is one
// word; the opening quote of a string is, so `["lin` completes the word `lin`.
inline constexpr const char* completion_word_breaks = " \t\n\"'`()[]{},;=+-*/%^#<>~&|";

// Sorted, distinct replacements for the word that ends `text_before_cursor` (the word as
// completion_word_breaks delimit it). `text_before_cursor` may span several lines (a multi-line chunk);
// only string literals can carry over from one line to the next. Names starting with `__` are left out
// unless the word being completed starts with `__`. Reads L raw: no metamethod runs.
std::vector<std::string> completion_candidates(lua_State* L, std::string_view text_before_cursor,
                                               const std::vector<std::string>& extra_completions);

// Installs completion into libedit's readline emulation for as long as it lives (one at a time).
class LineCompletion {
 public:
  LineCompletion(lua_State* L, const std::vector<std::string>& extra_completions);
  ~LineCompletion();
  LineCompletion(const LineCompletion&) = delete;
  LineCompletion& operator=(const LineCompletion&) = delete;

  // The lines already read of a chunk still being typed, so that a string opened there is recognised.
  void set_pending_chunk(std::string_view pending) { pending_chunk_ = pending; }

  // Called by libedit (through a file-scope trampoline); public only for that.
  char** complete(const char* text);
  char* next_match();

 private:
  lua_State* L_;
  const std::vector<std::string>& extra_completions_;
  std::string pending_chunk_;
  std::vector<std::string> matches_;
  size_t next_match_ = 0;
};

}  // namespace klab
