// Plumbing shared by the Lua bindings: argument checks that throw (never longjmp over C++
// frames), the one guard that turns C++ exceptions into Lua errors, Kafka errors as Lua values,
// and bound-type registration with the method docs that help() prints.
//
// Rule: a binding body is `int body(lua_State*)` that may throw LuaArgError/UsageError/any
// std::exception; lua_entry<body> calls it and raises the Lua error only after every C++ object
// of the body is destroyed. Inside bodies use only Lua API calls that cannot raise (raw access,
// pushes), and call user Lua code only through lua_pcall.
#pragma once
#include <lua.hpp>

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.hpp"
#include "base/error.hpp"
#include "cluster/cluster.hpp"

namespace klab {

class LuaArgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One method of a bound type, with the documentation help() shows.
struct MethodDoc {
  const char* name;
  lua_CFunction function;
  const char* signature;  // "p:send(topic, record [, callback]) --> metadata | nil, err"
  const char* doc;
};

struct TypeDoc {
  const char* metatable_name;  // "klab.Producer"
  const char* help_topic;      // "producer"
  const char* summary;
  std::span<const MethodDoc> methods;
};

template <int (*Body)(lua_State*)>
int lua_entry(lua_State* L) {
  {
    std::string message;
    try {
      return Body(L);
    } catch (const std::exception& error) {
      message = error.what();
    }
    luaL_where(L, 1);  // "file:line: " of the Lua code that made the call
    lua_pushlstring(L, message.data(), message.size());
    lua_concat(L, 2);
  }
  return lua_error(L);  // nothing with a destructor is alive in this frame now
}

// Registers metatable `type.metatable_name` with __index = methods, __name, and extra metamethods.
void register_type(lua_State* L, const TypeDoc& type, std::span<const luaL_Reg> metamethods);
// The userdata at `index` if it carries metatable `name`, else throws "bad self (...)" / "bad argument".
void* check_userdata(lua_State* L, int index, const char* name, const char* function);

std::string type_name_at(lua_State* L, int index);  // like luaL_typename but uses __name
[[noreturn]] void arg_error(lua_State* L, int index, const char* function, std::string_view what);
std::string check_string(lua_State* L, int index, const char* function, std::string_view what = "string");
std::optional<std::string> opt_string(lua_State* L, int index, const char* function);
int64_t check_integer(lua_State* L, int index, const char* function);
std::optional<int64_t> opt_integer(lua_State* L, int index, const char* function);
void check_table(lua_State* L, int index, const char* function);

// A Lua table of Kafka config keys -> values (booleans, numbers, strings), sorted by key.
// Non-string keys or other value types throw.
ConfigEntries config_entries_from_table(lua_State* L, int index, const char* function);
// Reads field `name` of the table at `index` (raw access).
int raw_field(lua_State* L, int index, const char* name);  // pushes the value, returns its type

// Pushes `nil, err` where err is a klab.Error table {name, code, retriable, message}. Returns 2.
int push_kafka_error(lua_State* L, const Error& error);
// Registers the klab.Error metatable (tostring: "NAME: message").
void register_error_type(lua_State* L);

// Pushes a new userdata holding `handle` with metatable `type`; the cluster at stack index 1 is
// kept in its first user value, so a client never outlives the cluster it points into.
template <class Handle>
Handle& push_client_handle(lua_State* L, const char* type, Handle&& handle) {
  auto* slot = static_cast<Handle*>(lua_newuserdatauv(L, sizeof(Handle), 1));
  new (slot) Handle(std::move(handle));
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, type);
  return *slot;
}

// Every bound type's docs, for help() and completion.
std::span<const TypeDoc* const> bound_types();

// Gives the table on top of the stack a __tostring that returns `text` (less a final newline) and
// the type name `name`: how the REPL prints a result, e.g. in a Kafka tool's layout.
void set_printed_form(lua_State* L, std::string text, const char* name);

// Pushes a sorted array of strings.
void push_string_array(lua_State* L, const std::vector<std::string>& items);
void push_int_array(lua_State* L, const std::vector<int32_t>& items);

}  // namespace klab
