// The serializers of a Lua producer and the deserializers of a Lua consumer: the kernel's
// (Kafka's built-ins, Confluent's Avro, chosen by the client's configs) or Lua functions given as
// key.serializer / value.serializer = function(topic, value) return bytes end (and
// key.deserializer / value.deserializer = function(topic, bytes) return value end).
#pragma once
#include <lua.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "serde/client_serdes.hpp"

namespace klab {

struct LuaSerdes {
  std::optional<serde::ClientSerdes> kernel;
  int key_function = LUA_NOREF;
  int value_function = LUA_NOREF;

  bool active(bool is_key) const {
    return (is_key ? key_function : value_function) != LUA_NOREF || (kernel && kernel->has(is_key));
  }
  bool any() const { return active(true) || active(false); }
  void release(lua_State* L);
};

// A registry reference to the function in field `name` of the table at `table`, or LUA_NOREF.
int ref_function_field(lua_State* L, int table, const char* name);
bool is_serde_key(std::string_view name);

// Producer: the bytes for the Lua value at `index`. A Lua serializer's error is raised.
schema::SchemaResult<std::optional<std::string>> serialize_lua_value(lua_State* L, LuaSerdes& serdes,
                                                                      std::string_view topic, bool is_key, int index);
// Consumer: pushes the value for `bytes` (one value, possibly nil) or returns why it cannot.
std::optional<schema::SchemaError> push_deserialized(lua_State* L, const LuaSerdes& serdes, std::string_view topic,
                                                     bool is_key, std::optional<std::string_view> bytes);
// nil, err: a klab.Error table {name, code, retriable = false, message}.
int push_schema_error(lua_State* L, const schema::SchemaError& error);

}  // namespace klab
