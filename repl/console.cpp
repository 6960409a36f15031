// The klab console: the read-eval-print loop of lua.c, with libedit, history, completion and pretty.lua.
//
// Invariants:
//  1. All Lua code runs under lua_pcall, and the functions that lua_pcall calls own no C++ objects with
//     destructors, so a Lua error (a longjmp) never skips a destructor. The C++ side only pushes values,
//     loads chunks (lua_load is protected) and reads strings that are already strings.
//  2. Between chunks the stack is as the caller left it.
//  3. SIGINT is handled only while the console runs: during a chunk it interrupts the chunk (lua.c's hook
//     trick), at the prompt it clears the line; the caller's disposition is restored on return.
#include "console.hpp"

#include "completion.hpp"
#include "embedded_lua.hpp"

#include <editline/readline.h>

#include <clocale>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <signal.h>

namespace klab {
namespace {

constexpr const char* primary_prompt = "klab> ";
constexpr const char* continuation_prompt = "  ...> ";
constexpr const char* chunk_name = "=stdin";
constexpr const char* pretty_registry_key = "klab.console.pretty";
constexpr int max_traceback_frames = 6;
constexpr int history_limit = 1000;

// ---- Ctrl-C --------------------------------------------------------------------------------------------
// Signal handlers take no arguments, so what they need is file-scope (the only mutable globals here):
//  - interrupt_target: the lua_State the console runs. On SIGINT during a chunk the handler sets a hook on
//    it that raises "interrupted!" at the next Lua instruction; lua_sethook is safe in a signal handler.
//  - sigint_received: SIGINT arrived (at the prompt, or while a chunk ran); cleared by whoever waits for it.
lua_State* interrupt_target = nullptr;
volatile std::sig_atomic_t sigint_received = 0;

void set_sigint_handler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read returns, so the prompt can start over
  sigaction(SIGINT, &action, nullptr);
}

void stop_running_chunk(lua_State* L, lua_Debug*) {
  lua_sethook(L, nullptr, 0, 0);
  luaL_error(L, "interrupted!");
}

void on_sigint_while_running(int) {
  // A second Ctrl-C kills the process, for a chunk stuck in C++ that never reaches the hook (as lua.c).
  set_sigint_handler(SIG_DFL);
  sigint_received = 1;
  lua_sethook(interrupt_target, stop_running_chunk,
              LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

void on_sigint_at_prompt(int) { sigint_received = 1; }

// ---- pretty.lua ----------------------------------------------------------------------------------------

// Pushes the pretty.lua module, loading it on first use (cached in the registry, out of scripts' reach).
void push_pretty_module(lua_State* L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, pretty_registry_key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  std::optional<std::string_view> source = embedded_lua("pretty.lua");  // trivially destructible
  if (!source) luaL_error(L, "pretty.lua is not embedded in this binary");
  if (luaL_loadbuffer(L, source->data(), source->size(), "=pretty.lua") != LUA_OK) lua_error(L);
  lua_call(L, 0, 1);
  if (!lua_istable(L, -1)) luaL_error(L, "pretty.lua did not return a table");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, pretty_registry_key);
}

// lua_CFunction: format(argument 1) -> string.
int format_protected(lua_State* L) {
  push_pretty_module(L);
  lua_getfield(L, -1, "format");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "pretty.format returned a %s", luaL_typename(L, -1));
  return 1;
}

// ---- errors --------------------------------------------------------------------------------------------

// One traceback line, in luaL_traceback's words.
void push_frame_description(lua_State* L, const lua_Debug& frame) {
  if (frame.currentline > 0) lua_pushfstring(L, "\t%s:%d: in ", frame.short_src, frame.currentline);
  else lua_pushfstring(L, "\t%s: in ", frame.short_src);
  if (*frame.namewhat != '\0') {
    const char* kind = std::string_view(frame.namewhat) == "global" ? "function" : frame.namewhat;
    lua_pushfstring(L, "%s '%s'", kind, frame.name);
  } else if (*frame.what == 'm') {
    lua_pushliteral(L, "main chunk");
  } else if (*frame.what != 'C') {
    lua_pushfstring(L, "function <%s:%d>", frame.short_src, frame.linedefined);
  } else {
    lua_pushliteral(L, "?");
  }
  lua_concat(L, 2);
}

// Pushes the frames from the error down to the console's chunk, at most max_traceback_frames of them;
// the console's own frames below the chunk are of no interest to whoever typed it.
void push_short_traceback(lua_State* L) {
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  lua_Debug frame;
  int shown = 0;
  for (int level = 1; lua_getstack(L, level, &frame) != 0; ++level) {
    lua_getinfo(L, "Slnt", &frame);
    if (*frame.what == 'C' && *frame.namewhat == '\0') continue;  // "[C]: in ?" tells a student nothing
    if (shown == max_traceback_frames) {
      luaL_addstring(&buffer, "\n\t...");
      break;
    }
    if (shown++ > 0) luaL_addchar(&buffer, '\n');
    push_frame_description(L, frame);
    luaL_addvalue(&buffer);
    if (*frame.what == 'm' && std::string_view(frame.source) == chunk_name) break;
  }
  luaL_pushresult(&buffer);
}

// Message handler for running a chunk: returns { message, traceback }, both strings.
int message_handler(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TNUMBER) {
    if (!luaL_callmeta(L, 1, "__tostring") || lua_type(L, -1) != LUA_TSTRING)
      lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_replace(L, 1);
  }
  lua_settop(L, 1);
  lua_tolstring(L, 1, nullptr);  // a number becomes a string here, inside the protected call
  lua_createtable(L, 2, 0);
  lua_insert(L, 1);
  lua_rawseti(L, 1, 1);
  push_short_traceback(L);
  lua_rawseti(L, 1, 2);
  return 1;
}

