#include "lua_support.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace klab {

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

void* check_userdata(lua_State* L, int index, const char* name, const char* function) {
  void* data = luaL_testudata(L, index, name);
  if (!data) {
    if (index == 1)
      throw LuaArgError(fmt::format("bad self ({} expected, got {}) — call methods with ':' as in obj:{}(...)", name,
                                    type_name_at(L, index), function));
    arg_error(L, index, function, name);
  }
  return data;
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
  lua_pop(L, 1);
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
