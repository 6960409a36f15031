// A `klab serve --port 0 --no-repl` child process and /proc figures (see serve_process.hpp).
#include "serve_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace klab_serve_bench {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "klab serve: broker 2 listening on 127.0.0.1:40123, [::1]:40123" -> 40123 for broker 2, 0 if absent.
uint16_t listening_port(const std::string& log, int32_t broker) {
  const std::string marker = "broker " + std::to_string(broker) + " listening on 127.0.0.1:";
  std::size_t at = log.find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<uint16_t>(std::strtoul(log.c_str() + at + marker.size(), nullptr, 10));
}

bool exited_within(pid_t pid, std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int none = ::open("/dev/null", O_RDONLY);
  if (log < 0 || none < 0) ::_exit(127);
  ::dup2(none, STDIN_FILENO);
  ::dup2(log, STDOUT_FILENO);
  ::dup2(log, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

ProcessUsage process_usage(pid_t pid) {
  ProcessUsage usage;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
  std::size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    long long ticks = 0;
    for (int index = 3; index <= 15 && (fields >> field); ++index)
      if (index >= 14) ticks += std::atoll(field.c_str());
    usage.cpu_seconds = static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  std::istringstream status(read_text("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) usage.rss_bytes = std::atoll(line.c_str() + 6) * 1024;
    if (line.rfind("VmHWM:", 0) == 0) usage.hwm_bytes = std::atoll(line.c_str() + 6) * 1024;
  }
  return usage;
}

std::optional<ServeProcess> ServeProcess::start(const ServeSpec& spec, std::string& error) {
  char pattern[] = "/tmp/klab-serve-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error = "cannot create a temp dir";
    return std::nullopt;
  }
  const std::string scratch = pattern;
  {
    std::ofstream script(scratch + "/topic.lua");
    script << "cluster:create_topic(\"" << spec.topic << "\", {partitions = " << spec.partitions
           << ", replication_factor = " << spec.replication_factor << "})\n";
  }
  const std::vector<std::string> argv = {spec.klab, "serve", "--port", "0", "--no-repl", "--brokers",
                                         std::to_string(spec.brokers), scratch + "/topic.lua"};
  ServeProcess server(spawn(argv, scratch + "/serve.log"), scratch);
  if (server.pid_ < 0) {
    error = "fork failed";
    return std::nullopt;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string log = read_text(scratch + "/serve.log");
    if (listening_port(log, spec.brokers) != 0) {
      for (int32_t broker = 1; broker <= spec.brokers; ++broker) server.ports_.push_back(listening_port(log, broker));
      return server;
    }
    if (::waitpid(server.pid_, nullptr, WNOHANG) == server.pid_) {
      server.pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error = "klab serve did not listen; its log:\n" + read_text(scratch + "/serve.log");
  return std::nullopt;
}

ServeProcess::ServeProcess(ServeProcess&& other) noexcept
    : pid_(other.pid_), scratch_(std::move(other.scratch_)), ports_(std::move(other.ports_)) {
  other.pid_ = -1;
  other.scratch_.clear();
}

ServeProcess::~ServeProcess() { stop(); }

std::string ServeProcess::bootstrap() const {
  std::string servers;
  for (uint16_t port : ports_) {
    if (!servers.empty()) servers.push_back(',');
    servers.append("127.0.0.1:");
    servers.append(std::to_string(port));
  }
  return servers;
}

ProcessUsage ServeProcess::usage() const { return process_usage(pid_); }

void ServeProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!exited_within(pid_, std::chrono::seconds(5))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  if (!scratch_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_, ignored);
    scratch_.clear();
  }
}

}  // namespace klab_serve_bench
