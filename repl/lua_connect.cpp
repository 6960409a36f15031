// c:connect(): the cluster's standalone Connect worker (kernel/connect/worker.hpp) as klab.ConnectWorker.
// Connectors come from a .properties file in the worker's directory or a Lua table; a Lua table as
// connector.class is a connector written in Lua ({ poll = function(task_id) ... end } for a source,
// { put = function(records, task_id) ... end } for a sink). In a graded script (the sandbox) the
// worker must already exist: the lab made it in a fresh temporary directory (klab._connect_workdir).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "connect/properties.hpp"
#include "connect/sqlite_query.hpp"
#include "inspect_format.hpp"
#include "connect/worker.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

using connect::ConnectRecord;
using connect::Failure;
using connect::Json;
using connect::Worker;

constexpr const char* kWorkerType = "klab.ConnectWorker";

struct WorkerHandle {
  Worker* worker;  // owned by the cluster, which the userdata's user value keeps alive
};

Worker& check_worker(lua_State* L, int index, const char* function) {
  return *static_cast<WorkerHandle*>(check_userdata(L, index, kWorkerType, function))->worker;
}

bool files_forbidden(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "klab.no_files");
  const bool forbidden = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return forbidden;
}

void push_worker(lua_State* L, Worker& worker) {
  push_client_handle(L, kWorkerType, WorkerHandle{&worker});
}

// ---- Lua values <-> Connect data --------------------------------------------------------------------

Json json_from_lua(lua_State* L, int index, LuaValueWalk& walk) {
  index = lua_absindex(L, index);
  LuaValueWalk::Scope scope(walk, index);
  switch (lua_type(L, index)) {
    case LUA_TNIL: return nullptr;
    case LUA_TBOOLEAN: return static_cast<bool>(lua_toboolean(L, index));
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return static_cast<int64_t>(lua_tointeger(L, index));
      return lua_tonumber(L, index);
    case LUA_TSTRING: {
      std::size_t length = 0;
      const char* text = lua_tolstring(L, index, &length);
      return std::string(text, length);
    }
    case LUA_TTABLE: {
      const lua_Unsigned length = lua_rawlen(L, index);
      if (length > 0) {
        Json array = Json::array();
        for (lua_Unsigned i = 1; i <= length; ++i) {
          lua_rawgeti(L, index, static_cast<lua_Integer>(i));
          array.push_back(json_from_lua(L, -1, walk));
          lua_pop(L, 1);
        }
        return array;
      }
      Json object = Json::object();
      lua_pushnil(L);
      std::vector<std::string> names;  // sorted: Lua's table order is not stable
      while (lua_next(L, index)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) walk.fail("a record's table keys must be strings");
        std::size_t size = 0;
        const char* name = lua_tolstring(L, -1, &size);
        names.emplace_back(name, size);
      }
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) {
        lua_pushlstring(L, name.data(), name.size());
        lua_rawget(L, index);  // raw: a script's __index never runs here
        object[name] = json_from_lua(L, -1, walk);
        lua_pop(L, 1);
      }
      return object;
    }
    default: walk.fail(fmt::format("a connector record cannot hold a {}", luaL_typename(L, index)));
  }
}

connect::SchemaAndValue data_from_lua(lua_State* L, int index) {
  LuaValueWalk walk(L, "a connector record", 50);
  Json value = json_from_lua(L, index, walk);
  if (value.is_string()) return {connect::schema_of_type("string", true), std::move(value)};
  if (value.is_null()) return {std::nullopt, nullptr};
  return {std::nullopt, std::move(value)};
}

void push_json(lua_State* L, const Json& value, int depth = 0) {
  check_push_depth(L, depth);
  switch (value.type()) {
    case Json::value_t::null: lua_pushnil(L); break;
    case Json::value_t::boolean: lua_pushboolean(L, value.get<bool>()); break;
    case Json::value_t::number_integer: lua_pushinteger(L, value.get<int64_t>()); break;
    case Json::value_t::number_unsigned: lua_pushinteger(L, static_cast<lua_Integer>(value.get<uint64_t>())); break;
    case Json::value_t::number_float: lua_pushnumber(L, value.get<double>()); break;
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case Json::value_t::array: {
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 0;
      for (const Json& element : value) push_json(L, element, depth + 1), lua_rawseti(L, -2, ++i);
      break;
    }
    default: {
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (auto it = value.begin(); it != value.end(); ++it) {
        lua_pushlstring(L, it.key().data(), it.key().size());
        push_json(L, it.value(), depth + 1);
        lua_rawset(L, -3);
      }
    }
  }
}

