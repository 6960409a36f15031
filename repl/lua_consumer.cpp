// klab.Consumer: a consumer that reads partitions it was assigned (assign, seek*, position, poll)
// or, with group.id, the partitions its consumer group gives it (subscribe, commit, commit_async,
// committed, close, crash; rebalance listeners as Lua functions). A topic-partition is a plain
// table {topic = "orders", partition = 1}.
//
// Listener and commit callbacks run inside the consumer call that triggers them (poll, close,
// unsubscribe, commit), on the Lua thread that made that call, as Kafka runs them on the thread
// that calls poll; an error raised in one makes that call fail after the rebalance completed.
#include <fmt/format.h>

#include <map>

#include "client/consumer.hpp"
#include "lua_bindings.hpp"
#include "lua_serdes.hpp"
#include "lua_interceptors.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr const char* kConsumerType = "klab.Consumer";

// Lua functions the kernel calls back: registry references, and the Lua thread of the consumer
// call in progress (set on entry to every method).
struct LuaCallbacks {
  lua_State* current = nullptr;
  lua_State* main = nullptr;
  int on_assigned = LUA_NOREF, on_revoked = LUA_NOREF, on_lost = LUA_NOREF;
  ~LuaCallbacks() {
    for (int ref : {on_assigned, on_revoked, on_lost})
      if (ref != LUA_NOREF) luaL_unref(main, LUA_REGISTRYINDEX, ref);
  }
};

struct ConsumerHandle {
  std::unique_ptr<Consumer> consumer;
  std::vector<ConsumerRecord> records;  // reused by every poll
  std::shared_ptr<LuaCallbacks> callbacks;
  LuaSerdes serdes;  // key.deserializer / value.deserializer

  void release(lua_State* L) { serdes.release(L); }
};

ConsumerHandle& check_handle(lua_State* L, int index, const char* function) {
  auto* handle = static_cast<ConsumerHandle*>(check_userdata(L, index, kConsumerType, function));
  if (!handle->consumer) throw LuaArgError("this consumer was closed");
  handle->callbacks->current = L;
  return *handle;
}

void push_topic_partition(lua_State* L, const TopicPartition& tp);