std::string string_at(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING) return {};
  size_t length = 0;
  const char* text = lua_tolstring(L, index, &length);  // already a string: no conversion, no error
  return {text, length};
}

void print_error(const std::string& message, const std::string& traceback) {
  std::cout.flush();  // keep the order of stdout and stderr in a terminal or a shared log
  std::cerr << "error: " << message << '\n';
  if (!traceback.empty()) std::cerr << "stack traceback:\n" << traceback << '\n';
  std::cerr.flush();
}

// Prints the error object on top of the stack (left by lua_pcall with message_handler).
void print_chunk_error(lua_State* L, bool with_traceback) {
  if (lua_type(L, -1) != LUA_TTABLE) {  // memory error, or an error inside the message handler
    print_error(string_at(L, -1), {});
    return;
  }
  lua_rawgeti(L, -1, 1);
  lua_rawgeti(L, -2, 2);
  print_error(string_at(L, -2), with_traceback ? string_at(L, -1) : std::string());
  lua_pop(L, 2);
}

// ---- running -------------------------------------------------------------------------------------------

void print_results(lua_State* L, int first) {
  int last = lua_gettop(L);
  if (first > last) return;
  std::string line;
  for (int index = first; index <= last; ++index) {
    if (index > first) line += '\t';
    line += pretty_format(L, index);
  }
  std::cout << line << '\n';
  std::cout.flush();
}

// Runs the compiled chunk on top of the stack and prints its results or its error; pops the chunk.
// Returns whether it ran without error.
bool run_compiled(lua_State* L, bool interactive) {
  int handler = lua_gettop(L);
  lua_pushcfunction(L, message_handler);
  lua_insert(L, handler);
  sigint_received = 0;
  set_sigint_handler(on_sigint_while_running);  // printing stays interruptible (a slow __tostring)
  bool ok = lua_pcall(L, 0, LUA_MULTRET, handler) == LUA_OK;
  if (interactive && sigint_received != 0) std::cout << '\n';  // end the line the terminal echoed ^C on
  if (ok) print_results(L, handler + 1);
  else print_chunk_error(L, interactive);
  set_sigint_handler(SIG_DFL);
  if (lua_gethook(L) == stop_running_chunk) lua_sethook(L, nullptr, 0, 0);  // Ctrl-C came too late
  lua_settop(L, handler - 1);
  return ok;
}