// Lua callbacks of a connector written in Lua; the registry references go with the connector.
struct ScriptRefs {
  lua_State* main = nullptr;
  int table = LUA_NOREF;
  ~ScriptRefs() {
    if (table != LUA_NOREF) luaL_unref(main, LUA_REGISTRYINDEX, table);
  }
};

int traceback_handler(lua_State* L) {
  const char* message = lua_tostring(L, 1);
  luaL_traceback(L, L, message ? message : "(a non-string error)", 1);
  return 1;
}

// Calls table.<name>(args...) pushed by `push_args`; nullopt or the Lua error with its traceback.
// On success the results are on top of the stack; on failure the stack is as it was.
std::optional<Failure> call_script(const ScriptRefs& refs, const char* name, int results,
                                   const std::function<int(lua_State*)>& push_args) {
  lua_State* L = refs.main;
  const int top = lua_gettop(L);
  if (!lua_checkstack(L, 8)) return Failure{"klab.LuaError", "no room on the Lua stack", {}};
  lua_pushcfunction(L, traceback_handler);
  const int handler = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, refs.table);
  lua_pushstring(L, name);
  lua_rawget(L, -2);  // raw: the connector table's __index is not called outside a protected call
  lua_remove(L, -2);
  int arguments = 0;
  try {
    arguments = push_args(L);
  } catch (const std::exception& error) {
    lua_settop(L, top);
    return Failure{"klab.LuaError", error.what(), {}};
  }
  if (protected_call(L, arguments, results, handler) != LUA_OK) {
    std::string message = lua_tostring(L, -1) ? lua_tostring(L, -1) : "(a non-string error)";
    lua_settop(L, top);
    return Failure{"klab.LuaError", message, {}};
  }
  lua_remove(L, handler);
  return std::nullopt;
}

std::shared_ptr<connect::ScriptedConnector> scripted_from_table(lua_State* L, int index) {
  auto refs = std::make_shared<ScriptRefs>();
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  refs->main = lua_tothread(L, -1);
  lua_pop(L, 1);
  const bool has_poll = raw_field(L, index, "poll") == LUA_TFUNCTION;
  const bool has_put = raw_field(L, index, "put") == LUA_TFUNCTION;
  lua_pop(L, 2);
  if (has_poll == has_put)
    throw LuaArgError("create: a Lua connector.class is { poll = function(task_id) return records end } (a source) "
                      "or { put = function(records, task_id) end } (a sink)");
  lua_pushvalue(L, index);
  refs->table = luaL_ref(L, LUA_REGISTRYINDEX);
  auto scripted = std::make_shared<connect::ScriptedConnector>();
  scripted->type = has_poll ? connect::ConnectorType::Source : connect::ConnectorType::Sink;
  if (has_poll) {
    scripted->poll = [refs](int32_t task_id) -> connect::Attempt<std::vector<ConnectRecord>> {
      if (auto failure = call_script(*refs, "poll", 1, [&](lua_State* S) { return lua_pushinteger(S, task_id), 1; }))
        return *failure;
      lua_State* S = refs->main;
      const int result = lua_gettop(S);  // poll's result
      std::vector<ConnectRecord> records;
      try {
        if (lua_type(S, result) == LUA_TTABLE) {
          for (lua_Integer i = 1; lua_rawgeti(S, result, i) == LUA_TTABLE; ++i) {
            ConnectRecord record;
            if (raw_field(S, -1, "topic") == LUA_TSTRING) record.topic = lua_tostring(S, -1);
            lua_pop(S, 1);
            raw_field(S, -1, "key");
            record.key = data_from_lua(S, -1);
            lua_pop(S, 1);
            raw_field(S, -1, "value");
            record.value = data_from_lua(S, -1);
            lua_pop(S, 1);
            lua_pop(S, 1);
            records.push_back(std::move(record));
          }
        } else if (lua_type(S, result) != LUA_TNIL) {
          throw LuaArgError("poll must return a list of records { {key=, value=, topic=}, ... } or nil");
        }
      } catch (const std::exception& error) {
        lua_settop(S, result - 1);
        return Failure{"klab.LuaError", error.what(), {}};
      }
      lua_settop(S, result - 1);
      return records;
    };
  } else {
    scripted->put = [refs](int32_t task_id, const std::vector<ConnectRecord>& records) -> std::optional<Failure> {
      return call_script(*refs, "put", 0, [&](lua_State* S) {
        lua_createtable(S, static_cast<int>(records.size()), 0);
        lua_Integer i = 0;
        for (const ConnectRecord& record : records) {
          lua_createtable(S, 0, 6);
          lua_pushstring(S, record.topic.c_str()), lua_setfield(S, -2, "topic");
          lua_pushinteger(S, record.partition.value_or(-1)), lua_setfield(S, -2, "partition");
          lua_pushinteger(S, record.offset), lua_setfield(S, -2, "offset");
          push_json(S, record.key.value), lua_setfield(S, -2, "key");
          push_json(S, record.value.value), lua_setfield(S, -2, "value");
          lua_rawseti(S, -2, ++i);
        }
        lua_pushinteger(S, task_id);
        return 2;
      });
    };
  }
  return scripted;
}

