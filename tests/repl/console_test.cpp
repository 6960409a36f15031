// Tests of the console's pure parts: how input is cut into chunks, what Tab offers, how values print,
// and a whole batch-mode session (stdin and stdout redirected through std::cin and std::cout).
#include <doctest/doctest.h>

#include "completion.hpp"
#include "console.hpp"

#include <iostream>
#include <memory>
#include <sstream>

namespace {

using Lua = std::unique_ptr<lua_State, decltype(&lua_close)>;

int return_true(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// A state shaped like klab's: a `klab` table, a `cluster` userdata whose methods sit in its metatable's
// __index, and a userdata type with a __name but no __tostring.
Lua make_state() {
  Lua L(luaL_newstate(), &lua_close);
  luaL_openlibs(L.get());
  lua_newuserdatauv(L.get(), 1, 0);
  luaL_newmetatable(L.get(), "klab.Cluster");
  const luaL_Reg methods[] = {{"create_topic", return_true}, {"consumer", return_true},
                              {"producer", return_true},     {"__internal", return_true},
                              {nullptr, nullptr}};
  luaL_newlib(L.get(), methods);
  lua_setfield(L.get(), -2, "__index");
  lua_pushcfunction(L.get(), [](lua_State* S) {
    lua_pushliteral(S, "Cluster(brokers=3)");
    return 1;
  });
  lua_setfield(L.get(), -2, "__tostring");
  lua_setmetatable(L.get(), -2);
  lua_setglobal(L.get(), "cluster");
  const luaL_Reg klab_functions[] = {{"partition_for", return_true}, {"cluster", return_true}, {nullptr, nullptr}};
  luaL_newlib(L.get(), klab_functions);
  lua_setglobal(L.get(), "klab");
  lua_newuserdatauv(L.get(), 1, 0);
  luaL_newmetatable(L.get(), "klab.Thing");
  lua_setmetatable(L.get(), -2);
  lua_setglobal(L.get(), "thing");
  return L;
}

// Evaluates `expression` and formats its value the way the console prints it.
std::string pretty(lua_State* L, const std::string& expression) {
  std::string code = "return " + expression;
  REQUIRE(luaL_dostring(L, code.c_str()) == LUA_OK);
  std::string text = klab::pretty_format(L, -1);
  lua_pop(L, 1);
  return text;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("console input is an expression when `return <input>` compiles, else a statement") {
  Lua L = make_state();
  CHECK(klab::compile_chunk(L.get(), "1 + 1").kind == klab::ChunkKind::expression);
  CHECK(klab::compile_chunk(L.get(), "cluster:create_topic('a')").kind == klab::ChunkKind::expression);
  CHECK(klab::compile_chunk(L.get(), "x = 1").kind == klab::ChunkKind::statement);
  CHECK(klab::compile_chunk(L.get(), "for i = 1, 2 do end").kind == klab::ChunkKind::statement);
  CHECK(lua_gettop(L.get()) == 4);  // each compiled chunk was pushed
}

TEST_CASE("console input that ran out of text is incomplete, so the console reads another line") {
  Lua L = make_state();
  CHECK(klab::compile_chunk(L.get(), "for i = 1, 2 do").kind == klab::ChunkKind::incomplete);
  CHECK(klab::compile_chunk(L.get(), "x = {").kind == klab::ChunkKind::incomplete);
  CHECK(klab::compile_chunk(L.get(), "{").kind == klab::ChunkKind::incomplete);  // a table spread over lines
  CHECK(klab::compile_chunk(L.get(), "s = [[first line").kind == klab::ChunkKind::incomplete);
  CHECK(klab::compile_chunk(L.get(), "{\n1,\n2\n}").kind == klab::ChunkKind::expression);
  CHECK(lua_gettop(L.get()) == 1);
}

TEST_CASE("console input that is wrong however it is read is a syntax error with the parser's message") {
  Lua L = make_state();
  klab::CompiledChunk compiled = klab::compile_chunk(L.get(), "x = = 1");
  CHECK(compiled.kind == klab::ChunkKind::syntax_error);
  CHECK(compiled.error == "stdin:1: unexpected symbol near '='");
  // Unlike lua.c: a quoted string cannot go on to the next line, so waiting for one would only delay the error.
  CHECK(klab::compile_chunk(L.get(), "s = \"unfinished").kind == klab::ChunkKind::syntax_error);
  CHECK(klab::compile_chunk(L.get(), "s = \"continued\\").kind == klab::ChunkKind::incomplete);
  CHECK(lua_gettop(L.get()) == 0);
}

TEST_CASE("Tab completes globals, fields after `.`, methods after `:` and nested paths") {
  Lua L = make_state();
  CHECK(klab::completion_candidates(L.get(), "clu", {}) == Strings{"cluster"});
  CHECK(klab::completion_candidates(L.get(), "x = cluster:cr", {}) == Strings{"cluster:create_topic"});
  CHECK(klab::completion_candidates(L.get(), "cluster:c", {}) ==
        Strings{"cluster:consumer", "cluster:create_topic"});
  CHECK(klab::completion_candidates(L.get(), "print(klab.par", {}) == Strings{"klab.partition_for"});
  CHECK(klab::completion_candidates(L.get(), "string.fo", {}) == Strings{"string.format"});
  CHECK(klab::completion_candidates(L.get(), "fun", {}) == Strings{"function"});  // keywords too
  CHECK(klab::completion_candidates(L.get(), "\"a\" .. clu", {}) == Strings{"cluster"});
}

TEST_CASE("Tab after `:` offers only functions, and never names starting with __ unless typed") {
  Lua L = make_state();
  REQUIRE(luaL_dostring(L.get(), "t = { count = 1, add = function() end, __hidden = 2 }") == LUA_OK);
  CHECK(klab::completion_candidates(L.get(), "t:", {}) == Strings{"t:add"});
  CHECK(klab::completion_candidates(L.get(), "t.", {}) == Strings{"t.add", "t.count"});
  CHECK(klab::completion_candidates(L.get(), "t.__", {}) == Strings{"t.__hidden"});
  CHECK(klab::completion_candidates(L.get(), "cluster:__", {}) == Strings{"cluster:__internal"});
}

TEST_CASE("Tab follows __index tables, as objects built on classes use them") {
  Lua L = make_state();
  REQUIRE(luaL_dostring(L.get(), "Base = { describe = function() end }\n"
                                 "obj = setmetatable({ name = 'x' }, { __index = Base })") == LUA_OK);
  CHECK(klab::completion_candidates(L.get(), "obj.", {}) == Strings{"obj.describe", "obj.name"});
}

TEST_CASE("Tab inside a string literal completes from the extra list, such as Kafka config keys") {
  Lua L = make_state();
  Strings keys = {"linger.ms", "acks", "batch.size", "auto.offset.reset"};
  CHECK(klab::completion_candidates(L.get(), "p = cluster:producer{ [\"lin", keys) == Strings{"linger.ms"});
  CHECK(klab::completion_candidates(L.get(), "x = 'a", keys) == Strings{"acks", "auto.offset.reset"});
  CHECK(klab::completion_candidates(L.get(), "s = [[\nclu", keys).empty());  // a long string from a line above
  CHECK(klab::completion_candidates(L.get(), "x = 'done' .. clu", keys) == Strings{"cluster"});
  CHECK(klab::completion_candidates(L.get(), "-- a comment about clu", keys).empty());
}

TEST_CASE("strings print bare at the top level and quoted inside tables") {
  Lua L = make_state();
  CHECK(pretty(L.get(), "'orders'") == "orders");
  CHECK(pretty(L.get(), "{ 'a\\nb', 'q\"' }") == "{ \"a\\nb\", \"q\\\"\" }");
}

TEST_CASE("tables print as sorted constructors, on one line when short") {
  Lua L = make_state();
  CHECK(pretty(L.get(), "{ 1, 2, 3 }") == "{ 1, 2, 3 }");
  CHECK(pretty(L.get(), "{ b = 2, a = 1, [2.5] = 'x', ['linger.ms'] = 5 }") ==
        "{ [2.5] = \"x\", a = 1, b = 2, [\"linger.ms\"] = 5 }");
  CHECK(pretty(L.get(), "{}") == "{}");
  CHECK(pretty(L.get(), "{ string.rep('a', 40), string.rep('b', 40) }") ==
        "{\n  \"" + std::string(40, 'a') + "\",\n  \"" + std::string(40, 'b') + "\",\n}");
}

TEST_CASE("cycles, deep nesting, functions and userdata print as placeholders") {
  Lua L = make_state();
  CHECK(pretty(L.get(), "(function() local t = {}; t.self = t; return t end)()") == "{ self = <cycle> }");
  CHECK(pretty(L.get(), "{{{{{{ 1 }}}}}}") == "{ { { { { { 1 } } } } } }");  // six levels print in full
  CHECK(pretty(L.get(), "{{{{{{{ 1 }}}}}}}") == "{ { { { { { {...} } } } } } }");
  CHECK(pretty(L.get(), "print") == "<function>");
  CHECK(pretty(L.get(), "thing") == "<userdata klab.Thing>");
  CHECK(pretty(L.get(), "{ cluster }") == "{ Cluster(brokers=3) }");  // __tostring wins
}

TEST_CASE("a list of records prints as an aligned table, Kafka's columns first") {
  Lua L = make_state();
  CHECK(pretty(L.get(), "{ { value = 'v1', partition = 0, offset = 7, topic = 'orders', key = 'k' },"
                        "  { value = 'v2', partition = 12, offset = 8, topic = 'orders', timestamp = 5 } }") ==
        "topic   partition  offset  key  value  timestamp\n"
        "orders  0          7       k    v1\n"
        "orders  12         8            v2     5");
  CHECK(pretty(L.get(), "{ { value = string.rep('x', 50) } }") == "value\n" + std::string(39, 'x') + "…");
}

TEST_CASE("a record list's metatable may name its columns with __fields") {
  Lua L = make_state();
  CHECK(pretty(L.get(), "setmetatable({ { a = 1, b = 2, c = 3 } }, { __fields = { 'c', 'a' } })") ==
        "c  a  b\n3  1  2");
}

TEST_CASE("a batch session prints each result, reports errors on stderr and exits with 1 after one") {
  Lua L = make_state();
  std::istringstream input("x = 1 + 1\nx\nfor i = 1, 2 do\n  x = x + i\nend\nx, 'done'\nerror('boom')\n"
                           "cluster:create_topic('t')\n");
  std::ostringstream output, errors;
  auto* saved_in = std::cin.rdbuf(input.rdbuf());
  auto* saved_out = std::cout.rdbuf(output.rdbuf());
  auto* saved_err = std::cerr.rdbuf(errors.rdbuf());
  klab::ConsoleOptions options;
  options.banner = "hello";  // not printed: batch sessions have no banner
  options.interactive = false;
  int exit_code = klab::run_console(L.get(), options);
  std::cin.rdbuf(saved_in);
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  CHECK(output.str() == "2\n5\tdone\ntrue\n");
  CHECK(errors.str() == "error: stdin:1: boom\n");
  CHECK(exit_code == 1);
  CHECK(lua_gettop(L.get()) == 0);
}
