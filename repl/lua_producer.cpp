// klab.Producer: p:send(topic, record [, callback]) and p:flush().
// Without a callback send is synchronous (Java's send().get()): it runs the simulation until the
// record's batch is acknowledged and returns its metadata. With a callback it only queues the
// record; the callback runs when the batch completes (after linger.ms, a flush, c:advance, ...).
#include <fmt/format.h>

#include <iostream>

#include "client/producer.hpp"
#include "lua_bindings.hpp"
#include "lua_serdes.hpp"
#include "lua_interceptors.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr const char* kProducerType = "klab.Producer";

struct ProducerHandle {
  std::unique_ptr<Producer> producer;
  int partitioner_ref = LUA_NOREF;  // a Lua partitioner function, released with the producer
  LuaSerdes serdes;                 // key.serializer / value.serializer

  void release(lua_State* L) {
    if (partitioner_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, partitioner_ref);
    partitioner_ref = LUA_NOREF;
    serdes.release(L);
  }
};

ProducerHandle& check_producer_handle(lua_State* L, int index, const char* function) {
  auto* handle = static_cast<ProducerHandle*>(check_userdata(L, index, kProducerType, function));
  if (!handle->producer) throw LuaArgError("this producer was closed");
  return *handle;
}

Producer& check_producer(lua_State* L, int index, const char* function) {
  return *check_producer_handle(L, index, function).producer;
}

std::optional<std::string_view> bytes_field(lua_State* L, int table, const char* field);

// With a serializer configured, the key or value field is any Lua value the serializer takes; its
// bytes are kept in `storage` for the send. Returns false (with nil, err pushed) when it refuses.
bool serialize_field(lua_State* L, ProducerHandle& handle, const std::string& topic, int table, const char* field,
                     std::optional<std::string>& storage, std::optional<std::string_view>& out, int& pushed) {
  const bool is_key = std::string_view(field) == "key";
  if (!handle.serdes.active(is_key)) {
    out = bytes_field(L, table, field);
    return true;
  }
  raw_field(L, table, field);
  auto bytes = serialize_lua_value(L, handle.serdes, topic, is_key, -1);
  lua_pop(L, 1);
  if (!bytes) {
    pushed = push_schema_error(L, bytes.error());
    return false;
  }
  storage = std::move(*bytes);
  if (storage) out = std::string_view(*storage);
  return true;
}

void push_metadata(lua_State* L, const RecordMetadata& metadata) {
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, metadata.topic.data(), metadata.topic.size()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, metadata.partition), lua_setfield(L, -2, "partition");
  lua_pushinteger(L, metadata.offset), lua_setfield(L, -2, "offset");
  lua_pushinteger(L, metadata.timestamp), lua_setfield(L, -2, "timestamp");
  luaL_setmetatable(L, "klab.RecordMetadata");
}

