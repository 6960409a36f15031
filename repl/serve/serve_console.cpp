// The poll-driven REPL of `klab serve` (see serve_console.hpp).
#include "serve/serve_console.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <utility>

namespace klab::serve {
namespace {
ServeConsole* active_console = nullptr;  // libedit's line callback takes no user pointer
constexpr std::size_t kReadChunk = 4096;
}  // namespace

ServeConsole::ServeConsole(lua_State* L, bool interactive, std::function<void()> after_line)
    : feed_(L, interactive), interactive_(interactive), after_line_(std::move(after_line)) {
  active_console = this;
  if (interactive_) {
    rl_readline_name = "klab";
    install_prompt();
  }
}

ServeConsole::~ServeConsole() {
  if (prompt_installed_) rl_callback_handler_remove();
  if (interactive_) std::cout << '\n' << std::flush;
  active_console = nullptr;
}

int ServeConsole::fd() const { return STDIN_FILENO; }

void ServeConsole::install_prompt() {
  rl_callback_handler_install(feed_.prompt(), &ServeConsole::on_terminal_line);
  prompt_installed_ = true;
}

void ServeConsole::on_terminal_line(char* raw) {
  ServeConsole* self = active_console;
  if (self == nullptr) {
    std::free(raw);
    return;
  }
  rl_callback_handler_remove();  // the terminal goes back to normal while the chunk runs
  self->prompt_installed_ = false;
  if (raw == nullptr) {
    self->feed_.end();
    self->ended_ = true;
    return;
  }
  std::string line = raw;
  std::free(raw);
  if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
  self->handle_line(line);
  if (!self->ended_) self->install_prompt();
}

void ServeConsole::handle_line(const std::string& line) {
  feed_.line(line);
  if (after_line_) after_line_();
}

void ServeConsole::interrupt_line() {
  feed_.interrupt();
  if (!interactive_) return;
  if (prompt_installed_) rl_callback_handler_remove();
  std::cout << '\n' << std::flush;
  install_prompt();
}

void ServeConsole::on_readable() {
  if (ended_) return;
  if (interactive_) {
    rl_callback_read_char();
    return;
  }
  char buffer[kReadChunk];
  ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    if (!pending_.empty()) handle_line(std::exchange(pending_, {}));
    feed_.end();
    ended_ = true;
    return;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  std::size_t start = 0;
  for (std::size_t newline; !ended_ && (newline = pending_.find('\n', start)) != std::string::npos; start = newline + 1) {
    std::string line = pending_.substr(start, newline - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    handle_line(line);
  }
  pending_.erase(0, start);
}

}  // namespace klab::serve
