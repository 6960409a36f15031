// A klab Lua session: a lua_State with the standard libraries, the klab bindings, help(), the
// lab engine and (optionally) a ready cluster in the global `cluster`.
#pragma once
#include <lua.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace klab {

struct SessionOptions {
  bool preload_cluster = true;
  int32_t brokers = 3;
  uint64_t seed = 42;
  std::string labs_dir;  // where labs/NN-slug folders live
};

class Session {
 public:
  explicit Session(const SessionOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  lua_State* lua() const { return L_; }
  // Runs a file as `klab run` does; on error prints "file:line: message" to stderr. Returns the exit code.
  int run_file(const std::string& path, int argc, char** argv);
  // Calls lab.<function>(args...) from the lab engine with string arguments; returns the exit code
  // the engine returns (0 on success).
  int run_lab_command(const std::string& function, const std::vector<std::string>& arguments);

 private:
  lua_State* L_;
};

std::string default_labs_dir();

}  // namespace klab
