#include "plain_value.hpp"

#include <stdexcept>

#include "lua_support.hpp"

namespace klab {
namespace {

struct Copier {
  lua_State* L;
  LuaValueWalk& walk;

  PlainValue copy(int index) {
    index = lua_absindex(L, index);
    LuaValueWalk::Scope scope(walk, index);  // counts the value; depth, cycles and stack room for a table
    PlainValue out;
    switch (lua_type(L, index)) {
      case LUA_TNIL: break;
      case LUA_TBOOLEAN: out.value = lua_toboolean(L, index) != 0; break;
      case LUA_TNUMBER:
        if (lua_isinteger(L, index)) out.value = static_cast<int64_t>(lua_tointeger(L, index));
        else out.value = static_cast<double>(lua_tonumber(L, index));
        break;
      case LUA_TSTRING: {
        size_t length = 0;
        const char* text = lua_tolstring(L, index, &length);
        out.value = std::string(text, length);
        break;
      }
      case LUA_TTABLE: {
        auto table = std::make_shared<PlainValue::Table>();
        lua_pushnil(L);
        while (lua_next(L, index) != 0) {  // raw: no __pairs, no __index
          PlainValue key = copy(-2);
          PlainValue value = copy(-1);
          table->emplace_back(std::move(key), std::move(value));
          lua_pop(L, 1);
        }
        out.value = std::move(table);
        break;
      }
      default:
        walk.fail(std::string("a ") + lua_typename(L, lua_type(L, index)) +
                  " is not plain data (use numbers, strings, booleans and tables)");
    }
    return out;
  }
};

void push_at_depth(lua_State* L, const PlainValue& value, int depth) {
  check_push_depth(L, depth);
  std::visit(
      [&](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::monostate>) lua_pushnil(L);
        else if constexpr (std::is_same_v<T, bool>) lua_pushboolean(L, held);
        else if constexpr (std::is_same_v<T, int64_t>) lua_pushinteger(L, static_cast<lua_Integer>(held));
        else if constexpr (std::is_same_v<T, double>) lua_pushnumber(L, held);
        else if constexpr (std::is_same_v<T, std::string>) lua_pushlstring(L, held.data(), held.size());
        else {
          lua_createtable(L, 0, static_cast<int>(held->size()));
          for (const auto& [key, item] : *held) {
            push_at_depth(L, key, depth + 1);
            push_at_depth(L, item, depth + 1);
            lua_rawset(L, -3);
          }
        }
      },
      value.value);
}

}  // namespace

PlainValue plain_from_lua(lua_State* L, int index, const PlainLimits& limits) {
  LuaValueWalk walk(L, "", limits.max_depth, limits.max_nodes);
  Copier copier{L, walk};
  return copier.copy(index);
}

void push_plain(lua_State* L, const PlainValue& value) {
  const int top = lua_gettop(L);
  try {
    push_at_depth(L, value, 0);
  } catch (...) {
    lua_settop(L, top);
    throw;
  }
}

}  // namespace klab
