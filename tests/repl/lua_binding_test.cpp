// The rules of repl/lua_support.hpp held for real: a binding's C++ objects are destroyed even when
// a push runs out of the sandbox's memory, recursive conversions of Lua values are bounded and leave
// the Lua stack as they found it, and a bound object outlives the C++ code that uses it.
#include <doctest/doctest.h>

#include <string>

#include "lua_datum.hpp"
#include "lua_support.hpp"
#include "plain_value.hpp"
#include "sandbox.hpp"

namespace klab {
namespace {

int live_guards = 0;

struct Guard {
  Guard() { ++live_guards; }
  ~Guard() { --live_guards; }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
};

// A binding that holds a C++ object while it pushes about 20 MB of strings.
int push_a_lot(lua_State* L) {
  Guard guard;
  std::string chunk(10000, 'x');
  lua_createtable(L, 2000, 0);
  for (int i = 1; i <= 2000; ++i) {
    chunk[0] = static_cast<char>('a' + i % 26);
    lua_pushlstring(L, chunk.data(), chunk.size());
    lua_rawseti(L, -2, i);
  }
  return 1;
}

SandboxLimits tight_memory() {
  SandboxLimits limits;
  limits.memory_bytes = int64_t{8} << 20;
  limits.instructions = 10'000'000;
  limits.wall_seconds = 30;
  return limits;
}

// A plain Lua state (no sandbox) for the conversion tests.
struct State {
  lua_State* L = luaL_newstate();
  ~State() { lua_close(L); }
};

}  // namespace

TEST_CASE("a binding that runs out of the sandbox's memory while pushing still destroys its C++ objects") {
  live_guards = 0;
  {
    Sandbox sandbox(tight_memory());
    lua_State* L = sandbox.lua();
    lua_pushcfunction(L, lua_entry<push_a_lot>);
    lua_setglobal(L, "push_a_lot");
    Sandbox::Outcome outcome = sandbox.run("for i = 1, 3 do pcall(push_a_lot) end", "=memory");
    CHECK_FALSE(outcome.finished);
    CHECK(outcome.stopped.find("memory limit 8 MiB reached") != std::string::npos);
  }
  CHECK(live_guards == 0);
}

TEST_CASE("a table that contains itself is named as a cycle, and the stack is as it was") {
  State state;
  lua_State* L = state.L;
  luaL_dostring(L, "loop = { a = { b = {} } } loop.a.b.back = loop");
  lua_getglobal(L, "loop");
  const int top = lua_gettop(L);
  try {
    (void)datum_from_lua(L, -1);
    FAIL("no error");
  } catch (const std::exception& error) {
    CHECK(std::string(error.what()).find("a table contains itself (a cycle)") != std::string::npos);
  }
  CHECK(lua_gettop(L) == top);
  try {
    (void)plain_from_lua(L, -1);
    FAIL("no error");
  } catch (const std::exception& error) {
    CHECK(std::string(error.what()).find("a cycle") != std::string::npos);
  }
  CHECK(lua_gettop(L) == top);
}

TEST_CASE("a table that shares one subtable at every level is refused before it is copied") {
  State state;
  lua_State* L = state.L;
  luaL_dostring(L, "shared = { leaf = 1 } for _ = 1, 60 do shared = { l = shared, r = shared } end");
  lua_getglobal(L, "shared");
  const int top = lua_gettop(L);
  CHECK_THROWS_WITH(datum_from_lua(L, -1), doctest::Contains("too large"));
  CHECK(lua_gettop(L) == top);
}

TEST_CASE("a plain value that fails halfway leaves nothing on the Lua stack") {
  State state;
  lua_State* L = state.L;
  REQUIRE(luaL_dostring(L, "bad = { 1, 2, { 3, { function() end } } }") == LUA_OK);  // no libraries here: print would be nil
  lua_getglobal(L, "bad");
  const int top = lua_gettop(L);
  CHECK_THROWS_WITH(plain_from_lua(L, -1), doctest::Contains("is not plain data"));
  CHECK(lua_gettop(L) == top);
}

TEST_CASE("a C++ value nested deeper than Lua can take is refused, not a crash") {
  State state;
  lua_State* L = state.L;
  schema::Datum deep = schema::Datum::array();
  for (int i = 0; i < 100000; ++i) {
    schema::Datum outer = schema::Datum::array();
    outer.push_back(std::move(deep));
    deep = std::move(outer);
  }
  const int top = lua_gettop(L);
  CHECK_THROWS_WITH(push_datum(L, deep), doctest::Contains("nested more than"));
  CHECK(lua_gettop(L) == top);
  // nlohmann's destructor is iterative, so dropping `deep` is fine.
}

}  // namespace klab
