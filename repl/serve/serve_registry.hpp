// How the Lua bindings reach the serving layer of their session: a pointer kept in the Lua registry while
// `klab serve` runs, and only then (c:connections() is empty outside serve mode). Not a global: each
// lua_State has its own.
#pragma once
#include <lua.hpp>

#include <functional>
#include <vector>

#include "serve/frame_handler.hpp"

namespace klab {
class Cluster;
}

namespace klab::serve {

struct ServeRegistry {
  const Cluster* cluster = nullptr;  // the served cluster; other clusters have no connections
  std::function<std::vector<ConnectionContext>()> connections;
};

void set_serve_registry(lua_State* L, ServeRegistry* registry);  // nullptr removes it
ServeRegistry* find_serve_registry(lua_State* L);

}  // namespace klab::serve
