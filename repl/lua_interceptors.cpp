// interceptor.classes for c:producer{...} and c:consumer{...}: a list of Lua tables with on_send /
// on_acknowledgement (producer) or on_consume / on_commit (consumer) functions, turned into the
// kernel's ProducerInterceptor / ConsumerInterceptor hooks. As in Kafka, an error raised by an
// interceptor is logged (stderr) and ignored; the client goes on.
#include "lua_interceptors.hpp"

#include <fmt/format.h>

#include <iostream>

namespace klab {
namespace {

// The registry reference of the interceptor list, released with the last hook that uses it.
struct InterceptorList {
  lua_State* main = nullptr;
  int ref = LUA_NOREF;
  std::size_t count = 0;
  ~InterceptorList() {
    if (ref != LUA_NOREF) luaL_unref(main, LUA_REGISTRYINDEX, ref);
  }
};

lua_State* main_state(lua_State* L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  lua_State* main = lua_tothread(L, -1);
  lua_pop(L, 1);
  return main;
}

// Pushes interceptor i's function `name`; false (nothing pushed) when it has none.
bool push_hook(const InterceptorList& list, std::size_t i, const char* name) {
  lua_State* L = list.main;
  if (!lua_checkstack(L, 8)) return false;
  lua_rawgeti(L, LUA_REGISTRYINDEX, list.ref);
  // Raw reads: the script may have changed its tables since (to a non-table, or one with __index),
  // and nothing here may run its code or raise outside a protected call.
  if (lua_rawgeti(L, -1, static_cast<lua_Integer>(i + 1)) != LUA_TTABLE) {  // the list itself is klab's
    lua_pop(L, 2);
    return false;
  }
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 3);
    return false;
  }
  lua_replace(L, -3);
  lua_pop(L, 1);
  return true;
}

void call_hook(lua_State* L, int arguments, const char* name) {
  if (protected_call(L, arguments, 0, 0) != LUA_OK) {
    std::cerr << "error in interceptor " << name << " (Kafka logs it and goes on): "
              << (lua_tostring(L, -1) ? lua_tostring(L, -1) : "?") << '\n';
    lua_pop(L, 1);
  }
}

void push_bytes(lua_State* L, const std::optional<std::string_view>& bytes) {
  if (bytes) lua_pushlstring(L, bytes->data(), bytes->size());
  else lua_pushnil(L);
}

void set_string(lua_State* L, const char* field, std::string_view text) {
  lua_pushlstring(L, text.data(), text.size());
  lua_setfield(L, -2, field);
}

void set_integer(lua_State* L, const char* field, int64_t value) {
  lua_pushinteger(L, value);
  lua_setfield(L, -2, field);
}

}  // namespace

