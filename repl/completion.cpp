// Tab completion for the klab console: works out what the word before the cursor is (a Lua name path, the
// inside of a string literal, or a comment), collects the candidates, and hands them to libedit.
//
// Lua values are read inside lua_pcall by a C function that owns no C++ objects, so a Lua error (only
// memory exhaustion is possible: every access is raw) cannot longjmp over a destructor.
#include "completion.hpp"

#include <editline/readline.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace klab {
namespace {

constexpr int max_index_hops = 8;  // how far __index chains are followed (they may loop)

constexpr std::array<std::string_view, 22> lua_keywords = {
    "and", "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "goto",  "if",
    "in",  "local", "nil", "not",  "or",     "repeat", "return", "then", "true",    "until", "while"};

enum class Context { code, string, comment };

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_identifier(std::string_view s) {
  return !s.empty() && is_name_start(s.front()) && std::all_of(s.begin(), s.end(), is_name_char);
}

// The level of a long bracket `[==[` starting at text[i], or -1 when there is none.
int long_bracket_level(std::string_view text, size_t i) {
  if (i >= text.size() || text[i] != '[') return -1;
  size_t j = i + 1;
  while (j < text.size() && text[j] == '=') ++j;
  return j < text.size() && text[j] == '[' ? static_cast<int>(j - i - 1) : -1;
}

// Whether the end of `text` lies in code, in an unterminated string or in a comment. A small Lua lexer:
// it knows quotes, escapes, long brackets and comments, and nothing else.
Context context_at_end(std::string_view text) {
  Context context = Context::code;
  char quote = 0;     // the closing quote of the short string we are in
  int long_level = -1;  // the level of the long string or comment we are in
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (long_level >= 0) {
      std::string closing(static_cast<size_t>(long_level) + 2, '=');
      closing.front() = ']';
      closing.back() = ']';
      if (text.compare(i, closing.size(), closing) == 0) {
        i += closing.size() - 1;
        long_level = -1;
        context = Context::code;
      }
    } else if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote || c == '\n') {
        quote = 0;
        context = Context::code;
      }
    } else if (context == Context::comment) {
      if (c == '\n') context = Context::code;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      context = Context::comment;
      long_level = long_bracket_level(text, i + 2);
      if (long_level >= 0) i += 2 + static_cast<size_t>(long_level) + 1;
      else ++i;
    } else if (c == '"' || c == '\'') {
      quote = c;
      context = Context::string;
    } else if (int level = long_bracket_level(text, i); level >= 0) {
      long_level = level;
      context = Context::string;
      i += static_cast<size_t>(level) + 1;
    }
  }
  return context;
}

std::string_view trailing_word(std::string_view text) {
  size_t start = text.find_last_of(completion_word_breaks);
  return start == std::string_view::npos ? text : text.substr(start + 1);
}

// What to look up for a word such as `klab.par` or `cluster:cr`: the path to the table, whether only
// methods are wanted, and the partial name to complete.
struct NameQuery {
  std::vector<std::string> path;
  bool methods_only = false;
  std::string_view partial;
};

bool parse_name_word(std::string_view word, NameQuery& query) {
  if (size_t concat = word.rfind(".."); concat != std::string_view::npos) word = word.substr(concat + 2);
  for (;;) {
    size_t separator = word.find_first_of(".:");
    if (separator == std::string_view::npos) break;
    std::string_view segment = word.substr(0, separator);
    if (!is_identifier(segment) || query.methods_only) return false;  // `a:b.c` is not a name path
    query.path.emplace_back(segment);
    query.methods_only = word[separator] == ':';
    word = word.substr(separator + 1);
  }
  if (!word.empty() && !is_identifier(word)) return false;
  query.partial = word;
  return true;
}

// Replaces the value on top of the stack by its field `name`, read raw and through __index tables.
bool replace_by_field(lua_State* L, const char* name) {
  for (int hop = 0; hop < max_index_hops; ++hop) {
    if (lua_istable(L, -1)) {
      lua_pushstring(L, name);
      if (lua_rawget(L, -2) != LUA_TNIL) {
        lua_remove(L, -2);
        return true;
      }
      lua_pop(L, 1);
    }
    if (!lua_getmetatable(L, -1)) return false;
    lua_pushstring(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2);  // the metatable
    lua_remove(L, -2);  // the value: continue with its __index
    if (!lua_istable(L, -1)) return false;
  }
  return false;
}

