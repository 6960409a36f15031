#include "lua_support.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace klab {
namespace {

// One per OS thread: binding calls of every Lua state on it nest on one C++ stack.
struct BindingState {
  int depth = 0;          // binding calls running
  bool in_lua = false;    // the innermost frame is user Lua code called by a binding
  std::vector<BoundObject*> detached;  // collected while depth > 0; destroyed at depth 0
  std::vector<lua_State*> closing;     // states in close_lua_state: their objects go at once
};

BindingState& binding_state() {
  thread_local BindingState state;
  return state;
}

void destroy_now(BoundObject* object) {
  object->release(object->main);
  delete object;
}

// The display name of a bound type in errors: its help topic ("producer"), else its metatable name.
std::string readable_type(const char* metatable_name) {
  for (const TypeDoc* type : bound_types())
    if (std::string_view(type->metatable_name) == metatable_name) return type->help_topic;
  return metatable_name;
}

BoundObject** bound_slot(lua_State* L, int index, const char* type) {
  return static_cast<BoundObject**>(luaL_testudata(L, index, type));
}

}  // namespace

BindingCall::BindingCall(lua_State*) {
  BindingState& state = binding_state();
  saved_in_lua_ = state.in_lua;
  state.in_lua = false;
  ++state.depth;
}

BindingCall::~BindingCall() {
  BindingState& state = binding_state();
  if (state.depth == 1) {
    // The outermost binding returns: no klab C++ code is using any object now. A destructor may
    // run Lua (and collect more), so this stays at depth 1 until the list is empty.
    while (!state.detached.empty()) {
      BoundObject* object = state.detached.back();
      state.detached.pop_back();
      destroy_now(object);
    }
  }
  --state.depth;
  state.in_lua = saved_in_lua_;
}

void push_binding_error(lua_State* L, const char* message) {
  luaL_where(L, 1);  // "file:line: " of the Lua code that made the call
  lua_pushstring(L, message);
  lua_concat(L, 2);
}

int protected_call(lua_State* L, int arguments, int results, int handler, bool script) {
  BindingState& state = binding_state();
  const int depth = state.depth;
  const bool in_lua = state.in_lua;
  state.in_lua = true;
  if (script && state.depth > 0) --state.depth;
  const int status = lua_pcall(L, arguments, results, handler);
  state.depth = depth;
  state.in_lua = in_lua;
  return status;
}

bool binding_may_exceed_memory() {
  const BindingState& state = binding_state();
  return state.depth > 0 && !state.in_lua;
}

int binding_depth() { return binding_state().depth; }

void refuse_nested(const char* what) {
  if (binding_state().depth > 1)
    throw LuaArgError(fmt::format("{} cannot run inside a callback klab is running (a listener, partitioner, "
                                  "serializer, interceptor, Streams function, connector or finalizer): the call "
                                  "that runs it is still using the objects it would change; call it after that "
                                  "call returns",
                                  what));
}

lua_State* main_thread(lua_State* L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  lua_State* main = lua_tothread(L, -1);
  lua_pop(L, 1);
  return main;
}

void destroy_object(lua_State* L, int index, const char* type) {
  BoundObject** slot = bound_slot(L, index, type);
  if (!slot || !*slot) return;
  BoundObject* object = *slot;
  *slot = nullptr;
  BindingState& state = binding_state();
  const bool closing = std::find(state.closing.begin(), state.closing.end(), object->main) != state.closing.end();
  if (state.depth > 0 && !closing) {
    state.detached.push_back(object);  // C++ code below may still use it; the outermost call destroys it
    return;
  }
  destroy_now(object);
}

void close_lua_state(lua_State* L) {
  BindingState& state = binding_state();
  lua_State* main = main_thread(L);
  // Objects detached earlier would outlive their state: destroy them while it is open.
  std::erase_if(state.detached, [main](BoundObject* object) {
    if (object->main != main) return false;
    destroy_now(object);
    return true;
  });
  state.closing.push_back(main);
  lua_close(L);
  std::erase(state.closing, main);
}

void* test_userdata(lua_State* L, int index, const char* type) {
  BoundObject** slot = bound_slot(L, index, type);
  return slot && *slot ? (*slot)->value() : nullptr;
}

std::string type_name_at(lua_State* L, int index) {
  if (luaL_getmetafield(L, index, "__name") == LUA_TSTRING) {
    std::string name = lua_tostring(L, -1);
    lua_pop(L, 1);
    return name;
  }
  if (lua_type(L, index) != LUA_TNIL && lua_getmetatable(L, index)) lua_pop(L, 1);
  return luaL_typename(L, index);
}

