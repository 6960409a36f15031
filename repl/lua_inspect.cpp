// The global `inspect` table and the klab.Inspector type: the SQLite inspector from Lua.
//
//   inspect.open(cluster [, path] [, { ["inspect.sample.ms"] = 1000 }])  records a cluster
//   inspect.open("run.sqlite")                                           reads a recording
//   inspect.sql / lag / timeline / plot / sample / schema / close        on the current database
//
// Every function also takes an inspector as first argument (db:sql(...)). Without one it uses the
// current database (the last inspect.open), else the recording of the global `cluster` — which is
// how a graded script queries the recording its lab made. Queries are read-only everywhere
// (InspectDatabase::query); a graded script (registry flag klab.no_files) also gets no files and
// bounded queries.
#include <fmt/format.h>

#include <fstream>

#include "inspect/inspect_schema.hpp"
#include "inspect/inspector.hpp"
#include "inspect_format.hpp"
#include "inspect_plot.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr const char* kInspectorType = "klab.Inspector";
constexpr const char* kCurrentKey = "klab.inspect.current";
constexpr int64_t kGradedMaxSteps = 50'000'000;  // about a second of SQLite work
constexpr std::size_t kGradedMaxRows = 100'000;

struct InspectorHandle {
  std::shared_ptr<Cluster> cluster;  // the recorded cluster; null for a recording opened from a file
  std::shared_ptr<inspect::InspectDatabase> database;
};

bool graded_script(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "klab.no_files");
  const bool graded = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return graded;
}

// The inspector recording `handle`'s database, if that recording is still going.
inspect::Inspector* live_recorder(const InspectorHandle& handle) {
  if (!handle.cluster || !handle.database) return nullptr;
  inspect::Inspector* inspector = inspect::Inspector::find(*handle.cluster);
  return inspector && inspector->database() == handle.database ? inspector : nullptr;
}

InspectorHandle& push_handle(lua_State* L, InspectorHandle handle) {
  return push_object(L, kInspectorType, std::move(handle));
}

// Which database a call means; `first` is set to the index of its first argument after the handle.
InspectorHandle resolve(lua_State* L, const char* function, int& first) {
  first = 1;
  if (luaL_testudata(L, 1, kInspectorType)) {
    auto* handle = static_cast<InspectorHandle*>(check_userdata(L, 1, kInspectorType, function));
    first = 2;
    if (!handle->database) throw LuaArgError(fmt::format("inspect.{}: this inspector was closed", function));
    return *handle;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kCurrentKey);
  if (auto* current = static_cast<InspectorHandle*>(test_userdata(L, -1, kInspectorType)); current && current->database) {
    InspectorHandle copy = *current;
    lua_pop(L, 1);
    return copy;
  }
  lua_pop(L, 1);
  lua_pushglobaltable(L);
  lua_pushliteral(L, "cluster");
  lua_rawget(L, -2);
  std::shared_ptr<Cluster> cluster = shared_cluster(L, -1);
  lua_pop(L, 2);
  if (cluster)
    if (inspect::Inspector* inspector = inspect::Inspector::find(*cluster); inspector && inspector->database())
      return InspectorHandle{cluster, inspector->database()};
  throw LuaArgError(fmt::format("inspect.{}: no inspector database — inspect.open(cluster) starts recording one, "
                                "inspect.open(\"run.sqlite\") opens a recording",
                                function));
}

void push_sql_value(lua_State* L, const inspect::SqlValue& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) lua_pushinteger(L, *integer);
  else if (const auto* real = std::get_if<double>(&value)) lua_pushnumber(L, *real);
  else if (const auto* text = std::get_if<std::string>(&value)) lua_pushlstring(L, text->data(), text->size());
  else lua_pushnil(L);
}

