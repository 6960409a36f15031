// Plain Lua data (nil, booleans, numbers, strings, tables of those) copied out of one Lua state and
// into another. The grader moves a graded script's answers and a lab's params across the sandbox
// boundary this way: the copy reads tables raw (no metamethod of the script ever runs in the
// grader) and is bounded, so a cyclic or huge value is refused instead of hanging the grader.
#pragma once
#include <lua.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace klab {

struct PlainValue {
  using Table = std::vector<std::pair<PlainValue, PlainValue>>;
  std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<Table>> value;
};

struct PlainLimits {
  int max_depth = 16;
  int64_t max_nodes = 100000;
};

// Copies the value at `index`. Throws std::runtime_error naming what is not plain data.
PlainValue plain_from_lua(lua_State* L, int index, const PlainLimits& limits = {});
void push_plain(lua_State* L, const PlainValue& value);

}  // namespace klab
