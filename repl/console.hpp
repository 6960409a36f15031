// The interactive Lua console of klab, modelled on Lua 5.4's lua.c: read a line, try it as
// `return <line>`, fall back to a statement, keep reading while the chunk is incomplete, run it under
// lua_pcall and print every result with pretty.lua.
//
// Interactive mode (a terminal) edits lines with libedit, keeps a history file and completes names with
// Tab; Ctrl-C interrupts a running chunk (or clears the line at the prompt) and Ctrl-D leaves. Batch mode
// (stdin is a file or a pipe) reads std::cin with the same chunking rules, without prompts, so that a
// transcript such as `printf 'x = 1+1\nx\n' | klab` prints `2`; any error makes the exit status 1.
#pragma once

#include <lua.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace klab {

struct ConsoleOptions {
  std::string banner;                          // printed once at start when interactive
  std::string history_path;                    // e.g. ~/.klab_history; empty = no history file
  bool interactive = true;                     // false when stdin is not a terminal
  std::vector<std::string> extra_completions;  // e.g. every Kafka config key, completed inside strings
};

// Runs the read-eval-print loop on L until end of input. Returns the process exit code
// (0 normally; when !interactive, 1 if any chunk raised an error, so transcripts fail loudly).
int run_console(lua_State* L, const ConsoleOptions& options);

// The console's chunking and running, fed one line at a time: read_eval_print pulls lines through it, and
// `klab serve` pushes them from its poll loop (a terminal through libedit's callback interface, or a
// pipe as lines arrive), so both print exactly the same. Sets the Ctrl-C target to L while it lives.
class ConsoleFeed {
 public:
  ConsoleFeed(lua_State* L, bool interactive);
  ~ConsoleFeed();
  ConsoleFeed(const ConsoleFeed&) = delete;
  ConsoleFeed& operator=(const ConsoleFeed&) = delete;

  void line(const std::string& line);  // runs the chunk once it is complete (SIGINT is SIG_DFL after)
  void interrupt() { chunk_.clear(); }  // Ctrl-C at the prompt: drop what was typed
  void end();                           // end of input: an unfinished chunk is an error
  const char* prompt() const;
  const std::string& pending_chunk() const { return chunk_; }
  bool any_error() const { return any_error_; }

 private:
  lua_State* L_;
  bool interactive_;
  lua_State* previous_target_;
  std::string chunk_;
  bool any_error_ = false;
};

// Ctrl-C arrived while a chunk ran (a waiting call in `klab serve` stops waiting then).
bool console_interrupt_pending();

// Formats a Lua value the way the console prints results (calls pretty.lua). Never raises: a failure
// inside pretty.lua comes back as a "<...>" placeholder. Leaves the stack as it found it.
std::string pretty_format(lua_State* L, int index);

// How the console reads a piece of input; exposed so that tests can pin the chunking rules down.
enum class ChunkKind {
  expression,    // compiled as `return <chunk>`: its values are printed
  statement,     // compiled as written
  incomplete,    // the parser ran out of input ("... near <eof>"): read another line
  syntax_error,  // wrong however it is read
};

struct CompiledChunk {
  ChunkKind kind = ChunkKind::syntax_error;
  std::string error;  // the parser's message for incomplete and syntax_error, e.g. "stdin:1: ..."
};

// Compiles console input under the chunk name "=stdin". On expression or statement the compiled function
// is pushed on L; otherwise nothing is pushed.
CompiledChunk compile_chunk(lua_State* L, std::string_view chunk);

}  // namespace klab