// ---- results ------------------------------------------------------------------------------------

void push_status(lua_State* L, const connect::ConnectorStatus& status) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, status.name.c_str()), lua_setfield(L, -2, "name");
  lua_pushstring(L, std::string(connector_type_name(status.type)).c_str()), lua_setfield(L, -2, "type");
  lua_createtable(L, 0, 2);
  lua_pushstring(L, std::string(state_name(status.state)).c_str()), lua_setfield(L, -2, "state");
  lua_pushstring(L, Worker::kWorkerId), lua_setfield(L, -2, "worker_id");
  lua_setfield(L, -2, "connector");
  lua_createtable(L, static_cast<int>(status.tasks.size()), 0);
  lua_Integer i = 0;
  for (const connect::TaskStatus& task : status.tasks) {
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, task.id), lua_setfield(L, -2, "id");
    lua_pushstring(L, std::string(state_name(task.state)).c_str()), lua_setfield(L, -2, "state");
    lua_pushstring(L, Worker::kWorkerId), lua_setfield(L, -2, "worker_id");
    if (task.state == connect::State::Failed) lua_pushstring(L, task.trace.c_str()), lua_setfield(L, -2, "trace");
    lua_rawseti(L, -2, ++i);
  }
  lua_setfield(L, -2, "tasks");
  set_printed_form(L, status.to_json(), "klab.ConnectorStatus");
}

int push_status_result(lua_State* L, const Status& status) {
  if (!status) return push_kafka_error(L, status.error());
  lua_pushboolean(L, true);
  return 1;
}

