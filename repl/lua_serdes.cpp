#include "lua_serdes.hpp"

#include <fmt/format.h>

#include "lua_datum.hpp"
#include "lua_support.hpp"

namespace klab {

void LuaSerdes::release(lua_State* L) {
  for (int* ref : {&key_function, &value_function})
    if (*ref != LUA_NOREF) {
      luaL_unref(L, LUA_REGISTRYINDEX, *ref);
      *ref = LUA_NOREF;
    }
}

int ref_function_field(lua_State* L, int table, const char* name) {
  if (raw_field(L, table, name) != LUA_TFUNCTION) {  // raw: a config table's __index never runs here
    lua_pop(L, 1);
    return LUA_NOREF;
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

bool is_serde_key(std::string_view name) {
  return name == "key.serializer" || name == "value.serializer" || name == "key.deserializer" ||
         name == "value.deserializer";
}

schema::SchemaResult<std::optional<std::string>> serialize_lua_value(lua_State* L, LuaSerdes& serdes,
                                                                      std::string_view topic, bool is_key, int index) {
  index = lua_absindex(L, index);
  const int function = is_key ? serdes.key_function : serdes.value_function;
  if (function != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, function);
    lua_pushlstring(L, topic.data(), topic.size());
    lua_pushvalue(L, index);
    if (protected_call(L, 2, 1, 0) != LUA_OK) {
      std::string message = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error";
      lua_pop(L, 1);
      throw LuaArgError(fmt::format("{}.serializer function failed: {}", is_key ? "key" : "value", message));
    }
    std::optional<std::string> bytes;
    if (lua_type(L, -1) == LUA_TSTRING) {
      std::size_t size = 0;
      const char* data = lua_tolstring(L, -1, &size);
      bytes.emplace(data, size);
    } else if (!lua_isnil(L, -1)) {
      std::string got = luaL_typename(L, -1);
      lua_pop(L, 1);
      throw LuaArgError(fmt::format("{}.serializer function must return a string (the bytes) or nil, got {}",
                                    is_key ? "key" : "value", got));
    }
    lua_pop(L, 1);
    return bytes;
  }
  return serdes.kernel->serialize(topic, is_key, datum_from_lua(L, index));
}

std::optional<schema::SchemaError> push_deserialized(lua_State* L, const LuaSerdes& serdes, std::string_view topic,
                                                     bool is_key, std::optional<std::string_view> bytes) {
  const int function = is_key ? serdes.key_function : serdes.value_function;
  if (function != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, function);
    lua_pushlstring(L, topic.data(), topic.size());
    bytes ? (void)lua_pushlstring(L, bytes->data(), bytes->size()) : lua_pushnil(L);
    if (protected_call(L, 2, 1, 0) != LUA_OK) {
      std::string message = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error";
      lua_pop(L, 1);
      return schema::serialization_error(fmt::format("{}.deserializer function failed: {}", is_key ? "key" : "value", message));
    }
    return std::nullopt;
  }
  schema::SchemaResult<schema::Datum> datum = serdes.kernel->deserialize(is_key, bytes);
  if (!datum) return datum.error();
  push_datum(L, *datum);
  return std::nullopt;
}

int push_schema_error(lua_State* L, const schema::SchemaError& error) {
  lua_pushnil(L);
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, error.name.data(), error.name.size());
  lua_setfield(L, -2, "name");
  lua_pushinteger(L, error.code);
  lua_setfield(L, -2, "code");
  lua_pushboolean(L, false);
  lua_setfield(L, -2, "retriable");
  lua_pushlstring(L, error.message.data(), error.message.size());
  lua_setfield(L, -2, "message");
  luaL_setmetatable(L, "klab.Error");
  return 2;
}

}  // namespace klab
