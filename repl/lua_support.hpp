// Plumbing shared by the Lua bindings: argument checks that throw (never longjmp over C++
// frames), the one guard that turns C++ exceptions into Lua errors, Kafka errors as Lua values,
// bound-type registration with the method docs that help() prints, and the lifetime of every klab
// object a Lua userdata owns.
//
// Rule: a binding body is `int body(lua_State*)` that may throw LuaArgError/UsageError/any
// std::exception; lua_entry<body> calls it and raises the Lua error only after every C++ object
// of the body is destroyed. Inside bodies use only Lua API calls that cannot raise (raw access,
// pushes), and call user Lua code only through protected_call. Pushes cannot raise either: while a
// body runs, the sandbox's allocator lets Lua's memory grow past the limit (by a bounded slack)
// and stops the script once the body has returned (binding_may_exceed_memory()).
//
// Lifetime: a userdata holds only a pointer to its C++ object (a BoundObject), null once closed;
// every method finds the object through check_userdata, which says "<type> is closed" for a null
// one. __gc and close() may run in any order and any number of times. An object is destroyed only
// when no klab C++ code is running below (a finalizer run by a collection inside a binding, or a
// userdata collected while its own callback runs, only detaches it; the outermost binding destroys
// it when it returns), and methods that change what the running C++ code may be iterating (close,
// poll, advance, ...) refuse to run nested inside another binding: refuse_nested().
#pragma once
#include <lua.hpp>

#include <memory>
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

// The frame of one binding call (lua_entry's): counts nesting, lets the allocator grow past the limit
// while C++ objects are alive, and destroys detached objects when the outermost call returns.
class BindingCall {
 public:
  explicit BindingCall(lua_State* L);
  ~BindingCall();
  BindingCall(const BindingCall&) = delete;
  BindingCall& operator=(const BindingCall&) = delete;

 private:
  bool saved_in_lua_;
};

// Pushes "file:line: message" (the Lua code that made the call) as the error object.
void push_binding_error(lua_State* L, const char* message);

template <int (*Body)(lua_State*)>
int lua_entry(lua_State* L) {
  int results = -1;
  {
    BindingCall call(L);
    try {
      results = Body(L);
    } catch (const std::exception& error) {
      push_binding_error(L, error.what());
    } catch (...) {
      push_binding_error(L, "unexpected C++ exception in a klab binding");
    }
  }
  if (results < 0) return lua_error(L);  // nothing with a destructor is alive in this frame now
  return results;
}

// lua_pcall for user Lua code called from C++ (callbacks): the code runs under the script's own
// limits, and a stray longjmp inside cannot leave the binding bookkeeping out of step.
// With `script` set the caller is a binding that only runs Lua code (klab.compare_producers) and
// uses no bound object itself: the code it runs is not "nested" for refuse_nested().
int protected_call(lua_State* L, int arguments, int results, int handler = 0, bool script = false);
// True while a binding body (not user code it called) is running: the sandbox's allocator then lets
// an allocation exceed the limit instead of raising a memory error over live C++ objects.
bool binding_may_exceed_memory();
// How many binding calls are running (1 inside a body called from plain Lua code).
int binding_depth();
// Throws unless the running binding was called from plain Lua code: `what` ("k:close()") may not
// run inside a callback, listener, serializer, Streams function, connector or finalizer that klab
// is running, since the C++ code that called it is still using the objects it would change.
void refuse_nested(const char* what);

// A klab object owned by a Lua userdata (see "Lifetime" above).
class BoundObject {
 public:
  virtual ~BoundObject() = default;
  virtual void* value() = 0;
  // Drops the registry references the object holds, before it is destroyed.
  virtual void release(lua_State* L) = 0;
  lua_State* main = nullptr;  // the main thread of the state that owns the userdata
  // What the object points into (its cluster, its builder): kept alive until after the object is
  // destroyed, even when the owner's own userdata is closed or collected first.
  std::shared_ptr<void> keeps;
};

template <class T>
class Bound final : public BoundObject {
 public:
  explicit Bound(T&& value) : held(std::move(value)) {}
  void* value() override { return &held; }
  void release(lua_State* L) override {
    if constexpr (requires(T& object, lua_State* state) { object.release(state); }) held.release(L);
  }
  T held;
};

// The main thread of L's state (callbacks that run later run there).
lua_State* main_thread(lua_State* L);