// ---- methods ------------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> entries_from_table(lua_State* L, int index,
                                                                    std::shared_ptr<connect::ScriptedConnector>& scripted) {
  std::vector<std::pair<std::string, std::string>> entries;
  lua_pushnil(L);
  while (lua_next(L, index)) {
    if (lua_type(L, -2) != LUA_TSTRING) throw LuaArgError("create: config keys are strings such as \"connector.class\"");
    std::string key = lua_tostring(L, -2);
    if (key == "connector.class" && lua_type(L, -1) == LUA_TTABLE) {
      scripted = scripted_from_table(L, lua_gettop(L));
      entries.emplace_back(key, "lua");
    } else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
      lua_pushvalue(L, -1);
      entries.emplace_back(key, lua_tostring(L, -1));
      lua_pop(L, 1);
    } else if (lua_type(L, -1) == LUA_TBOOLEAN) {
      entries.emplace_back(key, lua_toboolean(L, -1) ? "true" : "false");
    } else {
      throw LuaArgError(fmt::format("create: the value of '{}' must be a string, number or boolean, got {}", key,
                                    luaL_typename(L, -1)));
    }
    lua_pop(L, 1);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

int worker_create(lua_State* L) {
  refuse_nested("w:create()");
  Worker& worker = check_worker(L, 1, "create");
  std::vector<std::pair<std::string, std::string>> entries;
  std::shared_ptr<connect::ScriptedConnector> scripted;
  if (lua_type(L, 2) == LUA_TSTRING) {
    const std::string file = lua_tostring(L, 2);
    Result<std::optional<std::string>> text = worker.directory().read(file);
    if (!text) return push_kafka_error(L, text.error());
    if (!*text)
      return push_kafka_error(L, make_error(ErrorCode::INVALID_CONFIG,
                                            fmt::format("no file {} in the Connect working directory (w:dir())", file)));
    Result<std::vector<connect::PropertyEntry>> parsed = connect::parse_properties(**text);
    if (!parsed) return push_kafka_error(L, make_error(ErrorCode::INVALID_CONFIG, file + ": " + parsed.error().message));
    for (const connect::PropertyEntry& entry : *parsed) entries.emplace_back(entry.key, entry.value);
  } else if (lua_type(L, 2) == LUA_TTABLE) {
    entries = entries_from_table(L, 2, scripted);
  } else {
    arg_error(L, 2, "create", "a .properties file name or a config table");
  }
  Result<connect::ConnectorStatus> created = worker.create(entries, scripted);
  if (!created) return push_kafka_error(L, created.error());
  push_status(L, *created);
  return 1;
}

int worker_status(lua_State* L) {
  Worker& worker = check_worker(L, 1, "status");
  Result<connect::ConnectorStatus> status = worker.status(check_string(L, 2, "status", "connector name"));
  if (!status) return push_kafka_error(L, status.error());
  push_status(L, *status);
  return 1;
}

int worker_pause(lua_State* L) {
  refuse_nested("w:pause()");
  return push_status_result(L, check_worker(L, 1, "pause").pause(check_string(L, 2, "pause", "connector name")));
}
int worker_resume(lua_State* L) {
  refuse_nested("w:resume()");
  return push_status_result(L, check_worker(L, 1, "resume").resume(check_string(L, 2, "resume", "connector name")));
}
int worker_delete(lua_State* L) {
  refuse_nested("w:delete()");
  return push_status_result(L, check_worker(L, 1, "delete").remove(check_string(L, 2, "delete", "connector name")));
}

int worker_restart(lua_State* L) {
  refuse_nested("w:restart()");
  Worker& worker = check_worker(L, 1, "restart");
  const std::string name = check_string(L, 2, "restart", "connector name");
  bool include_tasks = false, only_failed = false;
  if (!lua_isnoneornil(L, 3)) {
    check_table(L, 3, "restart");
    include_tasks = raw_field(L, 3, "include_tasks") != LUA_TNIL && lua_toboolean(L, -1);
    only_failed = raw_field(L, 3, "only_failed") != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 2);
  }
  return push_status_result(L, worker.restart(name, include_tasks, only_failed));
}

int worker_restart_task(lua_State* L) {
  refuse_nested("w:restart_task()");
  Worker& worker = check_worker(L, 1, "restart_task");
  const std::string name = check_string(L, 2, "restart_task", "connector name");
  return push_status_result(L, worker.restart_task(name, static_cast<int32_t>(check_integer(L, 3, "restart_task"))));
}

int worker_list(lua_State* L) {
  push_string_array(L, check_worker(L, 1, "list").list());
  return 1;
}

int worker_config(lua_State* L) {
  Worker& worker = check_worker(L, 1, "config");
  auto config = worker.config(check_string(L, 2, "config", "connector name"));
  if (!config) return push_kafka_error(L, config.error());
  lua_createtable(L, 0, static_cast<int>(config->size()));
  for (const auto& [key, value] : *config) lua_pushstring(L, value.c_str()), lua_setfield(L, -2, key.c_str());
  return 1;
}

int worker_log(lua_State* L) {
  const auto& lines = check_worker(L, 1, "log").log();
  lua_createtable(L, static_cast<int>(lines.size()), 0);
  for (std::size_t i = 0; i < lines.size(); ++i) lua_pushstring(L, lines[i].c_str()), lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  return 1;
}

int worker_read_file(lua_State* L) {
  Worker& worker = check_worker(L, 1, "read_file");
  Result<std::optional<std::string>> text = worker.directory().read(check_string(L, 2, "read_file", "file name"));
  if (!text) return push_kafka_error(L, text.error());
  if (!*text) lua_pushnil(L);
  else lua_pushlstring(L, (*text)->data(), (*text)->size());
  return 1;
}

int worker_write_file(lua_State* L) {
  Worker& worker = check_worker(L, 1, "write_file");
  const std::string name = check_string(L, 2, "write_file", "file name");
  const std::string text = check_string(L, 3, "write_file", "text");
  const bool append = lua_toboolean(L, 4);
  return push_status_result(L, worker.directory().write(name, text, append));
}