// Adds to the table at `names` every identifier key of the value on top of the stack and of its __index
// tables (the value is popped).
void add_field_names(lua_State* L, int names, bool methods_only) {
  for (int hop = 0; hop < max_index_hops; ++hop) {
    if (lua_istable(L, -1)) {
      lua_pushnil(L);
      while (lua_next(L, -2) != 0) {
        bool wanted = lua_type(L, -2) == LUA_TSTRING && (!methods_only || lua_isfunction(L, -1));
        lua_pop(L, 1);
        if (wanted) {
          lua_pushvalue(L, -1);
          lua_pushboolean(L, 1);
          lua_rawset(L, names);
        }
      }
    }
    if (!lua_getmetatable(L, -1)) break;
    lua_pushstring(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2);
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
}

// lua_CFunction: argument 1 is a light userdata pointing to a NameQuery; returns a set of names.
int collect_field_names(lua_State* L) {
  const auto* query = static_cast<const NameQuery*>(lua_touserdata(L, 1));
  lua_newtable(L);
  int names = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  for (size_t i = 0; i < query->path.size(); ++i) {
    if (!replace_by_field(L, query->path[i].c_str())) return 1;
  }
  add_field_names(L, names, query->methods_only);
  return 1;
}

std::vector<std::string> field_names(lua_State* L, const NameQuery& query) {
  std::vector<std::string> names;
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 8)) return names;
  lua_pushcfunction(L, collect_field_names);
  lua_pushlightuserdata(L, const_cast<NameQuery*>(&query));
  if (lua_pcall(L, 1, 1, 0) == LUA_OK) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      size_t length = 0;
      const char* name = lua_tolstring(L, -1, &length);  // keys are strings: no conversion, no error
      names.emplace_back(name, length);
    }
  }
  lua_settop(L, top);
  return names;
}

bool wanted_name(std::string_view name, std::string_view partial) {
  if (name.substr(0, partial.size()) != partial) return false;
  return !name.starts_with("__") || partial.starts_with("__");
}

}  // namespace

std::vector<std::string> completion_candidates(lua_State* L, std::string_view text_before_cursor,
                                               const std::vector<std::string>& extra_completions) {
  std::vector<std::string> candidates;
  std::string_view word = trailing_word(text_before_cursor);
  Context context = context_at_end(text_before_cursor);
  if (context == Context::string) {
    for (const std::string& extra : extra_completions)
      if (extra.starts_with(word)) candidates.push_back(extra);
  } else if (context == Context::code) {
    NameQuery query;
    if (!parse_name_word(word, query)) return candidates;
    std::string_view head = word.substr(0, word.size() - query.partial.size());
    for (const std::string& name : field_names(L, query))
      if (is_identifier(name) && wanted_name(name, query.partial)) candidates.push_back(std::string(head) + name);
    if (query.path.empty())
      for (std::string_view keyword : lua_keywords)
        if (wanted_name(keyword, query.partial)) candidates.push_back(std::string(head) + std::string(keyword));
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

// ---- libedit glue ----

namespace {

// libedit's completion callbacks take no user-data argument, so the LineCompletion in force is published
// here. Set and cleared by the LineCompletion constructor and destructor; only the console thread uses it.
LineCompletion* active_completion = nullptr;

char** attempt_completion(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // never fall back to file-name completion
  return active_completion != nullptr ? active_completion->complete(text) : nullptr;
}

char* generate_match(const char*, int) { return active_completion->next_match(); }

char* no_completion(const char*, int) { return nullptr; }

}  // namespace

LineCompletion::LineCompletion(lua_State* L, const std::vector<std::string>& extra_completions)
    : L_(L), extra_completions_(extra_completions) {
  active_completion = this;
  rl_attempted_completion_function = attempt_completion;
  rl_completion_entry_function = no_completion;
  rl_basic_word_break_characters = completion_word_breaks;
  rl_completion_append_character = '\0';  // `cluster` then `:` — not `cluster `
}

LineCompletion::~LineCompletion() {
  rl_attempted_completion_function = nullptr;
  rl_completion_entry_function = nullptr;
  active_completion = nullptr;
}

char** LineCompletion::complete(const char* text) {
  try {  // called from C: nothing may be thrown through libedit
    std::string before(rl_line_buffer, static_cast<size_t>(std::max(rl_point, 0)));
    if (!pending_chunk_.empty()) before = pending_chunk_ + "\n" + before;
    std::string_view word = trailing_word(before);
    std::string_view libedit_word(text);
    // libedit found the word with the same break characters; if it disagrees, do nothing rather than
    // insert something wrong.
    if (!word.ends_with(libedit_word)) return nullptr;
    size_t extra_prefix = word.size() - libedit_word.size();
    matches_.clear();
    next_match_ = 0;
    for (std::string& candidate : completion_candidates(L_, before, extra_completions_))
      matches_.push_back(candidate.substr(extra_prefix));
    if (matches_.empty()) return nullptr;
    return rl_completion_matches(text, generate_match);
  } catch (const std::exception&) {
    return nullptr;
  }
}

char* LineCompletion::next_match() {
  if (next_match_ >= matches_.size()) return nullptr;
  const std::string& match = matches_[next_match_++];
  auto* copy = static_cast<char*>(std::malloc(match.size() + 1));  // libedit frees it with free()
  if (copy != nullptr) std::memcpy(copy, match.c_str(), match.size() + 1);
  return copy;
}

}  // namespace klab