std::string pop_string(lua_State* L) {
  std::string text = string_at(L, -1);
  lua_pop(L, 1);
  return text;
}

// ---- input ---------------------------------------------------------------------------------------------

enum class ReadStatus { line, interrupted, end };

class LineInput {
 public:
  virtual ~LineInput() = default;
  virtual ReadStatus read(const char* prompt, std::string& line) = 0;
  virtual void set_pending_chunk(std::string_view) {}
};

class BatchInput final : public LineInput {
 public:
  ReadStatus read(const char*, std::string& line) override {
    if (!std::getline(std::cin, line)) return ReadStatus::end;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a transcript saved on Windows
    return ReadStatus::line;
  }
};

std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (path.starts_with("~/") && home != nullptr) return std::string(home) + path.substr(1);
  return path;
}

// libedit decodes multi-byte (UTF-8) input only under the user's LC_CTYPE, while klab otherwise runs in
// the "C" locale so that nothing it prints depends on the user's settings: switch only around libedit.
class UserCtype {
 public:
  UserCtype() {
    const char* current = std::setlocale(LC_CTYPE, nullptr);
    saved_ = current != nullptr ? current : "C";
    std::setlocale(LC_CTYPE, "");
  }
  ~UserCtype() { std::setlocale(LC_CTYPE, saved_.c_str()); }
  UserCtype(const UserCtype&) = delete;
  UserCtype& operator=(const UserCtype&) = delete;

 private:
  std::string saved_;
};

class TerminalInput final : public LineInput {
 public:
  TerminalInput(lua_State* L, const ConsoleOptions& options)
      : completion_(L, options.extra_completions), history_path_(expand_home(options.history_path)) {
    UserCtype ctype;
    rl_readline_name = "klab";  // for `klab:` lines in ~/.editrc
    rl_initialize();
    using_history();
    stifle_history(history_limit);
    if (!history_path_.empty()) read_history(history_path_.c_str());  // a missing file is fine
    if (HIST_ENTRY* newest = history_get(history_base + history_length - 1); newest && newest->line)
      last_line_ = newest->line;
  }

  ReadStatus read(const char* prompt, std::string& line) override {
    sigint_received = 0;
    set_sigint_handler(on_sigint_at_prompt);
    char* raw = nullptr;
    {
      UserCtype ctype;
      raw = readline(prompt);
    }
    std::unique_ptr<char, decltype(&std::free)> owned(raw, &std::free);
    if (sigint_received != 0) {
      std::cout << '\n';  // Ctrl-C: drop the line (and any chunk being typed) and prompt again
      return ReadStatus::interrupted;
    }
    if (raw == nullptr) return ReadStatus::end;
    line = raw;
    remember(line);
    return ReadStatus::line;
  }

  void set_pending_chunk(std::string_view pending) override { completion_.set_pending_chunk(pending); }

 private:
  void remember(const std::string& line) {
    if (line.find_first_not_of(" \t") == std::string::npos || line == last_line_) return;
    add_history(line.c_str());
    // Rewrite the whole file (at most history_limit lines): libedit 3.1's append_history(1, ...) appends
    // the last two entries, not one. An unwritable file is fine.
    if (!history_path_.empty()) write_history(history_path_.c_str());
    last_line_ = line;
  }

  LineCompletion completion_;
  std::string history_path_;
  std::string last_line_;
};

// ---- the loop ------------------------------------------------------------------------------------------

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// Returns whether any chunk failed (to compile or to run).
bool read_eval_print(lua_State* L, LineInput& input, bool interactive) {
  ConsoleFeed feed(L, interactive);
  std::string line;
  for (;;) {
    input.set_pending_chunk(feed.pending_chunk());
    ReadStatus status = input.read(feed.prompt(), line);
    if (status == ReadStatus::interrupted) {
      feed.interrupt();
      continue;
    }
    if (status == ReadStatus::end) {
      feed.end();
      return feed.any_error();
    }
    feed.line(line);
  }
}

}  // namespace