int metadata_tostring(lua_State* L) {
  // Java's RecordMetadata.toString(): topic-partition@offset
  check_table(L, 1, "__tostring");
  raw_field(L, 1, "topic");
  raw_field(L, 1, "partition");
  raw_field(L, 1, "offset");
  std::string text = fmt::format("{}-{}@{}", lua_isstring(L, -3) ? lua_tostring(L, -3) : "?",
                                 lua_tointeger(L, -2), lua_tointeger(L, -1));
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// Optional bytes field: a string, or nil. Anything else is a mistake worth naming.
std::optional<std::string_view> bytes_field(lua_State* L, int table, const char* field) {
  int type = raw_field(L, table, field);  // left on the stack: keeps the string alive for the send
  if (type == LUA_TNIL) return std::nullopt;
  if (type != LUA_TSTRING)
    throw LuaArgError(fmt::format("send: record.{} must be a string or nil, got {} — Kafka {}s are bytes; convert "
                                  "with tostring(...)",
                                  field, luaL_typename(L, -1), field));
  std::size_t length = 0;
  const char* data = lua_tolstring(L, -1, &length);
  return std::string_view(data, length);
}

// Headers: {name = value, ...} (sent in name order) or {{name, value}, ...} (sent as listed).
void read_headers(lua_State* L, int table, std::vector<HeaderView>& headers) {
  int type = raw_field(L, table, "headers");
  if (type == LUA_TNIL) return;
  if (type != LUA_TTABLE) throw LuaArgError("send: record.headers must be a table {name = \"value\", ...}");
  int headers_index = lua_gettop(L);
  lua_Integer length = static_cast<lua_Integer>(lua_rawlen(L, headers_index));
  auto view_at = [L](int index, const char* what) -> std::string_view {
    if (lua_type(L, index) != LUA_TSTRING) throw LuaArgError(fmt::format("send: header {} must be a string", what));
    std::size_t n = 0;
    const char* data = lua_tolstring(L, index, &n);
    return std::string_view(data, n);
  };
  if (length > 0) {
    for (lua_Integer i = 1; i <= length; ++i) {
      if (lua_rawgeti(L, headers_index, i) != LUA_TTABLE)
        throw LuaArgError("send: list-style headers are {{name, value}, ...}");
      int pair = lua_gettop(L);
      lua_rawgeti(L, pair, 1);
      lua_rawgeti(L, pair, 2);
      HeaderView header{view_at(-2, "name"), std::nullopt};
      if (!lua_isnil(L, -1)) header.value = view_at(-1, "value");
      headers.push_back(header);  // the strings stay referenced by the headers table
      lua_pop(L, 3);
    }
    return;
  }
  lua_pushnil(L);
  while (lua_next(L, headers_index)) {
    HeaderView header{view_at(-2, "name"), std::nullopt};
    if (lua_type(L, -1) != LUA_TBOOLEAN || lua_toboolean(L, -1)) header.value = view_at(-1, "value");
    headers.push_back(header);
    lua_pop(L, 1);
  }
  std::sort(headers.begin(), headers.end(), [](const HeaderView& a, const HeaderView& b) { return a.key < b.key; });
}

void report_callback_error(lua_State* L) {
  std::cerr << "error in send callback (Kafka logs it and goes on): " << (lua_tostring(L, -1) ? lua_tostring(L, -1) : "?")
            << '\n';
  lua_pop(L, 1);
}

int producer_send(lua_State* L) {
  ProducerHandle& handle = check_producer_handle(L, 1, "send");
  Producer& producer = *handle.producer;
  std::string topic = check_string(L, 2, "send", "topic name (string)");
  std::optional<std::string> key_bytes, value_bytes;  // serialized key and value, alive until the send returns
  const bool asynchronous = !lua_isnoneornil(L, 4);
  if (asynchronous && !lua_isfunction(L, 4)) arg_error(L, 4, "send", "callback function or nil");
  ProducerRecord record;
  record.topic = topic;
  std::vector<HeaderView> headers;
  int pushed = 0;
  if (lua_type(L, 3) == LUA_TSTRING && !handle.serdes.active(false)) {
    std::size_t length = 0;
    const char* data = lua_tolstring(L, 3, &length);
    record.value = std::string_view(data, length);
  } else if (lua_type(L, 3) == LUA_TTABLE) {
    if (!serialize_field(L, handle, topic, 3, "key", key_bytes, record.key, pushed) ||
        !serialize_field(L, handle, topic, 3, "value", value_bytes, record.value, pushed))
      return pushed;
    if (raw_field(L, 3, "partition") != LUA_TNIL) {
      if (!lua_isinteger(L, -1)) throw LuaArgError("send: record.partition must be a whole number");
      record.partition = static_cast<int32_t>(lua_tointeger(L, -1));
    }
    if (raw_field(L, 3, "timestamp") != LUA_TNIL) {
      if (!lua_isinteger(L, -1)) throw LuaArgError("send: record.timestamp must be a whole number of ms");
      record.timestamp = lua_tointeger(L, -1);
    }
    read_headers(L, 3, headers);
    record.headers = headers;
  } else if (handle.serdes.active(false) && !lua_isnoneornil(L, 3)) {
    auto bytes = serialize_lua_value(L, handle.serdes, topic, false, 3);  // p:send(topic, 42) with a serializer
    if (!bytes) return push_schema_error(L, bytes.error());
    value_bytes = std::move(*bytes);
    if (value_bytes) record.value = std::string_view(*value_bytes);
  } else {
    arg_error(L, 3, "send",
              handle.serdes.active(false) ? "record table {key=, value=, headers=, partition=} (value.serializer is set)"
                                          : "record table {key=, value=, headers=, partition=} or a value string");
  }
  if (!asynchronous) {
    Result<RecordMetadata> metadata = producer.send_and_wait(record);
    if (!metadata) return push_kafka_error(L, metadata.error());
    push_metadata(L, *metadata);
    return 1;
  }
  lua_pushvalue(L, 4);
  int callback_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_State* main = main_thread(L);
  Result<int32_t> queued = producer.send(record, [main, callback_ref](const RecordMetadata& metadata, const Error* error) {
    lua_rawgeti(main, LUA_REGISTRYINDEX, callback_ref);
    luaL_unref(main, LUA_REGISTRYINDEX, callback_ref);
    int arguments = 1;
    if (error) arguments = push_kafka_error(main, *error);
    else push_metadata(main, metadata);
    if (protected_call(main, arguments, 0, 0) != LUA_OK) report_callback_error(main);
  });
  if (!queued) {
    luaL_unref(L, LUA_REGISTRYINDEX, callback_ref);
    return push_kafka_error(L, queued.error());
  }
  lua_pushboolean(L, true);
  return 1;
}

int producer_flush(lua_State* L) {
  refuse_nested("p:flush()");
  check_producer(L, 1, "flush").flush();
  return 0;
}

int producer_metrics(lua_State* L) {
  const Producer& producer = check_producer(L, 1, "metrics");
  const auto metrics = producer.metrics();
  lua_createtable(L, 0, static_cast<int>(metrics.size()));
  for (const auto& [name, value] : metrics) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name.c_str());
  }
  return 1;
}

