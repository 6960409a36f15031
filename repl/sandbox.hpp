// A Lua state for running a graded script that may be hostile. It gets only the safe standard
// libraries (base without dofile/loadfile, string without dump, table, math, utf8, coroutine),
// `load` for text chunks only, a bounded `collectgarbage`, an `os` with just clock() (simulated
// seconds), a `print` whose output is captured, and the klab bindings. It never touches files.
//
// Limits (each stops the script with "stopped: <limit> reached at file:line"): memory (Lua's
// allocator plus the clusters the script can reach), Lua instructions (a count hook), wall-clock
// seconds, simulated milliseconds, output bytes. Once stopped, the hook fires at every instruction
// and raises again, so a script cannot pcall its way out of a limit.
// Inside a klab binding's C++ body the allocator never raises a memory error (that would longjmp
// over live C++ objects): it allows a bounded slack past the limit and stops the script, which then
// ends at its next instruction. Lua runs __gc finalizers with
// hooks off, so a looping finalizer is beyond these limits: the grader's process-level wall-clock
// kill (grader.cpp) is the backstop for that and for long C calls such as pathological patterns.
#pragma once
#include <lua.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/cluster.hpp"
#include "plain_value.hpp"

namespace klab {

struct SandboxLimits {
  int64_t memory_bytes = int64_t{256} << 20;
  int64_t instructions = 1'000'000'000;
  double wall_seconds = 20;
  int64_t simulated_ms = int64_t{30} * 24 * 3600 * 1000;
  int64_t output_bytes = 1 << 20;
};

class Sandbox {
 public:
  explicit Sandbox(const SandboxLimits& limits);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  lua_State* lua() const { return L_; }
  // Leaks the Lua state instead of closing it (for a process about to exit; see the .cpp).
  void abandon();
  // The graded cluster: published as the global `cluster`, counted for memory and simulated time.
  void set_cluster(std::shared_ptr<Cluster> cluster);
  // Publishes the global `lab` = { answer = function(name, value), params = params }.
  void set_lab(const PlainValue& params);

  struct Outcome {
    bool finished = false;  // ran to its end without an error
    std::string error;      // the script's own error (syntax or runtime), with file:line
    std::string stopped;    // a limit that stopped it
  };
  Outcome run(std::string_view source, const std::string& chunk_name);

  const std::string& output() const { return output_; }
  const std::vector<std::pair<std::string, PlainValue>>& answers() const { return answers_; }
  int64_t instructions() const { return instructions_; }

 private:
  static void* allocate(void* self, void* block, size_t old_size, size_t new_size);
  static void hook(lua_State* L, lua_Debug* ar);
  static Sandbox& of(lua_State* L);
  void stop(std::string reason);
  int64_t kernel_bytes() const;
  void open_libraries();
  void install_replacements();
  void append_output(std::string_view text);

  static int print(lua_State* L);
  static int answer(lua_State* L);
  static int load_text(lua_State* L);
  static int collect_garbage(lua_State* L);
  static int simulated_clock(lua_State* L);
  static int new_cluster(lua_State* L);

  SandboxLimits limits_;
  lua_State* L_ = nullptr;
  int64_t lua_bytes_ = 0;
  int64_t instructions_ = 0;
  std::chrono::steady_clock::time_point kernel_checked_at_{};
  int64_t kernel_bytes_seen_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string stopped_;
  bool located_ = false;
  std::string output_;
  std::shared_ptr<Cluster> cluster_;
  TimeMs simulated_start_ = 0;
  std::vector<std::weak_ptr<Cluster>> own_clusters_;  // made by the script with klab.cluster{}
  std::vector<std::pair<std::string, PlainValue>> answers_;
};

}  // namespace klab
