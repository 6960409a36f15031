// The Kafka Streams DSL in Lua: klab.streams_builder() and the handles its operations return
// (klab.KStream, klab.KTable, klab.GlobalKTable, klab.KGroupedStream, klab.BranchedKStream).
// Operations are Kafka's in snake_case; functions are Lua functions taking (key, value) as strings
// or nil. Every handle keeps its builder alive (first user value).
#include <fmt/format.h>

#include "lua_bindings.hpp"
#include "lua_streams.hpp"
#include "lua_support.hpp"

namespace klab {

using namespace klab::streams;

namespace {

constexpr const char* kKStreamType = "klab.KStream";
constexpr const char* kKTableType = "klab.KTable";
constexpr const char* kGlobalKTableType = "klab.GlobalKTable";
constexpr const char* kGroupedType = "klab.KGroupedStream";
constexpr const char* kBranchedType = "klab.BranchedKStream";

template <class T>
T& check_handle(lua_State* L, int index, const char* type, const char* function) {
  return *static_cast<T*>(check_userdata(L, index, type, function));
}

// Pushes a new handle of `type`; the builder (user value of the handle at `owner`, or the builder
// itself) becomes its user value.
template <class T>
void push_handle(lua_State* L, const char* type, T value, int owner) {
  owner = lua_absindex(L, owner);
  if (luaL_testudata(L, owner, kStreamsBuilderType))
    lua_pushvalue(L, owner);
  else
    lua_getiuservalue(L, owner, 1);
  // The handle points into the builder: it keeps the builder itself alive, not only its userdata.
  auto* builder = static_cast<BuilderHandle*>(test_userdata(L, -1, kStreamsBuilderType));
  if (!builder || !builder->builder) throw LuaArgError("this stream's builder is gone");
  push_object(L, type, std::move(value), 1, builder->builder);
  lua_insert(L, -2);
  lua_setiuservalue(L, -2, 1);
}

// The builder of the handle at `index`, for its Lua functions.
BuilderHandle& owner_builder(lua_State* L, int index) {
  lua_getiuservalue(L, index, 1);
  auto* builder = static_cast<BuilderHandle*>(test_userdata(L, -1, kStreamsBuilderType));
  lua_pop(L, 1);  // the handle keeps it referenced
  if (!builder || !builder->builder) throw LuaArgError("this stream's builder is gone");
  return *builder;
}

LuaFunction function_arg(lua_State* L, int self, int index, const char* operation) {
  BuilderHandle& builder = owner_builder(L, self);
  return LuaFunction{builder.functions, builder.functions->keep(L, index, operation), operation};
}

std::optional<std::string> opt_name(lua_State* L, int index, const char* function) { return opt_string(L, index, function); }

// ---- klab.StreamsBuilder

int builder_stream(lua_State* L) {
  BuilderHandle& handle = check_builder(L, 1, "stream");
  std::vector<std::string> topics;
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_Integer length = static_cast<lua_Integer>(lua_rawlen(L, 2));
    for (lua_Integer i = 1; i <= length; ++i) {
      lua_rawgeti(L, 2, i);
      bool is_string = lua_type(L, -1) == LUA_TSTRING;
      if (is_string) topics.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (!is_string) throw LuaArgError("stream: the list of topics must hold topic names (strings)");
    }
    if (topics.empty()) throw LuaArgError("stream: give at least one topic");
  } else {
    topics.push_back(check_string(L, 2, "stream", "topic name"));
  }
  push_handle(L, kKStreamType, handle.builder->stream(topics), 1);
  return 1;
}

int builder_table(lua_State* L) {
  BuilderHandle& handle = check_builder(L, 1, "table");
  std::string topic = check_string(L, 2, "table", "topic name");
  push_handle(L, kKTableType, handle.builder->table(topic, opt_name(L, 3, "table")), 1);
  return 1;
}

int builder_global_table(lua_State* L) {
  BuilderHandle& handle = check_builder(L, 1, "global_table");
  std::string topic = check_string(L, 2, "global_table", "topic name");
  push_handle(L, kGlobalKTableType, handle.builder->global_table(topic, opt_name(L, 3, "global_table")), 1);
  return 1;
}

int builder_describe(lua_State* L) {
  std::string text = build_topology(L, 1, "describe")->describe();
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int builder_tostring(lua_State* L) {
  lua_pushstring(L, "klab.StreamsBuilder (b:describe() prints its topology)");
  return 1;
}

// ---- klab.KStream

KStream& check_stream(lua_State* L, int index, const char* function) {
  return check_handle<KStream>(L, index, kKStreamType, function);
}

// A stateless operation taking one Lua function: `Adapt` wraps the function as the C++ callable the
// operation expects (predicate, mapper, action), so each binding is one line.
template <auto Op, auto Adapt>
int stream_function_op(lua_State* L, const char* name) {
  KStream& stream = check_stream(L, 1, name);
  push_handle(L, kKStreamType, (stream.*Op)(Adapt(function_arg(L, 1, 2, name))), 1);
  return 1;
}

int stream_filter(lua_State* L) { return stream_function_op<&KStream::filter, lua_predicate>(L, "filter"); }
int stream_filter_not(lua_State* L) { return stream_function_op<&KStream::filter_not, lua_predicate>(L, "filter_not"); }
int stream_map(lua_State* L) { return stream_function_op<&KStream::map, lua_key_value_mapper>(L, "map"); }
int stream_map_values(lua_State* L) { return stream_function_op<&KStream::map_values, lua_value_mapper>(L, "map_values"); }
int stream_flat_map(lua_State* L) { return stream_function_op<&KStream::flat_map, lua_flat_mapper>(L, "flat_map"); }
int stream_flat_map_values(lua_State* L) {
  return stream_function_op<&KStream::flat_map_values, lua_flat_value_mapper>(L, "flat_map_values");
}
int stream_select_key(lua_State* L) { return stream_function_op<&KStream::select_key, lua_value_mapper>(L, "select_key"); }
int stream_peek(lua_State* L) { return stream_function_op<&KStream::peek, lua_action>(L, "peek"); }

int stream_foreach(lua_State* L) {
  check_stream(L, 1, "foreach").foreach(lua_action(function_arg(L, 1, 2, "foreach")));
  return 0;
}

int stream_merge(lua_State* L) {
  KStream& stream = check_stream(L, 1, "merge");
  KStream& other = check_stream(L, 2, "merge");
  push_handle(L, kKStreamType, stream.merge(other), 1);
  return 1;
}

int stream_to(lua_State* L) {
  check_stream(L, 1, "to").to(check_string(L, 2, "to", "topic name"));
  return 0;
}

int stream_split(lua_State* L) {
  KStream& stream = check_stream(L, 1, "split");
  push_handle(L, kBranchedType, stream.split(opt_name(L, 2, "split")), 1);
  return 1;
}

int stream_group_by_key(lua_State* L) {
  push_handle(L, kGroupedType, check_stream(L, 1, "group_by_key").group_by_key(), 1);
  return 1;
}

int stream_group_by(lua_State* L) {
  KStream& stream = check_stream(L, 1, "group_by");
  push_handle(L, kGroupedType, stream.group_by(lua_value_mapper(function_arg(L, 1, 2, "group_by"))), 1);
  return 1;
}

int stream_join_kind(lua_State* L, const char* name, bool left) {
  KStream& stream = check_stream(L, 1, name);
  if (auto* table = static_cast<KTable*>(test_userdata(L, 2, kKTableType))) {
    ValueJoiner joiner = lua_joiner(function_arg(L, 1, 3, name));
    push_handle(L, kKStreamType, left ? stream.left_join(*table, joiner) : stream.join(*table, joiner), 1);
    return 1;
  }
  if (auto* global = static_cast<GlobalKTable*>(test_userdata(L, 2, kGlobalKTableType))) {
    KeySelector selector = lua_value_mapper(function_arg(L, 1, 3, name));
    ValueJoiner joiner = lua_joiner(function_arg(L, 1, 4, name));
    push_handle(L, kKStreamType,
                left ? stream.left_join(*global, selector, joiner) : stream.join(*global, selector, joiner), 1);
    return 1;
  }
  throw LuaArgError(fmt::format("{}: expected a KTable (s:{}(table, joiner)) or a GlobalKTable (s:{}(global, "
                                "key_selector, joiner)), got {}",
                                name, name, name, type_name_at(L, 2)));
}

int stream_join(lua_State* L) { return stream_join_kind(L, "join", false); }
int stream_left_join(lua_State* L) { return stream_join_kind(L, "left_join", true); }

int stream_tostring(lua_State* L) {
  // tostring never raises: a stream whose handle was finalized by hand still prints.
  auto* stream = static_cast<KStream*>(opt_userdata(L, 1, kKStreamType, "__tostring"));
  std::string text = stream ? "KStream " + stream->node_name() : std::string("KStream (closed)");
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// ---- klab.BranchedKStream

int branched_branch(lua_State* L) {
  auto& branched = check_handle<BranchedKStream>(L, 1, kBranchedType, "branch");
  branched.branch(lua_predicate(function_arg(L, 1, 2, "branch")), opt_name(L, 3, "branch"));
  lua_settop(L, 1);
  return 1;
}

void push_branches(lua_State* L, const std::map<std::string, KStream>& branches) {
  lua_createtable(L, 0, static_cast<int>(branches.size()));
  for (const auto& [name, stream] : branches) {
    push_handle(L, kKStreamType, stream, 1);
    lua_setfield(L, -2, name.c_str());
  }
}

int branched_default_branch(lua_State* L) {
  auto& branched = check_handle<BranchedKStream>(L, 1, kBranchedType, "default_branch");
  push_branches(L, branched.default_branch(opt_name(L, 2, "default_branch")));
  return 1;
}

int branched_no_default_branch(lua_State* L) {
  push_branches(L, check_handle<BranchedKStream>(L, 1, kBranchedType, "no_default_branch").no_default_branch());
  return 1;
}

// ---- klab.KGroupedStream

KGroupedStream& check_grouped(lua_State* L, const char* function) {
  return check_handle<KGroupedStream>(L, 1, kGroupedType, function);
}

int grouped_count(lua_State* L) {
  KGroupedStream& grouped = check_grouped(L, "count");
  push_handle(L, kKTableType, grouped.count(opt_name(L, 2, "count")), 1);
  return 1;
}

int grouped_reduce(lua_State* L) {
  KGroupedStream& grouped = check_grouped(L, "reduce");
  Reducer reducer = lua_reducer(function_arg(L, 1, 2, "reduce"));
  push_handle(L, kKTableType, grouped.reduce(reducer, opt_name(L, 3, "reduce")), 1);
  return 1;
}

int grouped_aggregate(lua_State* L) {
  KGroupedStream& grouped = check_grouped(L, "aggregate");
  Initializer initializer = lua_initializer(function_arg(L, 1, 2, "aggregate"));
  Aggregator aggregator = lua_aggregator(function_arg(L, 1, 3, "aggregate"));
  push_handle(L, kKTableType, grouped.aggregate(initializer, aggregator, opt_name(L, 4, "aggregate")), 1);
  return 1;
}

int grouped_windowed_by(lua_State* L) {
  KGroupedStream& grouped = check_grouped(L, "windowed_by");
  check_table(L, 2, "windowed_by");
  auto field = [&](const char* name, std::optional<int64_t> fallback) -> int64_t {
    int type = raw_field(L, 2, name);
    std::optional<int64_t> value;
    if (type == LUA_TNUMBER && lua_isinteger(L, -1)) value = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (type != LUA_TNIL && !value) throw LuaArgError(fmt::format("windowed_by: {} must be an integer (ms)", name));
    if (!value && !fallback)
      throw LuaArgError("windowed_by: give the window as { size_ms = 60000 [, advance_ms = n] [, grace_ms = n] }");
    return value ? *value : *fallback;
  };
  TimeWindows windows;
  windows.size_ms = field("size_ms", std::nullopt);
  windows.advance_ms = field("advance_ms", windows.size_ms);
  windows.grace_ms = field("grace_ms", int64_t{0});
  push_handle(L, kGroupedType, grouped.windowed_by(windows), 1);
  return 1;
}

// ---- klab.KTable

KTable& check_table_handle(lua_State* L, int index, const char* function) {
  return check_handle<KTable>(L, index, kKTableType, function);
}

int table_to_stream(lua_State* L) {
  push_handle(L, kKStreamType, check_table_handle(L, 1, "to_stream").to_stream(), 1);
  return 1;
}

template <KTable (KTable::*Op)(const KTable&, ValueJoiner)>
int table_join_op(lua_State* L, const char* name) {
  KTable& table = check_table_handle(L, 1, name);
  KTable& other = check_table_handle(L, 2, name);
  push_handle(L, kKTableType, (table.*Op)(other, lua_joiner(function_arg(L, 1, 3, name))), 1);
  return 1;
}

int table_join(lua_State* L) { return table_join_op<&KTable::join>(L, "join"); }
int table_left_join(lua_State* L) { return table_join_op<&KTable::left_join>(L, "left_join"); }
int table_outer_join(lua_State* L) { return table_join_op<&KTable::outer_join>(L, "outer_join"); }

int table_store_name(lua_State* L) {
  const std::string& name = check_table_handle(L, 1, "store_name").store_name();
  if (name.empty())
    lua_pushnil(L);
  else
    lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int global_store_name(lua_State* L) {
  const std::string& name = check_handle<GlobalKTable>(L, 1, kGlobalKTableType, "store_name").store_name();
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

const MethodDoc kBuilderMethods[] = {
    {"stream", lua_entry<builder_stream>, "b:stream(topic | {topics}) --> KStream",
     "A record stream read from the topic(s): every record is an event."},
    {"table", lua_entry<builder_table>, "b:table(topic [, store_name]) --> KTable",
     "A changelog stream read as a table: the latest value per key; a null value deletes the key."},
    {"global_table", lua_entry<builder_global_table>, "b:global_table(topic [, store_name]) --> GlobalKTable",
     "A table every instance reads in full (all partitions), for stream-global joins."},
    {"describe", lua_entry<builder_describe>, "b:describe() --> text",
     "The topology as Kafka's Topology#describe() prints it: sub-topologies, sources, processors, stores, sinks."},
};

const MethodDoc kStreamMethods[] = {
    {"filter", lua_entry<stream_filter>, "s:filter(fn(key, value) --> boolean) --> KStream", "Keeps the records for which fn is true."},
    {"filter_not", lua_entry<stream_filter_not>, "s:filter_not(fn(key, value)) --> KStream", "Drops the records for which fn is true."},
    {"map", lua_entry<stream_map>, "s:map(fn(key, value) --> new_key, new_value) --> KStream",
     "A new key and value per record (marks the stream for repartitioning before a grouping or join)."},
    {"map_values", lua_entry<stream_map_values>, "s:map_values(fn(key, value) --> new_value) --> KStream",
     "A new value per record; the key stays."},
    {"flat_map", lua_entry<stream_flat_map>, "s:flat_map(fn(key, value) --> { {k, v}, ... }) --> KStream",
     "Zero or more records per record."},
    {"flat_map_values", lua_entry<stream_flat_map_values>, "s:flat_map_values(fn(key, value) --> { v, ... }) --> KStream",
     "Zero or more values per record, each with the record's key."},
    {"select_key", lua_entry<stream_select_key>, "s:select_key(fn(key, value) --> new_key) --> KStream", "A new key per record."},
    {"peek", lua_entry<stream_peek>, "s:peek(fn(key, value)) --> KStream", "Calls fn for each record and passes it on."},
    {"foreach", lua_entry<stream_foreach>, "s:foreach(fn(key, value))", "Calls fn for each record (terminal)."},
    {"merge", lua_entry<stream_merge>, "s:merge(other) --> KStream", "Both streams' records in one stream."},
    {"to", lua_entry<stream_to>, "s:to(topic)", "Writes every record to the topic (partitioned by key, as a producer does)."},
    {"split", lua_entry<stream_split>, "s:split([prefix]) --> BranchedKStream",
     "Starts branching: :branch(fn [, name]) ... :default_branch([name]) or :no_default_branch() --> { [prefix..name] = KStream }."},
    {"group_by_key", lua_entry<stream_group_by_key>, "s:group_by_key() --> KGroupedStream", "Groups by the current key."},
    {"group_by", lua_entry<stream_group_by>, "s:group_by(fn(key, value) --> new_key) --> KGroupedStream",
     "Groups by a new key (through a repartition topic)."},
    {"join", lua_entry<stream_join>, "s:join(table, fn(value, table_value)) | s:join(global, fn(key, value) --> table_key, joiner) --> KStream",
     "Inner join with a KTable (same key; co-partitioned) or a GlobalKTable (key chosen by a function)."},
    {"left_join", lua_entry<stream_left_join>, "s:left_join(table, joiner) | s:left_join(global, key_selector, joiner) --> KStream",
     "Like join, but a record without a match is joined with nil."},
};

const MethodDoc kBranchedMethods[] = {
    {"branch", lua_entry<branched_branch>, "bs:branch(fn(key, value) --> boolean [, name]) --> bs",
     "A branch for the records fn accepts (first match wins)."},
    {"default_branch", lua_entry<branched_default_branch>, "bs:default_branch([name]) --> { name = KStream }",
     "A branch for the records no predicate accepted; returns every branch by name."},
    {"no_default_branch", lua_entry<branched_no_default_branch>, "bs:no_default_branch() --> { name = KStream }",
     "Returns every branch by name; unmatched records are dropped."},
};

const MethodDoc kGroupedMethods[] = {
    {"count", lua_entry<grouped_count>, "g:count([store_name]) --> KTable", "Records per key (Kafka's Long serde; Lua reads integers)."},
    {"reduce", lua_entry<grouped_reduce>, "g:reduce(fn(aggregate, value) --> aggregate [, store_name]) --> KTable",
     "Combines the values of each key; the first value is the start."},
    {"aggregate", lua_entry<grouped_aggregate>,
     "g:aggregate(fn() --> initial, fn(key, value, aggregate) --> aggregate [, store_name]) --> KTable",
     "Folds the values of each key into an aggregate."},
    {"windowed_by", lua_entry<grouped_windowed_by>, "g:windowed_by{ size_ms = n [, advance_ms = n] [, grace_ms = 0] } --> KGroupedStream",
     "Time windows (tumbling, or hopping with advance_ms); keys become \"[key@start/end]\"."},
};

const MethodDoc kTableMethods[] = {
    {"to_stream", lua_entry<table_to_stream>, "t:to_stream() --> KStream", "Every update of the table as a record."},
    {"join", lua_entry<table_join>, "t:join(other, fn(value, other_value)) --> KTable", "Table-table inner join."},
    {"left_join", lua_entry<table_left_join>, "t:left_join(other, joiner) --> KTable", "Table-table left join."},
    {"outer_join", lua_entry<table_outer_join>, "t:outer_join(other, joiner) --> KTable", "Table-table outer join."},
    {"store_name", lua_entry<table_store_name>, "t:store_name() --> name | nil", "The store holding the table (app:store(name))."},
};

const MethodDoc kGlobalMethods[] = {
    {"store_name", lua_entry<global_store_name>, "g:store_name() --> name", "The global store's name."},
};

}  // namespace

const TypeDoc kStreamsBuilderTypeDoc{kStreamsBuilderType, "streams_builder",
                                     "Builds a Kafka Streams topology: b:stream, b:table, b:global_table.", kBuilderMethods};
const TypeDoc kKStreamTypeDoc{kKStreamType, "kstream", "A record stream of a topology.", kStreamMethods};
const TypeDoc kKTableTypeDoc{kKTableType, "ktable", "A table (changelog stream) of a topology.", kTableMethods};
const TypeDoc kGroupedTypeDoc{kGroupedType, "kgroupedstream", "A grouped stream, ready to aggregate.", kGroupedMethods};
const TypeDoc kBranchedTypeDoc{kBranchedType, "branchedkstream", "A stream being split into branches.", kBranchedMethods};
const TypeDoc kGlobalKTableTypeDoc{kGlobalKTableType, "globalktable", "A table every instance holds in full.", kGlobalMethods};

BuilderHandle& check_builder(lua_State* L, int index, const char* function) {
  auto* handle = static_cast<BuilderHandle*>(check_userdata(L, index, kStreamsBuilderType, function));
  if (!handle->builder) throw LuaArgError("this builder is gone");
  return *handle;
}

std::shared_ptr<const Topology> build_topology(lua_State* L, int index, const char* function) {
  auto built = check_builder(L, index, function).builder->build();
  if (!built) throw LuaArgError(fmt::format("{}: {}", function, built.error().message));
  return *built;
}

int new_streams_builder(lua_State* L) {
  auto functions = std::make_shared<LuaFunctions>(L);
  push_object(L, kStreamsBuilderType, BuilderHandle{std::make_shared<StreamsBuilder>(), std::move(functions)});
  return 1;
}

void register_streams_dsl_types(lua_State* L) {
  static const luaL_Reg builder_meta[] = {{"__tostring", lua_entry<builder_tostring>}};
  register_type(L, kStreamsBuilderTypeDoc, builder_meta);
  static const luaL_Reg stream_meta[] = {{"__tostring", lua_entry<stream_tostring>}};
  register_type(L, kKStreamTypeDoc, stream_meta);
  register_type(L, kKTableTypeDoc, {});
  register_type(L, kGroupedTypeDoc, {});
  register_type(L, kBranchedTypeDoc, {});
  register_type(L, kGlobalKTableTypeDoc, {});
}

}  // namespace klab