// Pushes a new userdata with metatable `type` that owns `value`; `user_values` user values.
template <class T>
T& push_object(lua_State* L, const char* type, T&& value, int user_values = 0, std::shared_ptr<void> keeps = nullptr) {
  auto** slot = static_cast<BoundObject**>(lua_newuserdatauv(L, sizeof(BoundObject*), user_values));
  *slot = nullptr;  // a closed object until it is built: __gc and methods see null
  luaL_setmetatable(L, type);
  auto* bound = new Bound<T>(std::move(value));
  bound->main = main_thread(L);
  bound->keeps = std::move(keeps);
  *slot = bound;
  return bound->held;
}

// Destroys (or detaches, see "Lifetime") the object of the userdata at `index`, which must carry
// metatable `type`; later calls on it say it is closed. Idempotent.
void destroy_object(lua_State* L, int index, const char* type);
// lua_close(L) for a state whose userdata hold bound objects: they are destroyed at once, even
// when this runs inside a binding of another state.
void close_lua_state(lua_State* L);
// The object of type `type` at `index`, or nullptr (another value, or closed).
void* test_userdata(lua_State* L, int index, const char* type);

// Registers metatable `type.metatable_name` with __index = methods, __name, `__metatable` (so
// getmetatable returns the type name and the metamethods cannot be reached from a script), a
// `__gc` that calls destroy_object, and the extra metamethods (which must not include __gc).
void register_type(lua_State* L, const TypeDoc& type, std::span<const luaL_Reg> metamethods);
// The object of the userdata at `index` if it carries metatable `name`, else throws "bad self (...)"
// / "bad argument"; throws "<type> is closed" once it was closed or collected.
void* check_userdata(lua_State* L, int index, const char* name, const char* function);
// Like check_userdata, but nullptr for a closed object (close() twice, __tostring of a closed one).
void* opt_userdata(lua_State* L, int index, const char* name, const char* function);

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

// Pushes a new userdata owning `handle` with metatable `type`; the cluster at stack index 1 is
// kept in its first user value and by the object itself, so a client never outlives the cluster it
// points into (not even when the cluster's userdata is closed by hand).
std::shared_ptr<Cluster> shared_cluster(lua_State* L, int index);  // lua_cluster.cpp
template <class Handle>
Handle& push_client_handle(lua_State* L, const char* type, Handle&& handle) {
  Handle& held = push_object(L, type, std::move(handle), 1, shared_cluster(L, 1));
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  return held;
}

// Guards a recursive conversion of a Lua value into C++ (records, datums, answers): a depth bound,
// a bound on the parts (a table that holds the same subtable twice at each level is small in Lua
// but exponential when copied), cycle detection, room on the Lua stack, and the stack top restored
// when the conversion throws. Errors name the conversion: "<what>: ...".
class LuaValueWalk {
 public:
  LuaValueWalk(lua_State* L, std::string what, int max_depth, int64_t max_parts = 1'000'000);
  ~LuaValueWalk();
  LuaValueWalk(const LuaValueWalk&) = delete;
  LuaValueWalk& operator=(const LuaValueWalk&) = delete;

  // Counts one value; for a table, the scope marks it as being converted until it ends.
  class Scope {
   public:
    Scope(LuaValueWalk& walk, int index);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    LuaValueWalk& walk_;
    bool table_;
  };
  [[noreturn]] void fail(const std::string& problem) const;
  const std::string& what() const { return what_; }

 private:
  lua_State* L_;
  std::string what_;
  int max_depth_;
  int64_t max_parts_;
  int64_t parts_ = 0;
  int top_;
  int uncaught_;
  std::vector<const void*> path_;  // the tables being converted, outermost first
};

// Throws unless the C++ value being pushed is at most `depth` levels deep and the stack has room for
// `slots` more values (a push_* of a recursive C++ value calls this at each level).
void check_push_depth(lua_State* L, int depth, int slots = 4);

// Every bound type's docs, for help() and completion.
std::span<const TypeDoc* const> bound_types();

// Gives the table on top of the stack a __tostring that returns `text` (less a final newline) and
// the type name `name`: how the REPL prints a result, e.g. in a Kafka tool's layout.
void set_printed_form(lua_State* L, std::string text, const char* name);

// Pushes a sorted array of strings.
void push_string_array(lua_State* L, const std::vector<std::string>& items);
void push_int_array(lua_State* L, const std::vector<int32_t>& items);

}  // namespace klab