int producer_close(lua_State* L) {
  refuse_nested("p:close()");
  auto* handle = static_cast<ProducerHandle*>(opt_userdata(L, 1, kProducerType, "close"));
  if (!handle) return 0;  // closed already
  if (handle->producer) handle->producer->flush();
  destroy_object(L, 1, kProducerType);
  return 0;
}

int producer_client_id(lua_State* L) {
  lua_pushstring(L, check_producer(L, 1, "client_id").client_id().c_str());
  return 1;
}

int producer_tostring(lua_State* L) {
  auto* handle = static_cast<ProducerHandle*>(opt_userdata(L, 1, kProducerType, "__tostring"));
  std::string text = handle && handle->producer ? fmt::format("klab producer {} (acks={}, {} batch(es) buffered)",
                                                    handle->producer->client_id(),
                                                    handle->producer->config().get_string("acks"),
                                                    handle->producer->buffered_batches())
                                      : std::string("klab producer (closed)");
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

const MethodDoc kProducerMethods[] = {
    {"send", lua_entry<producer_send>,
     "p:send(topic, record [, callback]) --> metadata | nil, err",
     "record = {key=, value=, headers={name=\"v\"}, partition=, timestamp=} or just a value string. Without a "
     "callback the call waits for the acknowledgement (Java's send().get()) and returns {topic, partition, offset, "
     "timestamp}; the simulated clock moves by linger.ms plus the round trip. With callback(metadata, err) it "
     "returns true at once and the record waits in a batch until it is sent (batch full, linger.ms passed, "
     "p:flush(), c:advance(ms), ...). With key.serializer / value.serializer set, key and value are whatever they "
     "take (a number for IntegerSerializer, a table for avro) and a refusal returns nil, err with err.name = "
     "\"SerializationException\" (err.code 409 when the registry refused the schema)."},
    {"flush", lua_entry<producer_flush>, "p:flush()", "Sends every buffered record and waits until all are acknowledged."},
    {"close", lua_entry<producer_close>, "p:close()", "Flushes, then releases the producer."},
    {"metrics", lua_entry<producer_metrics>, "p:metrics() --> { [\"batch-size-avg\"] = n, ... }",
     "Kafka's producer-metrics on the simulated clock, windowed as Kafka's client metrics are "
     "(metrics.num.samples = 2 windows of metrics.sample.window.ms = 30000): averages and maxima over the last "
     "samples, rates per simulated second over at least one whole window (a producer 5 s old divides by 35 s, as "
     "a real one does). batch-size-avg/max (bytes per batch), compression-rate-avg (compressed/plain), "
     "records-per-request-avg, record-queue-time-avg/max (ms a batch waited), request-latency-avg/max (ms to "
     "the answer), record-send-rate, request-rate, outgoing-byte-rate, record-retry-rate, record-error-rate and "
     "their -total counts since the start. Averages with no sample are NaN, as in Kafka. Per topic: "
     "c:metrics{ group = \"producer-topic-metrics\" }."},
    {"client_id", lua_entry<producer_client_id>, "p:client_id() --> string", "client.id, or the generated producer-N."},
};

}  // namespace