void push_partition_list(lua_State* L, const std::vector<TopicPartition>& partitions) {
  lua_createtable(L, static_cast<int>(partitions.size()), 0);
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    push_topic_partition(L, partitions[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

// Calls the Lua function `ref` with the partitions; its error becomes a C++ exception the kernel
// keeps and rethrows from the consumer call, as Kafka does with a listener's exception.
void call_listener(const std::shared_ptr<LuaCallbacks>& callbacks, int ref, const char* name,
                   const std::vector<TopicPartition>& partitions) {
  lua_State* L = callbacks->current;
  if (!L || ref == LUA_NOREF) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  push_partition_list(L, partitions);
  if (protected_call(L, 1, 0, 0) != LUA_OK) {
    std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(a non-string error)";
    lua_pop(L, 1);
    throw LuaArgError(fmt::format("{} listener: {}", name, message));
  }
}

// Reads on_assigned / on_revoked / on_lost functions from the table at `index` into `callbacks`.
bool read_listeners(lua_State* L, int index, LuaCallbacks& callbacks, const char* function) {
  bool any = false;
  for (auto [field, slot] : {std::pair{"on_assigned", &callbacks.on_assigned}, std::pair{"on_revoked", &callbacks.on_revoked},
                             std::pair{"on_lost", &callbacks.on_lost}}) {
    int type = raw_field(L, index, field);
    if (type == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    if (type != LUA_TFUNCTION) throw LuaArgError(fmt::format("{}: '{}' must be a function(partitions)", function, field));
    if (*slot != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, *slot);
    *slot = luaL_ref(L, LUA_REGISTRYINDEX);
    any = true;
  }
  return any;
}

RebalanceListener make_listener(const std::shared_ptr<LuaCallbacks>& callbacks) {
  RebalanceListener listener;
  std::weak_ptr<LuaCallbacks> weak = callbacks;
  auto bind = [weak](int LuaCallbacks::*slot, const char* name) {
    return [weak, slot, name](const std::vector<TopicPartition>& partitions) {
      if (auto held = weak.lock()) call_listener(held, (*held).*slot, name, partitions);
    };
  };
  if (callbacks->on_assigned != LUA_NOREF) listener.on_assigned = bind(&LuaCallbacks::on_assigned, "on_assigned");
  if (callbacks->on_revoked != LUA_NOREF) listener.on_revoked = bind(&LuaCallbacks::on_revoked, "on_revoked");
  if (callbacks->on_lost != LUA_NOREF) listener.on_lost = bind(&LuaCallbacks::on_lost, "on_lost");
  return listener;
}

TopicPartition topic_partition_at(lua_State* L, int index, const char* function) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE)
    throw LuaArgError(fmt::format("{}: a topic-partition is a table {{topic = \"name\", partition = 0}}, got {}",
                                  function, luaL_typename(L, index)));
  int topic_type = raw_field(L, index, "topic");
  int partition_type = raw_field(L, index, "partition");
  bool valid = topic_type == LUA_TSTRING && partition_type == LUA_TNUMBER && lua_isinteger(L, -1);
  TopicPartition tp;
  if (valid) tp = TopicPartition{lua_tostring(L, -2), static_cast<int32_t>(lua_tointeger(L, -1))};
  lua_pop(L, 2);
  if (!valid)
    throw LuaArgError(fmt::format("{}: a topic-partition is a table {{topic = \"name\", partition = 0}}", function));
  return tp;
}

std::vector<TopicPartition> topic_partition_list(lua_State* L, int index, const char* function) {
  std::vector<TopicPartition> list;
  if (lua_isnoneornil(L, index)) return list;
  check_table(L, index, function);
  index = lua_absindex(L, index);
  // A single {topic=, partition=} is accepted as a list of one.
  if (raw_field(L, index, "topic") != LUA_TNIL) {
    lua_pop(L, 1);
    list.push_back(topic_partition_at(L, index, function));
    return list;
  }
  lua_pop(L, 1);
  lua_Integer length = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= length; ++i) {
    lua_rawgeti(L, index, i);
    list.push_back(topic_partition_at(L, -1, function));
    lua_pop(L, 1);
  }
  return list;
}

void push_topic_partition(lua_State* L, const TopicPartition& tp) {
  lua_createtable(L, 0, 2);
  lua_pushlstring(L, tp.topic.data(), tp.topic.size()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, tp.partition), lua_setfield(L, -2, "partition");
}

void push_optional_bytes(lua_State* L, const std::optional<std::string_view>& bytes, const char* field) {
  if (!bytes) return;
  lua_pushlstring(L, bytes->data(), bytes->size());
  lua_setfield(L, -2, field);
}

void push_record(lua_State* L, const ConsumerRecord& record) {
  lua_createtable(L, 0, 8);
  lua_pushlstring(L, record.topic.data(), record.topic.size()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, record.partition), lua_setfield(L, -2, "partition");
  lua_pushinteger(L, record.offset), lua_setfield(L, -2, "offset");
  lua_pushinteger(L, record.timestamp), lua_setfield(L, -2, "timestamp");
  std::string_view type = timestamp_type_name(record.timestamp_type);
  lua_pushlstring(L, type.data(), type.size()), lua_setfield(L, -2, "timestamp_type");
  push_optional_bytes(L, record.key, "key");
  push_optional_bytes(L, record.value, "value");
  if (record.headers.count() > 0) {
    lua_createtable(L, 0, record.headers.count());
    record.headers.for_each([L](const HeaderView& header) {
      lua_pushlstring(L, header.key.data(), header.key.size());
      if (header.value) lua_pushlstring(L, header.value->data(), header.value->size());
      else lua_pushboolean(L, false);
      lua_rawset(L, -3);
    });
    lua_setfield(L, -2, "headers");
  }
}

int consumer_assign(lua_State* L) {
  refuse_nested("k:assign()");
  ConsumerHandle& handle = check_handle(L, 1, "assign");
  check_table(L, 2, "assign");
  Status assigned = handle.consumer->assign(topic_partition_list(L, 2, "assign"));
  if (!assigned) return push_kafka_error(L, assigned.error());
  lua_pushboolean(L, true);
  return 1;
}

int consumer_assignment(lua_State* L) {
  const auto& assignment = check_handle(L, 1, "assignment").consumer->assignment();
  lua_createtable(L, static_cast<int>(assignment.size()), 0);
  for (std::size_t i = 0; i < assignment.size(); ++i) {
    push_topic_partition(L, assignment[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

int consumer_partitions_for(lua_State* L) {
  check_handle(L, 1, "partitions_for");
  lua_getiuservalue(L, 1, 1);  // the cluster
  Cluster& cluster = check_cluster(L, -1, "partitions_for");
  std::string name = check_string(L, 2, "partitions_for", "topic name (string)");
  const Topic* topic = cluster.find_topic(name);
  if (!topic)
    return push_kafka_error(L, Error{ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("Topic '{}' does not exist.", name)});
  lua_createtable(L, topic->partition_count(), 0);
  for (const auto& partition : topic->partitions) {
    push_topic_partition(L, TopicPartition{name, partition->id});
    if (partition->leader >= 0) lua_pushinteger(L, partition->leader), lua_setfield(L, -2, "leader");
    push_int_array(L, partition->replicas), lua_setfield(L, -2, "replicas");
    push_int_array(L, partition->in_sync_replicas), lua_setfield(L, -2, "isr");
    lua_rawseti(L, -2, partition->id + 1);
  }
  return 1;
}

int consumer_seek(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "seek");
  TopicPartition tp = topic_partition_at(L, 2, "seek");
  handle.consumer->seek(tp, check_integer(L, 3, "seek"));
  return 0;
}

int consumer_seek_to_beginning(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "seek_to_beginning");
  handle.consumer->seek_to_beginning(topic_partition_list(L, 2, "seek_to_beginning"));
  return 0;
}

int consumer_seek_to_end(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "seek_to_end");
  handle.consumer->seek_to_end(topic_partition_list(L, 2, "seek_to_end"));
  return 0;
}

int consumer_position(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "position");
  Result<int64_t> position = handle.consumer->position(topic_partition_at(L, 2, "position"));
  if (!position) return push_kafka_error(L, position.error());
  lua_pushinteger(L, *position);
  return 1;
}

// Replaces the raw key and value of the record table on top of the stack with their deserialized
// values; the error when a deserializer refuses.
std::optional<schema::SchemaError> deserialize_record(lua_State* L, const ConsumerHandle& handle,
                                                      const ConsumerRecord& record, bool& failed_on_key) {
  for (bool is_key : {true, false}) {
    if (!handle.serdes.active(is_key)) continue;
    if (auto error = push_deserialized(L, handle.serdes, record.topic, is_key, is_key ? record.key : record.value)) {
      failed_on_key = is_key;
      return error;
    }
    lua_setfield(L, -2, is_key ? "key" : "value");
  }
  return std::nullopt;
}

// Kafka's behaviour when a record cannot be deserialized: the records before it are returned,
// the consumer's position stays at it, and the next poll fails with RecordDeserializationException
// until the application seeks past it. Other partitions are not held up.
int push_deserialization_failure(lua_State* L, const ConsumerRecord& record, bool is_key, const schema::SchemaError& cause) {
  schema::SchemaError error{
      "RecordDeserializationException", cause.code,
      fmt::format("Error deserializing {} for partition {}-{} at offset {}. If needed, please seek past the record to "
                  "continue consumption. Caused by: {}",
                  is_key ? "key" : "value", record.topic, record.partition, record.offset, cause.to_string())};
  push_schema_error(L, error);
  lua_pushlstring(L, record.topic.data(), record.topic.size()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, record.partition), lua_setfield(L, -2, "partition");
  lua_pushinteger(L, record.offset), lua_setfield(L, -2, "offset");
  return 2;
}

int consumer_poll(lua_State* L) {
  refuse_nested("k:poll()");
  ConsumerHandle& handle = check_handle(L, 1, "poll");
  int64_t timeout = opt_integer(L, 2, "poll").value_or(0);
  Result<std::size_t> polled = handle.consumer->poll(timeout, handle.records);
  if (!polled) return push_kafka_error(L, polled.error());
  lua_createtable(L, static_cast<int>(handle.records.size()), 0);
  const int list = lua_gettop(L);
  lua_Integer count = 0;
  std::vector<TopicPartition> stopped;  // partitions rewound to a record that could not be deserialized
  std::optional<std::size_t> first_failure;
  std::optional<schema::SchemaError> first_error;
  bool failure_on_key = false;
  for (std::size_t i = 0; i < handle.records.size(); ++i) {
    const ConsumerRecord& record = handle.records[i];
    TopicPartition tp{std::string(record.topic), record.partition};
    if (std::find(stopped.begin(), stopped.end(), tp) != stopped.end()) continue;
    push_record(L, record);
    if (handle.serdes.any()) {
      bool on_key = false;
      if (auto error = deserialize_record(L, handle, record, on_key)) {
        lua_settop(L, list);
        handle.consumer->seek(tp, record.offset);
        stopped.push_back(tp);
        if (!first_failure) first_failure = i, first_error = error, failure_on_key = on_key;
        continue;
      }
    }
    lua_rawseti(L, list, ++count);
  }
  if (count == 0 && first_failure) {
    const ConsumerRecord failed = handle.records[*first_failure];
    int pushed = push_deserialization_failure(L, failed, failure_on_key, *first_error);
    handle.records.clear();
    return pushed;
  }
  handle.records.clear();
  luaL_setmetatable(L, "klab.ConsumerRecords");
  return 1;
}

// subscribe(topic | {topics...} [, {on_assigned=, on_revoked=, on_lost=}])
int consumer_subscribe(lua_State* L) {
  refuse_nested("k:subscribe()");
  ConsumerHandle& handle = check_handle(L, 1, "subscribe");
  std::vector<std::string> topics;
  if (lua_type(L, 2) == LUA_TSTRING) {
    topics.emplace_back(lua_tostring(L, 2));
  } else {
    check_table(L, 2, "subscribe");
    for (lua_Integer i = 1; lua_rawgeti(L, 2, i) != LUA_TNIL; ++i) {
      if (lua_type(L, -1) != LUA_TSTRING) throw LuaArgError("subscribe: topics are names (strings)");
      topics.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (topics.empty()) throw LuaArgError("subscribe: give at least one topic (k:unsubscribe() leaves the group)");
  }
  std::optional<RebalanceListener> listener;
  if (!lua_isnoneornil(L, 3)) {
    check_table(L, 3, "subscribe");
    read_listeners(L, 3, *handle.callbacks, "subscribe");
    listener = make_listener(handle.callbacks);
  }
  Status subscribed = handle.consumer->subscribe(topics, listener);
  if (!subscribed) return push_kafka_error(L, subscribed.error());
  lua_pushboolean(L, true);
  return 1;
}

int consumer_unsubscribe(lua_State* L) {
  refuse_nested("k:unsubscribe()");
  check_handle(L, 1, "unsubscribe").consumer->unsubscribe();
  return 0;
}

// {{topic=, partition=, offset= [, metadata=]}, ...} -> offsets to commit.
std::map<TopicPartition, OffsetAndMetadata> offsets_at(lua_State* L, int index, const char* function) {
  std::map<TopicPartition, OffsetAndMetadata> offsets;
  check_table(L, index, function);
  for (lua_Integer i = 1; lua_rawgeti(L, index, i) != LUA_TNIL; ++i) {
    const int entry = lua_gettop(L);
    TopicPartition tp = topic_partition_at(L, entry, function);
    OffsetAndMetadata offset;
    if (raw_field(L, entry, "offset") != LUA_TNUMBER || !lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
      throw LuaArgError(fmt::format("{}: each entry is {{topic=, partition=, offset=n}} with a whole offset >= 0", function));
    offset.offset = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (raw_field(L, entry, "metadata") == LUA_TSTRING) offset.metadata = lua_tostring(L, -1);
    lua_pop(L, 1);
    offsets[tp] = offset;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return offsets;
}

int consumer_commit(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "commit");
  Status committed = lua_isnoneornil(L, 2) ? handle.consumer->commit_sync()
                                           : handle.consumer->commit_sync(offsets_at(L, 2, "commit"));
  if (!committed) return push_kafka_error(L, committed.error());
  lua_pushboolean(L, true);
  return 1;
}

// commit_async([offsets,] [function(err, offsets)]): the callback runs in a later poll (or close).
int consumer_commit_async(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "commit_async");
  int callback_index = 0, offsets_index = 0;
  for (int i = 2; i <= std::min(lua_gettop(L), 3); ++i) {
    if (lua_isfunction(L, i)) callback_index = i;
    else if (lua_istable(L, i)) offsets_index = i;
    else if (!lua_isnil(L, i)) throw LuaArgError("commit_async: arguments are [offsets] and [callback function]");
  }
  CommitCallback callback;
  if (callback_index) {
    lua_pushvalue(L, callback_index);
    const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    std::weak_ptr<LuaCallbacks> weak = handle.callbacks;
    callback = [weak, ref](const std::map<TopicPartition, OffsetAndMetadata>& offsets, const Error* error) {
      auto held = weak.lock();
      if (!held) return;
      lua_State* state = held->current;
      lua_rawgeti(state, LUA_REGISTRYINDEX, ref);
      luaL_unref(state, LUA_REGISTRYINDEX, ref);
      if (error) push_kafka_error(state, *error), lua_remove(state, -2);  // keep the err table only
      else lua_pushnil(state);
      lua_createtable(state, static_cast<int>(offsets.size()), 0);
      lua_Integer i = 0;
      for (const auto& [tp, offset] : offsets) {
        push_topic_partition(state, tp);
        lua_pushinteger(state, offset.offset), lua_setfield(state, -2, "offset");
        lua_rawseti(state, -2, ++i);
      }
      if (protected_call(state, 2, 0, 0) != LUA_OK) {
        std::string message = lua_type(state, -1) == LUA_TSTRING ? lua_tostring(state, -1) : "(a non-string error)";
        lua_pop(state, 1);
        throw LuaArgError("commit_async callback: " + message);
      }
    };
  }
  if (offsets_index) handle.consumer->commit_async(offsets_at(L, offsets_index, "commit_async"), std::move(callback));
  else handle.consumer->commit_async(std::move(callback));
  return 0;
}

int consumer_committed(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "committed");
  Result<std::optional<OffsetAndMetadata>> committed = handle.consumer->committed(topic_partition_at(L, 2, "committed"));
  if (!committed) return push_kafka_error(L, committed.error());
  if (!*committed) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, (*committed)->offset), lua_setfield(L, -2, "offset");
  lua_pushlstring(L, (*committed)->metadata.data(), (*committed)->metadata.size()), lua_setfield(L, -2, "metadata");
  if ((*committed)->leader_epoch >= 0) lua_pushinteger(L, (*committed)->leader_epoch), lua_setfield(L, -2, "leader_epoch");
  return 1;
}

