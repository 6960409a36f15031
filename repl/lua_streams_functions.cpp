// Lua functions inside a topology. The kernel calls them from its stream thread, which runs inside
// whatever Lua call moves the simulation (c:advance, a poll, a flush), so each call is protected:
// every Lua API call that could raise (pushing strings, calling the function) happens inside
// lua_pcall, results are read without allocating, and a Lua error becomes a C++ exception carrying
// the Lua traceback, which fails the task (the application goes to ERROR; the cluster goes on).
// Sandbox limits apply: the thread inherits the sandbox's hook.
#include <fmt/format.h>

#include <stdexcept>

#include "lua_streams.hpp"
#include "lua_support.hpp"

namespace klab {

using streams::Bytes;
using streams::KeyValue;

LuaFunctions::LuaFunctions(lua_State* L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  main_ = lua_tothread(L, -1);
  lua_pop(L, 1);
  thread_ = lua_newthread(L);
  thread_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
}

LuaFunctions::~LuaFunctions() {
  for (int ref : refs_) luaL_unref(main_, LUA_REGISTRYINDEX, ref);
  luaL_unref(main_, LUA_REGISTRYINDEX, thread_ref_);
}

int LuaFunctions::keep(lua_State* L, int index, const char* operation) {
  if (lua_type(L, index) != LUA_TFUNCTION)
    throw std::runtime_error(fmt::format("{}: expected a function, got {}", operation, luaL_typename(L, index)));
  lua_pushvalue(L, index);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  refs_.push_back(ref);
  return ref;
}

namespace {

struct CallFrame {
  int ref;
  const Bytes* args[3];
  int arg_count;
};

// Runs protected: pushes the arguments and calls the function; its results stay on the stack.
int trampoline(lua_State* L) {
  auto* frame = static_cast<CallFrame*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, frame->ref);
  for (int i = 0; i < frame->arg_count; ++i) {
    if (frame->args[i]->has_value())
      lua_pushlstring(L, (*frame->args[i])->data(), (*frame->args[i])->size());
    else
      lua_pushnil(L);
  }
  lua_call(L, frame->arg_count, LUA_MULTRET);
  return lua_gettop(L);
}

int traceback(lua_State* L) {
  const char* message = lua_tostring(L, 1);
  luaL_traceback(L, L, message ? message : "(an error object that is not a string)", 1);
  return 1;
}

// Calls the function; its results are left on the thread's stack above `base` (the top before
// the call, so a call nested in another call on the same thread leaves the outer one alone). The
// caller reads them (result i at base + i) and calls finish(), which drops them.
struct Call {
  lua_State* L;
  int base;
  int results;
  int at(int i) const { return base + i; }
};

Call call(const LuaFunction& function, std::initializer_list<const Bytes*> args) {
  lua_State* L = function.owner->thread();
  const int base = lua_gettop(L);
  if (!lua_checkstack(L, 8)) throw std::runtime_error(fmt::format("{}: Lua stack overflow", function.operation));
  CallFrame frame{function.ref, {nullptr, nullptr, nullptr}, 0};
  for (const Bytes* arg : args) frame.args[frame.arg_count++] = arg;
  lua_pushcfunction(L, traceback);
  lua_pushcfunction(L, trampoline);
  lua_pushlightuserdata(L, &frame);
  if (protected_call(L, 1, LUA_MULTRET, base + 1) != LUA_OK) {
    std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(an error object that is not a string)";
    lua_settop(L, base);
    throw std::runtime_error(fmt::format("the {} function raised an error: {}", function.operation, message));
  }
  lua_remove(L, base + 1);  // the traceback handler
  return Call{L, base, lua_gettop(L) - base};
}

void finish(const Call& done) { lua_settop(done.L, done.base); }

// A string or nil result at `index`, without asking Lua to convert (which could allocate and raise).
Bytes bytes_at(const LuaFunction& function, const Call& done, int index, const char* what) {
  lua_State* L = done.L;
  switch (lua_type(L, index)) {
    case LUA_TNIL:
    case LUA_TNONE:
      return std::nullopt;
    case LUA_TSTRING: {
      std::size_t length = 0;
      const char* data = lua_tolstring(L, index, &length);
      return std::string(data, length);
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return std::to_string(lua_tointeger(L, index));
      return fmt::format("{}", lua_tonumber(L, index));
    default: {
      std::string type = luaL_typename(L, index);
      finish(done);
      throw std::runtime_error(
          fmt::format("the {} function must return {} as a string (or nil), got a {}", function.operation, what, type));
    }
  }
}

// The list (a table) at `index`: calls `each` with every element pushed on top.
template <class Each>
void for_each_element(const LuaFunction& function, const Call& done, int index, Each each) {
  lua_State* L = done.L;
  if (lua_type(L, index) == LUA_TNIL) return;
  if (lua_type(L, index) != LUA_TTABLE) {
    std::string type = luaL_typename(L, index);
    finish(done);
    throw std::runtime_error(fmt::format("the {} function must return a list (a table), got a {}", function.operation, type));
  }
  const lua_Integer length = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= length; ++i) {
    lua_rawgeti(L, index, i);
    each(lua_gettop(L));
    lua_pop(L, 1);
  }
}

}  // namespace