void arg_error(lua_State* L, int index, const char* function, std::string_view what) {
  throw LuaArgError(fmt::format("bad argument #{} to '{}' ({} expected, got {})", index, function, what,
                                type_name_at(L, index)));
}

void* opt_userdata(lua_State* L, int index, const char* name, const char* function) {
  BoundObject** slot = bound_slot(L, index, name);
  if (!slot) {
    check_userdata(L, index, name, function);  // throws "bad self" / "bad argument"
    return nullptr;
  }
  return *slot ? (*slot)->value() : nullptr;
}

void* check_userdata(lua_State* L, int index, const char* name, const char* function) {
  BoundObject** slot = bound_slot(L, index, name);
  if (!slot) {
    if (index == 1)
      throw LuaArgError(fmt::format("bad self ({} expected, got {}) — call methods with ':' as in obj:{}(...)", name,
                                    type_name_at(L, index), function));
    arg_error(L, index, function, name);
  }
  if (!*slot) throw LuaArgError(fmt::format("{}: this {} is closed", function, readable_type(name)));
  return (*slot)->value();
}

std::string check_string(lua_State* L, int index, const char* function, std::string_view what) {
  if (lua_type(L, index) != LUA_TSTRING) arg_error(L, index, function, what);
  std::size_t length = 0;
  const char* text = lua_tolstring(L, index, &length);
  return std::string(text, length);
}

std::optional<std::string> opt_string(lua_State* L, int index, const char* function) {
  if (lua_isnoneornil(L, index)) return std::nullopt;
  return check_string(L, index, function);
}

int64_t check_integer(lua_State* L, int index, const char* function) {
  int is_integer = 0;
  lua_Integer value = lua_tointegerx(L, index, &is_integer);
  if (!is_integer || lua_type(L, index) != LUA_TNUMBER) arg_error(L, index, function, "integer");
  return value;
}

std::optional<int64_t> opt_integer(lua_State* L, int index, const char* function) {
  if (lua_isnoneornil(L, index)) return std::nullopt;
  return check_integer(L, index, function);
}

void check_table(lua_State* L, int index, const char* function) {
  if (lua_type(L, index) != LUA_TTABLE) arg_error(L, index, function, "table");
}

int raw_field(lua_State* L, int index, const char* name) {
  index = lua_absindex(L, index);
  lua_pushstring(L, name);
  return lua_rawget(L, index);
}

ConfigEntries config_entries_from_table(lua_State* L, int index, const char* function) {
  index = lua_absindex(L, index);
  ConfigEntries entries;
  lua_pushnil(L);
  while (lua_next(L, index)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      std::string key_type = luaL_typename(L, -2);
      lua_pop(L, 2);
      throw LuaArgError(fmt::format("{}: config keys are Kafka's names as strings, e.g. [\"linger.ms\"] = 5 "
                                    "(got a {} key)",
                                    function, key_type));
    }
    std::string key = lua_tostring(L, -2);
    switch (lua_type(L, -1)) {
      case LUA_TBOOLEAN: entries.emplace_back(key, ConfigInput(static_cast<bool>(lua_toboolean(L, -1)))); break;
      case LUA_TNUMBER:
        if (lua_isinteger(L, -1)) entries.emplace_back(key, ConfigInput(static_cast<int64_t>(lua_tointeger(L, -1))));
        else entries.emplace_back(key, ConfigInput(static_cast<double>(lua_tonumber(L, -1))));
        break;
      case LUA_TSTRING: entries.emplace_back(key, ConfigInput(std::string(lua_tostring(L, -1)))); break;
      default: {
        std::string value_type = type_name_at(L, -1);
        lua_pop(L, 2);
        throw LuaArgError(fmt::format("{}: config '{}' must be a boolean, number or string (got {})", function, key,
                                      value_type));
      }
    }
    lua_pop(L, 1);
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return entries;
}

namespace {

int error_tostring_body(lua_State* L) {
  check_table(L, 1, "__tostring");  // getmetatable(err).__tostring(5) by hand: raw reads need a table
  raw_field(L, 1, "name");
  raw_field(L, 1, "message");
  std::string name = lua_isstring(L, -2) ? lua_tostring(L, -2) : "ERROR";
  std::string message = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  std::string line = message.empty() ? name : name + ": " + message;
  lua_pushlstring(L, line.data(), line.size());
  return 1;
}

}  // namespace