int consumer_member(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "member");
  const Consumer& consumer = *handle.consumer;
  lua_createtable(L, 0, 4);
  lua_pushstring(L, consumer.member_id().c_str()), lua_setfield(L, -2, "member_id");
  lua_pushinteger(L, consumer.generation()), lua_setfield(L, -2, "generation");
  std::string_view state = member_state_name(consumer.member_state());
  lua_pushlstring(L, state.data(), state.size()), lua_setfield(L, -2, "state");
  if (consumer.group_protocol()) lua_pushstring(L, consumer.group_protocol()->c_str()), lua_setfield(L, -2, "protocol");
  return 1;
}

int consumer_metrics(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "metrics");
  const auto metrics = handle.consumer->metrics();
  lua_createtable(L, 0, static_cast<int>(metrics.size()));
  for (const auto& [name, value] : metrics) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name.c_str());
  }
  return 1;
}

int consumer_close(lua_State* L) {
  refuse_nested("k:close()");
  auto* handle = static_cast<ConsumerHandle*>(opt_userdata(L, 1, kConsumerType, "close"));
  if (!handle || !handle->consumer) return 0;
  handle->callbacks->current = L;
  Status closed = handle->consumer->closed() ? ok_status() : handle->consumer->close();
  destroy_object(L, 1, kConsumerType);
  if (!closed) return push_kafka_error(L, closed.error());
  lua_pushboolean(L, true);
  return 1;
}

