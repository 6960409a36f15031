#include "grader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "connect/worker.hpp"
#include "lua_bindings.hpp"
#include "lua_fields.hpp"
#include "session.hpp"

namespace klab {
namespace {

constexpr std::size_t kMaxSubmissionBytes = 1 << 20;
constexpr double kSetupAndChecksSeconds = 5;   // beyond the script's own wall-clock limit
constexpr std::size_t kPayloadOverhead = 4 << 20;  // a variant's report beyond its script's text

// A fresh directory that is TMPDIR while it lives, removed with everything in it when it goes. Every
// temporary file of a grading (a lab's Connect working directory, made by the lab's setup in the
// parent and in each child) is made inside it, so a child that is killed or crashes before it
// cleans up leaves nothing behind once the parent is done.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const char* base = std::getenv("TMPDIR");
    if (base && *base) previous_ = base;
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/klab-grade-XXXXXX";
    if (!mkdtemp(pattern.data())) return;  // then temporary files go where they would have gone
    path_ = pattern;
    setenv("TMPDIR", path_.c_str(), 1);
  }
  ~ScratchDirectory() {
    if (path_.empty()) return;
    if (previous_) setenv("TMPDIR", previous_->c_str(), 1);
    else unsetenv("TMPDIR");
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

 private:
  std::string path_;
  std::optional<std::string> previous_;
};

struct LabInfo {
  int id = 0;
  std::string title;
  std::vector<CheckResult> steps;  // id, title, points, visibility
};

// Calls lab.grader_prepare(lab, k, seed) in the grader's state, leaving def, cluster, params,
// limits and info on the stack (indices 1-5). Throws on a broken or missing lab.
void prepare(lua_State* L, const GradeOptions& options, int k) {
  lua_settop(L, 0);
  lua_getglobal(L, "lab");
  lua_getfield(L, -1, "grader_prepare");
  lua_remove(L, -2);
  lua_pushstring(L, options.lab.c_str());
  lua_pushinteger(L, k);
  if (options.seed) lua_pushinteger(L, static_cast<lua_Integer>(*options.seed));
  else lua_pushnil(L);
  if (lua_pcall(L, 3, 5, 0) != LUA_OK) {
    std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "the lab could not be prepared";
    throw std::runtime_error(message);
  }
}

LabInfo read_info(lua_State* L, int info) {
  LabInfo lab;
  lab.id = static_cast<int>(integer_field(L, info, "id"));
  lab.title = string_field(L, info, "title");
  lua_getfield(L, info, "steps");
  const int steps = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, steps, i) == LUA_TTABLE; ++i) {
    const int step = lua_gettop(L);
    lab.steps.push_back(check_fields(L, step));
    lua_pop(L, 1);
  }
  lua_settop(L, steps - 1);
  return lab;
}

SandboxLimits limits_for(lua_State* L, int lab_limits, const GradeOptions& options) {
  SandboxLimits limits;
  auto number = [&](const char* name) -> std::optional<double> {
    lua_getfield(L, lab_limits, name);
    std::optional<double> value;
    if (lua_type(L, -1) == LUA_TNUMBER) value = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return value;
  };
  if (auto v = number("memory_mib")) limits.memory_bytes = static_cast<int64_t>(*v) << 20;
  if (auto v = number("instructions")) limits.instructions = static_cast<int64_t>(*v);
  if (auto v = number("wall_seconds")) limits.wall_seconds = *v;
  if (auto v = number("simulated_ms")) limits.simulated_ms = static_cast<int64_t>(*v);
  if (auto v = number("output_bytes")) limits.output_bytes = static_cast<int64_t>(*v);
  if (options.memory_mib) limits.memory_bytes = *options.memory_mib << 20;
  if (options.instructions) limits.instructions = *options.instructions;
  if (options.wall_seconds) limits.wall_seconds = *options.wall_seconds;
  if (options.simulated_ms) limits.simulated_ms = *options.simulated_ms;
  if (options.output_bytes) limits.output_bytes = *options.output_bytes;
  return limits;
}

// One variant, in the child process: the script in a sandbox, then the lab's checks in the grader.
VariantRun run_variant(const GradeOptions& options, const std::string& source, int k) {
  SessionOptions session_options;
  session_options.preload_cluster = false;
  session_options.labs_dir = options.labs_dir;
  Session grader(session_options);
  lua_State* L = grader.lua();
  prepare(L, options, k);
  const LabInfo info = read_info(L, 5);
  std::shared_ptr<Cluster> cluster = shared_cluster(L, 2);
  if (!cluster) throw std::runtime_error("the lab's setup did not give a cluster");
  VariantRun run;
  run.index = k;
  run.seed = cluster->seed();
  const TimeMs started = cluster->now();
  const PlainValue params = plain_from_lua(L, 3);
  {
    Sandbox sandbox(limits_for(L, 4, options));
    sandbox.set_cluster(cluster);
    sandbox.set_lab(params);
    Sandbox::Outcome outcome = sandbox.run(source, "@" + options.submission);
    run.stopped = outcome.stopped;
    run.error = outcome.error;
    run.output = sandbox.output();
    run.instructions = sandbox.instructions();
    lua_createtable(L, 0, static_cast<int>(sandbox.answers().size()));
    for (const auto& [name, value] : sandbox.answers()) {
      push_plain(L, value);
      lua_setfield(L, -2, name.c_str());
    }
    sandbox.abandon();  // this child process exits after grading
  }
  run.simulated_ms = cluster->now() - started;
  // The sandbox's state is abandoned, so the cluster (and a lab's temporary Connect directory) is
  // never destroyed in this child: remove the directory now, before the checks read it no more.
  struct RemoveConnectDirectory {
    Cluster& cluster;
    ~RemoveConnectDirectory() {
      if (auto* worker = connect::Worker::of(cluster); worker && worker->options().owns_directory) {
        std::error_code ignored;
        std::filesystem::remove_all(worker->directory().root(), ignored);
      }
    }
  } remove_connect_directory{*cluster};
  const int answers = lua_gettop(L);
  lua_getglobal(L, "lab");
  lua_getfield(L, -1, "grade");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, answers);
  lua_pushvalue(L, 3);
  if (lua_pcall(L, 4, 1, 0) != LUA_OK)
    throw std::runtime_error(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "the lab's checks failed to run");
  lua_getfield(L, -1, "steps");
  const int steps = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, steps, i) == LUA_TTABLE; ++i) {
    const int result = lua_gettop(L);
    CheckResult check = info.steps.at(static_cast<std::size_t>(i - 1));
    lua_getfield(L, result, "passed");
    check.passed = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    check.feedback = check.passed ? "" : string_field(L, result, "feedback");
    if (!check.passed && check.feedback.empty()) check.feedback = "not done";
    run.checks.push_back(std::move(check));
    lua_pop(L, 1);
  }
  return run;
}

