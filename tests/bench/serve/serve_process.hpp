// `klab serve` as a child process of the benchmark: started headless on free loopback ports with a Lua
// script that creates the benchmark's topic, its ports read from its output, and its CPU time and
// memory read from /proc. The child is stopped with SIGTERM (SIGKILL after a grace period) when the
// object dies, so a failed figure never leaves a server behind.
//
// Invariants:
//  1. start() either returns a server whose every broker listens (ports() has one port per broker) or
//     an empty optional with the server's log in `error`; no child survives a failed start.
//  2. The child's stdout and stderr go to a file, never to a pipe nobody reads.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klab_serve_bench {

struct ServeSpec {
  std::string klab;  // path of the klab binary
  int32_t brokers = 1;
  std::string topic = "bench";
  int32_t partitions = 1;
  int32_t replication_factor = 1;
};

struct ProcessUsage {
  double cpu_seconds = 0;  // utime + stime
  int64_t rss_bytes = 0;   // VmRSS
  int64_t hwm_bytes = 0;   // VmHWM (peak resident)
};

class ServeProcess {
 public:
  static std::optional<ServeProcess> start(const ServeSpec& spec, std::string& error);
  ServeProcess(ServeProcess&& other) noexcept;
  ServeProcess& operator=(ServeProcess&&) = delete;
  ServeProcess(const ServeProcess&) = delete;
  ~ServeProcess();

  pid_t pid() const { return pid_; }
  const std::vector<uint16_t>& ports() const { return ports_; }
  std::string bootstrap() const;  // "127.0.0.1:PORT1,127.0.0.1:PORT2,..."
  ProcessUsage usage() const;
  void stop();

 private:
  ServeProcess(pid_t pid, std::string scratch) : pid_(pid), scratch_(std::move(scratch)) {}
  pid_t pid_ = -1;
  std::string scratch_;  // temp dir holding the script and the log
  std::vector<uint16_t> ports_;
};

// CPU seconds (utime + stime) and memory of any process, from /proc/PID/stat and /proc/PID/status.
ProcessUsage process_usage(pid_t pid);

}  // namespace klab_serve_bench
