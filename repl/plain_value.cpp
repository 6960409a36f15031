#include "plain_value.hpp"

#include <stdexcept>

namespace klab {
namespace {

struct Copier {
  lua_State* L;
  PlainLimits limits;
  int64_t nodes = 0;

  PlainValue copy(int index, int depth) {
    if (++nodes > limits.max_nodes)
      throw std::runtime_error("the value is too large (more than " + std::to_string(limits.max_nodes) + " parts)");
    index = lua_absindex(L, index);
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
        if (depth >= limits.max_depth)
          throw std::runtime_error("tables nested more than " + std::to_string(limits.max_depth) + " deep (or a cycle)");
        auto table = std::make_shared<PlainValue::Table>();
        luaL_checkstack(L, 3, "copying a value");
        lua_pushnil(L);
        while (lua_next(L, index) != 0) {  // raw: no __pairs, no __index
          PlainValue key = copy(-2, depth + 1);
          PlainValue value = copy(-1, depth + 1);
          table->emplace_back(std::move(key), std::move(value));
          lua_pop(L, 1);
        }
        out.value = std::move(table);
        break;
      }
      default:
        throw std::runtime_error(std::string("a ") + lua_typename(L, lua_type(L, index)) +
                                 " is not plain data (use numbers, strings, booleans and tables)");
    }
    return out;
  }
};

}  // namespace

PlainValue plain_from_lua(lua_State* L, int index, const PlainLimits& limits) {
  Copier copier{L, limits};
  return copier.copy(index, 0);
}

void push_plain(lua_State* L, const PlainValue& value) {
  luaL_checkstack(L, 3, "pushing a value");
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
            push_plain(L, key);
            push_plain(L, item);
            lua_rawset(L, -3);
          }
        }
      },
      value.value);
}

}  // namespace klab
