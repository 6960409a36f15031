// help("serve") is there and says what a student needs: the wall clock, pause, faults, connections.
#include <doctest/doctest.h>
#include <lua.hpp>

#include <memory>
#include <optional>
#include <string>

#include "embedded_lua.hpp"

TEST_CASE("serve: help(\"serve\") explains the wall clock, pause/resume, faults and c:connections()") {
  std::unique_ptr<lua_State, decltype(&lua_close)> L(luaL_newstate(), &lua_close);
  std::optional<std::string_view> source = klab::embedded_lua("help_topics.lua");
  REQUIRE(source.has_value());
  REQUIRE(luaL_loadbuffer(L.get(), source->data(), source->size(), "=help_topics.lua") == LUA_OK);
  REQUIRE(lua_pcall(L.get(), 0, 1, 0) == LUA_OK);
  lua_getfield(L.get(), -1, "serve");
  REQUIRE(lua_isstring(L.get(), -1));
  const std::string text = lua_tostring(L.get(), -1);
  CHECK(text.find("klab serve [--brokers 3] [--port 9092]") != std::string::npos);
  CHECK(text.find("wall clock") != std::string::npos);
  CHECK(text.find("cluster:pause()") != std::string::npos);
  CHECK(text.find("c:stop_broker(2)") != std::string::npos);
  CHECK(text.find("c:connections()") != std::string::npos);
}