int worker_sql(lua_State* L) {
  Worker& worker = check_worker(L, 1, "sql");
  const std::string database = check_string(L, 2, "sql", "database file name");
  Result<connect::QueryResult> result = connect::query_sqlite(worker.directory(), database, check_string(L, 3, "sql", "SQL text"));
  if (!result) return push_kafka_error(L, result.error());
  // The same rows as inspect.sql: columns kept in SELECT order, printed as an aligned table.
  inspect::QueryResult rows{result->columns, {}};
  rows.rows.reserve(result->rows.size());
  for (const auto& row : result->rows) {
    std::vector<inspect::SqlValue>& out = rows.rows.emplace_back();
    for (const connect::SqlValue& value : row) {
      using Type = connect::SqlValue::Type;
      if (value.type == Type::Null) out.emplace_back(std::monostate{});
      else if (value.type == Type::Integer) out.emplace_back(static_cast<int64_t>(std::strtoll(value.text.c_str(), nullptr, 10)));
      else if (value.type == Type::Real) out.emplace_back(std::strtod(value.text.c_str(), nullptr));
      else out.emplace_back(value.text);
    }
  }
  std::string printed = format_result_table(rows);
  push_query_rows(L, rows, std::move(printed));
  return 1;
}

int worker_dir(lua_State* L) {
  lua_pushstring(L, check_worker(L, 1, "dir").directory().root().c_str());
  return 1;
}

int worker_tostring(lua_State* L) {
  auto* handle = static_cast<WorkerHandle*>(opt_userdata(L, 1, kWorkerType, "__tostring"));
  if (!handle || !handle->worker) {  // tostring never raises, even on a worker finalized by hand
    lua_pushliteral(L, "Connect worker (closed)");
    return 1;
  }
  Worker& worker = *handle->worker;
  lua_pushstring(L, fmt::format("Connect worker (standalone) in {}: {} connector(s)", worker.directory().root().string(),
                                worker.list().size()).c_str());
  return 1;
}

const MethodDoc kWorkerMethods[] = {
    {"create", lua_entry<worker_create>, "w:create(\"file-sink.properties\" | {name=, [\"connector.class\"]=, ...}) --> status | nil, err",
     "Creates and starts a connector (POST /connectors). A .properties file is read from the worker's directory "
     "with java.util.Properties' rules; a table's values are strings, numbers or booleans, and connector.class may "
     "be a Lua table: { poll = function(task_id) return { {key=, value=}, ... } end } (source, needs topic=) or "
     "{ put = function(records, task_id) end } (sink). Errors: unknown connector.class (the known ones listed), "
     "a missing required key, an unknown key (did-you-mean)."},
    {"status", lua_entry<worker_status>, "w:status(name) --> { name, connector = {state, worker_id}, tasks = {{id, state, worker_id, trace}}, type }",
     "GET /connectors/<name>/status: states RUNNING, PAUSED, FAILED (with the trace), UNASSIGNED. Prints as the "
     "REST API's JSON."},
    {"pause", lua_entry<worker_pause>, "w:pause(name) --> true | nil, err", "PUT /connectors/<name>/pause: tasks stop handing records on; a sink's consumer stays in its group."},
    {"resume", lua_entry<worker_resume>, "w:resume(name) --> true | nil, err", "PUT /connectors/<name>/resume."},
    {"restart", lua_entry<worker_restart>, "w:restart(name [, {include_tasks = true, only_failed = true}]) --> true | nil, err",
     "POST /connectors/<name>/restart. As in Kafka, without include_tasks only the connector restarts: a FAILED "
     "task stays FAILED."},
    {"restart_task", lua_entry<worker_restart_task>, "w:restart_task(name, task_id) --> true | nil, err",
     "POST /connectors/<name>/tasks/<id>/restart: the task starts again from its committed offsets."},
    {"delete", lua_entry<worker_delete>, "w:delete(name) --> true | nil, err",
     "DELETE /connectors/<name>: tasks stop (committing first). Source offsets and the sink's consumer group stay."},
    {"list", lua_entry<worker_list>, "w:list() --> { names }", "GET /connectors, sorted."},
    {"config", lua_entry<worker_config>, "w:config(name) --> { key = value }", "GET /connectors/<name>/config."},
    {"log", lua_entry<worker_log>, "w:log() --> { lines }",
     "The worker's log: connector lifecycle, task failures, and with errors.log.enable each tolerated error "
     "(\"Error encountered in task ...\")."},
    {"read_file", lua_entry<worker_read_file>, "w:read_file(name) --> text | nil", "A file of the worker's directory (e.g. a sink's output)."},
    {"write_file", lua_entry<worker_write_file>, "w:write_file(name, text [, append]) --> true | nil, err",
     "Writes (or appends to) a file of the worker's directory: a .properties file, a source's input."},
    {"sql", lua_entry<worker_sql>, "w:sql(\"db.sqlite\", \"SELECT ...\") --> rows | nil, err",
     "Reads a SQLite database of the worker's directory (what the JDBC sink wrote), read-only, at most 10000 rows. "
     "Rows are { column = value } (NULL is nil) with rows.columns in SELECT order, printed as an aligned table, "
     "as inspect.sql."},
    {"dir", lua_entry<worker_dir>, "w:dir() --> path", "The worker's working directory; connectors' paths stay inside it."},
};

}  // namespace