inspect::QueryResult run_query(lua_State* L, const InspectorHandle& handle, const std::string& sql, const char* function) {
  if (inspect::Inspector* recorder = live_recorder(handle)) (void)recorder->catch_up();
  inspect::QueryLimits limits;
  if (graded_script(L)) limits = inspect::QueryLimits{kGradedMaxSteps, kGradedMaxRows};
  Result<inspect::QueryResult> result = handle.database->query(sql, limits);
  if (!result) throw LuaArgError(fmt::format("inspect.{}: {}", function, result.error().message));
  return std::move(*result);
}


std::string sql_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

int64_t sample_ms_option(lua_State* L, int index, const char* function) {
  ConfigSet settings(inspector_config_catalog());
  if (!lua_isnoneornil(L, index)) {
    check_table(L, index, function);
    if (Status set = settings.set_all(config_entries_from_table(L, index, function)); !set)
      throw LuaArgError(fmt::format("{}: {}", function, set.error().message));
  }
  return settings.get_long("inspect.sample.ms");
}

void make_current(lua_State* L, int index) {
  lua_pushvalue(L, index);
  lua_setfield(L, LUA_REGISTRYINDEX, kCurrentKey);
}

int inspect_open(lua_State* L) {
  const bool graded = graded_script(L);
  if (lua_type(L, 1) == LUA_TSTRING) {
    if (graded) throw LuaArgError("inspect.open: a graded script cannot open files; query the lab's recording with inspect.sql");
    Result<std::unique_ptr<inspect::InspectDatabase>> opened = inspect::InspectDatabase::open_existing(lua_tostring(L, 1));
    if (!opened) throw LuaArgError("inspect.open: " + opened.error().message);
    push_handle(L, InspectorHandle{nullptr, std::move(*opened)});
    make_current(L, -1);
    return 1;
  }
  std::shared_ptr<Cluster> cluster = shared_cluster(L, 1);
  if (!cluster)
    throw LuaArgError(fmt::format("inspect.open: bad argument #1 (cluster or path of a recording expected, got {}) — "
                                  "inspect.open(cluster [, \"run.sqlite\"]) or inspect.open(\"run.sqlite\")",
                                  type_name_at(L, 1)));
  std::string path = ":memory:";
  int options = 2;
  if (lua_type(L, 2) == LUA_TSTRING) {
    path = lua_tostring(L, 2);
    options = 3;
  }
  const int64_t sample_ms = sample_ms_option(L, options, "inspect.open");
  if (graded) {
    if (path != ":memory:") throw LuaArgError("inspect.open: a graded script cannot write files (leave out the path)");
    if (inspect::Inspector* existing = inspect::Inspector::find(*cluster); existing && existing->recording())
      throw LuaArgError("inspect.open: this cluster is already being recorded; query it with inspect.sql(...)");
  }
  Result<inspect::Inspector*> started = inspect::Inspector::start(*cluster, path, inspect::InspectorOptions{sample_ms});
  if (!started) throw LuaArgError("inspect.open: " + started.error().message);
  push_handle(L, InspectorHandle{cluster, (*started)->database()});
  make_current(L, -1);
  return 1;
}

int inspect_sql(lua_State* L) {
  int first = 1;
  InspectorHandle handle = resolve(L, "sql", first);
  const std::string sql = check_string(L, first, "sql", "SQL text (string)");
  inspect::QueryResult result = run_query(L, handle, sql, "sql");
  push_query_rows(L, result, format_result_table(result));
  return 1;
}

int inspect_lag(lua_State* L) {
  int first = 1;
  InspectorHandle handle = resolve(L, "lag", first);
  const std::string group = check_string(L, first, "lag", "group id (string)");
  inspect::QueryResult latest = run_query(
      L, handle,
      "SELECT topic, partition, committed_offset, log_end_offset, lag, consumer_id, time_ms FROM latest_lag "
      "WHERE group_id = " + sql_quote(group),
      "lag");
  inspect::QueryResult history = run_query(
      L, handle, "SELECT time_ms, lag FROM group_lag WHERE group_id = " + sql_quote(group) + " ORDER BY sample_id", "lag");
  std::string printed = fmt::format("group {} at the latest sample:\n{}", group, format_result_table(latest));
  Result<std::vector<PlotSeries>> series = plot_series(history);
  if (series && !history.rows.empty()) printed += "total lag over time:\n" + plot_sparklines(*series, "time_ms");
  push_query_rows(L, latest, printed);
  return 1;
}