int consumer_crash(lua_State* L) {
  refuse_nested("k:crash()");
  check_handle(L, 1, "crash").consumer->crash();
  return 0;
}

int consumer_tostring(lua_State* L) {
  auto* handle = static_cast<ConsumerHandle*>(opt_userdata(L, 1, kConsumerType, "__tostring"));
  std::string text = handle && handle->consumer ? fmt::format("klab consumer {} ({} partition(s) assigned)",
                                                    handle->consumer->client_id(), handle->consumer->assignment().size())
                                      : std::string("klab consumer (closed)");
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

const MethodDoc kConsumerMethods[] = {
    {"metrics", lua_entry<consumer_metrics>, "k:metrics() --> { [\"records-lag-max\"] = n, ... }",
     "Kafka's consumer-fetch-manager-metrics of this consumer, windowed as Kafka's client metrics are: "
     "records-lag-max, records-consumed-rate/-total, bytes-consumed-rate/-total, fetch-rate/-total. Per partition "
     "(records-lag = high watermark - position): c:metrics{ name = \"records-lag\" }. See help(\"metrics\")."},
    {"assign", lua_entry<consumer_assign>, "k:assign{ {topic=, partition=}, ... } --> true | nil, err",
     "Reads exactly these partitions, no consumer group involved (KafkaConsumer.assign). Replaces the previous "
     "assignment; positions of partitions kept in the assignment are kept."},
    {"assignment", lua_entry<consumer_assignment>, "k:assignment() --> { {topic=, partition=}, ... }",
     "The partitions currently assigned."},
    {"partitions_for", lua_entry<consumer_partitions_for>,
     "k:partitions_for(topic) --> { {topic=, partition=, leader=, replicas=, isr=}, ... }",
     "The topic's partitions; the list can be passed to assign."},
    {"seek", lua_entry<consumer_seek>, "k:seek({topic=, partition=}, offset)",
     "The next poll reads this partition from `offset`."},
    {"seek_to_beginning", lua_entry<consumer_seek_to_beginning>, "k:seek_to_beginning([partitions])",
     "Moves to the log start offset (all assigned partitions when none are given). Applied at the next "
     "poll or position call, as in Kafka."},
    {"seek_to_end", lua_entry<consumer_seek_to_end>, "k:seek_to_end([partitions])",
     "Moves to the log end offset: only records produced from now on are read."},
    {"position", lua_entry<consumer_position>, "k:position({topic=, partition=}) --> offset | nil, err",
     "The offset of the next record poll will return for this partition."},
    {"poll", lua_entry<consumer_poll>, "k:poll(timeout_ms) --> { record, ... } | nil, err",
     "Up to max.poll.records records {topic, partition, offset, timestamp, timestamp_type, key, value, headers}, "
     "in offset order per partition. When nothing is ready it lets up to timeout_ms simulated milliseconds pass "
     "waiting for data."},
    {"subscribe", lua_entry<consumer_subscribe>,
     "k:subscribe(topic | {topic, ...} [, {on_assigned=f, on_revoked=f, on_lost=f}]) --> true | nil, err",
     "Joins the consumer group group.id (INVALID_GROUP_ID without one) and reads the partitions the group "
     "assigns; the rebalance happens inside poll. Listener functions get the list of partitions."},
    {"unsubscribe", lua_entry<consumer_unsubscribe>, "k:unsubscribe()", "Leaves the group (revoking its partitions)."},
    {"commit", lua_entry<consumer_commit>, "k:commit([{ {topic=, partition=, offset=}, ... }]) --> true | nil, err",
     "commitSync: stores the positions of every assigned partition (or the offsets given) in __consumer_offsets "
     "and waits for the answer. The committed offset is the next record to read."},
    {"commit_async", lua_entry<consumer_commit_async>, "k:commit_async([offsets] [, function(err, offsets) end])",
     "commitAsync: sends the commit and returns at once; the callback runs in a later poll."},
    {"committed", lua_entry<consumer_committed>, "k:committed({topic=, partition=}) --> {offset, metadata} | nil",
     "The group's committed offset for the partition (nil when none), read from the coordinator."},
    {"member", lua_entry<consumer_member>, "k:member() --> {member_id, generation, state, protocol}",
     "This consumer's place in its group: member id, generation, state and the chosen assignor."},
    {"close", lua_entry<consumer_close>, "k:close() --> true | nil, err",
     "Closes the consumer as Kafka does: commits (with enable.auto.commit), revokes its partitions and leaves "
     "the group, so they move at once."},
    {"crash", lua_entry<consumer_crash>, "k:crash()",
     "The process dies: no commit, no LeaveGroup. Its partitions move only after session.timeout.ms (45 s by "
     "default), and what it read since its last commit is read again by the next owner."},
};

}  // namespace