int new_producer(lua_State* L) {
  refuse_nested("c:producer()");
  Cluster& cluster = check_cluster(L, 1, "producer");
  ConfigEntries config;
  CustomPartitioner custom;
  int partitioner_ref = LUA_NOREF;
  LuaSerdes serdes;
  std::shared_ptr<void> interceptors;
  if (!lua_isnoneornil(L, 2)) {
    check_table(L, 2, "producer");
    interceptors = take_interceptors(L, 2, "producer", true);
    // Lua functions as partitioner.class (klab's custom partitioner) or key/value.serializer are
    // taken out of the config; the rest are Kafka producer configs.
    if (raw_field(L, 2, "partitioner.class") == LUA_TFUNCTION) partitioner_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    else lua_pop(L, 1);
    serdes.key_function = ref_function_field(L, 2, "key.serializer");
    serdes.value_function = ref_function_field(L, 2, "value.serializer");
    lua_newtable(L);  // a copy of the config without those keys
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1) &&
          (std::string_view(lua_tostring(L, -2)) == "partitioner.class" || is_serde_key(lua_tostring(L, -2)))) {
        lua_pop(L, 1);
        continue;
      }
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    }
    try {
      config = config_entries_from_table(L, -1, "producer");
    } catch (...) {
      serdes.release(L);
      if (partitioner_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, partitioner_ref);
      throw;
    }
    lua_pop(L, 1);
  }
  if (partitioner_ref != LUA_NOREF) {
    lua_State* main = main_thread(L);
    custom = [main, partitioner_ref](std::string_view topic, std::optional<std::string_view> key,
                                     std::optional<std::string_view> value, int32_t count) -> Result<int32_t> {
      lua_rawgeti(main, LUA_REGISTRYINDEX, partitioner_ref);
      lua_pushlstring(main, topic.data(), topic.size());
      key ? (void)lua_pushlstring(main, key->data(), key->size()) : lua_pushnil(main);
      value ? (void)lua_pushlstring(main, value->data(), value->size()) : lua_pushnil(main);
      lua_pushinteger(main, count);
      if (protected_call(main, 4, 1, 0) != LUA_OK) {
        std::string message = lua_tostring(main, -1) ? lua_tostring(main, -1) : "error";
        lua_pop(main, 1);
        throw std::runtime_error("custom partitioner failed: " + message);
      }
      int is_integer = 0;
      lua_Integer partition = lua_tointegerx(main, -1, &is_integer);
      lua_pop(main, 1);
      if (!is_integer) throw std::runtime_error("custom partitioner must return a partition number");
      if (partition < 0)
        throw std::runtime_error(fmt::format("The partitioner generated an invalid partition number: {}. Partition "
                                             "number should always be non-negative.", partition));
      return static_cast<int32_t>(std::min<lua_Integer>(partition, INT32_MAX));
    };
  }
  Result<std::unique_ptr<Producer>> created = Producer::create(cluster, config, std::move(custom));
  std::optional<Error> failure;
  if (!created) failure = created.error();
  if (created) {
    Result<serde::ClientSerdes> kernel_serdes = serde::ClientSerdes::for_producer(cluster, (*created)->config());
    if (kernel_serdes) serdes.kernel = std::move(*kernel_serdes);
    else failure = kernel_serdes.error();
  }
  if (failure) {
    if (partitioner_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, partitioner_ref);
    serdes.release(L);
    throw LuaArgError("producer: " + failure->message);
  }
  if (interceptors) (*created)->set_interceptors(producer_interceptors(interceptors));
  push_client_handle(L, kProducerType, ProducerHandle{std::move(created).value(), partitioner_ref, std::move(serdes)});
  return 1;
}

const TypeDoc kProducerTypeDoc{kProducerType, "producer",
                               "A Kafka producer: partitions records (Kafka's default partitioner), batches them by "
                               "batch.size and linger.ms, and sends them to the partition leaders.",
                               kProducerMethods};

void register_producer_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<producer_tostring>}};
  register_type(L, kProducerTypeDoc, metamethods);
  luaL_newmetatable(L, "klab.RecordMetadata");
  lua_pushcfunction(L, lua_entry<metadata_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}

}  // namespace klab