int inspect_timeline(lua_State* L) {
  int first = 1;
  InspectorHandle handle = resolve(L, "timeline", first);
  std::string where;
  if (!lua_isnoneornil(L, first)) where = " WHERE kind = " + sql_quote(check_string(L, first, "timeline", "event kind (string)"));
  inspect::QueryResult result = run_query(
      L, handle, "SELECT time_ms, kind, topic, partition, broker, description FROM events" + where + " ORDER BY event_id",
      "timeline");
  push_query_rows(L, result, format_result_table(result));
  return 1;
}

int inspect_plot(lua_State* L) {
  int first = 1;
  InspectorHandle handle = resolve(L, "plot", first);
  const std::string sql = check_string(L, first, "plot", "SQL text (string)");
  std::optional<std::string> path = opt_string(L, first + 1, "plot");
  std::optional<std::string> title = opt_string(L, first + 2, "plot");
  if (path && graded_script(L)) throw LuaArgError("inspect.plot: a graded script cannot write files (leave out the path)");
  inspect::QueryResult result = run_query(L, handle, sql, "plot");
  Result<std::vector<PlotSeries>> series = plot_series(result);
  if (!series) throw LuaArgError("inspect." + series.error().message);
  std::string text = plot_sparklines(*series, result.columns.front());
  if (path) {
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    out << plot_svg(*series, result.columns.front(), title.value_or(sql));
    if (!out.flush()) throw LuaArgError("inspect.plot: cannot write " + *path);
    text += "wrote " + *path + "\n";
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int inspect_sample(lua_State* L) {
  int first = 1;
  InspectorHandle handle = resolve(L, "sample", first);
  inspect::Inspector* recorder = live_recorder(handle);
  if (!recorder) throw LuaArgError("inspect.sample: this database is not recording a cluster (a file opened for reading, or closed)");
  Result<int64_t> sample = recorder->sample_now();
  if (!sample) throw LuaArgError("inspect.sample: " + sample.error().message);
  lua_pushinteger(L, *sample);
  lua_pushinteger(L, handle.cluster->now());
  return 2;
}

int inspect_schema(lua_State* L) {
  const std::string_view text = inspect::schema_sql();
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int inspect_close(lua_State* L) {
  refuse_nested("inspect.close()");
  auto* handle = static_cast<InspectorHandle*>(test_userdata(L, 1, kInspectorType));
  if (!handle) {
    lua_getfield(L, LUA_REGISTRYINDEX, kCurrentKey);
    handle = static_cast<InspectorHandle*>(test_userdata(L, -1, kInspectorType));
    lua_pop(L, 1);  // the registry still holds it
  }
  if (!handle || !handle->database) return 0;
  if (graded_script(L) && live_recorder(*handle))
    throw LuaArgError("inspect.close: a graded script cannot stop the lab's recording");
  if (inspect::Inspector* recorder = live_recorder(*handle)) recorder->close();
  handle->database.reset();
  handle->cluster.reset();
  return 0;
}

int inspector_tostring(lua_State* L) {
  auto* handle = static_cast<InspectorHandle*>(check_userdata(L, 1, kInspectorType, "__tostring"));
  std::string text;
  if (!handle->database) text = "inspector (closed)";
  else if (inspect::Inspector* recorder = live_recorder(*handle))
    text = fmt::format("inspector: recording the cluster into {} every {} simulated ms ({} samples so far{})",
                       handle->database->path(), recorder->sample_ms(), recorder->samples_written(),
                       recorder->failure() ? "; stopped: " + recorder->failure()->message : "");
  else text = fmt::format("inspector: {} (read-only)", handle->database->path());
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

const MethodDoc kInspectorMethods[] = {
    {"open", lua_entry<inspect_open>,
     "inspect.open(cluster [, path] [, { [\"inspect.sample.ms\"] = 1000 }]) --> inspector  |  inspect.open(path) --> inspector",
     "Starts recording the cluster into an SQLite database: `path`, or in memory when left out. An existing klab "
     "database there is recorded again; any other file is refused, never overwritten. A sample (topics, "
     "partitions, replicas, group offsets and lag, metrics) is taken each time the simulated clock passes a "
     "multiple of inspect.sample.ms, events as they happen. With only a path: opens a recording (read-only). "
     "The opened database becomes the current one for inspect.sql and friends."},
    {"sql", lua_entry<inspect_sql>, "inspect.sql(\"SELECT ...\") --> rows",
     "Runs one read-only SQL statement on the current database and returns its rows ({ column = value }, NULL "
     "as nil; rows.columns lists the columns); the REPL prints them as an aligned table. inspect.schema() lists "
     "the tables and views."},
    {"lag", lua_entry<inspect_lag>, "inspect.lag(group) --> rows",
     "The group's committed offset, log end offset and lag per partition at the latest sample, printed with a "
     "sparkline of the group's total lag over time (view group_lag)."},
    {"timeline", lua_entry<inspect_timeline>, "inspect.timeline([kind]) --> rows",
     "The recorded cluster events in order (elections, ISR changes, broker stops, rebalances, retention and "
     "cleaning), or only those of one kind, e.g. inspect.timeline(\"LeaderElected\")."},
    {"plot", lua_entry<inspect_plot>, "inspect.plot(sql [, path [, title]]) --> text",
     "Draws a time series: the query's first column is x (time_ms), then one column per series, or (x, name, y) "
     "with a series per name. Prints a sparkline per series; with `path`, also writes an SVG line chart there. "
     "Example: inspect.plot(\"SELECT time_ms, group_id, lag FROM group_lag\", \"lag.svg\")."},
    {"sample", lua_entry<inspect_sample>, "inspect.sample() --> sample_id, time_ms",
     "Takes a sample now (reason 'on demand'), besides the periodic ones."},
    {"schema", lua_entry<inspect_schema>, "inspect.schema() --> text",
     "The database's tables, indexes and views as SQL, with a comment on every column that needs one."},
    {"close", lua_entry<inspect_close>, "inspect.close([inspector])",
     "Stops recording (writing what is due first) and closes the database; a file is left complete."},
};

}  // namespace


// Rows as an array of { column = value } (NULL is nil) with rows.columns, printing as a table.
void push_query_rows(lua_State* L, const inspect::QueryResult& result, std::string printed) {
  lua_createtable(L, static_cast<int>(result.rows.size()), 1);
  for (std::size_t r = 0; r < result.rows.size(); ++r) {
    lua_createtable(L, 0, static_cast<int>(result.columns.size()));
    for (std::size_t c = 0; c < result.columns.size(); ++c) {
      push_sql_value(L, result.rows[r][c]);
      lua_setfield(L, -2, result.columns[c].c_str());
    }
    lua_rawseti(L, -2, static_cast<lua_Integer>(r + 1));
  }
  push_string_array(L, result.columns);
  lua_setfield(L, -2, "columns");
  set_printed_form(L, std::move(printed), "klab.QueryResult");
}


const TypeDoc kInspectorTypeDoc{
    kInspectorType, "inspect",
    "The SQLite inspector: a database recording a cluster as it runs (topics, partitions, replicas, group lag, "
    "metrics, events), queried with plain SQL. Functions of the global `inspect` table; each also works as a "
    "method of an inspector (db:sql(...)). From the command line: klab inspect FILE.sqlite [\"SELECT ...\"].",
    kInspectorMethods};

void register_inspect(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<inspector_tostring>}};
  register_type(L, kInspectorTypeDoc, metamethods);
  lua_createtable(L, 0, static_cast<int>(std::size(kInspectorMethods)));
  for (const MethodDoc& method : kInspectorMethods) {
    lua_pushcfunction(L, method.function);
    lua_setfield(L, -2, method.name);
  }
  lua_setglobal(L, "inspect");
}

}  // namespace klab
