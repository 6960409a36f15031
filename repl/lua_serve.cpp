// c:connections(), c:serving(), c:pause(), c:resume(): the Lua face of `klab serve` (repl/serve). Outside serve mode
// c:connections() is empty and pause/resume raise an error saying why: the clock of a pure simulation
// only moves when a call asks it to, so there is nothing to freeze.
#include "lua_bindings.hpp"
#include "lua_support.hpp"
#include "serve/serve_registry.hpp"

namespace klab {
namespace {

void set_string_field(lua_State* L, const char* name, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, name);
}

void push_connection(lua_State* L, const serve::ConnectionContext& connection) {
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, connection.broker);
  lua_setfield(L, -2, "broker");
  lua_pushinteger(L, static_cast<lua_Integer>(connection.connection_id));
  lua_setfield(L, -2, "id");
  set_string_field(L, "address", connection.client_address);
  set_string_field(L, "client_id", connection.client_id);
  set_string_field(L, "software_name", connection.client_software_name);
  set_string_field(L, "software_version", connection.client_software_version);
  lua_createtable(L, 0, static_cast<int>(connection.requests_by_api.size()));
  for (const auto& [api, count] : connection.requests_by_api) {
    lua_pushinteger(L, count);
    lua_setfield(L, -2, api.c_str());
  }
  lua_setfield(L, -2, "requests");
}

TimeDriver& pausable_driver(lua_State* L, const char* function) {
  TimeDriver* driver = check_cluster(L, 1, function).scheduler().time_driver();
  if (driver == nullptr || !driver->can_pause())
    throw LuaArgError(std::string("c:") + function +
                      "() works under `klab serve`, where the clock follows the wall clock; here simulated time "
                      "only moves when a call such as c:advance(ms) moves it");
  return *driver;
}

}  // namespace

int cluster_connections(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "connections");
  serve::ServeRegistry* registry = serve::find_serve_registry(L);
  std::vector<serve::ConnectionContext> open;
  if (registry && registry->cluster == &cluster && registry->connections) open = registry->connections();
  lua_createtable(L, static_cast<int>(open.size()), 0);
  for (std::size_t i = 0; i < open.size(); ++i) {
    push_connection(L, open[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

int cluster_serving(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "serving");
  serve::ServeRegistry* registry = serve::find_serve_registry(L);
  lua_pushboolean(L, registry != nullptr && registry->cluster == &cluster);
  return 1;
}

int cluster_pause(lua_State* L) {
  TimeDriver& driver = pausable_driver(L, "pause");
  driver.set_paused(true);
  lua_pushinteger(L, check_cluster(L, 1, "pause").now());
  return 1;
}

int cluster_resume(lua_State* L) {
  TimeDriver& driver = pausable_driver(L, "resume");
  driver.set_paused(false);
  lua_pushinteger(L, check_cluster(L, 1, "resume").now());
  return 1;
}

}  // namespace klab
