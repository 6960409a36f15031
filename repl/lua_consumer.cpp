// klab.Consumer: a consumer that reads partitions it was assigned (no group yet):
// assign, assignment, partitions_for, seek, seek_to_beginning, seek_to_end, position, poll.
// A topic-partition is a plain table {topic = "orders", partition = 1}.
#include <fmt/format.h>

#include "client/consumer.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr const char* kConsumerType = "klab.Consumer";

struct ConsumerHandle {
  std::unique_ptr<Consumer> consumer;
  std::vector<ConsumerRecord> records;  // reused by every poll
};

ConsumerHandle& check_handle(lua_State* L, int index, const char* function) {
  auto* handle = static_cast<ConsumerHandle*>(check_userdata(L, index, kConsumerType, function));
  if (!handle->consumer) throw LuaArgError("this consumer was closed");
  return *handle;
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

int consumer_poll(lua_State* L) {
  ConsumerHandle& handle = check_handle(L, 1, "poll");
  int64_t timeout = opt_integer(L, 2, "poll").value_or(0);
  Result<std::size_t> polled = handle.consumer->poll(timeout, handle.records);
  if (!polled) return push_kafka_error(L, polled.error());
  lua_createtable(L, static_cast<int>(handle.records.size()), 0);
  for (std::size_t i = 0; i < handle.records.size(); ++i) {
    push_record(L, handle.records[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  handle.records.clear();
  luaL_setmetatable(L, "klab.ConsumerRecords");
  return 1;
}

int consumer_close(lua_State* L) {
  auto* handle = static_cast<ConsumerHandle*>(check_userdata(L, 1, kConsumerType, "close"));
  handle->consumer.reset();
  return 0;
}

int consumer_tostring(lua_State* L) {
  auto* handle = static_cast<ConsumerHandle*>(check_userdata(L, 1, kConsumerType, "__tostring"));
  std::string text = handle->consumer ? fmt::format("klab consumer {} ({} partition(s) assigned)",
                                                    handle->consumer->client_id(), handle->consumer->assignment().size())
                                      : std::string("klab consumer (closed)");
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int consumer_gc(lua_State* L) {
  auto* handle = static_cast<ConsumerHandle*>(luaL_testudata(L, 1, kConsumerType));
  if (handle) handle->~ConsumerHandle();
  return 0;
}

const MethodDoc kConsumerMethods[] = {
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
    {"close", lua_entry<consumer_close>, "k:close()", "Releases the consumer."},
};

}  // namespace

int new_consumer(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "consumer");
  ConfigEntries config;
  if (!lua_isnoneornil(L, 2)) {
    check_table(L, 2, "consumer");
    config = config_entries_from_table(L, 2, "consumer");
  }
  Result<std::unique_ptr<Consumer>> created = Consumer::create(cluster, config);
  if (!created) throw LuaArgError("consumer: " + created.error().message);
  push_client_handle(L, kConsumerType, ConsumerHandle{std::move(created).value(), {}});
  return 1;
}

const TypeDoc kConsumerTypeDoc{kConsumerType, "consumer",
                               "A Kafka consumer. Without a group it reads the partitions you assign, from positions "
                               "you set with seek or auto.offset.reset.",
                               kConsumerMethods};

void register_consumer_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__gc", consumer_gc}, {"__tostring", lua_entry<consumer_tostring>}};
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
