#include "session.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "embedded_lua.hpp"
#include "lua_bindings.hpp"

namespace klab {
namespace {

int traceback_handler(lua_State* L) {
  const char* message = lua_tostring(L, 1);
  if (!message) message = luaL_tolstring(L, 1, nullptr);
  luaL_traceback(L, L, message, 1);
  return 1;
}

// Loads an embedded module (repl/lua/NAME.lua) and stores its result in global `global_name`.
bool load_embedded_module(lua_State* L, const char* file, const char* global_name) {
  std::optional<std::string_view> source = embedded_lua(file);
  if (!source) return false;
  std::string chunk_name = std::string("=") + file;
  if (luaL_loadbuffer(L, source->data(), source->size(), chunk_name.c_str()) != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    std::cerr << "klab: internal module " << file << " failed: " << lua_tostring(L, -1) << '\n';
    lua_pop(L, 1);
    return false;
  }
  lua_setglobal(L, global_name);
  return true;
}

}  // namespace

std::string default_labs_dir() {
  if (const char* from_env = std::getenv("KLAB_LABS_DIR")) return from_env;
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (std::filesystem::exists(dir / "labs" / "01-topics-partitions-offsets" / "lab.lua", error)) return (dir / "labs").string();
    }
  }
  return std::string(KLAB_SOURCE_DIR) + "/labs";
}

Session::Session(const SessionOptions& options) : L_(luaL_newstate()) {
  luaL_openlibs(L_);
  lua_pushcfunction(L_, [](lua_State* L) -> int {
    open_klab(L);
    return 0;
  });
  if (lua_pcall(L_, 0, 0, 0) != LUA_OK) {
    std::cerr << "klab: " << lua_tostring(L_, -1) << '\n';
    lua_pop(L_, 1);
  }
  lua_getglobal(L_, "klab");
  lua_pushstring(L_, options.labs_dir.empty() ? default_labs_dir().c_str() : options.labs_dir.c_str());
  lua_setfield(L_, -2, "labs_dir");
  lua_pop(L_, 1);
  load_embedded_module(L_, "lab.lua", "lab");
  lua_getglobal(L_, "klab");
  lua_getfield(L_, -1, "diagram");
  lua_setglobal(L_, "diagram");  // diagram(cluster, "orders", "orders.svg") in the REPL
  lua_pop(L_, 1);
  if (options.preload_cluster) {
    std::string code = "cluster = klab.cluster{ brokers = " + std::to_string(options.brokers) +
                       ", seed = " + std::to_string(static_cast<int64_t>(options.seed)) + " }";
    if (luaL_dostring(L_, code.c_str()) != LUA_OK) {
      std::cerr << "klab: " << lua_tostring(L_, -1) << '\n';
      lua_pop(L_, 1);
    }
  }
}

Session::~Session() { lua_close(L_); }

int Session::run_file(const std::string& path, int argc, char** argv) {
  lua_createtable(L_, argc, 1);
  lua_pushstring(L_, path.c_str());
  lua_rawseti(L_, -2, 0);
  for (int i = 0; i < argc; ++i) {
    lua_pushstring(L_, argv[i]);
    lua_rawseti(L_, -2, i + 1);
  }
  lua_setglobal(L_, "arg");
  lua_pushcfunction(L_, traceback_handler);
  int handler = lua_gettop(L_);
  if (luaL_loadfile(L_, path.c_str()) != LUA_OK) {
    std::cerr << lua_tostring(L_, -1) << '\n';
    lua_settop(L_, 0);
    return 1;
  }
  for (int i = 0; i < argc; ++i) lua_pushstring(L_, argv[i]);
  int status = lua_pcall(L_, argc, 0, handler);
  if (status != LUA_OK) {
    std::cerr << lua_tostring(L_, -1) << '\n';
    lua_settop(L_, 0);
    return 1;
  }
  lua_settop(L_, 0);
  return 0;
}

int Session::run_lab_command(const std::string& function, const std::vector<std::string>& arguments) {
  lua_pushcfunction(L_, traceback_handler);
  int handler = lua_gettop(L_);
  if (lua_getglobal(L_, "lab") != LUA_TTABLE || lua_getfield(L_, -1, function.c_str()) != LUA_TFUNCTION) {
    std::cerr << "klab: the lab engine has no command '" << function << "'\n";
    lua_settop(L_, 0);
    return 2;
  }
  for (const std::string& argument : arguments) lua_pushstring(L_, argument.c_str());
  if (lua_pcall(L_, static_cast<int>(arguments.size()), 1, handler) != LUA_OK) {
    std::cerr << lua_tostring(L_, -1) << '\n';
    lua_settop(L_, 0);
    return 2;
  }
  int code = lua_isinteger(L_, -1) ? static_cast<int>(lua_tointeger(L_, -1)) : (lua_toboolean(L_, -1) ? 0 : 1);
  lua_settop(L_, 0);
  return code;
}

}  // namespace klab