// Every check failed with `why`: the run ended without a report of its own.
VariantRun failed_run(const LabInfo& info, int k, uint64_t seed, const std::string& why) {
  VariantRun run;
  run.index = k;
  run.seed = seed;
  run.stopped = why;
  for (CheckResult check : info.steps) {
    check.passed = false;
    check.feedback = why;
    run.checks.push_back(std::move(check));
  }
  return run;
}

VariantRun run_in_child(const GradeOptions& options, const std::string& source, int k, const LabInfo& info,
                        uint64_t seed, const SandboxLimits& limits) {
  const double wall_seconds = limits.wall_seconds;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return failed_run(info, k, seed, "klab could not start the run (pipe)");
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return failed_run(info, k, seed, "klab could not start the run (fork)");
  }
  if (child == 0) {
    close(pipe_fds[0]);
    if (int null_fd = open("/dev/null", O_WRONLY); null_fd >= 0) {  // the report owns stdout
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
    }
    std::vector<VariantRun> run(1);
    try {
      run[0] = run_variant(options, source, k);
    } catch (const std::exception& error) {
      run[0] = failed_run(info, k, seed, std::string("klab could not grade this run: ") + error.what());
    }
    bound_script_text(run, limits.output_bytes);  // before it crosses the pipe
    const std::string payload = variant_to_text(run[0]);
    for (std::size_t written = 0; written < payload.size();) {
      const ssize_t n = write(pipe_fds[1], payload.data() + written, payload.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string payload;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>((wall_seconds + kSetupAndChecksSeconds) * 1000));
  bool killed = false, oversized = false;
  const std::size_t max_payload = 2 * static_cast<std::size_t>(std::max<int64_t>(0, limits.output_bytes)) + kPayloadOverhead;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(child, SIGKILL);
      killed = true;
      break;
    }
    pollfd watched{pipe_fds[0], POLLIN, 0};
    if (poll(&watched, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000))) <= 0) continue;
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    payload.append(buffer, static_cast<std::size_t>(n));
    if (payload.size() > max_payload) {
      kill(child, SIGKILL);
      oversized = true;
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (killed)
    return failed_run(info, k, seed,
                      fmt::format("stopped: wall-clock limit {} s reached (klab ended the run)", wall_seconds));
  if (oversized) return failed_run(info, k, seed, "stopped: the run's report was larger than --output-bytes allows");
  try {
    return variant_from_text(payload);
  } catch (const std::exception&) {
    if (WIFSIGNALED(status))
      return failed_run(info, k, seed, fmt::format("stopped: the run crashed (signal {}); please report it to klab's "
                                                   "authors with the submission",
                                                   WTERMSIG(status)));
    return failed_run(info, k, seed, "stopped: the run ended without a report");
  }
}

}  // namespace

std::optional<GradeReport> grade_submission(const GradeOptions& options, std::string& problem) {
  std::ifstream file(options.submission, std::ios::binary);
  if (!file) {
    problem = "cannot read the submission " + options.submission;
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  std::string source = contents.str();
  if (options.variants < 1 || options.variants > 100) {
    problem = "--variants must be between 1 and 100";
    return std::nullopt;
  }
  const ScratchDirectory scratch;  // outlives the session below and every child
  SessionOptions session_options;
  session_options.preload_cluster = false;
  session_options.labs_dir = options.labs_dir;
  Session session(session_options);
  lua_State* L = session.lua();
  LabInfo info;
  SandboxLimits limits;
  uint64_t base_seed = 0;
  try {
    prepare(L, options, 0);
    info = read_info(L, 5);
    limits = limits_for(L, 4, options);
    base_seed = shared_cluster(L, 2)->seed();
  } catch (const std::exception& error) {
    problem = error.what();
    return std::nullopt;
  }
  GradeReport report;
  report.lab_id = info.id;
  report.lab_title = info.title;
  report.submission = options.submission;
  for (int k = 0; k < options.variants; ++k) {
    if (source.size() > kMaxSubmissionBytes) {
      report.variants.push_back(failed_run(info, k, base_seed + static_cast<uint64_t>(k),
                                           "stopped: the submission is larger than 1 MiB"));
      continue;
    }
    report.variants.push_back(run_in_child(options, source, k, info, base_seed + static_cast<uint64_t>(k), limits));
  }
  bound_script_text(report.variants, limits.output_bytes);  // --output-bytes for the report as a whole
  combine_variants(report);
  return report;
}

}  // namespace klab
