// Reading a lab's plain fields (ids, titles, points, a step's check) out of a Lua table, for the graders: a missing or
// mistyped field reads as empty or 0, and the grader reports what that leaves.
#pragma once

#include <lua.hpp>

#include <cstdint>
#include <string>

#include "grade_report.hpp"

namespace klab {

inline std::string string_field(lua_State* L, int table, const char* name) {
  lua_getfield(L, table, name);
  std::string value = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return value;
}

inline int64_t integer_field(lua_State* L, int table, const char* name) {
  lua_getfield(L, table, name);
  const int64_t value = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  return value;
}

// A lab step's id, title, points and visibility: what every report shows of a check.
inline CheckResult check_fields(lua_State* L, int step) {
  CheckResult check;
  check.id = string_field(L, step, "id");
  check.title = string_field(L, step, "title");
  check.points = static_cast<int>(integer_field(L, step, "points"));
  check.visibility = string_field(L, step, "visibility");
  return check;
}

}  // namespace klab
