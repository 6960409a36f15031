#include "lua_datum.hpp"

#include <fmt/format.h>

#include <map>

#include "lua_support.hpp"

namespace klab {

namespace {

constexpr int kMaxDepth = 100;

schema::Datum convert(lua_State* L, int index, LuaValueWalk& walk) {
  index = lua_absindex(L, index);
  LuaValueWalk::Scope scope(walk, index);
  switch (lua_type(L, index)) {
    case LUA_TNIL: return nullptr;
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return static_cast<int64_t>(lua_tointeger(L, index));
      return lua_tonumber(L, index);
    case LUA_TSTRING: {
      std::size_t size = 0;
      const char* data = lua_tolstring(L, index, &size);
      return std::string(data, size);
    }
    case LUA_TTABLE: break;
    default:
      walk.fail(fmt::format("cannot serialize a {}: records are tables of strings, numbers, booleans and tables",
                            luaL_typename(L, index)));
  }
  const auto length = static_cast<lua_Integer>(lua_rawlen(L, index));
  schema::Datum out = length > 0 ? schema::Datum::array() : schema::Datum::object();
  if (length > 0) {
    for (lua_Integer i = 1; i <= length; ++i) {
      lua_rawgeti(L, index, i);
      out.push_back(convert(L, -1, walk));
      lua_pop(L, 1);
    }
  }
  // Names in sorted order: Lua's traversal order may change between runs, klab's output may not.
  std::map<std::string, schema::Datum> fields;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      if (length > 0) walk.fail("cannot serialize a table that is both a list and a record (it has keys 1..n and names)");
      fields.emplace(lua_tostring(L, -2), convert(L, -1, walk));
    } else if (!(lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= length)) {
      std::string key = lua_type(L, -2) == LUA_TNUMBER ? fmt::format("{}", lua_tonumber(L, -2)) : luaL_typename(L, -2);
      walk.fail(fmt::format("cannot serialize a table with key {}: use field names or a list 1..n", key));
    }
    lua_pop(L, 1);
  }
  for (auto& [key, value] : fields) out[key] = std::move(value);
  return out;
}

void push_at_depth(lua_State* L, const schema::Datum& datum, int depth) {
  check_push_depth(L, depth);
  switch (datum.type()) {
    case schema::Datum::value_t::boolean: lua_pushboolean(L, datum.get<bool>()); return;
    case schema::Datum::value_t::number_integer: lua_pushinteger(L, datum.get<int64_t>()); return;
    case schema::Datum::value_t::number_unsigned: lua_pushinteger(L, static_cast<lua_Integer>(datum.get<uint64_t>())); return;
    case schema::Datum::value_t::number_float: lua_pushnumber(L, datum.get<double>()); return;
    case schema::Datum::value_t::string: {
      const std::string& s = datum.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case schema::Datum::value_t::array: {
      lua_createtable(L, static_cast<int>(datum.size()), 0);
      lua_Integer i = 0;
      for (const schema::Datum& item : datum) {
        push_at_depth(L, item, depth + 1);
        lua_rawseti(L, -2, ++i);
      }
      return;
    }
    case schema::Datum::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(datum.size()));
      for (const auto& item : datum.items()) {
        lua_pushlstring(L, item.key().data(), item.key().size());
        push_at_depth(L, item.value(), depth + 1);
        lua_rawset(L, -3);
      }
      return;
    }
    default: lua_pushnil(L); return;
  }
}

}  // namespace

schema::Datum datum_from_lua(lua_State* L, int index) {
  LuaValueWalk walk(L, "", kMaxDepth);
  return convert(L, index, walk);
}

void push_datum(lua_State* L, const schema::Datum& datum) {
  const int top = lua_gettop(L);
  try {
    push_at_depth(L, datum, 0);
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
}

}  // namespace klab
