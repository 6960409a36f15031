#include "sandbox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "inspect/inspect_database.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr int kHookInterval = 1000;                // instructions between two limit checks
constexpr int64_t kGraceBytes = int64_t{1} << 20;  // lets error messages be built after a memory stop
// Past the limit, a binding body may still allocate this much (at least): a memory error raised
// there would longjmp over its live C++ objects, so the script is stopped once the body returned.
constexpr int64_t kBindingSlackBytes = int64_t{64} << 20;
constexpr std::size_t kMaxAnswers = 1000;
constexpr std::size_t kMaxOwnClusters = 16;

std::string safe_error_text(lua_State* L, int index) {
  // Never calls the script's __tostring: an error object could loop or raise.
  if (lua_type(L, index) == LUA_TSTRING) return lua_tostring(L, index);
  if (lua_type(L, index) == LUA_TNUMBER) return lua_isinteger(L, index) ? std::to_string(lua_tointeger(L, index))
                                                                        : std::to_string(lua_tonumber(L, index));
  return std::string("(an error value of type ") + luaL_typename(L, index) + ")";
}

// Message handler: "file:line: message" plus a short traceback, built without running script code.
int error_handler(lua_State* L) {
  std::string text = safe_error_text(L, 1);
  luaL_traceback(L, L, text.c_str(), 1);
  return 1;
}

}  // namespace

Sandbox::Sandbox(const SandboxLimits& limits) : limits_(limits) {
  L_ = lua_newstate(&Sandbox::allocate, this);
  if (!L_) throw std::runtime_error("cannot create a Lua state");
  *static_cast<Sandbox**>(lua_getextraspace(L_)) = this;
  open_libraries();
  install_replacements();
  lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, kHookInterval);
}

Sandbox::~Sandbox() {
  if (L_) close_lua_state(L_);
}

void Sandbox::abandon() {
  // lua_close would run the script's __gc finalizers, and Lua turns hooks off inside them: a
  // finalizer that loops could not be stopped. A process that ends next can just drop the state.
  L_ = nullptr;
}

Sandbox& Sandbox::of(lua_State* L) { return **static_cast<Sandbox**>(lua_getextraspace(L)); }

void* Sandbox::allocate(void* opaque, void* block, size_t old_size, size_t new_size) {
  auto& self = *static_cast<Sandbox*>(opaque);
  const int64_t before = block ? static_cast<int64_t>(old_size) : 0;
  if (new_size == 0) {
    std::free(block);
    self.lua_bytes_ -= before;
    return nullptr;
  }
  const int64_t growth = static_cast<int64_t>(new_size) - before;
  const int64_t allowed = self.limits_.memory_bytes + (self.stopped_.empty() ? 0 : kGraceBytes);
  if (growth > 0 && self.lua_bytes_ + self.kernel_bytes_seen_ + growth > allowed) {
    if (self.stopped_.empty()) self.stop(fmt::format("memory limit {} MiB reached", self.limits_.memory_bytes >> 20));
    const int64_t slack = std::max(kBindingSlackBytes, self.limits_.memory_bytes);
    if (!binding_may_exceed_memory() || self.lua_bytes_ + self.kernel_bytes_seen_ + growth > allowed + slack)
      return nullptr;  // Lua raises "not enough memory"; the hook then ends the script
  }
  void* moved = std::realloc(block, new_size);
  if (moved) self.lua_bytes_ += growth;
  return moved;
}

void Sandbox::stop(std::string reason) {
  if (stopped_.empty()) stopped_ = "stopped: " + std::move(reason);
  if (L_) lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, 1);
}

int64_t Sandbox::kernel_bytes() const {
  int64_t total = cluster_ ? static_cast<int64_t>(cluster_->memory_bytes()) : 0;
  for (const auto& weak : own_clusters_)
    if (auto cluster = weak.lock()) total += static_cast<int64_t>(cluster->memory_bytes());
  // Inspector recordings (in memory in a graded run) grow with the simulation too.
  return total + inspect::sqlite_memory_bytes();
}

