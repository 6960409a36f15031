// Shared between the Kafka Streams bindings (lua_streams_functions.cpp, lua_streams_dsl.cpp,
// lua_streams_app.cpp): Lua functions as the kernel's topology functions, and the builder type.
#pragma once
#include <lua.hpp>

#include <memory>
#include <string>

#include "streams/streams_builder.hpp"

namespace klab {

// The Lua functions of one builder: registry references, released together, and a Lua thread of
// their own that the kernel calls them on (from inside whichever call runs the simulation).
class LuaFunctions {
 public:
  explicit LuaFunctions(lua_State* L);
  ~LuaFunctions();
  LuaFunctions(const LuaFunctions&) = delete;
  LuaFunctions& operator=(const LuaFunctions&) = delete;
  // Takes a reference to the function at `index` (checked: a Lua error names `operation`).
  int keep(lua_State* L, int index, const char* operation);
  lua_State* thread() const { return thread_; }

 private:
  lua_State* main_;
  lua_State* thread_;
  int thread_ref_;
  std::vector<int> refs_;
};

// One Lua function as each kind of topology function. A call that raises, or returns the wrong
// type, throws std::runtime_error with the Lua message and traceback.
struct LuaFunction {
  std::shared_ptr<LuaFunctions> owner;
  int ref;
  const char* operation;  // "filter", "map_values", ... for messages
};
streams::Predicate lua_predicate(LuaFunction function);
streams::KeyValueMapper lua_key_value_mapper(LuaFunction function);
streams::ValueMapper lua_value_mapper(LuaFunction function);
streams::FlatKeyValueMapper lua_flat_mapper(LuaFunction function);
streams::FlatValueMapper lua_flat_value_mapper(LuaFunction function);
streams::ForeachAction lua_action(LuaFunction function);
streams::Initializer lua_initializer(LuaFunction function);
streams::Aggregator lua_aggregator(LuaFunction function);
streams::Reducer lua_reducer(LuaFunction function);
streams::ValueJoiner lua_joiner(LuaFunction function);
// Calls the global print with the line, protected (errors are ignored).
void lua_print_line(const std::shared_ptr<LuaFunctions>& functions, const std::string& line);

// klab.StreamsBuilder userdata.
struct BuilderHandle {
  std::shared_ptr<streams::StreamsBuilder> builder;  // shared with the handles that point into it
  std::shared_ptr<LuaFunctions> functions;
};
constexpr const char* kStreamsBuilderType = "klab.StreamsBuilder";
BuilderHandle& check_builder(lua_State* L, int index, const char* function);
// The built topology of the builder at `index` (a Lua error with Kafka's wording when invalid).
std::shared_ptr<const streams::Topology> build_topology(lua_State* L, int index, const char* function);

void register_streams_dsl_types(lua_State* L);
void register_streams_app_types(lua_State* L);
int new_streams_builder(lua_State* L);      // klab.streams_builder()
int new_topology_test_driver(lua_State* L);  // klab.topology_test_driver(builder)
int new_streams_app(lua_State* L);           // c:streams(builder, config)

}  // namespace klab