std::shared_ptr<void> take_interceptors(lua_State* L, int config_index, const char* function, bool producer) {
  if (lua_type(L, config_index) != LUA_TTABLE) return nullptr;
  const int type = raw_field(L, config_index, "interceptor.classes");
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return nullptr;
  }
  const char* hooks = producer ? "{ on_send = function(record) end, on_acknowledgement = function(metadata, err) end }"
                               : "{ on_consume = function(records) end, on_commit = function(offsets) end }";
  if (type != LUA_TTABLE)
    throw LuaArgError(fmt::format("{}: interceptor.classes takes a list of Lua tables {} (Java class names cannot run "
                                  "in klab); see help(\"interceptors\")", function, hooks));
  auto list = std::make_shared<InterceptorList>();
  list->main = main_state(L);
  const int table = lua_gettop(L);
  for (lua_Integer i = 1;; ++i) {
    const int element = lua_rawgeti(L, table, i);
    lua_pop(L, 1);
    if (element == LUA_TNIL) break;
    if (element != LUA_TTABLE)
      throw LuaArgError(fmt::format("{}: interceptor.classes[{}] must be a table {}", function, i, hooks));
    ++list->count;
  }
  if (list->count == 0) {
    const bool keyed = (lua_pushnil(L), lua_next(L, table) != 0);
    if (keyed) {
      lua_pop(L, 2);
      throw LuaArgError(fmt::format("{}: interceptor.classes is a list: {{ my_interceptor }}, not one interceptor", function));
    }
  }
  list->ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the list
  // The config without interceptor.classes replaces the one at config_index.
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, config_index)) {
    if (lua_type(L, -2) == LUA_TSTRING && std::string_view(lua_tostring(L, -2)) == "interceptor.classes") {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
  lua_replace(L, config_index);
  return list;
}

std::vector<ProducerInterceptor> producer_interceptors(const std::shared_ptr<void>& taken) {
  std::vector<ProducerInterceptor> out;
  auto list = std::static_pointer_cast<InterceptorList>(taken);
  if (!list) return out;
  for (std::size_t i = 0; i < list->count; ++i) {
    ProducerInterceptor interceptor;
    interceptor.on_send = [list, i](const ProducerRecord& record) {
      if (!push_hook(*list, i, "on_send")) return;
      lua_State* L = list->main;
      lua_createtable(L, 0, 4);
      set_string(L, "topic", record.topic);
      if (record.partition) set_integer(L, "partition", *record.partition);
      push_bytes(L, record.key);
      lua_setfield(L, -2, "key");
      push_bytes(L, record.value);
      lua_setfield(L, -2, "value");
      call_hook(L, 1, "on_send");
    };
    interceptor.on_acknowledgement = [list, i](const RecordMetadata& metadata, const Error* error) {
      if (!push_hook(*list, i, "on_acknowledgement")) return;
      lua_State* L = list->main;
      lua_createtable(L, 0, 4);
      set_string(L, "topic", metadata.topic);
      set_integer(L, "partition", metadata.partition);
      set_integer(L, "offset", metadata.offset);
      set_integer(L, "timestamp", metadata.timestamp);
      if (error) {
        push_kafka_error(L, *error);  // pushes nil, err
        lua_remove(L, -2);
      } else {
        lua_pushnil(L);
      }
      call_hook(L, 2, "on_acknowledgement");
    };
    out.push_back(std::move(interceptor));
  }
  return out;
}

std::vector<ConsumerInterceptor> consumer_interceptors(const std::shared_ptr<void>& taken) {
  std::vector<ConsumerInterceptor> out;
  auto list = std::static_pointer_cast<InterceptorList>(taken);
  if (!list) return out;
  for (std::size_t i = 0; i < list->count; ++i) {
    ConsumerInterceptor interceptor;
    interceptor.on_consume = [list, i](const std::vector<ConsumerRecord>& records) {
      if (!push_hook(*list, i, "on_consume")) return;
      lua_State* L = list->main;
      lua_createtable(L, static_cast<int>(records.size()), 0);
      for (std::size_t r = 0; r < records.size(); ++r) {
        lua_createtable(L, 0, 6);
        set_string(L, "topic", records[r].topic);
        set_integer(L, "partition", records[r].partition);
        set_integer(L, "offset", records[r].offset);
        set_integer(L, "timestamp", records[r].timestamp);
        push_bytes(L, records[r].key);
        lua_setfield(L, -2, "key");
        push_bytes(L, records[r].value);
        lua_setfield(L, -2, "value");
        lua_rawseti(L, -2, static_cast<lua_Integer>(r + 1));
      }
      call_hook(L, 1, "on_consume");
    };
    interceptor.on_commit = [list, i](const std::map<TopicPartition, OffsetAndMetadata>& offsets) {
      if (!push_hook(*list, i, "on_commit")) return;
      lua_State* L = list->main;
      lua_createtable(L, static_cast<int>(offsets.size()), 0);
      lua_Integer n = 0;
      for (const auto& [partition, offset] : offsets) {
        lua_createtable(L, 0, 3);
        set_string(L, "topic", partition.topic);
        set_integer(L, "partition", partition.partition);
        set_integer(L, "offset", offset.offset);
        lua_rawseti(L, -2, ++n);
      }
      call_hook(L, 1, "on_commit");
    };
    out.push_back(std::move(interceptor));
  }
  return out;
}

}  // namespace klab