void Sandbox::hook(lua_State* L, lua_Debug* ar) {
  Sandbox& self = of(L);
  if (self.stopped_.empty()) {
    self.instructions_ += kHookInterval;
      if (self.instructions_ > self.limits_.instructions) {
      self.stop(fmt::format("instruction limit {} reached", self.limits_.instructions));
    } else if (std::chrono::duration<double>(std::chrono::steady_clock::now() - self.started_).count() >
               self.limits_.wall_seconds) {
      self.stop(fmt::format("wall-clock limit {} s reached", self.limits_.wall_seconds));
    } else if (self.cluster_ && self.cluster_->now() - self.simulated_start_ > self.limits_.simulated_ms) {
      self.stop(fmt::format("simulated time limit {} ms reached", self.limits_.simulated_ms));
    } else if (const auto now = std::chrono::steady_clock::now(); now - self.kernel_checked_at_ >= std::chrono::milliseconds(20)) {
      // By time, not by instruction count: one line of Lua can make the kernel hold megabytes.
      self.kernel_checked_at_ = now;
      self.kernel_bytes_seen_ = self.kernel_bytes();
      if (self.lua_bytes_ + self.kernel_bytes_seen_ > self.limits_.memory_bytes)
        self.stop(fmt::format("memory limit {} MiB reached", self.limits_.memory_bytes >> 20));
    }
    if (self.stopped_.empty()) return;
  }
  lua_sethook(L, &Sandbox::hook, LUA_MASKCOUNT, 1);  // this thread too, however it was created
  if (!self.located_ && lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
    self.stopped_ += fmt::format(" at {}:{}", ar->short_src, ar->currentline);
    self.located_ = true;
  }
  lua_pushstring(L, self.stopped_.c_str());
  lua_error(L);
}

void Sandbox::open_libraries() {
  static const luaL_Reg libraries[] = {{LUA_GNAME, luaopen_base},        {LUA_COLIBNAME, luaopen_coroutine},
                                       {LUA_TABLIBNAME, luaopen_table},  {LUA_STRLIBNAME, luaopen_string},
                                       {LUA_MATHLIBNAME, luaopen_math},  {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (const luaL_Reg& library : libraries) {
    luaL_requiref(L_, library.name, library.func, 1);
    lua_pop(L_, 1);
  }
  lua_pushcfunction(L_, [](lua_State* L) -> int {
    open_klab(L);
    return 0;
  });
  if (lua_pcall(L_, 0, 0, 0) != LUA_OK) throw std::runtime_error(safe_error_text(L_, -1));
}

void Sandbox::install_replacements() {
  for (const char* name : {"dofile", "loadfile", "help"}) {
    lua_pushnil(L_);
    lua_setglobal(L_, name);
  }
  lua_getglobal(L_, "string");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "dump");
  lua_pop(L_, 1);
  lua_getglobal(L_, "load");
  lua_pushcclosure(L_, &Sandbox::load_text, 1);
  lua_setglobal(L_, "load");
  lua_pushcfunction(L_, &Sandbox::collect_garbage);
  lua_setglobal(L_, "collectgarbage");
  lua_pushcfunction(L_, &Sandbox::print);
  lua_setglobal(L_, "print");
  lua_createtable(L_, 0, 1);
  lua_pushcfunction(L_, &Sandbox::simulated_clock);
  lua_setfield(L_, -2, "clock");
  lua_setglobal(L_, "os");
  lua_pushboolean(L_, 1);
  lua_setfield(L_, LUA_REGISTRYINDEX, "klab.no_files");  // klab.diagram(c, t, path) refuses the path
  lua_getglobal(L_, "klab");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "_lab_dirs");  // reads directories
  lua_getfield(L_, -1, "cluster");
  lua_pushcclosure(L_, &Sandbox::new_cluster, 1);
  lua_setfield(L_, -2, "cluster");
  lua_pop(L_, 1);
}

void Sandbox::set_cluster(std::shared_ptr<Cluster> cluster) {
  cluster_ = std::move(cluster);
  simulated_start_ = cluster_->now();
  push_shared_cluster(L_, cluster_);
  lua_setglobal(L_, "cluster");
  // math.random is seeded from the clock by default; a graded run must replay exactly.
  lua_getglobal(L_, "math");
  lua_getfield(L_, -1, "randomseed");
  lua_pushinteger(L_, static_cast<lua_Integer>(cluster_->seed()));
  lua_call(L_, 1, 0);
  lua_pop(L_, 1);
}

void Sandbox::set_lab(const PlainValue& params) {
  lua_createtable(L_, 0, 2);
  lua_pushcfunction(L_, lua_entry<&Sandbox::answer>);
  lua_setfield(L_, -2, "answer");
  push_plain(L_, params);
  lua_setfield(L_, -2, "params");
  lua_setglobal(L_, "lab");
}

Sandbox::Outcome Sandbox::run(std::string_view source, const std::string& chunk_name) {
  Outcome outcome;
  started_ = std::chrono::steady_clock::now();
  lua_settop(L_, 0);
  lua_pushcfunction(L_, error_handler);
  if (luaL_loadbufferx(L_, source.data(), source.size(), chunk_name.c_str(), "t") != LUA_OK) {
    outcome.error = safe_error_text(L_, -1);
    outcome.stopped = stopped_;
    lua_settop(L_, 0);
    return outcome;
  }
  // The script starts on a freshly collected heap, so when the collector next runs (and with it any
  // finalizer the script sets) depends on the script alone, not on how much the setup allocated.
  lua_gc(L_, LUA_GCCOLLECT);
  const int status = lua_pcall(L_, 0, 0, 1);
  if (status == LUA_OK) outcome.finished = stopped_.empty();
  else if (stopped_.empty()) outcome.error = safe_error_text(L_, -1);
  outcome.stopped = stopped_;
  lua_settop(L_, 0);
  return outcome;
}

