// A shell command run beside the event loop (see child_command.hpp).
#include "serve/child_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <initializer_list>

namespace klab::serve {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxPumpMs = 100;  // how stale the look at the child may get

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// In the child, between fork and exec: only what a fresh shell of its own needs.
[[noreturn]] void exec_shell(const std::string& command, const CommandOptions& options) {
  setpgid(0, 0);
  for (int signal_number : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGCHLD}) signal(signal_number, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const auto& [name, value] : options.environment) setenv(name.c_str(), value.c_str(), 1);
  if (int null_fd = open("/dev/null", O_RDONLY); null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  if (options.output_fd != STDOUT_FILENO) dup2(options.output_fd, STDOUT_FILENO);
  if (options.output_fd != STDERR_FILENO) dup2(options.output_fd, STDERR_FILENO);
  execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  _exit(127);
}

// Reaps every ended process of the group; true once none is left (not even one klab did not start
// directly: those became klab's children when their parent ended, as it is their subreaper).
bool reap_group(pid_t group, CommandRun& run) {
  for (;;) {
    int status = 0;
    const pid_t ended = waitpid(-group, &status, WNOHANG);
    if (ended > 0) {
      if (ended == group) {
        if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
      }
      continue;
    }
    if (ended == 0 || errno != ECHILD) return false;
    return kill(-group, 0) != 0 && errno == ESRCH;
  }
}

}  // namespace

CommandRun run_command(const std::string& command, const CommandOptions& options,
                       const std::function<void(int timeout_ms)>& pump, const std::function<bool()>& stop) {
  CommandRun run;
  run.command = command;
  prctl(PR_SET_CHILD_SUBREAPER, 1);  // a client the shell starts is still waited for when the shell ends
  const Clock::time_point start = Clock::now();
  const pid_t child = fork();
  if (child < 0) {
    run.problem = "klab could not start the command (fork failed)";
    return run;
  }
  if (child == 0) exec_shell(command, options);
  setpgid(child, child);  // as the child does: whichever runs first, the group exists before it is signalled
  while (!reap_group(child, run)) {
    const double elapsed = seconds_since(start);
    if (!run.interrupted && stop && stop()) {
      kill(-child, SIGKILL);
      run.interrupted = true;
    } else if (!run.timed_out && elapsed >= options.timeout_seconds) {
      kill(-child, SIGINT);
      run.timed_out = true;
    } else if (run.timed_out && !run.killed && elapsed >= options.timeout_seconds + options.grace_seconds) {
      kill(-child, SIGKILL);
      run.killed = true;
    }
    const double next = run.timed_out ? options.timeout_seconds + options.grace_seconds : options.timeout_seconds;
    const int until_next_ms = static_cast<int>(std::max(0.0, (next - elapsed) * 1000));
    pump(std::clamp(until_next_ms, 1, kMaxPumpMs));
  }
  run.seconds = seconds_since(start);
  return run;
}

std::string describe(const CommandRun& run, double timeout_seconds) {
  if (!run.problem.empty()) return run.problem;
  const std::string ended = run.signal != 0 ? fmt::format("ended by signal {}", run.signal)
                                            : fmt::format("exited with status {}", run.exit_code);
  if (run.interrupted) return fmt::format("stopped: klab was interrupted and killed the command's processes (SIGKILL)");
  if (run.killed)
    return fmt::format("ran past --timeout {} s and did not stop on SIGINT: klab killed its processes (SIGKILL) "
                       "after {:.1f} s",
                       timeout_seconds, run.seconds);
  // The shell's own status says little here: /bin/sh (dash) dies of the SIGINT its client handles.
  if (run.timed_out)
    return fmt::format("ran past --timeout {} s: klab sent SIGINT (Ctrl-C) to its processes, which ended after {:.1f} s",
                       timeout_seconds, run.seconds);
  return fmt::format("{} after {:.1f} s", ended, run.seconds);
}

}  // namespace klab::serve