streams::Predicate lua_predicate(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) {
    Call done = call(function, {&key, &value});
    bool keep = done.results > 0 && lua_toboolean(done.L, done.at(1));
    finish(done);
    return keep;
  };
}

streams::KeyValueMapper lua_key_value_mapper(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) {
    Call done = call(function, {&key, &value});
    Bytes new_key = bytes_at(function, done, done.at(1), "the new key");
    Bytes new_value = done.results >= 2 ? bytes_at(function, done, done.at(2), "the new value") : std::nullopt;
    finish(done);
    return KeyValue{std::move(new_key), std::move(new_value)};
  };
}

// Functions whose one result is a string or nil.
template <class... Args>
Bytes one_result(const LuaFunction& function, const char* what, const Args&... args) {
  Call done = call(function, {&args...});
  Bytes result = done.results >= 1 ? bytes_at(function, done, done.at(1), what) : std::nullopt;
  finish(done);
  return result;
}

streams::ValueMapper lua_value_mapper(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) { return one_result(function, "the new value", key, value); };
}

streams::FlatKeyValueMapper lua_flat_mapper(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) {
    Call done = call(function, {&key, &value});
    std::vector<KeyValue> pairs;
    for_each_element(function, done, done.at(1), [&](int pair) {
      if (lua_type(done.L, pair) != LUA_TTABLE) {
        finish(done);
        throw std::runtime_error(fmt::format(
            "the {} function must return a list of {{key, value}} pairs, e.g. {{ {{\"k\", \"v\"}} }}", function.operation));
      }
      lua_rawgeti(done.L, pair, 1);
      lua_rawgeti(done.L, pair, 2);
      int top = lua_gettop(done.L);
      pairs.push_back(KeyValue{bytes_at(function, done, top - 1, "each key"), bytes_at(function, done, top, "each value")});
      lua_pop(done.L, 2);
    });
    finish(done);
    return pairs;
  };
}

streams::FlatValueMapper lua_flat_value_mapper(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) {
    Call done = call(function, {&key, &value});
    std::vector<Bytes> values;
    for_each_element(function, done, done.at(1),
                     [&](int element) { values.push_back(bytes_at(function, done, element, "each value")); });
    finish(done);
    return values;
  };
}

streams::ForeachAction lua_action(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value) { finish(call(function, {&key, &value})); };
}

streams::Initializer lua_initializer(LuaFunction function) {
  return [function]() {
    Call done = call(function, {});
    Bytes result = done.results >= 1 ? bytes_at(function, done, done.at(1), "the initial aggregate") : std::nullopt;
    finish(done);
    return result;
  };
}

streams::Aggregator lua_aggregator(LuaFunction function) {
  return [function](const Bytes& key, const Bytes& value, const Bytes& aggregate) {
    return one_result(function, "the new aggregate", key, value, aggregate);
  };
}

streams::Reducer lua_reducer(LuaFunction function) {
  return [function](const Bytes& aggregate, const Bytes& value) {
    return one_result(function, "the new aggregate", aggregate, value);
  };
}

streams::ValueJoiner lua_joiner(LuaFunction function) {
  return [function](const Bytes& left, const Bytes& right) { return one_result(function, "the joined value", left, right); };
}

}  // namespace klab

namespace klab {
namespace {

int print_trampoline(lua_State* L) {
  auto* line = static_cast<const std::string*>(lua_touserdata(L, 1));
  lua_getglobal(L, "print");
  lua_pushlstring(L, line->data(), line->size());
  lua_call(L, 1, 0);
  return 0;
}

}  // namespace

void lua_print_line(const std::shared_ptr<LuaFunctions>& functions, const std::string& line) {
  lua_State* L = functions->thread();
  const int base = lua_gettop(L);
  if (!lua_checkstack(L, 4)) return;
  lua_pushcfunction(L, print_trampoline);
  lua_pushlightuserdata(L, const_cast<std::string*>(&line));
  (void)protected_call(L, 1, 0, 0);  // a print that fails (output limit) must not stop the application
  lua_settop(L, base);
}

}  // namespace klab