void Sandbox::append_output(std::string_view text) {
  const auto room = static_cast<std::size_t>(std::max<int64_t>(0, limits_.output_bytes - static_cast<int64_t>(output_.size())));
  output_.append(text.substr(0, room));
  if (text.size() > room) stop(fmt::format("output limit {} bytes reached", limits_.output_bytes));
}

int Sandbox::print(lua_State* L) {
  // The line is built on the Lua stack: a __tostring that raises must not longjmp over a C++ string.
  const int count = lua_gettop(L);
  if (!lua_checkstack(L, 2 * count + 2)) return luaL_error(L, "print: too many arguments");
  for (int i = 1; i <= count; ++i) {
    if (i > 1) lua_pushliteral(L, "\t");
    luaL_tolstring(L, i, nullptr);  // the script's own __tostring, under its limits
  }
  lua_pushliteral(L, "\n");
  lua_concat(L, lua_gettop(L) - count);
  size_t length = 0;
  const char* text = lua_tolstring(L, -1, &length);
  of(L).append_output(std::string_view(text, length));
  return 0;
}

int Sandbox::answer(lua_State* L) {
  // Run through lua_entry: errors are thrown, so the copied value is destroyed before Lua raises.
  Sandbox& self = of(L);
  const std::string name = check_string(L, 1, "lab.answer", "answer name (string)");
  if (name.empty() || name.size() > 200) throw LuaArgError("lab.answer: the name must be 1 to 200 characters");
  PlainValue value;
  try {
    value = plain_from_lua(L, 2);
  } catch (const std::exception& error) {
    throw LuaArgError(fmt::format("lab.answer(\"{}\", ...): {}", name, error.what()));
  }
  for (auto& [existing, stored] : self.answers_)
    if (existing == name) {
      stored = std::move(value);
      return 0;
    }
  if (self.answers_.size() >= kMaxAnswers) throw LuaArgError(fmt::format("lab.answer: more than {} answers", kMaxAnswers));
  self.answers_.emplace_back(name, std::move(value));
  return 0;
}

int Sandbox::load_text(lua_State* L) {
  // load(chunk [, chunkname [, mode [, env]]]) with mode forced to "t": no binary chunks.
  const int count = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  if (count >= 2) lua_pushvalue(L, 2);
  else lua_pushnil(L);
  lua_pushliteral(L, "t");
  if (count >= 4) lua_pushvalue(L, 4);
  lua_call(L, count >= 4 ? 4 : 3, LUA_MULTRET);
  return lua_gettop(L) - count;
}

int Sandbox::collect_garbage(lua_State* L) {
  const char* option = luaL_optstring(L, 1, "collect");
  const std::string_view chosen(option);
  if (chosen == "collect") {
    lua_gc(L, LUA_GCCOLLECT);
    lua_pushinteger(L, 0);
  } else if (chosen == "count") {
    lua_pushnumber(L, lua_gc(L, LUA_GCCOUNT) + lua_gc(L, LUA_GCCOUNTB) / 1024.0);
  } else if (chosen == "step") {
    lua_pushboolean(L, lua_gc(L, LUA_GCSTEP, 0));
  } else if (chosen == "isrunning") {
    lua_pushboolean(L, lua_gc(L, LUA_GCISRUNNING));
  } else {
    return luaL_error(L, "collectgarbage(\"%s\") is not available in a graded script", option);
  }
  return 1;
}

int Sandbox::simulated_clock(lua_State* L) {
  Sandbox& self = of(L);
  lua_pushnumber(L, self.cluster_ ? static_cast<double>(self.cluster_->now()) / 1000.0 : 0.0);
  return 1;
}

int Sandbox::new_cluster(lua_State* L) {
  Sandbox& self = of(L);
  std::erase_if(self.own_clusters_, [](const std::weak_ptr<Cluster>& weak) { return weak.expired(); });
  if (self.own_clusters_.size() >= kMaxOwnClusters)
    return luaL_error(L, "klab.cluster: a graded script may keep at most %d clusters of its own", int(kMaxOwnClusters));
  const int count = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, count, 1);
  if (auto cluster = shared_cluster(L, -1)) self.own_clusters_.push_back(cluster);
  return 1;
}

}  // namespace klab
