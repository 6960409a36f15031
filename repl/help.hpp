// help(): one entry point to every piece of documentation klab has, each taken from where the
// behaviour is declared: config keys from the config catalogs, methods from the bindings' method
// tables, concepts from repl/lua/help_topics.lua.
#pragma once
#include <lua.hpp>

#include <span>
#include <string>
#include <vector>

namespace klab {

struct MethodDoc;
void open_help(lua_State* L);  // installs the global help()
std::span<const MethodDoc> klab_functions();
// Every word help() and completion know: topics, config keys, method names.
std::vector<std::string> help_words(lua_State* L);

}  // namespace klab
