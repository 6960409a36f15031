// The Lua registry entry of `klab serve` (see serve_registry.hpp).
#include "serve/serve_registry.hpp"

namespace klab::serve {
namespace {
constexpr const char* kRegistryKey = "klab.serve";
}

void set_serve_registry(lua_State* L, ServeRegistry* registry) {
  if (registry) lua_pushlightuserdata(L, registry);
  else lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kRegistryKey);
}

ServeRegistry* find_serve_registry(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRegistryKey);
  auto* registry = static_cast<ServeRegistry*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return registry;
}

}  // namespace klab::serve