void register_error_type(lua_State* L) {
  luaL_newmetatable(L, "klab.Error");
  lua_pushcfunction(L, lua_entry<error_tostring_body>);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}

int push_kafka_error(lua_State* L, const Error& error) {
  lua_pushnil(L);
  lua_createtable(L, 0, 4);
  std::string_view name = error.name();
  lua_pushlstring(L, name.data(), name.size());
  lua_setfield(L, -2, "name");
  lua_pushinteger(L, static_cast<lua_Integer>(error.code));
  lua_setfield(L, -2, "code");
  lua_pushboolean(L, error.retriable());
  lua_setfield(L, -2, "retriable");
  lua_pushlstring(L, error.message.data(), error.message.size());
  lua_setfield(L, -2, "message");
  luaL_setmetatable(L, "klab.Error");
  return 2;
}

namespace {

// __gc of every bound type; its upvalue is the metatable name, so a userdata of another type passed
// by hand (debug.getmetatable(p).__gc(io.stdout)) is left alone.
int bound_gc(lua_State* L) {
  destroy_object(L, 1, lua_tostring(L, lua_upvalueindex(1)));
  return 0;
}

}  // namespace

void register_type(lua_State* L, const TypeDoc& type, std::span<const luaL_Reg> metamethods) {
  luaL_newmetatable(L, type.metatable_name);
  lua_createtable(L, 0, static_cast<int>(type.methods.size()));
  for (const MethodDoc& method : type.methods) {
    lua_pushcfunction(L, method.function);
    lua_setfield(L, -2, method.name);
  }
  lua_setfield(L, -2, "__index");
  for (const luaL_Reg& reg : metamethods) {
    lua_pushcfunction(L, reg.func);
    lua_setfield(L, -2, reg.name);
  }
  lua_pushstring(L, type.metatable_name);
  lua_pushcclosure(L, bound_gc, 1);
  lua_setfield(L, -2, "__gc");
  lua_pushstring(L, type.metatable_name);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

LuaValueWalk::LuaValueWalk(lua_State* L, std::string what, int max_depth, int64_t max_parts)
    : L_(L), what_(std::move(what)), max_depth_(max_depth), max_parts_(max_parts), top_(lua_gettop(L)),
      uncaught_(std::uncaught_exceptions()) {}

LuaValueWalk::~LuaValueWalk() {
  if (std::uncaught_exceptions() > uncaught_) lua_settop(L_, top_);  // an error left keys or values behind
}

void LuaValueWalk::fail(const std::string& problem) const {
  throw LuaArgError(what_.empty() ? problem : what_ + ": " + problem);
}

LuaValueWalk::Scope::Scope(LuaValueWalk& walk, int index) : walk_(walk), table_(lua_type(walk.L_, index) == LUA_TTABLE) {
  if (++walk_.parts_ > walk_.max_parts_)
    walk_.fail(fmt::format("the value is too large (more than {} parts)", walk_.max_parts_));
  if (!table_) return;
  const void* table = lua_topointer(walk_.L_, index);
  if (std::find(walk_.path_.begin(), walk_.path_.end(), table) != walk_.path_.end())
    walk_.fail("a table contains itself (a cycle)");
  if (static_cast<int>(walk_.path_.size()) >= walk_.max_depth_)
    walk_.fail(fmt::format("tables nested more than {} deep", walk_.max_depth_));
  if (!lua_checkstack(walk_.L_, 8)) walk_.fail("no room on the Lua stack");
  walk_.path_.push_back(table);
}

LuaValueWalk::Scope::~Scope() {
  if (table_) walk_.path_.pop_back();
}

void check_push_depth(lua_State* L, int depth, int slots) {
  constexpr int kMaxPushDepth = 200;
  if (depth > kMaxPushDepth) throw LuaArgError(fmt::format("a value nested more than {} deep cannot be given to Lua", kMaxPushDepth));
  if (!lua_checkstack(L, slots)) throw LuaArgError("no room on the Lua stack for the value");
}

void push_string_array(lua_State* L, const std::vector<std::string>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void push_int_array(lua_State* L, const std::vector<int32_t>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushinteger(L, items[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void set_printed_form(lua_State* L, std::string text, const char* name) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  lua_createtable(L, 0, 2);
  lua_pushlstring(L, text.data(), text.size());
  lua_pushcclosure(L, [](lua_State* state) -> int {
    lua_pushvalue(state, lua_upvalueindex(1));
    return 1;
  }, 1);
  lua_setfield(L, -2, "__tostring");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__name");
  lua_setmetatable(L, -2);
}

}  // namespace klab
