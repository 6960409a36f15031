// klab.StreamsApp (c:streams(builder, config)) and klab.TopologyTestDriver
// (klab.topology_test_driver(builder)): a Kafka Streams application on the cluster, and the same
// topology run without one.
#include <fmt/format.h>

#include "lua_bindings.hpp"
#include "lua_streams.hpp"
#include "lua_support.hpp"
#include "streams/kafka_streams.hpp"
#include "streams/long_serde.hpp"
#include "streams/topology_test_driver.hpp"

namespace klab {

using namespace klab::streams;

namespace {

constexpr const char* kStreamsAppType = "klab.StreamsApp";
constexpr const char* kTestDriverType = "klab.TopologyTestDriver";

struct AppHandle {
  std::unique_ptr<KafkaStreams> app;
  std::shared_ptr<LuaFunctions> functions;
};

struct DriverHandle {
  std::unique_ptr<TopologyTestDriver> driver;
  std::shared_ptr<LuaFunctions> functions;
};

KafkaStreams& check_app(lua_State* L, const char* function) {
  auto* handle = static_cast<AppHandle*>(check_userdata(L, 1, kStreamsAppType, function));
  if (!handle->app) throw LuaArgError("this application is gone");
  return *handle->app;
}

TopologyTestDriver& check_driver(lua_State* L, const char* function) {
  auto* handle = static_cast<DriverHandle*>(check_userdata(L, 1, kTestDriverType, function));
  if (!handle->driver) throw LuaArgError("this test driver is gone");
  return *handle->driver;
}

void push_bytes(lua_State* L, const Bytes& bytes) {
  if (bytes)
    lua_pushlstring(L, bytes->data(), bytes->size());
  else
    lua_pushnil(L);
}

// A value as Lua sees it: a Serdes.Long() value (a count) as an integer, as Kafka's store and a
// LongDeserializer give a Long; anything else (and bytes that are not 8 long) as its bytes.
void push_value(lua_State* L, const Bytes& bytes, bool is_long) {
  std::optional<int64_t> number = is_long && bytes ? streams::long_of(*bytes) : std::nullopt;
  if (number)
    lua_pushinteger(L, *number);
  else
    push_bytes(L, bytes);
}

void push_rows(lua_State* L, const Topology& topology, const std::string& name,
               const std::vector<std::pair<std::string, std::string>>& rows) {
  const StoreSpec* spec = topology.find_store(name);
  const bool is_long = spec && spec->long_values;
  lua_createtable(L, 0, static_cast<int>(rows.size()));
  std::string text;
  for (const auto& [key, value] : rows) {
    lua_pushlstring(L, key.data(), key.size());
    push_value(L, value, is_long);
    text += fmt::format("{}\t{}\n", key, streams::shown(value, is_long).value_or(""));
    lua_rawset(L, -3);
  }
  set_printed_form(L, text.empty() ? "(empty store)" : text, "klab.StoreContents");
}

[[noreturn]] void unknown_store(const Topology& topology, const std::string& name) {
  std::vector<std::string> names;
  for (const StoreSpec& store : topology.stores()) names.push_back(store.name);
  throw LuaArgError(fmt::format("store: no store named '{}' in this topology (stores: [{}])", name, fmt::join(names, ", ")));
}

// ---- klab.StreamsApp

int app_start(lua_State* L) {
  refuse_nested("app:start()");
  Status started = check_app(L, "start").start();
  if (!started) return push_kafka_error(L, started.error());
  lua_pushboolean(L, 1);
  return 1;
}

int app_close(lua_State* L) {
  refuse_nested("app:close()");
  Status closed = check_app(L, "close").close();
  if (!closed) return push_kafka_error(L, closed.error());
  lua_pushboolean(L, 1);
  return 1;
}

int app_state(lua_State* L) {
  std::string_view name = streams_state_name(check_app(L, "state").state());
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int app_error(lua_State* L) {
  KafkaStreams& app = check_app(L, "error");
  if (app.state() != StreamsState::Error)
    lua_pushnil(L);
  else
    lua_pushlstring(L, app.error_message().data(), app.error_message().size());
  return 1;
}

int app_store(lua_State* L) {
  KafkaStreams& app = check_app(L, "store");
  std::string name = check_string(L, 2, "store", "store name");
  auto rows = app.store(name);
  if (!rows) unknown_store(app.topology(), name);
  push_rows(L, app.topology(), name, *rows);
  return 1;
}

int app_describe(lua_State* L) {
  std::string text = check_app(L, "describe").topology().describe();
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int app_tasks(lua_State* L) {
  push_string_array(L, check_app(L, "tasks").task_ids());
  return 1;
}

int app_log(lua_State* L) {
  const auto& lines = check_app(L, "log").log();
  lua_createtable(L, static_cast<int>(lines.size()), 0);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    lua_pushlstring(L, lines[i].text.data(), lines[i].text.size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

int app_metrics(lua_State* L) {
  KafkaStreams& app = check_app(L, "metrics");
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, app.processed_records()), lua_setfield(L, -2, "process-total");
  lua_pushinteger(L, app.dropped_records()), lua_setfield(L, -2, "dropped-records-total");
  return 1;
}

int app_tostring(lua_State* L) {
  // tostring never raises: a closed application still prints, as a closed producer or consumer does.
  auto* handle = static_cast<AppHandle*>(opt_userdata(L, 1, kStreamsAppType, "__tostring"));
  std::string text = handle && handle->app ? fmt::format("StreamsApp {} ({})", handle->app->application_id(),
                                                         streams_state_name(handle->app->state()))
                                           : std::string("StreamsApp (closed)");
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// ---- klab.TopologyTestDriver

int driver_pipe_input(lua_State* L) {
  refuse_nested("d:pipe_input()");
  TopologyTestDriver& driver = check_driver(L, "pipe_input");
  std::string topic = check_string(L, 2, "pipe_input", "topic name");
  Bytes key = opt_string(L, 3, "pipe_input");
  Bytes value = opt_string(L, 4, "pipe_input");
  std::optional<TimeMs> timestamp = opt_integer(L, 5, "pipe_input");
  Status piped = driver.pipe_input(topic, key, value, timestamp);
  if (!piped) throw LuaArgError("pipe_input: " + piped.error().message);
  return 0;
}

int driver_read_output(lua_State* L) {
  TopologyTestDriver& driver = check_driver(L, "read_output");
  std::vector<TestRecord> records = driver.read_output(check_string(L, 2, "read_output", "topic name"));
  lua_createtable(L, static_cast<int>(records.size()), 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    lua_createtable(L, 0, 3);
    push_bytes(L, records[i].key), lua_setfield(L, -2, "key");
    push_value(L, records[i].value, records[i].long_value), lua_setfield(L, -2, "value");
    lua_pushinteger(L, records[i].timestamp), lua_setfield(L, -2, "timestamp");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

int driver_store(lua_State* L) {
  TopologyTestDriver& driver = check_driver(L, "store");
  std::string name = check_string(L, 2, "store", "store name");
  auto rows = driver.store(name);
  if (!rows) unknown_store(driver.topology(), name);
  push_rows(L, driver.topology(), name, *rows);
  return 1;
}

int driver_dropped_records(lua_State* L) {
  lua_pushinteger(L, check_driver(L, "dropped_records").dropped_records());
  return 1;
}

const MethodDoc kAppMethods[] = {
    {"start", lua_entry<app_start>, "app:start() --> true | nil, err",
     "Checks the topics (missing source topics, co-partitioning, cycles), creates the internal topics, joins the "
     "group application.id and starts processing as simulated time runs (c:advance, polls, flushes)."},
    {"close", lua_entry<app_close>, "app:close() --> true",
     "Flushes, commits, leaves the group, drops the in-memory state (a new app restores it from the changelogs)."},
    {"state", lua_entry<app_state>, "app:state() --> \"RUNNING\" | ...",
     "CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING or ERROR."},
    {"error", lua_entry<app_error>, "app:error() --> message | nil", "Why the application is in ERROR (with the Lua traceback)."},
    {"store", lua_entry<app_store>, "app:store(name) --> { [key] = value }", "A state store's rows held by this instance."},
    {"describe", lua_entry<app_describe>, "app:describe() --> text", "The topology, as Topology#describe() prints it."},
    {"tasks", lua_entry<app_tasks>, "app:tasks() --> { \"0_0\", ... }", "The tasks (sub-topology_partition) this instance runs."},
    {"log", lua_entry<app_log>, "app:log() --> { line, ... }",
     "What the application logged: state transitions, internal topics, restorations."},
    {"metrics", lua_entry<app_metrics>, "app:metrics() --> { [\"process-total\"] = n, [\"dropped-records-total\"] = n }",
     "Records processed and records dropped (late for their window)."},
};

const MethodDoc kDriverMethods[] = {
    {"pipe_input", lua_entry<driver_pipe_input>, "d:pipe_input(topic, key, value [, timestamp])",
     "Processes one record (and everything it causes); key and value are strings or nil."},
    {"read_output", lua_entry<driver_read_output>, "d:read_output(topic) --> { {key=, value=, timestamp=}, ... }",
     "The records written to the topic since the last read (a count's value as an integer)."},
    {"store", lua_entry<driver_store>, "d:store(name) --> { [key] = value }", "A state store's rows."},
    {"dropped_records", lua_entry<driver_dropped_records>, "d:dropped_records() --> n",
     "Records dropped because their window had closed."},
};

}  // namespace

const TypeDoc kStreamsAppTypeDoc{kStreamsAppType, "streams_app",
                                 "A Kafka Streams application instance: c:streams(builder, { [\"application.id\"] = ... }).",
                                 kAppMethods};
const TypeDoc kTestDriverTypeDoc{kTestDriverType, "topology_test_driver",
                                 "Runs a topology without a cluster: klab.topology_test_driver(builder).", kDriverMethods};

int new_streams_app(lua_State* L) {
  refuse_nested("c:streams()");
  Cluster& cluster = check_cluster(L, 1, "streams");
  BuilderHandle& builder = check_builder(L, 2, "streams");
  std::shared_ptr<const Topology> topology = build_topology(L, 2, "streams");
  check_table(L, 3, "streams");
  ConfigEntries config = config_entries_from_table(L, 3, "streams");
  bool print_log = true;
  if (!lua_isnoneornil(L, 4)) {
    check_table(L, 4, "streams");
    if (raw_field(L, 4, "log") == LUA_TBOOLEAN) print_log = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  auto created = KafkaStreams::create(cluster, topology, config);
  if (!created) throw LuaArgError("streams: " + created.error().message);
  std::unique_ptr<KafkaStreams> app = std::move(*created);
  if (print_log) {
    std::weak_ptr<LuaFunctions> functions = builder.functions;
    std::string prefix = fmt::format("[streams {}] ", app->application_id());
    app->set_log_listener([functions, prefix](const StreamsLogLine& line) {
      if (auto held = functions.lock()) lua_print_line(held, prefix + line.text);
    });
  }
  push_client_handle(L, kStreamsAppType, AppHandle{std::move(app), builder.functions});
  return 1;
}

int new_topology_test_driver(lua_State* L) {
  BuilderHandle& builder = check_builder(L, 1, "topology_test_driver");
  std::shared_ptr<const Topology> topology = build_topology(L, 1, "topology_test_driver");
  auto driver = TopologyTestDriver::create(topology);
  if (!driver) throw LuaArgError("topology_test_driver: " + driver.error().message);
  push_object(L, kTestDriverType, DriverHandle{std::move(*driver), builder.functions});
  return 1;
}

void register_streams_app_types(lua_State* L) {
  static const luaL_Reg app_meta[] = {{"__tostring", lua_entry<app_tostring>}};
  register_type(L, kStreamsAppTypeDoc, app_meta);
  register_type(L, kTestDriverTypeDoc, {});
}

}  // namespace klab