const TypeDoc kConnectWorkerTypeDoc{kWorkerType, "connect",
                                    "A standalone Kafka Connect worker inside the simulated cluster: c:connect().",
                                    kWorkerMethods};

int cluster_connect(lua_State* L) {
  refuse_nested("c:connect()");
  Cluster& cluster = check_cluster(L, 1, "connect");
  if (Worker* existing = Worker::of(cluster)) {
    if (!lua_isnoneornil(L, 2)) throw LuaArgError("connect: this cluster's worker is already running; call c:connect() without options");
    push_worker(L, *existing);
    return 1;
  }
  // Initialised, not assigned: GCC 12 -O3 reports a false -Wrestrict on assigning a literal here.
  connect::WorkerOptions options{.directory = "."};
  if (!lua_isnoneornil(L, 2)) {
    check_table(L, 2, "connect");
    if (raw_field(L, 2, "dir") != LUA_TNIL) options.directory = check_string(L, -1, "connect", "dir (a directory path)");
    lua_pop(L, 1);
    if (raw_field(L, 2, "offset.flush.interval.ms") != LUA_TNIL) options.offset_flush_interval_ms = check_integer(L, -1, "connect");
    lua_pop(L, 1);
    if (raw_field(L, 2, "offset.storage.file.filename") != LUA_TNIL)
      options.offsets_file = check_string(L, -1, "connect", "offset.storage.file.filename");
    lua_pop(L, 1);
  }
  if (files_forbidden(L))
    throw LuaArgError("connect: a graded script cannot start a Connect worker; the lab starts one in a fresh "
                      "directory (this lab does not use Connect)");
  Result<Worker*> started = Worker::start(cluster, options);
  if (!started) throw LuaArgError("connect: " + started.error().message);
  push_worker(L, **started);
  return 1;
}

// klab._connect_workdir(c, { ["name"] = "contents", ... } [, worker options]): a fresh temporary
// directory holding those files, and the cluster's worker started in it (removed with the cluster).
int klab_connect_workdir(lua_State* L) {
  refuse_nested("klab._connect_workdir()");
  Cluster& cluster = check_cluster(L, 1, "_connect_workdir");
  if (files_forbidden(L)) throw LuaArgError("_connect_workdir is not available in a graded script");
  if (Worker::of(cluster)) throw LuaArgError("_connect_workdir: this cluster already has a Connect worker");
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/klab-connect-XXXXXX";
  if (!mkdtemp(pattern.data())) throw LuaArgError("_connect_workdir: cannot create a temporary directory");
  connect::WorkerOptions options;
  options.directory = pattern;
  options.owns_directory = true;
  options.max_written_bytes = int64_t{256} << 20;
  if (lua_type(L, 3) == LUA_TTABLE) {
    if (raw_field(L, 3, "offset.flush.interval.ms") != LUA_TNIL) options.offset_flush_interval_ms = check_integer(L, -1, "_connect_workdir");
    lua_pop(L, 1);
  }
  Result<Worker*> started = Worker::start(cluster, options);
  if (!started) {
    std::error_code ignored;
    std::filesystem::remove_all(pattern, ignored);
    throw LuaArgError("_connect_workdir: " + started.error().message);
  }
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        throw LuaArgError("_connect_workdir: files are { [\"name\"] = \"contents\" }");
      std::size_t length = 0;
      const char* text = lua_tolstring(L, -1, &length);
      if (Status written = (*started)->directory().write(lua_tostring(L, -2), std::string_view(text, length), false); !written)
        throw LuaArgError("_connect_workdir: " + written.error().message);
      lua_pop(L, 1);
    }
  }
  push_worker(L, **started);
  return 1;
}

void register_connect_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<worker_tostring>}};
  register_type(L, kConnectWorkerTypeDoc, metamethods);
}

}  // namespace klab
