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