int new_consumer(lua_State* L) {
  refuse_nested("c:consumer()");
  Cluster& cluster = check_cluster(L, 1, "consumer");
  ConfigEntries config;
  auto callbacks = std::make_shared<LuaCallbacks>();
  LuaSerdes serdes;
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  callbacks->main = lua_tothread(L, -1);
  lua_pop(L, 1);
  callbacks->current = L;
  std::shared_ptr<void> interceptors;
  if (!lua_isnoneornil(L, 2)) {
    check_table(L, 2, "consumer");
    interceptors = take_interceptors(L, 2, "consumer", false);
    // Listener and deserializer functions may sit beside the configs; the rest are Kafka consumer configs.
    read_listeners(L, 2, *callbacks, "consumer");
    serdes.key_function = ref_function_field(L, 2, "key.deserializer");
    serdes.value_function = ref_function_field(L, 2, "value.deserializer");
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
      const bool listener_key = lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1);
      if (listener_key) {
        lua_pop(L, 1);
        continue;
      }
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    }
    try {
      config = config_entries_from_table(L, -1, "consumer");
    } catch (...) {
      serdes.release(L);
      throw;
    }
    lua_pop(L, 1);
  }
  Result<std::unique_ptr<Consumer>> created = Consumer::create(cluster, config, make_listener(callbacks));
  std::optional<Error> failure;
  if (!created) failure = created.error();
  if (created) {
    Result<serde::ClientSerdes> kernel_serdes = serde::ClientSerdes::for_consumer(cluster, (*created)->config());
    if (kernel_serdes) serdes.kernel = std::move(*kernel_serdes);
    else failure = kernel_serdes.error();
  }
  if (failure) {
    serdes.release(L);
    throw LuaArgError("consumer: " + failure->message);
  }
  if (interceptors) (*created)->set_interceptors(consumer_interceptors(interceptors));
  push_client_handle(L, kConsumerType, ConsumerHandle{std::move(created).value(), {}, callbacks, std::move(serdes)});
  return 1;
}

const TypeDoc kConsumerTypeDoc{kConsumerType, "consumer",
                               "A Kafka consumer. Without a group it reads the partitions you assign, from positions "
                               "you set with seek or auto.offset.reset.",
                               kConsumerMethods};

void register_consumer_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<consumer_tostring>}};
  register_type(L, kConsumerTypeDoc, metamethods);
  // Poll results print as a table with these columns first.
  luaL_newmetatable(L, "klab.ConsumerRecords");
  const char* fields[] = {"topic", "partition", "offset", "timestamp", "key", "value"};
  lua_createtable(L, 6, 0);
  for (int i = 0; i < 6; ++i) {
    lua_pushstring(L, fields[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "__fields");
  lua_pop(L, 1);
}

}  // namespace klab