CompiledChunk compile_chunk(lua_State* L, std::string_view chunk) {
  std::string as_expression = "return " + std::string(chunk);
  if (luaL_loadbuffer(L, as_expression.data(), as_expression.size(), chunk_name) == LUA_OK)
    return {ChunkKind::expression, {}};
  std::string expression_error = pop_string(L);
  if (luaL_loadbuffer(L, chunk.data(), chunk.size(), chunk_name) == LUA_OK) return {ChunkKind::statement, {}};
  std::string statement_error = pop_string(L);
  // The parser reports running out of input as "... near <eof>" (lua.c's test). A statement that runs
  // out wants more lines; so does an expression such as a table constructor spread over lines. A quoted
  // string is the exception: only a backslash lets it go on to the next line.
  if (statement_error.ends_with("unfinished string near <eof>") && !chunk.ends_with('\\'))
    return {ChunkKind::syntax_error, statement_error};
  if (statement_error.ends_with("<eof>")) return {ChunkKind::incomplete, statement_error};
  if (expression_error.ends_with("<eof>")) return {ChunkKind::incomplete, expression_error};
  return {ChunkKind::syntax_error, statement_error};
}

ConsoleFeed::ConsoleFeed(lua_State* L, bool interactive)
    : L_(L), interactive_(interactive), previous_target_(interrupt_target) {
  interrupt_target = L;
}

ConsoleFeed::~ConsoleFeed() { interrupt_target = previous_target_; }

const char* ConsoleFeed::prompt() const { return chunk_.empty() ? primary_prompt : continuation_prompt; }

void ConsoleFeed::line(const std::string& line) {
  if (chunk_.empty() && is_blank(line)) return;
  chunk_ = chunk_.empty() ? line : chunk_ + '\n' + line;
  CompiledChunk compiled = compile_chunk(L_, chunk_);
  if (compiled.kind == ChunkKind::incomplete) return;
  chunk_.clear();
  if (compiled.kind == ChunkKind::syntax_error) {
    print_error(compiled.error, {});
    any_error_ = true;
  } else if (!run_compiled(L_, interactive_)) {
    any_error_ = true;
  }
}

void ConsoleFeed::end() {
  if (chunk_.empty()) return;
  print_error(compile_chunk(L_, chunk_).error, {});  // input ended inside a chunk: say why, as lua.c does
  chunk_.clear();
  any_error_ = true;
}

bool console_interrupt_pending() { return sigint_received != 0; }

std::string pretty_format(lua_State* L, int index) {
  index = lua_absindex(L, index);
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 3)) return "<cannot format value: Lua stack exhausted>";
  lua_pushcfunction(L, format_protected);
  lua_pushvalue(L, index);
  int status = lua_pcall(L, 1, 1, 0);
  std::string text = string_at(L, -1);
  lua_settop(L, top);
  if (status != LUA_OK) return "<cannot format value: " + text + ">";
  return text;
}

int run_console(lua_State* L, const ConsoleOptions& options) {
  struct sigaction caller_sigint {};
  sigaction(SIGINT, nullptr, &caller_sigint);
  interrupt_target = L;
  bool any_error = false;
  if (options.interactive) {
    if (!options.banner.empty())
      std::cout << options.banner << (options.banner.ends_with('\n') ? "" : "\n") << std::flush;
    TerminalInput input(L, options);
    any_error = read_eval_print(L, input, true);
    std::cout << '\n' << std::flush;  // leave the shell's prompt on a line of its own after Ctrl-D
  } else {
    BatchInput input;
    any_error = read_eval_print(L, input, false);
  }
  sigaction(SIGINT, &caller_sigint, nullptr);
  interrupt_target = nullptr;
  return !options.interactive && any_error ? 1 : 0;
}

}  // namespace klab
