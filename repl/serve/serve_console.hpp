// The REPL of `klab serve`, driven by the poll loop instead of blocking on input: on a terminal through
// libedit's callback interface (rl_callback_handler_install / rl_callback_read_char), on a pipe by reading
// what has arrived and running each complete line as the piped REPL does (same output, ConsoleFeed).
//
// Invariant: at most one ServeConsole exists at a time (libedit's line callback has no user pointer).
#pragma once
#include <lua.hpp>

#include <functional>
#include <string>

#include "console.hpp"

namespace klab::serve {

class ServeConsole {
 public:
  // `after_line` runs after each line was handled (serve re-installs its SIGINT handler there).
  ServeConsole(lua_State* L, bool interactive, std::function<void()> after_line);
  ~ServeConsole();
  ServeConsole(const ServeConsole&) = delete;
  ServeConsole& operator=(const ServeConsole&) = delete;

  int fd() const;
  void on_readable();  // reads what stdin has; runs the chunks it completes
  bool ended() const { return ended_; }
  bool any_error() const { return feed_.any_error(); }
  void interrupt_line();  // Ctrl-C at the prompt on a terminal: nothing is lost but the typed line

 private:
  static void on_terminal_line(char* line);
  void handle_line(const std::string& line);
  void install_prompt();

  ConsoleFeed feed_;
  bool interactive_;
  std::function<void()> after_line_;
  std::string pending_;  // bytes of a line not yet ended (pipe)
  bool ended_ = false;
  bool prompt_installed_ = false;
};

}  // namespace klab::serve
