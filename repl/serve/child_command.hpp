// A shell command run while the caller keeps working: `klab lab check N --run CMD` runs the student's
// client with /bin/sh -c while the served cluster keeps answering it. The command gets a process group
// of its own (so klab can signal everything it started, and a Ctrl-C at klab's terminal does not reach
// it), standard input from /dev/null, its output on `output_fd`, and default signal dispositions.
//
// Invariants:
//  1. Never blocks: between checks on the child, `pump(timeout_ms)` runs with timeout_ms <= 100.
//  2. It returns only once every process of the group has ended (klab is their subreaper, so a client
//     the shell left behind is waited for too), or was killed: past the time limit the group gets
//     SIGINT (a Ctrl-C: the course's ConsumerDemo commits as it closes), then SIGKILL after a grace.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace klab::serve {

struct CommandRun {
  std::string command;
  int exit_code = -1;   // the shell's exit status, or -1
  int signal = 0;       // the signal that ended the shell, or 0
  bool timed_out = false;  // ran past the time limit: SIGINT sent
  bool killed = false;     // still running after the grace: SIGKILL sent
  bool interrupted = false;  // `stop()` said so: SIGKILL sent
  double seconds = 0;
  std::string problem;  // klab could not run it (fork failed, ...)
};

struct CommandOptions {
  std::vector<std::pair<std::string, std::string>> environment;  // added to klab's own
  double timeout_seconds = 60;
  double grace_seconds = 5;  // between SIGINT and SIGKILL
  int output_fd = 2;
};

// Runs `command`; `pump` is called while it runs, `stop` (may be empty) is asked each time whether to
// give up at once.
CommandRun run_command(const std::string& command, const CommandOptions& options,
                       const std::function<void(int timeout_ms)>& pump, const std::function<bool()>& stop);

// One line saying how it ended: "exited with status 0 after 2.1 s", "ran past --timeout 5 s: ...".
std::string describe(const CommandRun& run, double timeout_seconds);

}  // namespace klab::serve
