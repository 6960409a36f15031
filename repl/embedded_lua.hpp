// Lua sources of repl/lua/, compiled into the klab binary and looked up by file name ("pretty.lua").
#pragma once
#include <optional>
#include <string_view>

namespace klab {

std::optional<std::string_view> embedded_lua(std::string_view name);

}  // namespace klab
