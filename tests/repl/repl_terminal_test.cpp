// The REPL as a person uses it: klab runs on a pseudo-terminal, keys are typed, the screen is read.
// Covers the prompt, expression results, multi-line chunks, Ctrl-C on a runaway loop, tab
// completion, history in $HOME/.klab_history, and Ctrl-D leaving with status 0.
#include <doctest/doctest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

class Terminal {
 public:
  explicit Terminal(const std::string& home) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "dumb", 1);
      execl(KLAB_BINARY, KLAB_BINARY, static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(master_);
  }

  void type(const std::string& keys) { REQUIRE(write(master_, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size())); }

  // Reads until `text` has appeared in the output since the last call (10 s of wall time at most:
  // a liveness bound, not a speed assertion).
  bool wait_for(const std::string& text) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t found = screen_.find(text, consumed_);
      if (found != std::string::npos) {
        consumed_ = found + text.size();
        if (text.ends_with("> ")) settle();  // a prompt: let libedit take the terminal
        return true;
      }
      pollfd fd{master_, POLLIN, 0};
      if (::poll(&fd, 1, 100) > 0) {
        char buffer[4096];
        ssize_t n = read(master_, buffer, sizeof buffer);
        if (n <= 0) break;
        screen_.append(buffer, static_cast<std::size_t>(n));
      }
    }
    return false;
  }

  // libedit switches the terminal mode after printing the prompt, which may discard keys typed in
  // between; a person never types that fast, so give it a moment.
  void settle() { usleep(200 * 1000); }

  int wait_exit(int seconds = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      char buffer[4096];
      pollfd fd{master_, POLLIN, 0};
      // After the child closes the terminal, poll reports a hang-up at once: sleep instead.
      if (::poll(&fd, 1, 100) > 0 && read(master_, buffer, sizeof buffer) <= 0) usleep(50 * 1000);
    }
    return -2;
  }

  const std::string& screen() const { return screen_; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string screen_;
  std::size_t consumed_ = 0;
};

std::string fresh_home() {
  auto dir = std::filesystem::temp_directory_path() / ("klab-home-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_CASE("the klab REPL on a terminal: results, Ctrl-C, completion, history and Ctrl-D") {
  const std::string home = fresh_home();
  {
    Terminal terminal(home);
    REQUIRE_MESSAGE(terminal.wait_for("klab> "), terminal.screen());
    CHECK_MESSAGE(terminal.screen().find("seed 42") != std::string::npos, "the banner shows the seed");

    SUBCASE("an expression prints its value and a multi-line chunk waits for its end") {
      terminal.type("x = 40 + 2\r");
      REQUIRE(terminal.wait_for("klab> "));
      terminal.type("x\r");
      CHECK_MESSAGE(terminal.wait_for("42"), terminal.screen());
      terminal.type("function f()\r");
      CHECK_MESSAGE(terminal.wait_for("...> "), terminal.screen());
      terminal.type("return 'multi' end\r");
      REQUIRE(terminal.wait_for("klab> "));
      terminal.type("f()\r");
      CHECK_MESSAGE(terminal.wait_for("multi"), terminal.screen());
    }
    SUBCASE("Ctrl-C stops a runaway loop and the REPL goes on") {
      terminal.type("while true do end\r");
      usleep(300 * 1000);
      terminal.type("\x03");
      CHECK_MESSAGE(terminal.wait_for("interrupted"), terminal.screen());
      terminal.type("print('still ' .. 'alive')\r");
      CHECK_MESSAGE(terminal.wait_for("still alive"), terminal.screen());
    }
    SUBCASE("an error prints a message and the REPL goes on") {
      terminal.type("cluster:create_topic(42)\r");
      CHECK_MESSAGE(terminal.wait_for("bad argument #2 to 'create_topic'"), terminal.screen());
      terminal.type("print('after ' .. 'error')\r");
      CHECK_MESSAGE(terminal.wait_for("after error"), terminal.screen());
    }
    SUBCASE("tab completes globals and methods") {
      terminal.type("clus\t");
      CHECK_MESSAGE(terminal.wait_for("cluster"), terminal.screen());
      terminal.type(":describe_t\t");
      CHECK_MESSAGE(terminal.wait_for("describe_topic"), terminal.screen());
      terminal.type("()\r");  // no topic name: an error, but the line enters history
      CHECK_MESSAGE(terminal.wait_for("bad argument #2 to 'describe_topic'"), terminal.screen());
    }
    REQUIRE_MESSAGE(terminal.wait_for("klab> "), terminal.screen());  // Ctrl-D counts at the prompt
    terminal.type("\x04");  // Ctrl-D leaves
    CHECK(terminal.wait_exit() == 0);
  }
  std::ifstream history(home + "/.klab_history");
  std::string all((std::istreambuf_iterator<char>(history)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(!all.empty(), "the session was written to ~/.klab_history");
  std::filesystem::remove_all(home);
}
